/**
 * The paper panel: one webview per paper with the explanation, the equations and their code
 * locations, and the demo (form, live plots, outputs, claims). Restored after a reload.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { explanationPath, isPaperId, type PaperId } from '../shared/catalog';
import { isRecord } from '../shared/messages';
import {
  isPanelToHost,
  startRunErrors,
  toPaperView,
  type HostToPanel,
  type PanelToHost,
  type RunSetEntry,
} from '../shared/webviewProtocol';
import { validateConfig } from '../shared/config';
import type { RunOutput } from '../shared/outputs';
import { findDemo, getPaper } from '../models/catalog';
import type { AnnotationIndex } from './annotationIndex';
import { Disposable } from './lifecycle';
import { ConfigError, type RunEvent, type RunManager } from './runManager';
import type { BackendStatus } from './backendStatus';
import { defaultSeed } from './settings';
import { admitRun } from './secondRun';
import type { SourceViewer } from './sourceView';

export const PANEL_VIEW_TYPE = 'paperLab.paper';

interface Services {
  readonly extensionUri: vscode.Uri;
  readonly runs: RunManager;
  readonly annotations: AnnotationIndex;
  readonly backend: BackendStatus;
  readonly log: vscode.LogOutputChannel;
  readonly sources: SourceViewer;
}

/** Owns the open panels (at most one per paper). */
export class PaperPanels extends Disposable implements vscode.WebviewPanelSerializer {
  private readonly panels = new Map<PaperId, PaperPanel>();

  constructor(private readonly services: Services) {
    super();
    this.register(vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, this));
    this.register({ dispose: () => [...this.panels.values()].forEach((p) => p.dispose()) });
  }

  /** Opens (or reveals) the panel of a paper, optionally scrolled to an equation or showing a run. */
  open(paper: PaperId, options: { focus?: string; runId?: string; runSet?: readonly string[] } = {}): PaperPanel {
    let panel = this.panels.get(paper);
    if (panel) {
      panel.reveal();
    } else {
      const webviewPanel = vscode.window.createWebviewPanel(
        PANEL_VIEW_TYPE,
        panelTitle(paper),
        vscode.ViewColumn.Active,
        webviewOptions(this.services.extensionUri),
      );
      panel = this.adopt(paper, webviewPanel);
    }
    if (options.focus) panel.focusEquation(options.focus);
    if (options.runId) panel.showRun(options.runId);
    if (options.runSet) panel.showRunSet(options.runSet);
    return panel;
  }

  get(paper: PaperId): PaperPanel | undefined {
    return this.panels.get(paper);
  }

  async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const paper = isRecord(state) && isPaperId(state['paper']) ? state['paper'] : undefined;
    if (!paper || this.panels.has(paper)) {
      webviewPanel.dispose();
      return;
    }
    webviewPanel.webview.options = webviewOptions(this.services.extensionUri);
    this.adopt(paper, webviewPanel);
  }

  private adopt(paper: PaperId, webviewPanel: vscode.WebviewPanel): PaperPanel {
    const panel = new PaperPanel(paper, webviewPanel, this.services);
    this.panels.set(paper, panel);
    panel.onDidDispose(() => this.panels.delete(paper));
    return panel;
  }
}

function panelTitle(paper: PaperId): string {
  return `${getPaper(paper).meta.shortName} · Paper Lab`;
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** One paper's panel: renders the page, relays run events, and acts on validated messages. */
export class PaperPanel extends Disposable {
  private ready = false;
  private pendingFocus: string | undefined;
  private pendingRun: string | undefined;
  private pendingRunSet: readonly string[] | undefined;
  private readonly disposeEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    readonly paper: PaperId,
    private readonly panel: vscode.WebviewPanel,
    private readonly services: Services,
  ) {
    super();
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'paper-lab.svg');
    panel.webview.html = this.html();
    this.register(panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)));
    this.register(panel.onDidDispose(() => this.dispose()));
    this.register(services.runs.onDidRunEvent((e) => this.onRunEvent(e)));
    this.register(services.runs.onDidChangeRuns(() => this.post({ type: 'runs', runs: services.runs.list(paper) })));
    this.register(services.annotations.onDidChange(() => void this.sendLocations()));
    this.register(services.backend.onDidChange((b) => this.post({ type: 'backend', backend: b })));
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.disposeEmitter.fire();
    super.dispose();
    this.panel.dispose();
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  focusEquation(ref: string): void {
    if (this.ready) this.post({ type: 'focusEquation', ref });
    else this.pendingFocus = ref;
  }

  showRun(runId: string): void {
    if (this.ready) this.sendRun(runId);
    else this.pendingRun = runId;
  }

  /** Shows the runs in these folders together (all of one demo of this paper). */
  showRunSet(folders: readonly string[]): void {
    if (this.ready) this.sendRunSet(folders);
    else this.pendingRunSet = folders;
  }

  private post(message: HostToPanel): void {
    if (this.isDisposed) return;
    // Before `ready`, nothing is posted: `init` then carries the whole state.
    if (!this.ready) return;
    void this.panel.webview.postMessage(message);
  }

  private async onMessage(message: unknown): Promise<void> {
    if (!isPanelToHost(message)) {
      this.services.log.warn(`Ignored a malformed message from the ${this.paper} panel`);
      return;
    }
    const m: PanelToHost = message;
    switch (m.type) {
      case 'ready':
        await this.sendInit();
        return;
      case 'startRun':
        await this.startRun(m.demo, m.preset, m.config, m.seed);
        return;
      case 'runSeeds': {
        const refused = startRunErrors(getPaper(this.paper).demos, m);
        const demo = findDemo(this.paper, m.demo);
        const errors = refused.length > 0 || !demo ? refused : validateConfig(demo, m.config).errors;
        if (errors.length > 0) this.post({ type: 'configErrors', demo: m.demo, errors });
        else
          await vscode.commands.executeCommand('paperLab.runSeeds', {
            paper: this.paper,
            demo: m.demo,
            preset: m.preset,
            config: m.config,
          });
        return;
      }
      case 'stopRun':
        if (this.services.runs.list(this.paper).some((r) => r.folder === m.folder)) this.services.runs.stop(m.folder);
        return;
      case 'openRun':
        if (this.services.runs.list(this.paper).some((r) => r.folder === m.folder)) this.sendRun(m.folder);
        return;
      case 'openLocation':
        if (await this.services.annotations.isKnownLocation(m.uri, m.line))
          await this.services.sources.openLocation(vscode.Uri.parse(m.uri), m.line, vscode.ViewColumn.Beside);
        else this.services.log.warn(`Refused to open a location the panel was not given: ${m.uri}`);
        return;
      case 'openLink': {
        const links = Object.values(getPaper(this.paper).meta.links);
        if (links.includes(m.url)) await vscode.env.openExternal(vscode.Uri.parse(m.url));
        else this.services.log.warn(`Refused to open a link that is not the paper's: ${m.url}`);
        return;
      }
      case 'query':
        await this.answerQuery(m.folder, m.query, m.input);
        return;
      case 'validateConfig': {
        const demo = findDemo(this.paper, m.demo);
        const errors = demo ? validateConfig(demo, m.config).errors : [`demo: unknown demo "${m.demo}"`];
        this.post({ type: 'configErrors', demo: m.demo, errors });
        return;
      }
    }
  }

  private async startRun(
    demo: string,
    preset: string,
    config: Readonly<Record<string, unknown>>,
    seed: number,
  ): Promise<void> {
    // The panel's message is untrusted: a demo or preset this paper does not have is refused here,
    // with the reason shown in the panel, rather than run with some other preset.
    const refused = startRunErrors(getPaper(this.paper).demos, { demo, preset });
    if (refused.length > 0) {
      this.services.log.warn(`Refused a run from the ${this.paper} panel: ${refused.join('; ')}`);
      this.post({ type: 'configErrors', demo, errors: refused });
      return;
    }
    const what = `${getPaper(this.paper).meta.shortName} · ${preset}`;
    const admission = await admitRun(this.services.runs, what, () =>
      this.post({
        type: 'runNotStarted',
        demo,
        reason: 'Queued: starts when the run training now ends.',
        queued: true,
      }),
    );
    if (admission === 'cancelled') {
      this.post({ type: 'runNotStarted', demo, reason: 'Not started: cancelled.', queued: false });
      return;
    }
    try {
      await this.services.runs.start({ paper: this.paper, demo, preset, config, seed });
    } catch (error) {
      if (error instanceof ConfigError) {
        this.post({ type: 'configErrors', demo, errors: error.errors });
      } else {
        const text = error instanceof Error ? error.message : String(error);
        void vscode.window.showErrorMessage(`Paper Lab: could not start the run: ${text}`);
      }
    }
  }

  /**
   * Answers a question about a finished run of this paper: the paper's model code answers from
   * the checkpoint the run saved, in a worker of its own.
   */
  private async answerQuery(folder: string, queryId: string, input: string): Promise<void> {
    const reply = (result: { output?: RunOutput; error?: string }): void =>
      this.post({ type: 'queryResult', folder, query: queryId, input, ...result });
    const record = this.services.runs.store.readRecord(folder);
    if (!record || record.paper !== this.paper) return reply({ error: 'That run is not one of this paper.' });
    const query = findDemo(this.paper, record.demo)?.queries?.find((q) => q.id === queryId);
    if (!query) return reply({ error: `This demo has no query "${queryId}".` });
    if (this.services.runs.isLive(folder))
      return reply({ error: 'The run is still training; ask again when it ends.' });
    const checkpointFile = this.services.runs.store.checkpointFile(folder, query.checkpoint);
    if (checkpointFile === undefined) {
      return reply({ error: `This run saved no "${query.checkpoint}" checkpoint (it may have been stopped early).` });
    }
    reply(
      await this.services.runs.answerQuery({
        paper: this.paper,
        demo: record.demo,
        query: query.id,
        checkpointFile,
        input,
      }),
    );
  }

  private async sendInit(): Promise<void> {
    const descriptor = getPaper(this.paper);
    const explanationFile = path.join(this.services.extensionUri.fsPath, explanationPath(this.paper));
    const explanation = fs.existsSync(explanationFile) ? fs.readFileSync(explanationFile, 'utf8') : '';
    const locations = await this.services.annotations.locationsFor(this.paper);
    this.ready = true;
    this.post({
      type: 'init',
      paper: toPaperView(descriptor, explanation),
      locations,
      runs: this.services.runs.list(this.paper),
      backend: this.services.backend.current,
      defaultSeed: defaultSeed(),
      ...(this.pendingFocus ? { focus: this.pendingFocus } : {}),
    });
    this.pendingFocus = undefined;
    // A run of this paper that is training right now is shown live.
    const live = this.services.runs.liveRuns().find((r) => r.paper === this.paper);
    const runId = this.pendingRun ?? live?.runId;
    this.pendingRun = undefined;
    if (runId) this.sendRun(runId);
    if (this.pendingRunSet) this.sendRunSet(this.pendingRunSet);
    this.pendingRunSet = undefined;
  }

  private sendRunSet(folders: readonly string[]): void {
    const entries: RunSetEntry[] = [];
    for (const folder of folders) {
      const run = this.services.runs.store.read(folder, this.services.runs.isLive(folder));
      if (!run || run.record.paper !== this.paper) continue;
      entries.push({
        folder,
        record: run.record,
        points: run.points,
        ...(run.summary ? { summary: run.summary } : {}),
      });
    }
    const demo = entries[0]?.record.demo;
    if (demo === undefined || entries.some((e) => e.record.demo !== demo)) return;
    this.post({ type: 'runSet', demo, entries });
  }

  /** Shows the run in `folder` (a run this host started lives in the folder named by its runId). */
  private sendRun(folder: string): void {
    const live = this.services.runs.isLive(folder);
    const run = this.services.runs.store.read(folder, live);
    if (!run || run.record.paper !== this.paper) return;
    this.post({ type: 'runLoaded', folder, ...run, live });
  }

  private async sendLocations(): Promise<void> {
    if (!this.ready) return;
    this.post({ type: 'locations', locations: await this.services.annotations.locationsFor(this.paper) });
  }

  private onRunEvent(event: RunEvent): void {
    if (event.record.paper !== this.paper) return;
    const runId = event.record.runId;
    switch (event.kind) {
      case 'started':
        this.post({ type: 'runStarted', record: event.record });
        return;
      case 'metrics':
        this.post({ type: 'runMetrics', runId, points: event.points });
        return;
      case 'output':
        this.post({ type: 'runOutput', runId, output: event.output });
        return;
      case 'progress':
        this.post({
          type: 'runProgress',
          runId,
          step: event.step,
          total: event.total,
          stepsPerSecond: event.stepsPerSecond,
          ...(event.record.backend ? { backend: event.record.backend.chosen } : {}),
        });
        return;
      case 'stage':
        this.post({ type: 'runStage', runId, text: event.text });
        return;
      case 'backend':
        return;
      case 'ended':
        this.post({ type: 'runEnded', record: event.record, ...(event.summary ? { summary: event.summary } : {}) });
        return;
    }
  }

  private html(): string {
    const webview = this.panel.webview;
    const asset = (...p: string[]): string =>
      webview.asWebviewUri(vscode.Uri.joinPath(this.services.extensionUri, ...p)).toString();
    const nonce = makeNonce();
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} data:`,
      `font-src ${webview.cspSource}`,
      `style-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dist', 'katex.min.css')}">
<link rel="stylesheet" href="${asset('dist', 'uPlot.min.css')}">
<link rel="stylesheet" href="${asset('media', 'webview.css')}">
<title>${escapeHtml(getPaper(this.paper).meta.title)}</title>
</head>
<body data-paper="${this.paper}">
<main id="app"></main>
<script nonce="${nonce}" src="${asset('dist', 'webview.js')}"></script>
</body>
</html>`;
  }
}

function makeNonce(): string {
  return randomBytes(18).toString('base64url');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
