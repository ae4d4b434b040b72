/**
 * Runs one demo: validates its config, starts a backend, trains through the paper's trainer,
 * measures the claims and writes the run folder. Used by the worker and by the CLI.
 */
import { TFJS_VERSIONS } from './tfSetup';
import type { DemoConfig, DemoDescriptor, PaperDescriptor, PaperId, RunResults } from '../../shared/catalog';
import { checkSeed, presetOf, unknownPresetError, validateConfig } from '../../shared/config';
import {
  makeRunId,
  type BackendChoice,
  type BackendReport,
  type ClaimResult,
  type RunRecord,
  type RunStatus,
  type RunSummary,
} from '../../shared/runs';
import type { DemoRun } from '../types';
import { selectBackend, takeDeviceFault } from './backends';
import { CalibrationCache, machineKey, modelSignature, selectFastestBackend } from './calibration';
import { createContext, type RunSink } from './context';
import { RunRecorder, RunWriteError, writerOfThisProcess, type RunFileSystem } from './recorder';
import { Rng } from './rng';

/** Finds descriptors and trainers; tests inject fakes, the default reads the real catalog. */
export interface DemoLookup {
  paper(id: PaperId): PaperDescriptor | undefined;
  trainer(paper: PaperId, demo: string): DemoRun | undefined;
}

/** The real catalog; each demo loads its own trainer when it runs. */
export async function defaultLookup(): Promise<DemoLookup> {
  const catalog = await import('../catalog');
  return {
    paper: (id) => catalog.PAPERS.find((p) => p.meta.id === id),
    trainer: (paper, demo) => {
      const found = catalog.findDemo(paper, demo);
      if (!found) return undefined;
      return async (config, ctx) => (await found.loadTrainer())(config, ctx);
    },
  };
}

export interface RunDemoOptions {
  readonly paper: PaperId;
  /** Demo id; the paper's first demo when omitted. */
  readonly demo?: string;
  /** A (possibly partial) config; missing fields come from `preset`. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly backend: BackendChoice;
  /** Folder to write the run record into; null writes nothing (tests, benchmarks). */
  readonly runDir: string | null;
  /** Preset the config starts from (default `quick`). */
  readonly preset?: string;
  readonly runId?: string;
  /** Extra folders where optional backend packages may be installed. */
  readonly modulePaths?: readonly string[];
  readonly sink?: RunSink;
  /** Aborting it stops the run after the current step; the run keeps what it wrote. */
  readonly signal?: AbortSignal;
  readonly lookup?: DemoLookup;
  /** Replaces backend selection (tests). */
  readonly selectBackend?: (choice: BackendChoice, modulePaths: readonly string[]) => Promise<BackendReport>;
  /** Minimum milliseconds between metric messages (default 100, i.e. at most ~10 a second). */
  readonly metricsIntervalMs?: number;
  /** Extra entries for run.json's `versions`. */
  readonly versions?: Readonly<Record<string, string>>;
  /** `auto` only: where measured backend throughputs are cached (none: measure every run). */
  readonly calibrationFile?: string;
  /** `auto` only: measure again even when the cache knows this model. */
  readonly recalibrate?: boolean;
  /** Told the run's recorder once the run folder is claimed (the CLI marks the run when it is killed). */
  readonly onRecorder?: (recorder: RunRecorder) => void;
  /** File operations of the run folder (tests inject failures such as a full disk). */
  readonly fs?: RunFileSystem;
}

export interface RunOutcome {
  readonly record: RunRecord;
  readonly summary: RunSummary;
}

/** A config or demo that cannot run; nothing was started or written. */
export class ConfigError extends Error {
  constructor(readonly errors: readonly string[]) {
    super(errors.join('\n'));
    this.name = 'ConfigError';
  }
}

/** Resolves the paper, demo and config, or throws ConfigError naming every problem. */
export function resolveDemo(
  lookup: DemoLookup,
  paperId: PaperId,
  demoId: string | undefined,
  partial: Readonly<Record<string, unknown>>,
  preset = 'quick',
): { paper: PaperDescriptor; demo: DemoDescriptor; config: DemoConfig; trainer: DemoRun } {
  const paper = lookup.paper(paperId);
  if (!paper) throw new ConfigError([`paper: unknown paper "${paperId}"`]);
  const demo = demoId === undefined ? paper.demos[0] : paper.demos.find((d) => d.id === demoId);
  if (!demo)
    throw new ConfigError([
      `demo: ${paperId} has no demo "${demoId ?? ''}" (demos: ${paper.demos.map((d) => d.id).join(', ')})`,
    ]);
  const base = presetOf(demo, preset);
  if (!base) throw new ConfigError([`preset: ${unknownPresetError(demo, preset)}`]);
  const trainer = lookup.trainer(paperId, demo.id);
  if (!trainer) throw new ConfigError([`demo: ${paperId}/${demo.id} has no training code yet`]);
  const result = validateConfig(demo, partial, base);
  if (!result.ok) throw new ConfigError(result.errors);
  return { paper, demo, config: result.config, trainer };
}

/**
 * Measures every claim of a demo that applies to the run's config from its results; a claim
 * that throws fails with measured null.
 */
export function measureClaims(demo: DemoDescriptor, results: RunResults, config?: DemoConfig): ClaimResult[] {
  const applicable = demo.claims.filter(
    (c) => config === undefined || c.appliesTo === undefined || c.appliesTo(config),
  );
  return applicable.map((claim) => {
    let measured: number | null = null;
    let pass = false;
    try {
      const m = claim.measure(results, config);
      measured = m.measured !== null && Number.isFinite(m.measured) ? m.measured : null;
      pass = m.pass;
    } catch {
      // unmeasurable: fails
    }
    return {
      id: claim.id,
      text: claim.text,
      measured,
      target: claim.target,
      pass,
      ...(claim.unit !== undefined ? { unit: claim.unit } : {}),
      ...(claim.caveat !== undefined ? { caveat: claim.caveat } : {}),
    };
  });
}

function errorText(e: unknown): { message: string; stack?: string } {
  // A file that could not be written is the whole story: no stack.
  if (e instanceof RunWriteError) return { message: e.message };
  if (e instanceof Error) return { message: e.message || e.name, ...(e.stack ? { stack: e.stack } : {}) };
  return { message: String(e) };
}

/** Replaces Math.random with a seeded generator for the duration of a run (tfjs initialisers without a seed use it). */
function seedMathRandom(seed: number): () => void {
  const original = Math.random;
  const rng = new Rng(seed ^ 0x5eed);
  Math.random = () => rng.next();
  return () => {
    Math.random = original;
  };
}

/** The injected selection, `auto` by measurement, or the forced backend. */
async function chooseBackend(
  options: RunDemoOptions,
  demo: DemoDescriptor,
  config: DemoConfig,
  trainer: DemoRun,
  sink: RunSink,
): Promise<BackendReport> {
  const modulePaths = options.modulePaths ?? [];
  sink.stage?.(options.backend === 'auto' ? 'Starting the backends…' : `Starting the ${options.backend} backend…`);
  if (options.selectBackend) return options.selectBackend(options.backend, modulePaths);
  const signal = options.signal !== undefined ? { signal: options.signal } : {};
  if (options.backend !== 'auto') return selectBackend(options.backend, { modulePaths, ...signal });
  const restore = seedMathRandom(options.seed);
  try {
    return await selectFastestBackend({
      modulePaths,
      paper: options.paper,
      demo: demo.id,
      config,
      trainer,
      seed: options.seed,
      measure: { warmupSteps: demo.calibrationWarmup?.(config) ?? 1 },
      cache: options.calibrationFile ? new CalibrationCache(options.calibrationFile) : null,
      recalibrate: options.recalibrate ?? false,
      log: (text) => sink.log?.('info', text),
      onMeasuring: (names) =>
        sink.stage?.(`Measuring backends: a few training steps on each of ${names.join(', ')} to pick the fastest…`),
      ...signal,
    });
  } finally {
    restore();
  }
}

/**
 * Runs a demo to the end (completed), until `signal` aborts (stopped) or until it throws (failed).
 * Throws ConfigError, before anything starts, when the paper, demo or config is invalid; every
 * other failure is reported in the returned summary (status `failed`, the record's `error`).
 */
export async function runDemo(options: RunDemoOptions): Promise<RunOutcome> {
  const lookup = options.lookup ?? (await defaultLookup());
  const preset = options.preset ?? 'quick';
  const { demo, config, trainer } = resolveDemo(lookup, options.paper, options.demo, options.config, preset);
  const seedError = checkSeed(options.seed);
  if (seedError) throw new ConfigError([seedError]);
  const sink = options.sink ?? {};
  const signal = options.signal ?? new AbortController().signal;
  const runId = options.runId ?? makeRunId(options.paper, preset, options.seed);
  const versions: Record<string, string> = {
    node: process.versions.node,
    ...TFJS_VERSIONS,
    ...options.versions,
  };
  const initial: RunRecord = {
    runId,
    paper: options.paper,
    demo: demo.id,
    preset,
    config,
    seed: options.seed,
    status: 'running',
    startedAt: new Date().toISOString(),
    versions,
    ...writerOfThisProcess(),
  };
  const recorder =
    options.runDir !== null
      ? new RunRecorder(options.runDir, initial, options.fs !== undefined ? { fs: options.fs } : {})
      : null;
  if (recorder) options.onRecorder?.(recorder);
  let record = initial;
  const update = (patch: Partial<RunRecord>): void => {
    record = recorder ? recorder.update(patch) : { ...record, ...patch };
  };

  let results: RunResults = {};
  let status: RunStatus;
  let error: { message: string; stack?: string } | null = null;
  let trainSeconds = 0;
  let lastStep = 0;
  let restoreRandom = (): void => undefined;
  try {
    const report = await chooseBackend(options, demo, config, trainer, sink);
    // Seeded after any calibration, so a run draws the same numbers whether or not it measured.
    restoreRandom = seedMathRandom(options.seed);
    update({ backend: report });
    sink.backend?.(report);
    sink.stage?.(`Preparing the data and the model on ${report.chosen}…`);
    const ctx = createContext({
      seed: options.seed,
      backend: report.chosen,
      modulePaths: options.modulePaths ?? [],
      totalSteps: demo.totalSteps(config),
      // Steps before the training step's own cost (calibration skips the same ones).
      steadyFrom: demo.calibrationWarmup?.(config) ?? 0,
      sink,
      recorder,
      signal,
      ...(options.metricsIntervalMs !== undefined ? { metricsIntervalMs: options.metricsIntervalMs } : {}),
    });
    const t0 = performance.now();
    takeDeviceFault(); // a fault before this run is not this run's
    try {
      results = await trainer(config, ctx);
    } catch (e) {
      error = errorText(e);
    } finally {
      trainSeconds = (performance.now() - t0) / 1000;
      lastStep = ctx.lastStep;
      try {
        ctx.flush();
      } catch (e) {
        error ??= errorText(e);
      }
    }
    const fault = takeDeviceFault();
    if (fault !== null) {
      // A GPU kernel that failed validation was skipped: nothing the run measured can be trusted.
      // Under `auto`, the remembered choice is dropped: the next run measures again, and a
      // backend that faults while it is measured is not chosen.
      const forgot =
        options.backend === 'auto' &&
        options.calibrationFile !== undefined &&
        new CalibrationCache(options.calibrationFile).forget(
          machineKey(),
          modelSignature(options.paper, demo.id, config),
        );
      error ??= {
        message:
          `the GPU device reported an error, so this run's numbers cannot be trusted: ${fault}` +
          (forgot
            ? ' (the remembered backend choice for this model was dropped; the next auto run measures again)'
            : ''),
      };
      results = {};
    }
    status = signal.aborted ? 'stopped' : error ? 'failed' : 'completed';
  } catch (e) {
    // Stopped while the backend was chosen, or backend start-up failed (a BackendError names
    // every backend tried and why).
    if (signal.aborted) status = 'stopped';
    else {
      error = errorText(e);
      status = 'failed';
    }
  } finally {
    restoreRandom();
  }

  let summary: RunSummary = {
    runId,
    status,
    results,
    claims: measureClaims(demo, results, config),
    trainSeconds,
    steps: lastStep,
  };
  // The summary first: when it cannot be written (a full disk), run.json says so.
  try {
    recorder?.writeSummary(summary);
  } catch (e) {
    error ??= errorText(e);
    status = 'failed';
    summary = { ...summary, status };
  }
  const ending: Partial<RunRecord> = {
    status,
    endedAt: new Date().toISOString(),
    trainSeconds,
    ...(error ? { error: error.message } : {}),
  };
  if (recorder) {
    try {
      record = recorder.finish(ending);
    } catch (e) {
      // run.json keeps `running`; readers show it as interrupted once this process is gone.
      record = { ...record, ...ending };
      const text = errorText(e);
      if (error) sink.error?.(text.message);
      else error = text;
    }
  } else record = { ...record, ...ending };
  if (error) sink.error?.(error.message, error.stack);
  sink.summary?.(summary);
  return { record, summary };
}
