/**
 * Run records: what is written to `runs/<runId>/` by the worker and the CLI, and read back by
 * the host and the panel.
 *
 *   run.json        RunRecord (rewritten on status changes)
 *   metrics.jsonl   one MetricPoint per line (appended)
 *   outputs/<id>.json  RunOutput
 *   summary.json    RunSummary (when the run ends, also when stopped or failed)
 */
import type { DemoConfig, PaperId, RunResults } from './catalog';

export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
export type BackendChoice = BackendName | 'auto';

export function isBackendChoice(value: unknown): value is BackendChoice {
  return value === 'auto' || (typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value));
}

/** Why a backend was or was not used. */
export interface BackendAttempt {
  readonly name: BackendName;
  readonly ok: boolean;
  /** For a skipped backend, why; for the chosen one, what it runs on. */
  readonly reason: string;
}

/** One backend's training throughput in an `auto` calibration. */
export interface BackendMeasurement {
  readonly name: BackendName;
  /** Training steps per second of the demo's own step; null when it could not be measured. */
  readonly stepsPerSecond: number | null;
  readonly note?: string;
}

/** How `auto` chose among the backends that started: measured now, or read from the cache. */
export interface BackendCalibration {
  readonly signature: string;
  readonly cached: boolean;
  readonly measuredAt: string;
  readonly measurements: readonly BackendMeasurement[];
}

export interface BackendReport {
  readonly requested: BackendChoice;
  readonly chosen: BackendName;
  readonly attempts: readonly BackendAttempt[];
  /** Present when `auto` measured (or recalled) the throughput of more than one backend. */
  readonly calibration?: BackendCalibration;
}

export type RunStatus = 'running' | 'completed' | 'stopped' | 'failed' | 'interrupted';

export interface RunRecord {
  readonly runId: string;
  readonly paper: PaperId;
  readonly demo: string;
  readonly preset: string;
  readonly config: DemoConfig;
  readonly seed: number;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly backend?: BackendReport;
  readonly versions: Readonly<Record<string, string>>;
  /** Paper Lab's version (package.json) that wrote the run; absent in runs written before it was recorded. */
  readonly paperLabVersion?: string;
  /** TensorFlow.js's version (`@tensorflow/tfjs-core`'s own version export); absent in older runs. */
  readonly tfjsVersion?: string;
  /** Wall-clock seconds of training, excluding backend start-up. */
  readonly trainSeconds?: number;
  readonly error?: string;
  /**
   * The process writing the run and its host: a reader on the same host that finds the run
   * `running` while that process is gone shows it as interrupted.
   */
  readonly pid?: number;
  readonly hostname?: string;
  /** When that process started: a pid reused by a later process does not pass for it. */
  readonly processStartedAt?: string;
}

/** One row of `metrics.jsonl`: values of several metrics at one step. */
export interface MetricPoint {
  readonly step: number;
  readonly values: Readonly<Record<string, number>>;
}

export interface ClaimResult {
  readonly id: string;
  readonly text: string;
  readonly measured: number | null;
  readonly target: string;
  readonly pass: boolean;
  readonly unit?: string;
  readonly caveat?: string;
}

export interface RunSummary {
  readonly runId: string;
  readonly status: RunStatus;
  readonly results: RunResults;
  readonly claims: readonly ClaimResult[];
  readonly trainSeconds: number;
  readonly steps: number;
}

/** One seed's measurement of a claim in a multi-seed run (`paper-lab run --seeds`). */
export interface SeedClaimResult {
  readonly seed: number;
  readonly measured: number | null;
  readonly pass: boolean;
}

/** A claim across the seeds of a multi-seed run: it holds at `holds` of the `of` seeds that ran. */
export interface SeedsClaim {
  readonly id: string;
  readonly text: string;
  readonly target: string;
  readonly unit?: string;
  readonly perSeed: readonly SeedClaimResult[];
  readonly holds: number;
  readonly of: number;
}

/** One seed's run folder in a multi-seed run, relative to the folder holding `summary.json`. */
export interface SeedsRun {
  readonly seed: number;
  readonly folder: string;
  readonly status: RunStatus;
}

/**
 * `summary.json` of a multi-seed run (`paper-lab run --seeds 0,1,2`): one config, one run folder
 * per seed beside it, and each claim measured at every seed that ran.
 */
export interface SeedsSummary {
  readonly paper: PaperId;
  readonly demo: string;
  readonly preset: string;
  readonly config: DemoConfig;
  /** The seeds that ran, in order (fewer than asked for when the runs were stopped). */
  readonly seeds: readonly number[];
  readonly runs: readonly SeedsRun[];
  readonly claims: readonly SeedsClaim[];
}

/** `fedopt-quick-20261128-081500-s0` style ids: sortable, readable, safe as folder names. */
export function makeRunId(paper: PaperId, preset: string, seed: number, date: Date = new Date()): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const stamp = `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}-${p(date.getUTCHours())}${p(
    date.getUTCMinutes(),
  )}${p(date.getUTCSeconds())}${p(date.getUTCMilliseconds(), 3)}`;
  const safePreset = preset.replace(/[^a-z0-9-]/gi, '').slice(0, 20) || 'custom';
  return `${paper}-${safePreset}-${stamp}-s${seed}`;
}

export const RUN_ID_PATTERN = /^[a-z0-9-]+$/;

/** Seeds are used as unsigned 32-bit integers (see src/models/engine/rng.ts): larger ones would repeat a run. */
export const MAX_SEED = 0xffffffff;

export function isValidSeed(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_SEED;
}

/**
 * A list of seeds as people type it ("0,1,2"): integers from 0 to MAX_SEED, at least one, none
 * twice. Returns the seeds, or what is wrong with the list.
 */
export function parseSeedList(value: string): number[] | string {
  if (value.trim() === '') return 'expected a comma-separated list of seeds, e.g. 0,1,2';
  const seeds: number[] = [];
  for (const part of value.split(',').map((p) => p.trim())) {
    const n = Number(part);
    if (part === '') return `empty entry in "${value.slice(0, 60)}" (expected e.g. 0,1,2)`;
    if (!/^[0-9]+$/.test(part) || !Number.isSafeInteger(n) || n > MAX_SEED)
      return `expected integers from 0 to ${MAX_SEED} (got "${part.slice(0, 60)}")`;
    if (seeds.includes(n)) return `seed ${n} is given more than once`;
    seeds.push(n);
  }
  return seeds;
}

/**
 * Whether `name` can be a run folder's name: one path segment, not hidden. A run is identified
 * by its folder (a copied folder keeps the runId written inside it).
 */
export function isRunFolderName(name: unknown): name is string {
  return (
    typeof name === 'string' && name.length > 0 && name.length <= 255 && !name.startsWith('.') && !/[/\\\0]/.test(name)
  );
}
