/**
 * Starts and stops runs. Each run trains in its own worker thread (dist/worker.js); this class
 * only passes typed messages and keeps the run's record on disk honest when the worker is
 * stopped or dies. The extension host never trains.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { DemoConfig, PaperId } from '../shared/catalog';
import { validateRunRequest } from '../shared/config';
import type { RunOutput } from '../shared/outputs';
import { makeRunId, type MetricPoint, type RunRecord, type RunSummary } from '../shared/runs';
import {
  AskQuery,
  isWorkerToHost,
  StartRun,
  StopRun,
  WorkerQueryAnswer,
  type WorkerToHost,
} from '../shared/workerProtocol';
import type { RunListItem } from '../shared/webviewProtocol';
import { findDemo, getPaper } from '../models/catalog';
import { writerOfThisProcess } from '../models/engine/recorder';
import { Disposable } from './lifecycle';
import { runLabel, type RunProgress } from './runLabels';
import { RunStore } from './runStore';
import { backendSetting } from './settings';

/** How long a stopped worker gets to write its summary before it is terminated. */
const STOP_GRACE_MS = 3000;
/** How long a query worker may take (loading the model code and answering) before it is terminated. */
const QUERY_TIMEOUT_MS = 60_000;

export interface StartRequest {
  readonly paper: PaperId;
  readonly demo: string;
  readonly preset: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly seed: number;
}

export class ConfigError extends Error {
  constructor(readonly errors: readonly string[]) {
    super(`Invalid config:\n${errors.join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Events of a live run, forwarded to panels, the tree and the status bar. */
export type RunEvent =
  | { readonly kind: 'started'; readonly record: RunRecord }
  | { readonly kind: 'metrics'; readonly record: RunRecord; readonly points: readonly MetricPoint[] }
  | { readonly kind: 'output'; readonly record: RunRecord; readonly output: RunOutput }
  | {
      readonly kind: 'progress';
      readonly record: RunRecord;
      readonly step: number;
      readonly total: number;
      readonly stepsPerSecond: number;
    }
  | { readonly kind: 'backend'; readonly record: RunRecord; readonly backend: string; readonly reasons: string }
  | { readonly kind: 'stage'; readonly record: RunRecord; readonly text: string }
  | { readonly kind: 'ended'; readonly record: RunRecord; readonly summary?: RunSummary };

class LiveRun {
  backend: string | undefined;
  summary: RunSummary | undefined;
  error: string | undefined;
  stopRequested = false;
  progress: RunProgress | undefined;
  constructor(
    public record: RunRecord,
    /** The run's folder under the runs folder: its key. */
    readonly folder: string,
    readonly worker: Worker,
  ) {}
}

export class RunManager extends Disposable {
  private readonly live = new Map<string, LiveRun>();
  private readonly events = this.register(new vscode.EventEmitter<RunEvent>());
  private readonly listChanged = this.register(new vscode.EventEmitter<void>());
  /** Every event of every live run. */
  readonly onDidRunEvent = this.events.event;
  /** Fires when runs start, end or are deleted. */
  readonly onDidChangeRuns = this.listChanged.event;
  readonly store: RunStore;

  constructor(
    private readonly extensionPath: string,
    storagePath: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.store = new RunStore(path.join(storagePath, 'runs'), (message) => this.log.warn(message));
    this.modulePaths = [path.join(storagePath, 'backends', 'node_modules')];
    this.calibrationFile = path.join(storagePath, 'calibration.json');
    this.register({ dispose: () => this.stopAll() });
  }

  private readonly modulePaths: readonly string[];
  /** Measured backend throughputs per model, for `auto` (see src/models/engine/calibration.ts). */
  readonly calibrationFile: string;

  get hasLiveRuns(): boolean {
    return this.live.size > 0;
  }

  /**
   * Answers a question about a finished run in a worker of its own, with the paper's model code
   * and the run's checkpoint file (the host loads neither). Resolves with an output or an error
   * message to show; the worker is gone when it resolves.
   */
  answerQuery(request: {
    readonly paper: PaperId;
    readonly demo: string;
    readonly query: string;
    readonly checkpointFile: string;
    readonly input: string;
  }): Promise<{ output?: RunOutput; error?: string }> {
    return new Promise((resolve) => {
      const worker = new Worker(path.join(this.extensionPath, 'dist', 'worker.js'), {
        stdout: false,
        stderr: false,
        name: `paper-lab query ${request.paper}/${request.query}`,
      });
      let settled = false;
      const settle = (answer: { output?: RunOutput; error?: string }): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void worker.terminate();
        resolve(answer);
      };
      const timer = setTimeout(
        () => settle({ error: `No answer within ${QUERY_TIMEOUT_MS / 1000} s.` }),
        QUERY_TIMEOUT_MS,
      );
      worker.on('message', (message: unknown) => {
        if (!isWorkerToHost(message)) return;
        if (message.type === 'ready')
          worker.postMessage(AskQuery.create({ ...request, modulePaths: this.modulePaths }));
        else if (WorkerQueryAnswer.is(message))
          settle({
            ...(message.output ? { output: message.output } : {}),
            ...(message.error !== undefined ? { error: message.error } : {}),
          });
      });
      worker.on('error', (error) => settle({ error: `The query worker failed: ${error.message}` }));
      worker.on('exit', (code) => settle({ error: `The query worker exited (code ${code}) without an answer.` }));
    });
  }

  /** Whether the run in folder `folder` (for a run started here, its runId) trains in this window. */
  isLive(folder: string): boolean {
    return this.live.has(folder);
  }

  liveRuns(): RunRecord[] {
    return [...this.live.values()].map((r) => r.record);
  }

  /** The live runs, each with the label people see ("FedOpt · quick · seed 0 · round 12 of 80"). */
  liveLabels(): { folder: string; label: string }[] {
    return [...this.live.values()].map((r) => ({
      folder: r.folder,
      label: runLabel(
        r.record,
        getPaper(r.record.paper).meta.shortName,
        r.progress,
        findDemo(r.record.paper, r.record.demo)?.stepLabel,
      ),
    }));
  }

  /** Resolves when no run trains in this window (at once if none does), or when `token` is cancelled. */
  whenIdle(token?: vscode.CancellationToken): Promise<boolean> {
    if (this.live.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const subscriptions: vscode.Disposable[] = [];
      const done = (idle: boolean): void => {
        subscriptions.forEach((d) => d.dispose());
        resolve(idle);
      };
      subscriptions.push(
        this.onDidChangeRuns(() => {
          if (this.live.size === 0) done(true);
        }),
      );
      if (token) subscriptions.push(token.onCancellationRequested(() => done(false)));
    });
  }

  /** Resolves with the run's record when the run in `folder` has ended (at once if it is not live). */
  whenEnded(folder: string): Promise<RunRecord | undefined> {
    if (!this.live.has(folder)) return Promise.resolve(this.store.readRecord(folder));
    return new Promise((resolve) => {
      const subscription = this.onDidRunEvent((e) => {
        if (e.kind === 'ended' && e.record.runId === folder) {
          subscription.dispose();
          resolve(e.record);
        }
      });
    });
  }

  /** Runs of a paper (or all), newest first, live ones included; each keyed by its folder. */
  list(paper?: PaperId): RunListItem[] {
    return this.store
      .list((folder) => this.live.has(folder))
      .filter((r) => paper === undefined || r.paper === paper)
      .map((r) => r.item);
  }

  /**
   * Validates the request (demo, preset, config, seed), then starts its worker. Throws
   * ConfigError before anything starts or any folder is created.
   */
  async start(request: StartRequest): Promise<RunRecord> {
    const demo = findDemo(request.paper, request.demo);
    if (!demo) throw new ConfigError([`demo: unknown demo "${request.demo}" for ${request.paper}`]);
    const validation = validateRunRequest(demo, request.preset, request.config, request.seed);
    if (!validation.ok) throw new ConfigError(validation.errors);

    const runId = makeRunId(request.paper, request.preset, request.seed);
    const record: RunRecord = {
      runId,
      paper: request.paper,
      demo: demo.id,
      preset: request.preset,
      config: validation.config,
      seed: request.seed,
      status: 'running',
      startedAt: new Date().toISOString(),
      versions: { extension: vscode.extensions.getExtension('paper-lab.paper-lab')?.packageJSON?.version ?? 'dev' },
      // The worker thread writes as this process: readers in other processes can tell when it is gone.
      ...writerOfThisProcess(),
    };
    const folder = this.store.create(record);
    const runDir = this.store.dirOf(folder);

    const worker = new Worker(path.join(this.extensionPath, 'dist', 'worker.js'), {
      stdout: false,
      stderr: false,
      name: `paper-lab ${runId}`,
    });
    const run = new LiveRun(record, folder, worker);
    this.live.set(folder, run);
    worker.on('message', (message: unknown) => this.onMessage(run, message, validation.config, runDir));
    worker.on('error', (error) => {
      run.error = error.message;
      this.log.error(`[${runId}] worker error: ${error.stack ?? error.message}`);
    });
    worker.on('exit', (code) => this.onExit(run, code));
    this.events.fire({ kind: 'started', record });
    this.listChanged.fire();
    this.log.info(`[${runId}] started ${request.paper}/${demo.id} preset=${request.preset} seed=${request.seed}`);
    return record;
  }

  /** Asks the run in `folder` to stop; terminates its worker if it does not finish promptly. */
  stop(folder: string): boolean {
    const run = this.live.get(folder);
    if (!run) return false;
    const runId = run.record.runId;
    run.stopRequested = true;
    run.worker.postMessage(StopRun.create({ reason: 'stopped by the user' }));
    setTimeout(() => {
      if (this.live.get(folder) === run) {
        this.log.warn(`[${runId}] did not stop within ${STOP_GRACE_MS} ms; terminating its worker`);
        void run.worker.terminate();
      }
    }, STOP_GRACE_MS).unref();
    return true;
  }

  stopAll(): void {
    for (const run of this.live.values()) {
      run.stopRequested = true;
      void run.worker.terminate();
    }
  }

  /** Deletes the run folder `folder` (only that folder: a copy's original stays). */
  delete(folder: string): void {
    if (this.live.has(folder)) throw new Error('Stop the run before deleting it.');
    this.store.delete(folder);
    this.listChanged.fire();
  }

  private onMessage(run: LiveRun, message: unknown, config: DemoConfig, runDir: string): void {
    if (!isWorkerToHost(message)) {
      this.log.warn(`[${run.record.runId}] ignored a malformed worker message`);
      return;
    }
    const m: WorkerToHost = message;
    const record = run.record;
    switch (m.type) {
      case 'ready':
        run.worker.postMessage(
          StartRun.create({
            runId: record.runId,
            paper: record.paper,
            demo: record.demo,
            preset: record.preset,
            config,
            seed: record.seed,
            backend: backendSetting(),
            runDir,
            modulePaths: this.modulePaths,
            calibrationFile: this.calibrationFile,
          }),
        );
        return;
      case 'backend': {
        run.backend = m.report.chosen;
        run.record = { ...record, backend: m.report };
        const reasons = m.report.attempts.map((a) => `${a.name}: ${a.ok ? '✓' : '✗'} ${a.reason}`).join('\n');
        this.events.fire({ kind: 'backend', record: run.record, backend: m.report.chosen, reasons });
        return;
      }
      case 'metrics':
        this.events.fire({ kind: 'metrics', record, points: m.points });
        return;
      case 'output':
        this.events.fire({ kind: 'output', record, output: m.output });
        return;
      case 'stage':
        this.events.fire({ kind: 'stage', record, text: m.text });
        return;
      case 'progress':
        run.progress = { step: m.step, total: m.total };
        this.events.fire({ kind: 'progress', record, step: m.step, total: m.total, stepsPerSecond: m.stepsPerSecond });
        return;
      case 'log':
        if (m.level === 'warn') this.log.warn(`[${record.runId}] ${m.text}`);
        else this.log.info(`[${record.runId}] ${m.text}`);
        return;
      case 'summary':
        run.summary = m.summary;
        return;
      case 'error':
        run.error = m.message;
        this.log.error(`[${record.runId}] ${m.stack ?? m.message}`);
        return;
    }
  }

  private onExit(run: LiveRun, code: number): void {
    const runId = run.record.runId;
    const folder = run.folder;
    this.live.delete(folder);
    // The worker writes its own summary; when it could not (terminated, crashed), record why.
    let record = this.store.readRecord(folder) ?? run.record;
    if (record.status === 'running') {
      const status = run.stopRequested ? 'stopped' : 'failed';
      const error = run.stopRequested ? undefined : (run.error ?? `the training worker exited with code ${code}`);
      record = this.store.finish(folder, status, error) ?? { ...record, status };
    }
    const summary = run.summary ?? this.store.readSummary(folder);
    this.log.info(`[${runId}] ended: ${record.status}${record.error ? ` (${record.error})` : ''}`);
    this.events.fire({ kind: 'ended', record, summary });
    this.listChanged.fire();
  }
}
