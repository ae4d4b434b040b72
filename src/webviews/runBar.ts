/**
 * The run bar: a strip that stays at the top of the panel while it scrolls, with what a run needs
 * at any moment: Run and Stop, the preset the form holds, the progress line, the claims verdict of
 * the run on screen, and links to the panel's sections. The progress line and bar are owned by the
 * panel and placed here.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { VscodeButton } from '@vscode-elements/elements/dist/vscode-button/vscode-button.js';
import type { ClaimsVerdict } from '../shared/verdict';
import { verdictLine } from '../shared/verdict';
import type { RunStatus } from '../shared/runs';
import { h } from './dom';

export interface RunBarEvents {
  run(): void;
  stop(): void;
  /** Scrolls to a section of the panel by its element id. */
  jump(id: string): void;
}

/** The sections the bar links to, by element id. */
const JUMPS: readonly (readonly [string, string])[] = [
  ['explanation', 'Explanation'],
  ['equations', 'Equations'],
  ['demo', 'Configure'],
  ['results', 'Results'],
  ['runs', 'Runs'],
];

export class RunBar {
  readonly element: HTMLElement;
  private readonly title = h('span', { class: 'run-bar-title' });
  private readonly preset = h('span', { class: 'run-bar-preset muted' });
  private readonly verdict = h('span', { id: 'run-verdict', class: 'verdict-chip', hidden: true });
  private readonly runButton: VscodeButton;
  private readonly stopButton: VscodeButton;

  constructor(progress: HTMLElement, progressBar: HTMLElement, events: RunBarEvents) {
    this.runButton = h('vscode-button', { id: 'bar-run-button', title: 'Train with the configuration below' }, 'Run');
    this.stopButton = h(
      'vscode-button',
      { id: 'bar-stop-button', secondary: true, disabled: true, title: 'Stop the running demo' },
      'Stop',
    );
    this.runButton.addEventListener('click', () => events.run());
    this.stopButton.addEventListener('click', () => events.stop());
    const nav = h('nav', { class: 'run-bar-nav', 'aria-label': 'Panel sections' });
    for (const [id, label] of JUMPS) {
      const a = h('a', { href: `#${id}`, 'data-jump': id }, label);
      a.addEventListener('click', (e) => {
        e.preventDefault();
        events.jump(id);
      });
      nav.appendChild(a);
    }
    this.element = h(
      'div',
      { id: 'run-bar', class: 'run-bar', role: 'region', 'aria-label': 'Run' },
      h(
        'div',
        { class: 'run-bar-row' },
        h('span', { class: 'run-bar-what' }, this.title, this.preset),
        h('span', { class: 'run-bar-buttons' }, this.runButton, this.stopButton),
      ),
      h('div', { class: 'run-bar-row run-bar-status' }, progress, this.verdict),
      progressBar,
      nav,
    );
  }

  /** The demo the form below configures, and the preset it holds ("quick", or "quick, edited"). */
  setDemo(title: string, preset: string): void {
    this.title.textContent = title;
    this.preset.textContent = preset ? ` · preset ${preset}` : '';
    this.runButton.title = preset ? `Train with the configuration below (preset ${preset})` : 'Train';
  }

  setRunning(running: boolean): void {
    this.runButton.disabled = running;
    this.stopButton.disabled = !running;
  }

  /** The claims verdict of the run on screen; hidden while none is known. */
  setVerdict(verdict: ClaimsVerdict | undefined, status: RunStatus | undefined): void {
    const line = verdict && status ? verdictLine(verdict, status) : '';
    this.verdict.hidden = line === '';
    this.verdict.textContent = line;
    this.verdict.className = `verdict-chip ${verdict?.kind ?? 'none'}`;
  }
}
