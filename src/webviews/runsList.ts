/** Past and current runs of this paper; clicking one shows its plots, outputs and claims. */
import { PanelOpenRun, type RunListItem } from '../shared/webviewProtocol';
import { clear, h } from './dom';
import { formatTimestamp } from './format';
import type { HostChannel } from './vscodeApi';

export class RunsList {
  readonly element: HTMLElement;
  private runs: readonly RunListItem[] = [];
  private shown: string | undefined;
  private live: string | undefined;

  constructor(private readonly host: HostChannel) {
    this.element = h('ul', { id: 'runs-list', class: 'runs-list', 'aria-label': 'Runs of this paper' });
  }

  update(runs: readonly RunListItem[]): void {
    this.runs = [...runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    this.render();
  }

  mark(shown: string | undefined, live: string | undefined): void {
    this.shown = shown;
    this.live = live;
    this.render();
  }

  /** Records a run's new status (e.g. when it ends) before the host sends a fresh list. */
  setStatus(folder: string, status: RunListItem['status']): void {
    this.runs = this.runs.map((r) => (r.folder === folder ? { ...r, status } : r));
    this.render();
  }

  has(folder: string): boolean {
    return this.runs.some((r) => r.folder === folder);
  }

  private render(): void {
    clear(this.element);
    if (this.runs.length === 0) {
      this.element.appendChild(h('li', { class: 'muted empty' }, 'No runs yet.'));
      return;
    }
    for (const run of this.runs) {
      const isLive = run.folder === this.live || run.status === 'running';
      const isShown = run.folder === this.shown;
      const button = h(
        'button',
        {
          type: 'button',
          class: 'run-item',
          'aria-current': isShown ? 'true' : undefined,
          title: `Show run ${run.folder}`,
        },
        h('span', { class: `status status-${run.status}` }, isLive ? 'live' : run.status),
        h('span', { class: 'run-name' }, `${run.demo} · ${run.preset} · seed ${run.seed}`),
        h(
          'span',
          { class: 'run-meta muted' },
          [formatTimestamp(run.startedAt), run.backend, run.claimsLine].filter(Boolean).join(' · '),
        ),
      );
      button.addEventListener('click', () => this.host.post(PanelOpenRun.create({ folder: run.folder })));
      this.element.appendChild(
        h(
          'li',
          {
            'data-run': run.folder,
            class: [isShown ? 'shown' : '', isLive ? 'live' : ''].join(' ').trim() || undefined,
          },
          button,
        ),
      );
    }
  }
}
