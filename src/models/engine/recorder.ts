/**
 * The run folder on disk, written as a run goes and read back by the host, the panel and the CLI:
 *
 *   run.json               RunRecord (rewritten on status changes)
 *   metrics.jsonl          one MetricPoint per line (appended)
 *   outputs/<id>.json      RunOutput (a later output with the same id replaces it)
 *   summary.json           RunSummary (when the run ends, also when stopped or failed)
 *   checkpoints/<name>.json
 *
 * Node fs only: this file imports no TensorFlow.js, so the extension host can use it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isRecord, type Json } from '../../shared/messages';
import { OUTPUT_KINDS, type RunOutput } from '../../shared/outputs';
import { RUN_ID_PATTERN, type MetricPoint, type RunRecord, type RunStatus, type RunSummary } from '../../shared/runs';

export const RUN_FILE = 'run.json';
export const METRICS_FILE = 'metrics.jsonl';
export const SUMMARY_FILE = 'summary.json';
export const OUTPUTS_DIR = 'outputs';
export const CHECKPOINTS_DIR = 'checkpoints';

const SAFE_NAME = /^[A-Za-z0-9._-]{1,200}$/;

function safeName(name: string, what: string): string {
  if (!SAFE_NAME.test(name) || name.startsWith('.')) throw new Error(`invalid ${what} name "${name}"`);
  return name;
}

/** Writes a file through a temporary sibling and a rename, so readers never see half a file. */
function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

/** Writes one run's folder. Every method writes through to disk immediately. */
export class RunRecorder {
  private current: RunRecord;

  constructor(
    readonly dir: string,
    record: RunRecord,
  ) {
    fs.mkdirSync(path.join(dir, OUTPUTS_DIR), { recursive: true });
    this.current = record;
    writeJsonAtomic(path.join(dir, RUN_FILE), record);
    fs.writeFileSync(path.join(dir, METRICS_FILE), '');
  }

  get record(): RunRecord {
    return this.current;
  }

  /** Rewrites run.json with the changed fields. */
  update(patch: Partial<RunRecord>): RunRecord {
    this.current = { ...this.current, ...patch };
    writeJsonAtomic(path.join(this.dir, RUN_FILE), this.current);
    return this.current;
  }

  appendMetrics(points: readonly MetricPoint[]): void {
    if (points.length === 0) return;
    const text = points.map((p) => JSON.stringify({ step: p.step, values: p.values })).join('\n') + '\n';
    fs.appendFileSync(path.join(this.dir, METRICS_FILE), text);
  }

  writeOutput(output: RunOutput): void {
    writeJsonAtomic(path.join(this.dir, OUTPUTS_DIR, `${safeName(output.id, 'output')}.json`), output);
  }

  writeSummary(summary: RunSummary): void {
    writeJsonAtomic(path.join(this.dir, SUMMARY_FILE), summary);
  }

  async writeCheckpoint(name: string, data: Json): Promise<void> {
    const dir = path.join(this.dir, CHECKPOINTS_DIR);
    await fs.promises.mkdir(dir, { recursive: true });
    const file = path.join(dir, `${safeName(name, 'checkpoint')}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.promises.writeFile(tmp, JSON.stringify(data));
    await fs.promises.rename(tmp, file);
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface RunData {
  readonly dir: string;
  readonly record: RunRecord;
  readonly points: MetricPoint[];
  readonly outputs: RunOutput[];
  readonly summary: RunSummary | null;
}

export interface ReadOptions {
  /**
   * Whether a process is still running this run. When false, a run.json left in `running`
   * (by a crash or a reload) reads back as `interrupted`. Default true: the status is kept.
   */
  readonly live?: boolean;
}

const STATUSES: readonly RunStatus[] = ['running', 'completed', 'stopped', 'failed', 'interrupted'];

function isRunRecord(value: unknown): value is RunRecord {
  return (
    isRecord(value) &&
    typeof value['runId'] === 'string' &&
    typeof value['paper'] === 'string' &&
    typeof value['demo'] === 'string' &&
    typeof value['seed'] === 'number' &&
    typeof value['startedAt'] === 'string' &&
    STATUSES.includes(value['status'] as RunStatus) &&
    isRecord(value['config'])
  );
}

function isMetricPoint(value: unknown): value is MetricPoint {
  return (
    isRecord(value) &&
    typeof value['step'] === 'number' &&
    isRecord(value['values']) &&
    Object.values(value['values']).every((v) => typeof v === 'number' || v === null)
  );
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
}

function applyLiveness(record: RunRecord, options: ReadOptions): RunRecord {
  return record.status === 'running' && options.live === false ? { ...record, status: 'interrupted' } : record;
}

/** Reads run.json only (cheap, for lists); throws when it is missing or malformed. */
export function readRunRecord(dir: string, options: ReadOptions = {}): RunRecord {
  const value = readJson(path.join(dir, RUN_FILE));
  if (!isRunRecord(value)) throw new Error(`${path.join(dir, RUN_FILE)} is not a run record`);
  return applyLiveness(value, options);
}

/** Reads metrics.jsonl; a torn last line (a crash mid-write) is skipped. */
export function readMetrics(dir: string): MetricPoint[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, METRICS_FILE), 'utf8');
  } catch {
    return [];
  }
  const points: MetricPoint[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (isMetricPoint(value)) points.push(value);
    } catch {
      // torn line
    }
  }
  return points;
}

export function readOutputs(dir: string): RunOutput[] {
  const folder = path.join(dir, OUTPUTS_DIR);
  let names: string[];
  try {
    names = fs.readdirSync(folder).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const outputs: RunOutput[] = [];
  for (const name of names.sort()) {
    try {
      const value = readJson(path.join(folder, name));
      if (
        isRecord(value) &&
        OUTPUT_KINDS.includes(value['kind'] as RunOutput['kind']) &&
        typeof value['id'] === 'string'
      )
        outputs.push(value as unknown as RunOutput);
    } catch {
      // unreadable output: skipped
    }
  }
  return outputs;
}

export function readSummary(dir: string): RunSummary | null {
  try {
    const value = readJson(path.join(dir, SUMMARY_FILE));
    return isRecord(value) && typeof value['status'] === 'string' && Array.isArray(value['claims'])
      ? (value as unknown as RunSummary)
      : null;
  } catch {
    return null;
  }
}

/** Reads a whole run folder. */
export function readRun(dir: string, options: ReadOptions = {}): RunData {
  const record = readRunRecord(dir, options);
  const summary = readSummary(dir);
  return { dir, record, points: readMetrics(dir), outputs: readOutputs(dir), summary };
}

export interface ListOptions {
  /** Says whether a run is live; runs left `running` that are not live are listed as interrupted. Without it, statuses are kept as written. */
  readonly isLive?: (runId: string) => boolean;
}

/** Lists the runs under `runsDir` (newest first), skipping folders without a readable run.json. */
export function listRuns(runsDir: string, options: ListOptions = {}): RunRecord[] {
  let names: string[];
  try {
    names = fs.readdirSync(runsDir);
  } catch {
    return [];
  }
  const records: RunRecord[] = [];
  for (const name of names) {
    if (!RUN_ID_PATTERN.test(name)) continue;
    try {
      const record = readRunRecord(path.join(runsDir, name));
      records.push(applyLiveness(record, { live: options.isLive ? options.isLive(record.runId) : true }));
    } catch {
      // not a run folder
    }
  }
  return records.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
}
