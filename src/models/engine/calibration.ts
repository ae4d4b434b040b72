/**
 * `auto` backend selection by measurement. Every backend that starts trains the actual demo for
 * a few steps (one warm-up step, then up to `CALIBRATION_STEPS` timed steps or
 * `CALIBRATION_SECONDS`), and the fastest wins. The result is cached per machine (with the Paper
 * Lab version) and model signature (paper, demo and config), so each model is measured once per
 * machine and release.
 *
 * The calibration runs the trainer with a context that discards everything it reports and
 * throws `CalibrationDone` from `tick()` once enough steps are timed, so a trainer stops at
 * once (without its end-of-run evaluation). Tensors and variables it left behind are disposed.
 *
 * A stop during calibration is prompt: `tick()` yields to the event loop (so the worker's stop
 * message, or the CLI's Ctrl-C, gets through) and throws `RunAbortedError` once the run's signal
 * has aborted, and the signal is checked again before each backend is started or measured.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DemoConfig, PaperId } from '../../shared/catalog';
import type { BackendMeasurement, BackendName, BackendReport } from '../../shared/runs';
import type { DemoRun, RunContext } from '../types';
import {
  activateBackend,
  type SelectBackendOptions,
  startAllBackends,
  takeDeviceFault,
  throwIfAborted,
} from './backends';
import { makeTicker } from './context';
import { Rng } from './rng';
import { version as PAPER_LAB_VERSION } from '../../../package.json';

/** Timed steps per backend after the warm-up step. */
export const CALIBRATION_STEPS = 4;
/** Seconds of timed steps per backend (at least one step is always timed). */
export const CALIBRATION_SECONDS = 3;
/** A backend whose warm-up step has not finished after this many seconds is recorded as too slow. */
export const CALIBRATION_TIMEOUT_SECONDS = 30;
/** Throughputs within this fraction of the fastest count as a tie, broken by the design order. */
export const TIE_TOLERANCE = 0.05;

/** Thrown from the calibration context's `tick()` to stop the trainer as soon as the timing is done. */
export class CalibrationDone extends Error {
  constructor() {
    super('calibration done');
    this.name = 'CalibrationDone';
  }
}

/**
 * What a measurement needs to know about the machine and the software it ran; equal keys mean the
 * cached numbers apply. The Paper Lab version is part of it: a release may change one backend's
 * speed and not another's (a fused kernel on wasm, say), so an upgrade measures again.
 */
export function machineKey(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  return (
    `${os.platform()}-${os.arch()} ${model} ×${cpus.length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `node ${process.versions.node}, paper-lab ${PAPER_LAB_VERSION}`
  );
}

/** Paper, demo and a hash of the config (keys sorted), e.g. "rims/generalize#1f2e3d4c5b6a". */
export function modelSignature(paper: PaperId, demo: string, config: DemoConfig): string {
  const sorted = Object.keys(config)
    .sort()
    .map((k) => [k, config[k]]);
  const hash = createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 12);
  return `${paper}/${demo}#${hash}`;
}

/**
 * The fastest backend; throughputs within `TIE_TOLERANCE` of the best are a tie, won by the
 * earliest in `order`. Null when nothing was measured.
 */
export function chooseFastest(
  measurements: readonly BackendMeasurement[],
  order: readonly BackendName[],
): BackendName | null {
  const rated = measurements.filter((m) => m.stepsPerSecond !== null && m.stepsPerSecond > 0);
  if (rated.length === 0) return null;
  const best = Math.max(...rated.map((m) => m.stepsPerSecond as number));
  const near = rated.filter((m) => (m.stepsPerSecond as number) >= best * (1 - TIE_TOLERANCE)).map((m) => m.name);
  return [...order].find((name) => near.includes(name)) ?? (near[0] as BackendName);
}

export interface CachedCalibration {
  readonly machine: string;
  readonly signature: string;
  readonly measuredAt: string;
  readonly measurements: readonly BackendMeasurement[];
}

/** Cached calibrations in one JSON file (an array, newest last, at most `limit` entries). */
export class CalibrationCache {
  constructor(
    readonly file: string,
    private readonly limit = 200,
  ) {}

  private readAll(): CachedCalibration[] {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(this.file, 'utf8'));
      return Array.isArray(parsed) ? parsed.filter(isCachedCalibration) : [];
    } catch {
      return [];
    }
  }

  /** The cached measurements for this machine and model covering exactly these backends, if any. */
  get(machine: string, signature: string, backends: readonly BackendName[]): CachedCalibration | undefined {
    const key = [...backends].sort().join(',');
    return this.readAll()
      .reverse()
      .find(
        (c) =>
          c.machine === machine &&
          c.signature === signature &&
          c.measurements
            .map((m) => m.name)
            .sort()
            .join(',') === key,
      );
  }

  /** Drops what is remembered for this machine and model (the next `auto` run measures again). */
  forget(machine: string, signature: string): boolean {
    const all = this.readAll();
    const kept = all.filter((c) => !(c.machine === machine && c.signature === signature));
    if (kept.length === all.length) return false;
    this.write(kept);
    return true;
  }

  put(entry: CachedCalibration): void {
    const kept = this.readAll().filter((c) => !(c.machine === entry.machine && c.signature === entry.signature));
    this.write([...kept, entry].slice(-this.limit));
  }

  private write(next: readonly CachedCalibration[]): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    // Written to a temporary file and renamed, so a reader never sees half a file.
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(next, null, 1));
    fs.renameSync(tmp, this.file);
  }
}

function isCachedCalibration(value: unknown): value is CachedCalibration {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    typeof c['machine'] === 'string' &&
    typeof c['signature'] === 'string' &&
    typeof c['measuredAt'] === 'string' &&
    Array.isArray(c['measurements']) &&
    c['measurements'].every(
      (m: unknown) =>
        typeof m === 'object' &&
        m !== null &&
        typeof (m as Record<string, unknown>)['name'] === 'string' &&
        (typeof (m as Record<string, unknown>)['stepsPerSecond'] === 'number' ||
          (m as Record<string, unknown>)['stepsPerSecond'] === null),
    )
  );
}

export interface MeasureOptions {
  readonly seed: number;
  /** Passed on to the trainer's context (see `RunContext.modulePaths`). */
  readonly modulePaths?: readonly string[];
  /** Steps before the timing starts (default 1): the warm-up, plus any steps unlike training ones. */
  readonly warmupSteps?: number;
  readonly steps?: number;
  readonly seconds?: number;
  readonly timeoutSeconds?: number;
  readonly clock?: () => number;
  /** The run's stop: the measurement ends at the trainer's next `tick()` with `RunAbortedError`. */
  readonly signal?: AbortSignal;
}

/** How often (ms) a calibration `tick()` yields to the event loop, letting a stop through. */
const YIELD_EVERY_MS = 4;

/**
 * Trains `trainer` on the current TensorFlow.js backend until the timing is done and returns
 * its steps per second: timed steps divided by the time from the end of the warm-up step to the
 * end of the last timed step. Null (with a reason) when not even the warm-up step finished.
 */
export async function measureThroughput(
  trainer: DemoRun,
  config: DemoConfig,
  backend: BackendName,
  options: MeasureOptions,
): Promise<BackendMeasurement> {
  const steps = options.steps ?? CALIBRATION_STEPS;
  const seconds = options.seconds ?? CALIBRATION_SECONDS;
  const timeout = options.timeoutSeconds ?? CALIBRATION_TIMEOUT_SECONDS;
  const warmupSteps = Math.max(1, options.warmupSteps ?? 1);
  const clock = options.clock ?? (() => performance.now() / 1000);
  const signal = options.signal;
  throwIfAborted(signal);
  const yieldToEvents = makeTicker(YIELD_EVERY_MS);
  const started = clock();
  let lastStep = 0;
  let warmedAt: number | null = null;
  let lastAt = started;
  let timed = 0;
  const done = (): boolean => {
    const now = clock();
    if (warmedAt === null) return now - started >= timeout;
    return timed >= steps || (timed >= 1 && now - warmedAt >= seconds);
  };
  const ctx: RunContext = {
    seed: options.seed,
    rng: new Rng(options.seed),
    backend,
    modulePaths: options.modulePaths ?? [],
    metric: () => undefined,
    output: () => undefined,
    log: () => undefined,
    progress(step) {
      if (step <= lastStep) return;
      lastStep = step;
      const now = clock();
      if (warmedAt === null) {
        if (step >= warmupSteps) warmedAt = now;
      } else timed++;
      lastAt = now;
    },
    // Stays false: a trainer that saw it would leave its loop for its end-of-run evaluation;
    // `tick()` ends the measurement instead.
    aborted: false,
    async tick() {
      throwIfAborted(signal);
      if (done()) throw new CalibrationDone();
      await yieldToEvents();
      throwIfAborted(signal);
    },
    checkpoint: () => Promise.resolve(),
  };

  const tensorsBefore = tf.memory().numTensors;
  tf.engine().startScope();
  let failure: string | null = null;
  takeDeviceFault();
  try {
    await trainer(config, ctx);
  } catch (e) {
    if (!(e instanceof CalibrationDone) && !signal?.aborted) failure = e instanceof Error ? e.message : String(e);
  } finally {
    tf.engine().endScope();
    tf.disposeVariables();
  }
  const fault = takeDeviceFault();
  // Stopped while measuring: nothing measured counts (and nothing is remembered).
  throwIfAborted(signal);
  if (fault !== null) failure ??= `the GPU device reported an error: ${fault}`;
  const leftover = tf.memory().numTensors - tensorsBefore;
  if (failure !== null) return { name: backend, stepsPerSecond: null, note: `failed during calibration: ${failure}` };
  if (warmedAt === null) {
    const waited = clock() - started;
    return { name: backend, stepsPerSecond: null, note: `warm-up not finished within ${waited.toFixed(0)} s` };
  }
  if (timed === 0) {
    // The run ended after its first step: rate it by that step alone.
    const first = warmedAt - started;
    return { name: backend, stepsPerSecond: first > 0 ? 1 / first : null, note: 'one step only' };
  }
  const rate = timed / Math.max(1e-9, lastAt - warmedAt);
  return { name: backend, stepsPerSecond: rate, ...(leftover > 0 ? { note: `${leftover} tensors left` } : {}) };
}

export interface MeasuredSelectionOptions extends SelectBackendOptions {
  readonly paper: PaperId;
  readonly demo: string;
  readonly config: DemoConfig;
  readonly trainer: DemoRun;
  readonly seed: number;
  /** Where measurements are remembered; null measures every time. */
  readonly cache: CalibrationCache | null;
  /** Measure again even when the cache has this model. */
  readonly recalibrate?: boolean;
  readonly log?: (text: string) => void;
  /** Called with the backends about to be measured, before the first measurement. */
  readonly onMeasuring?: (names: readonly BackendName[]) => void;
  /** Makes a started backend current (tests replace it along with `inits`). */
  readonly activate?: (name: BackendName) => Promise<void>;
  readonly measure?: Omit<MeasureOptions, 'seed' | 'signal'>;
}

/**
 * `auto`: starts every backend that can start and, when more than one does, picks the fastest
 * for this model by measurement (or by the cached measurement for this machine and model).
 */
export async function selectFastestBackend(options: MeasuredSelectionOptions): Promise<BackendReport> {
  const activate = options.activate ?? activateBackend;
  const attempts = await startAllBackends(options);
  const started = attempts.filter((a) => a.ok).map((a) => a.name);
  const only = started[0] as BackendName;
  if (started.length === 1) {
    await activate(only);
    return { requested: 'auto', chosen: only, attempts };
  }
  const machine = machineKey();
  const signature = modelSignature(options.paper, options.demo, options.config);
  const cached = options.recalibrate ? undefined : options.cache?.get(machine, signature, started);
  let measurements: readonly BackendMeasurement[];
  let measuredAt: string;
  if (cached) {
    measurements = cached.measurements;
    measuredAt = cached.measuredAt;
    options.log?.(`auto backend: using the throughput measured on ${measuredAt} for this model`);
  } else {
    options.log?.(`auto backend: measuring a few training steps on ${started.join(', ')}…`);
    options.onMeasuring?.(started);
    const measured: BackendMeasurement[] = [];
    for (const name of started) {
      throwIfAborted(options.signal);
      await activate(name);
      measured.push(
        await measureThroughput(options.trainer, options.config, name, {
          seed: options.seed,
          ...(options.modulePaths !== undefined ? { modulePaths: options.modulePaths } : {}),
          ...options.measure,
          ...(options.signal !== undefined ? { signal: options.signal } : {}),
        }),
      );
    }
    measurements = measured;
    measuredAt = new Date().toISOString();
    try {
      options.cache?.put({ machine, signature, measuredAt, measurements });
    } catch (e) {
      options.log?.(`auto backend: could not save the measurement (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  const chosen = chooseFastest(measurements, started) ?? only;
  await activate(chosen);
  const best = measurements.find((m) => m.name === chosen);
  const described = attempts.map((a) => {
    const m = measurements.find((x) => x.name === a.name);
    if (!a.ok || !m) return a;
    const rate = m.stepsPerSecond === null ? 'not measured' : `${formatRate(m.stepsPerSecond)} steps/s`;
    const verdict =
      a.name === chosen
        ? 'fastest'
        : best?.stepsPerSecond && m.stepsPerSecond
          ? `${(best.stepsPerSecond / m.stepsPerSecond).toFixed(1)}× slower than ${chosen}`
          : `not chosen`;
    return { ...a, reason: `${a.reason}; ${rate}${m.note ? ` (${m.note})` : ''}, ${verdict}` };
  });
  return {
    requested: 'auto',
    chosen,
    attempts: described,
    calibration: { signature, cached: cached !== undefined, measuredAt, measurements },
  };
}

/** Three significant digits, no exponent: 0.123, 4.56, 78.9, 123, 4567. */
function formatRate(x: number): string {
  return x >= 100 ? x.toFixed(0) : String(Number(x.toPrecision(3)));
}

/** The default cache file for the command line: $XDG_CACHE_HOME/paper-lab/calibration.json. */
export function defaultCalibrationFile(): string {
  const base = process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache');
  return path.join(base, 'paper-lab', 'calibration.json');
}
