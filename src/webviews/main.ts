/**
 * The paper panel: header, explanation, equations with their code locations, and the demo
 * (form, live plots, progress, outputs, claims, runs). Talks to the host only through the
 * typed messages of `webviewProtocol`.
 */
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import type { VscodeProgressBar } from '@vscode-elements/elements/dist/vscode-progress-bar/vscode-progress-bar.js';
import { isRecord } from '../shared/messages';
import type { RunRecord, RunSummary } from '../shared/runs';
import { claimsVerdict } from '../shared/verdict';
import {
  PanelOpenLink,
  PanelOpenRun,
  PanelQuery,
  PanelReady,
  PanelRunSeeds,
  PanelStartRun,
  PanelStopRun,
  PanelValidateConfig,
  type DemoView,
  type HostInit,
  type HostToPanel,
  type PaperView,
  type RunSetEntry,
} from '../shared/webviewProtocol';
import { ClaimsTable } from './claims';
import { ComparisonView } from './comparison';
import { DemoForm } from './demoForm';
import { clear, h } from './dom';
import { EquationList } from './equations';
import { formatDuration, formatProgress } from './format';
import { readPanelState, type DemoFormState, type PanelState } from './formModel';
import { renderMarkdown } from './math';
import { OutputsView } from './outputs';
import { QueriesView } from './queries';
import { PlotsView } from './plots';
import { RunBar } from './runBar';
import { RunsList } from './runsList';
import { connect, type HostChannel } from './vscodeApi';

const HOST_MESSAGE_TYPES: ReadonlySet<string> = new Set<HostToPanel['type']>([
  'init',
  'focusEquation',
  'locations',
  'runs',
  'runStarted',
  'runMetrics',
  'runOutput',
  'runProgress',
  'runStage',
  'runEnded',
  'runLoaded',
  'runSet',
  'configErrors',
  'runNotStarted',
  'backend',
  'queryResult',
]);

function isHostMessage(value: unknown): value is HostToPanel {
  return isRecord(value) && typeof value['type'] === 'string' && HOST_MESSAGE_TYPES.has(value['type']);
}

function section(id: string, title: string, ...children: HTMLElement[]): HTMLElement {
  return h(
    'section',
    { id, class: 'panel-section', 'aria-labelledby': `${id}-heading` },
    h('h2', { id: `${id}-heading` }, title),
    ...children,
  );
}

class PaperPanel {
  private paper: PaperView | undefined;
  private state: PanelState | undefined;
  private equations: EquationList | undefined;
  private form: DemoForm | undefined;
  private demoId: string | undefined;
  private backend = '';
  private defaultSeed = 0;
  /** The run whose plots and outputs are on screen, and the run training now (if any). */
  private shownRun: RunRecord | undefined;
  /** The shown run's folder (the host names runs by folder; a live run's folder is its runId). */
  private shownFolder: string | undefined;
  private liveRunId: string | undefined;
  private pendingFocus: string | undefined;
  /** Run was pressed and the host has not answered with the run or with errors yet. */
  private startRequested = false;
  /** The live run has reported a step (stages no longer replace the progress line). */
  private stepped = false;

  private readonly plots = new PlotsView();
  private readonly outputs = new OutputsView();
  private readonly queries = new QueriesView((runId, query, input) =>
    this.host.post(PanelQuery.create({ folder: runId, query, input })),
  );
  private readonly claims = new ClaimsTable();
  private readonly comparison = new ComparisonView();
  private readonly runs: RunsList;
  private readonly progressText = h('p', { id: 'progress', class: 'progress', 'aria-live': 'polite' }, 'Not running.');
  private readonly progressBar: VscodeProgressBar = h('vscode-progress-bar', {
    class: 'progress-bar',
    hidden: true,
    max: 1,
  });
  private readonly resultsTitle = h('p', { class: 'results-title muted' });
  private readonly demoHost = h('div', { class: 'demo-host' });
  private readonly results = h('div', { id: 'results', class: 'results' });
  private readonly runBar: RunBar;
  /** The run the panel reopens after a reload: shown where the reader left it, not scrolled to. */
  private restoring: string | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: HostChannel,
  ) {
    this.runs = new RunsList(host);
    this.runBar = new RunBar(this.progressText, this.progressBar, {
      run: () => this.form?.requestRun(),
      stop: () => {
        if (this.liveRunId) this.host.post(PanelStopRun.create({ folder: this.liveRunId }));
      },
      jump: (id) => this.scrollToSection(id),
    });
    // Live regions are set on the progress line only; a live region around everything would read out every plot update.
    root.removeAttribute('aria-live');
    this.state = readPanelState(host.getState());
    root.appendChild(h('p', { class: 'muted loading' }, 'Loading the paper…'));
  }

  handle(message: HostToPanel): void {
    switch (message.type) {
      case 'init':
        this.init(message);
        break;
      case 'focusEquation':
        if (this.equations) this.equations.focus(message.ref);
        else this.pendingFocus = message.ref;
        break;
      case 'locations':
        this.equations?.setLocations(message.locations);
        break;
      case 'runs':
        this.runs.update(message.runs);
        break;
      case 'backend':
        this.backend = message.backend;
        if (!this.liveRunId) this.progressText.textContent = this.idleText();
        break;
      case 'configErrors':
        if (message.demo === this.demoId) this.form?.showHostErrors(message.errors);
        // The host refused a run the form asked for: say so where "Starting…" was.
        if (this.startRequested && message.errors.length > 0 && !this.liveRunId) {
          this.startRequested = false;
          this.progressText.textContent = `Not started: ${message.errors.join('; ')}`;
        }
        break;
      case 'runNotStarted':
        if (this.startRequested && !this.liveRunId && message.demo === this.demoId) {
          this.startRequested = message.queued;
          this.progressText.textContent = message.reason;
        }
        break;
      case 'runStarted':
        this.startRequested = false;
        this.liveRunId = message.record.runId;
        this.stepped = false;
        this.showRun(message.record, true);
        this.setRunning(true);
        this.progressText.textContent = `Starting ${message.record.runId}…`;
        this.progressBar.hidden = false;
        this.progressBar.indeterminate = true;
        // A run started here or from a command: its live plots come into view.
        this.scrollToSection('results');
        break;
      case 'runMetrics':
        if (message.runId === this.shownRun?.runId) this.plots.add(message.points);
        break;
      case 'runOutput':
        if (message.runId === this.shownRun?.runId) this.outputs.show(message.output);
        break;
      case 'runStage':
        // Until the first step the progress line says what the run is doing, not only "Starting…".
        if (message.runId === this.liveRunId && message.runId === this.shownRun?.runId && !this.stepped)
          this.progressText.textContent = message.text;
        break;
      case 'runProgress':
        this.stepped = message.runId === this.liveRunId || this.stepped;
        if (message.runId === this.liveRunId && message.runId === this.shownRun?.runId) {
          if (message.backend) this.backend = message.backend;
          this.progressText.textContent = formatProgress({
            step: message.step,
            total: message.total,
            stepsPerSecond: message.stepsPerSecond,
            backend: message.backend ?? this.backend,
            stepLabel: this.demoOf(this.shownRun)?.stepLabel ?? 'step',
          });
          this.progressBar.indeterminate = false;
          this.progressBar.max = Math.max(1, message.total);
          this.progressBar.value = Math.min(message.step, message.total);
        }
        break;
      case 'runEnded':
        if (message.record.runId === this.liveRunId) {
          this.liveRunId = undefined;
          this.setRunning(false);
        }
        if (message.record.runId === this.shownRun?.runId) {
          this.plots.flush();
          this.shownRun = message.record;
          this.finish(message.record, message.summary);
        }
        this.runs.setStatus(message.record.runId, message.record.status);
        this.runs.mark(this.shownFolder, this.liveRunId);
        break;
      case 'queryResult':
        this.queries.answer(message);
        break;
      case 'runSet':
        this.showRunSet(message.demo, message.entries);
        break;
      case 'runLoaded':
        if (message.live) this.liveRunId = message.folder;
        this.showRun(message.record, message.live, message.folder);
        this.setRunning(this.liveRunId !== undefined);
        this.plots.add(message.points);
        this.plots.flush();
        for (const out of message.outputs) this.outputs.show(out);
        if (message.live) {
          this.progressText.textContent = `Running ${message.record.runId}…`;
          this.progressBar.hidden = false;
        } else this.finish(message.record, message.summary);
        // Reopened from the tree or a command: the run comes into view; restored after a reload: left where it was.
        if (message.folder !== this.restoring) this.scrollToSection('results');
        this.restoring = undefined;
        break;
    }
  }

  /** Scrolls a section to the top of the panel, just below the run bar. */
  private scrollToSection(id: string): void {
    const target = document.getElementById(id);
    if (!target) return;
    requestAnimationFrame(() => {
      const top = target.getBoundingClientRect().top + window.scrollY - this.runBar.element.offsetHeight - 8;
      window.scrollTo({ top: Math.max(0, top) });
    });
  }

  private setRunning(running: boolean): void {
    this.form?.setRunning(running);
    this.runBar.setRunning(running);
  }

  // ---------------------------------------------------------------------------------------------

  private init(message: HostInit): void {
    const { paper } = message;
    this.paper = paper;
    this.backend = message.backend;
    this.defaultSeed = message.defaultSeed;
    if (this.state?.paper !== paper.meta.id) this.state = { paper: paper.meta.id, forms: {} };
    document.title = paper.meta.title;
    clear(this.root);
    this.plots.reset([]);
    this.outputs.reset([]);

    this.equations = new EquationList(paper.equations, this.host);
    this.equations.setLocations(message.locations);
    this.runs.update(message.runs);

    const explanation = h('div', { class: 'explanation' });
    renderMarkdown(explanation, paper.explanation);

    // The host's page may already provide the <main> landmark as the root.
    const main = h(
      this.root.tagName === 'MAIN' ? 'div' : 'main',
      { class: 'paper' },
      this.header(paper),
      this.runBar.element,
      section('explanation', 'Explanation', explanation),
      section('equations', 'Key equations', this.equations.element),
      section('demo', 'Demo', this.demoHost),
    );
    this.root.appendChild(main);

    const demos = paper.demos;
    const wanted = this.state.demo;
    this.selectDemo(demos.find((d) => d.id === wanted) ?? demos[0]);

    const focus = message.focus ?? this.pendingFocus;
    this.pendingFocus = undefined;
    if (focus) requestAnimationFrame(() => this.equations?.focus(focus));

    // Reopen the run that was shown before a reload, if it still exists.
    const shown = this.state.shownRun;
    if (shown && this.runs.has(shown)) {
      this.restoring = shown;
      this.host.post(PanelOpenRun.create({ folder: shown }));
    }
  }

  private header(paper: PaperView): HTMLElement {
    const { meta } = paper;
    const links: [string, string | undefined][] = [
      ['OpenReview', meta.links.openreview],
      ['arXiv', meta.links.arxiv],
      ['Official code', meta.links.code],
    ];
    const nav = h('nav', { class: 'links', 'aria-label': 'Paper links' });
    for (const [label, url] of links) {
      if (!url || !/^https:\/\//.test(url)) continue;
      const a = h('a', { href: url, title: url }, label);
      a.addEventListener('click', (e) => {
        e.preventDefault();
        this.host.post(PanelOpenLink.create({ url }));
      });
      nav.appendChild(a);
    }
    return h(
      'header',
      { class: 'paper-header' },
      h('h1', { id: 'paper-title' }, meta.title),
      h('p', { class: 'authors' }, meta.authors.join(', ')),
      h('p', { class: 'venue muted' }, meta.venue),
      meta.tagline ? h('p', { class: 'tagline' }, meta.tagline) : null,
      nav,
    );
  }

  private demoOf(record: RunRecord | undefined): DemoView | undefined {
    return record ? this.paper?.demos.find((d) => d.id === record.demo) : undefined;
  }

  private selectDemo(demo: DemoView | undefined): void {
    this.form?.dispose();
    this.form = undefined;
    clear(this.demoHost);
    const paper = this.paper;
    if (!paper || !demo) {
      this.demoHost.appendChild(h('p', { class: 'not-available' }, 'This paper has no demo.'));
      return;
    }
    this.demoId = demo.id;
    this.saveState({ demo: demo.id });

    if (paper.demos.length > 1) {
      const picker = h('vscode-single-select', { id: 'demo-select', 'aria-label': 'Demo' });
      for (const d of paper.demos) {
        picker.appendChild(h('vscode-option', { value: d.id, selected: d.id === demo.id }, d.title));
      }
      picker.addEventListener('change', () => this.selectDemo(paper.demos.find((d) => d.id === picker.value)));
      this.demoHost.appendChild(
        h(
          'div',
          { class: 'field-row demo-picker' },
          h('label', { for: 'demo-select', class: 'field-label' }, 'Demo'),
          h('div', { class: 'field-control' }, picker),
        ),
      );
    }
    this.demoHost.appendChild(h('h3', { class: 'demo-title' }, demo.title));
    this.demoHost.appendChild(h('p', { class: 'demo-description' }, demo.description));

    this.form = new DemoForm(demo, this.state?.forms[demo.id], this.defaultSeed, {
      change: (s) => {
        this.saveForm(demo.id, s);
        if (this.form) this.runBar.setDemo(demo.title, this.form.presetLabel());
      },
      run: (request) => {
        this.host.post(
          PanelStartRun.create({ demo: demo.id, preset: request.preset, config: request.config, seed: request.seed }),
        );
        this.startRequested = true;
        this.progressText.textContent = 'Starting…';
      },
      runSeeds: (request) =>
        this.host.post(PanelRunSeeds.create({ demo: demo.id, preset: request.preset, config: request.config })),
      stop: () => {
        if (this.liveRunId) this.host.post(PanelStopRun.create({ folder: this.liveRunId }));
      },
      validate: (config) => this.host.post(PanelValidateConfig.create({ demo: demo.id, config })),
    });
    this.setRunning(this.liveRunId !== undefined);
    this.runBar.setDemo(demo.title, this.form.presetLabel());

    this.demoHost.append(this.form.element, this.results, section('runs', 'Runs', this.runs.element));
    if (!this.shownRun || this.shownRun.demo !== demo.id) this.showEmpty(demo);
  }

  /** The results area for a demo before any run is shown. */
  private showEmpty(demo: DemoView): void {
    clear(this.results);
    this.resultsTitle.textContent = 'Press Run to train; plots update live.';
    this.plots.reset(demo.plots);
    this.outputs.reset(demo.outputs);
    this.claims.showPending(demo.claims, 'Claims this demo checks; measured when a run ends.');
    this.results.append(
      this.resultsTitle,
      h('h3', {}, 'Live plots'),
      this.plots.element,
      h('h3', {}, 'Outputs'),
      this.outputs.element,
      this.queries.element,
      h('h3', {}, 'Claims'),
      this.claims.element,
    );
    this.queries.show(undefined, []);
    this.progressText.textContent = this.idleText();
  }

  /** Several runs of one demo in the results area, instead of one run's live plots and outputs. */
  private showRunSet(demoId: string, entries: readonly RunSetEntry[]): void {
    const demo = this.paper?.demos.find((d) => d.id === demoId);
    if (!demo || entries.length === 0) return;
    if (demo.id !== this.demoId) this.selectDemo(demo);
    this.shownRun = undefined;
    this.shownFolder = undefined;
    this.runs.mark(undefined, this.liveRunId);
    this.saveState({ shownRun: undefined });
    clear(this.results);
    this.plots.reset([]);
    this.resultsTitle.textContent = this.comparison.show(demo, entries);
    this.results.append(this.resultsTitle, this.comparison.element);
    this.runBar.setVerdict(undefined, undefined);
    this.scrollToSection('results');
  }

  private idleText(): string {
    return this.backend ? `Not running. Backend: ${this.backend}.` : 'Not running.';
  }

  /** Clears the results area and prepares it for a run (live or loaded). */
  private showRun(record: RunRecord, live: boolean, folder: string = record.runId): void {
    const demo = this.demoOf(record);
    if (!demo) return;
    if (demo.id !== this.demoId) this.selectDemo(demo);
    this.shownRun = record;
    this.shownFolder = folder;
    this.showEmpty(demo);
    this.resultsTitle.textContent = `${live ? 'Live run' : 'Run'} ${record.runId} · preset ${record.preset} · seed ${record.seed}`;
    this.claims.showPending(
      demo.claims.filter((c) => c.presets === undefined || c.presets.includes(record.preset)),
      live ? 'Measured when the run ends.' : 'This run has no summary.',
    );
    this.progressBar.hidden = !live;
    this.runBar.setVerdict(undefined, undefined);
    this.runs.mark(folder, this.liveRunId);
    this.saveState({ shownRun: folder });
  }

  private finish(record: RunRecord, summary: RunSummary | undefined): void {
    const demo = this.demoOf(record);
    this.progressBar.hidden = true;
    const backend = record.backend?.chosen ?? this.backend;
    const seconds = summary?.trainSeconds ?? record.trainSeconds;
    const parts = [`Run ${record.status}`];
    if (summary) parts.push(`${summary.steps} ${demo?.stepLabel ?? 'step'}${summary.steps === 1 ? '' : 's'}`);
    if (seconds !== undefined) parts.push(`in ${formatDuration(seconds)}`);
    if (backend) parts.push(`on ${backend}`);
    this.progressText.textContent = parts.join(' ') + (record.error ? `. Error: ${record.error}` : '.');
    this.resultsTitle.textContent = `Run ${record.runId} · preset ${record.preset} · seed ${record.seed} · ${record.status}`;
    // A run that ended before writing a summary (stopped or failed while starting) is not judged either:
    // its claims are listed as not evaluated, none measured.
    const judged = summary ?? (demo && record.status !== 'completed' ? unmeasured(record, demo) : undefined);
    if (demo && judged) this.claims.showSummary(demo.claims, judged);
    this.runBar.setVerdict(judged ? claimsVerdict(record.status, judged.claims) : undefined, record.status);
    this.queries.show(record.status === 'completed' ? this.shownFolder : undefined, demo?.queries ?? []);
  }

  private saveForm(demo: string, form: DemoFormState): void {
    this.saveState({ forms: { ...(this.state?.forms ?? {}), [demo]: form } });
  }

  private saveState(patch: Partial<PanelState>): void {
    if (!this.state) return;
    this.state = { ...this.state, ...patch };
    this.host.setState(this.state);
  }
}

/** The summary of a run that ended without one: each claim it would have checked, unmeasured. */
function unmeasured(record: RunRecord, demo: DemoView): RunSummary {
  const claims = demo.claims
    .filter((c) => c.presets === undefined || c.presets.includes(record.preset))
    .map((c) => ({
      id: c.id,
      text: c.text,
      measured: null,
      target: c.target,
      pass: false,
      ...(c.unit !== undefined ? { unit: c.unit } : {}),
      ...(c.caveat !== undefined ? { caveat: c.caveat } : {}),
    }));
  return { runId: record.runId, status: record.status, results: {}, claims, trainSeconds: 0, steps: 0 };
}

function start(): void {
  const host = connect();
  const root = document.getElementById('app') ?? document.body;
  const panel = new PaperPanel(root, host);
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isHostMessage(event.data)) panel.handle(event.data);
  });
  host.post(PanelReady.create({}));
}

start();
