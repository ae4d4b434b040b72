/**
 * The run folder on disk, written as a run goes and read back by the host, the panel and the CLI:
 *
 *   run.json               RunRecord (rewritten on status changes)
 *   metrics.jsonl          one MetricPoint per line (appended)
 *   outputs/<id>.json      RunOutput (a later output with the same id replaces it)
 *   summary.json           RunSummary (when the run ends, also when stopped or failed)
 *   checkpoints/<name>.json
 *
 * A run owns its folder: it is created for the run, or found empty, and claimed by creating
 * run.json exclusively, so a run never writes over another run or other files, and of two runs
 * started into one folder only one proceeds. A run is identified by its folder; the runId inside
 * run.json stays the same when a folder is copied.
 *
 * Node fs only: this file imports no TensorFlow.js, so the extension host can use it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Json } from '../../shared/messages';
import type { RunOutput } from '../../shared/outputs';
import { isRunFolderName, type MetricPoint, type RunRecord, type RunStatus, type RunSummary } from '../../shared/runs';
import { checkMetricPoint, checkRunOutput, checkRunRecord, checkRunSummary } from './runValidation';
import { version as PAPER_LAB_VERSION } from '../../../package.json';

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

// ---------------------------------------------------------------------------------------------
// Errors

function errnoOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  ENOENT: 'no such file or folder',
  EEXIST: 'it already exists',
  EIO: 'input/output error',
};

/** "no space left on device (ENOSPC)" for a file-system error; its message otherwise. */
export function describeFsError(e: unknown): string {
  const code = errnoOf(e);
  if (code !== undefined && Object.hasOwn(ERRNO_TEXT, code)) return `${ERRNO_TEXT[code]} (${code})`;
  return e instanceof Error ? e.message : String(e);
}

/** A file of the run folder could not be written (e.g. the disk is full). */
export class RunWriteError extends Error {
  readonly code: string | undefined;
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`could not write ${file}: ${describeFsError(cause)}`, { cause });
    this.name = 'RunWriteError';
    this.code = errnoOf(cause);
  }
}

/** The folder cannot take a new run (it holds files, is a file, or cannot be created); nothing was written. */
export class RunFolderError extends Error {
  constructor(
    readonly dir: string,
    readonly reason: string,
  ) {
    super(`${dir}: ${reason}`);
    this.name = 'RunFolderError';
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

/** The file operations the recorder uses; tests inject failures (a full disk) through them. */
export interface RunFileSystem {
  mkdir(dir: string, options: { recursive: boolean }): void;
  readdir(dir: string): string[];
  readFile(file: string): string;
  /** `exclusive`: fail with EEXIST when the file exists (O_EXCL). */
  writeFile(file: string, data: string, options?: { exclusive?: boolean }): void;
  appendFile(file: string, data: string): void;
  /**
   * Overwrites an existing file from its start, without truncating it first, then cuts it to
   * the new length: on a full disk this needs no new space while the text fits the file's pages.
   */
  rewrite(file: string, data: string): void;
  rename(from: string, to: string): void;
  unlink(file: string): void;
  rmdir(dir: string): void;
  writeFileAsync(file: string, data: string): Promise<void>;
  renameAsync(from: string, to: string): Promise<void>;
}

export const nodeRunFileSystem: RunFileSystem = {
  mkdir: (dir, options) => void fs.mkdirSync(dir, options),
  readdir: (dir) => fs.readdirSync(dir),
  readFile: (file) => fs.readFileSync(file, 'utf8'),
  writeFile: (file, data, options) => fs.writeFileSync(file, data, { flag: options?.exclusive ? 'wx' : 'w' }),
  appendFile: (file, data) => fs.appendFileSync(file, data),
  rewrite: (file, data) => {
    const fd = fs.openSync(file, 'r+');
    try {
      const bytes = Buffer.from(data);
      fs.writeSync(fd, bytes, 0, bytes.length, 0);
      fs.ftruncateSync(fd, bytes.length);
    } finally {
      fs.closeSync(fd);
    }
  },
  rename: (from, to) => fs.renameSync(from, to),
  unlink: (file) => fs.unlinkSync(file),
  rmdir: (dir) => fs.rmdirSync(dir),
  writeFileAsync: (file, data) => fs.promises.writeFile(file, data),
  renameAsync: (from, to) => fs.promises.rename(from, to),
};

function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

function tmpName(file: string): string {
  return `${file}.${process.pid}.tmp`;
}

/**
 * Writes a file through a temporary sibling and a rename, so readers never see half a file.
 * On failure the temporary file is removed and a RunWriteError names the file.
 */
export function writeJsonAtomic(file: string, value: unknown, io: RunFileSystem = nodeRunFileSystem): void {
  const tmp = tmpName(file);
  try {
    io.writeFile(tmp, jsonText(value));
    io.rename(tmp, file);
  } catch (e) {
    try {
      io.unlink(tmp);
    } catch {
      // never created
    }
    throw new RunWriteError(file, e);
  }
}

function describeEntries(entries: readonly string[]): string {
  const shown = entries.slice(0, 3).join(', ');
  return entries.length > 3 ? `${shown} and ${entries.length - 3} more` : shown;
}

/**
 * Whether `dir` (holding only run.json) was claimed for this very run by this process: the
 * extension host writes run.json before the run's worker thread starts writing the folder.
 */
function claimedForThisRun(io: RunFileSystem, dir: string, entries: readonly string[], record: RunRecord): boolean {
  if (entries.length !== 1 || entries[0] !== RUN_FILE) return false;
  try {
    const existing = JSON.parse(io.readFile(path.join(dir, RUN_FILE))) as unknown;
    return (
      checkRunRecord(existing) === null &&
      (existing as RunRecord).runId === record.runId &&
      (existing as RunRecord).status === 'running' &&
      (existing as RunRecord).pid === process.pid
    );
  } catch {
    return false;
  }
}

/**
 * Checks, without writing anything, that a new run could be written to `dir`: it is missing
 * (and could be created) or an empty folder. Returns the problem, or null. `writable` says
 * whether a folder accepts new files (default: an access check; tests inject one).
 */
export function checkNewRunFolder(
  dir: string,
  writable: (folder: string) => boolean = (folder) => {
    try {
      fs.accessSync(folder, fs.constants.W_OK | fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
): string | null {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch (e) {
    if (errnoOf(e) !== 'ENOENT') return `cannot use ${dir}: ${describeFsError(e)}`;
  }
  if (stat) {
    if (!stat.isDirectory()) return `${dir} is a file, not a folder`;
    let entries: string[];
    try {
      entries = fs.readdirSync(dir);
    } catch (e) {
      return `cannot read ${dir}: ${describeFsError(e)}`;
    }
    if (entries.length > 0)
      return `${dir} is not empty (it holds ${describeEntries(entries)}); a run needs a new or empty folder`;
    return writable(dir) ? null : `cannot write into ${dir}: permission denied`;
  }
  // The nearest existing ancestor must be a folder we may create entries in.
  let parent = path.dirname(dir);
  for (;;) {
    let parentStat: fs.Stats | undefined;
    try {
      parentStat = fs.statSync(parent);
    } catch (e) {
      const code = errnoOf(e);
      if (code !== 'ENOENT') return `cannot create ${dir}: ${describeFsError(e)}`;
    }
    if (parentStat) {
      if (!parentStat.isDirectory()) return `cannot create ${dir}: ${parent} is a file, not a folder`;
      return writable(parent) ? null : `cannot create ${dir}: ${parent} is not writable`;
    }
    const up = path.dirname(parent);
    if (up === parent) return `cannot create ${dir}`;
    parent = up;
  }
}

/**
 * Rewrites run.json as surely as it can: through a temporary file, and when that cannot be
 * written (a full disk), in place, which needs no new space. Throws the first RunWriteError
 * when neither works.
 */
export function rewriteRunRecord(dir: string, record: RunRecord, io: RunFileSystem = nodeRunFileSystem): RunRecord {
  const file = path.join(dir, RUN_FILE);
  try {
    writeJsonAtomic(file, record, io);
  } catch (e) {
    try {
      // Compact: the rewritten record should fit the pages the old one holds.
      io.rewrite(file, JSON.stringify(record) + '\n');
    } catch {
      throw e;
    }
  }
  return record;
}

export interface RecorderOptions {
  /** File operations (tests inject failures). */
  readonly fs?: RunFileSystem;
}

/**
 * The record with the versions a reader of the run folder looks for: Paper Lab's (package.json)
 * and TensorFlow.js's. The latter is `versions['tfjs-core']`, which the runner fills from
 * tfjs-core's `version_core` export (this file imports no TensorFlow.js). Values the record
 * already has are kept.
 */
export function withVersions(record: RunRecord): RunRecord {
  const tfjs = record.tfjsVersion ?? record.versions['tfjs-core'];
  return {
    ...record,
    paperLabVersion: record.paperLabVersion ?? PAPER_LAB_VERSION,
    ...(tfjs !== undefined ? { tfjsVersion: tfjs } : {}),
  };
}

/**
 * Writes one run's folder. Every method writes through to disk immediately and throws a
 * RunWriteError naming the file when it cannot.
 */
export class RunRecorder {
  private current: RunRecord;
  private readonly io: RunFileSystem;

  /**
   * Claims `dir` for the run: creates it (or takes it empty) and creates run.json exclusively.
   * Throws RunFolderError, having written nothing, when the folder holds anything else or is
   * claimed first by another run; RunWriteError when a file cannot be written.
   */
  constructor(
    readonly dir: string,
    record: RunRecord,
    options: RecorderOptions = {},
  ) {
    this.io = options.fs ?? nodeRunFileSystem;
    record = withVersions(record);
    this.current = record;
    const io = this.io;
    const runFile = path.join(dir, RUN_FILE);
    try {
      io.mkdir(path.dirname(dir), { recursive: true });
    } catch (e) {
      throw new RunFolderError(dir, `cannot create its parent folder: ${describeFsError(e)}`);
    }
    let createdDir = false;
    let adopted = false;
    try {
      io.mkdir(dir, { recursive: false });
      createdDir = true;
    } catch (e) {
      if (errnoOf(e) !== 'EEXIST') throw new RunFolderError(dir, `cannot create it: ${describeFsError(e)}`);
      let entries: string[];
      try {
        entries = io.readdir(dir);
      } catch (re) {
        throw new RunFolderError(dir, errnoOf(re) === 'ENOTDIR' ? 'it is a file, not a folder' : describeFsError(re));
      }
      if (entries.length > 0) {
        if (!claimedForThisRun(io, dir, entries, record))
          throw new RunFolderError(
            dir,
            `not empty (it holds ${describeEntries(entries)}); a run needs a new or empty folder`,
          );
        adopted = true;
      }
    }
    let createdRunFile = false;
    try {
      if (adopted) {
        writeJsonAtomic(runFile, record, io);
      } else {
        try {
          io.writeFile(runFile, jsonText(record), { exclusive: true });
          createdRunFile = true;
        } catch (e) {
          if (errnoOf(e) === 'EEXIST') throw new RunFolderError(dir, 'another run claimed this folder first');
          throw new RunWriteError(runFile, e);
        }
      }
      try {
        io.writeFile(path.join(dir, METRICS_FILE), '', { exclusive: true });
      } catch (e) {
        if (errnoOf(e) === 'EEXIST') throw new RunFolderError(dir, 'another run claimed this folder first');
        throw new RunWriteError(path.join(dir, METRICS_FILE), e);
      }
      try {
        io.mkdir(path.join(dir, OUTPUTS_DIR), { recursive: true });
      } catch (e) {
        throw new RunWriteError(path.join(dir, OUTPUTS_DIR), e);
      }
    } catch (e) {
      // Leave nothing half-made behind (a folder found empty is left empty).
      if (createdRunFile) {
        for (const undo of [
          () => io.rmdir(path.join(dir, OUTPUTS_DIR)),
          () => io.unlink(path.join(dir, METRICS_FILE)),
          () => io.unlink(runFile),
          () => (createdDir ? io.rmdir(dir) : undefined),
        ]) {
          try {
            undo();
          } catch {
            // best effort
          }
        }
      }
      throw e;
    }
  }

  get record(): RunRecord {
    return this.current;
  }

  /** Rewrites run.json with the changed fields. */
  update(patch: Partial<RunRecord>): RunRecord {
    const next = { ...this.current, ...patch };
    writeJsonAtomic(path.join(this.dir, RUN_FILE), next, this.io);
    this.current = next;
    return this.current;
  }

  /**
   * Records how the run ended, as surely as it can: through a temporary file, and when that
   * cannot be written (a full disk), by rewriting run.json in place, which needs no new space.
   * Throws the first error only when both fail.
   */
  finish(patch: Partial<RunRecord>): RunRecord {
    this.current = rewriteRunRecord(this.dir, { ...this.current, ...patch }, this.io);
    return this.current;
  }

  appendMetrics(points: readonly MetricPoint[]): void {
    if (points.length === 0) return;
    const text = points.map((p) => JSON.stringify({ step: p.step, values: p.values })).join('\n') + '\n';
    const file = path.join(this.dir, METRICS_FILE);
    try {
      this.io.appendFile(file, text);
    } catch (e) {
      throw new RunWriteError(file, e);
    }
  }

  writeOutput(output: RunOutput): void {
    writeJsonAtomic(path.join(this.dir, OUTPUTS_DIR, `${safeName(output.id, 'output')}.json`), output, this.io);
  }

  writeSummary(summary: RunSummary): void {
    writeJsonAtomic(path.join(this.dir, SUMMARY_FILE), summary, this.io);
  }

  async writeCheckpoint(name: string, data: Json): Promise<void> {
    const dir = path.join(this.dir, CHECKPOINTS_DIR);
    const file = path.join(dir, `${safeName(name, 'checkpoint')}.json`);
    const tmp = tmpName(file);
    try {
      this.io.mkdir(dir, { recursive: true });
      await this.io.writeFileAsync(tmp, JSON.stringify(data));
      await this.io.renameAsync(tmp, file);
    } catch (e) {
      try {
        this.io.unlink(tmp);
      } catch {
        // never created
      }
      throw new RunWriteError(file, e);
    }
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
   * Whether this process is still running the run, for a run written by this process or one
   * whose run.json names no process. When false, a run.json left `running` (by a crash or a
   * reload) reads back as `interrupted`. Default true: the status is kept. A run written by
   * another process on this host reads back as `interrupted` when that process is gone.
   */
  readonly live?: boolean;
  /** Told about each part of the folder that was skipped because it is malformed. */
  readonly onWarning?: (message: string) => void;
}

/** Whether a process with this id exists (`kill(pid, 0)`: ESRCH means it is gone). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoOf(e) !== 'ESRCH';
  }
}

/** When process `pid` started (ms since the epoch) as Linux's /proc tells it; undefined elsewhere. */
export function processStartMs(pid: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name; the 22nd field, starttime, is in clock ticks (100 a second) since boot.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const boot = Number(/^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'))?.[1]);
    return Number.isFinite(ticks) && Number.isFinite(boot) ? boot * 1000 + ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}

/** Processes whose start times differ by more than this are different processes with one pid. */
const START_TOLERANCE_MS = 5000;

/** This process, as run.json records its writer. */
export function writerOfThisProcess(): Pick<RunRecord, 'pid' | 'hostname' | 'processStartedAt'> {
  const started = processStartMs(process.pid) ?? Date.now() - process.uptime() * 1000;
  return { pid: process.pid, hostname: os.hostname(), processStartedAt: new Date(started).toISOString() };
}

/**
 * Whether the process that wrote `record` is gone (exited, or its pid now belongs to a process
 * that started at another time): true or false when run.json names a process on this host other
 * than this one, undefined when that cannot be told here.
 */
export function writerGone(record: RunRecord): boolean | undefined {
  if (record.pid === undefined || record.hostname === undefined) return undefined;
  if (record.hostname !== os.hostname() || record.pid === process.pid) return undefined;
  if (!processAlive(record.pid)) return true;
  const recorded = Date.parse(record.processStartedAt ?? '');
  const actual = processStartMs(record.pid);
  return Number.isFinite(recorded) && actual !== undefined && Math.abs(actual - recorded) > START_TOLERANCE_MS;
}

/** The record as a reader shows it: a `running` run nobody runs any more is `interrupted`. */
export function withLiveness(record: RunRecord, liveHere: boolean): RunRecord {
  if (record.status !== 'running') return record;
  const gone = writerGone(record);
  const live = gone === undefined ? liveHere : !gone;
  return live ? record : { ...record, status: 'interrupted' as RunStatus };
}

function readJson(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
}

function parseProblem(e: unknown): string {
  return e instanceof SyntaxError ? `is not JSON (${e.message})` : `cannot be read: ${describeFsError(e)}`;
}

/** Reads run.json only (cheap, for lists); throws when it is missing or malformed. */
export function readRunRecord(dir: string, options: ReadOptions = {}): RunRecord {
  const file = path.join(dir, RUN_FILE);
  let value: unknown;
  try {
    value = readJson(file);
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') throw e;
    throw new Error(`${file} ${parseProblem(e)}`, { cause: e });
  }
  const problem = checkRunRecord(value);
  if (problem !== null) throw new Error(`${file} is not a run record: ${problem}`);
  return withLiveness(value as RunRecord, options.live ?? true);
}

/** Reads metrics.jsonl; a torn last line (a crash mid-write) is skipped, other bad lines with a warning. */
export function readMetrics(dir: string, onWarning?: (message: string) => void): MetricPoint[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, METRICS_FILE), 'utf8');
  } catch {
    return [];
  }
  const points: MetricPoint[] = [];
  const lines = text.split('\n');
  let bad = 0;
  let firstBad = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line) as unknown;
    } catch {
      if (i === lines.length - 1) continue; // torn last line
      value = undefined;
    }
    if (value !== undefined && checkMetricPoint(value) === null) points.push(value as MetricPoint);
    else if (bad++ === 0) firstBad = i + 1;
  }
  if (bad > 0)
    onWarning?.(
      `${path.join(dir, METRICS_FILE)}: skipped ${bad} malformed line${bad === 1 ? '' : 's'} (first: line ${firstBad})`,
    );
  return points;
}

function outputFiles(dir: string): string[] {
  try {
    return fs
      .readdirSync(path.join(dir, OUTPUTS_DIR))
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
}

function readOutput(file: string): { output: RunOutput } | { problem: string } {
  let value: unknown;
  try {
    value = readJson(file);
  } catch (e) {
    return { problem: parseProblem(e) };
  }
  const problem = checkRunOutput(value);
  return problem === null ? { output: value as RunOutput } : { problem: `is not a run output: ${problem}` };
}

/** Reads outputs/*.json; a malformed one is skipped with a warning naming it, the others are kept. */
export function readOutputs(dir: string, onWarning?: (message: string) => void): RunOutput[] {
  const outputs: RunOutput[] = [];
  for (const name of outputFiles(dir)) {
    const file = path.join(dir, OUTPUTS_DIR, name);
    const r = readOutput(file);
    if ('output' in r) outputs.push(r.output);
    else onWarning?.(`${file} ${r.problem}; skipped`);
  }
  return outputs;
}

function readSummaryChecked(dir: string): { summary: RunSummary | null } | { problem: string } {
  let value: unknown;
  try {
    value = readJson(path.join(dir, SUMMARY_FILE));
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return { summary: null };
    return { problem: `${SUMMARY_FILE} ${parseProblem(e)}` };
  }
  const problem = checkRunSummary(value);
  return problem === null
    ? { summary: value as RunSummary }
    : { problem: `${SUMMARY_FILE} is not a summary: ${problem}` };
}

/** Reads summary.json: null when there is none, or (with a warning) when it is malformed. */
export function readSummary(dir: string, onWarning?: (message: string) => void): RunSummary | null {
  const r = readSummaryChecked(dir);
  if ('summary' in r) return r.summary;
  onWarning?.(`${path.join(dir, SUMMARY_FILE)}: ${r.problem}; ignored`);
  return null;
}

/** Reads a whole run folder; throws when run.json is missing or malformed, skips malformed parts. */
export function readRun(dir: string, options: ReadOptions = {}): RunData {
  const record = readRunRecord(dir, options);
  const summary = readSummary(dir, options.onWarning);
  return {
    dir,
    record,
    points: readMetrics(dir, options.onWarning),
    outputs: readOutputs(dir, options.onWarning),
    summary,
  };
}

export interface ListOptions {
  /**
   * Whether this process runs the run in `folder` (see ReadOptions.live); runs left `running`
   * that are not live are listed as interrupted. Without it, such statuses are kept as written.
   */
  readonly isLive?: (folder: string, record: RunRecord) => boolean;
  /** Told about each run folder that was skipped, naming the folder and the problem. */
  readonly onWarning?: (message: string) => void;
}

/** One run of a listing: its folder's name (the run's key), its record and its summary. */
export interface ListedRun {
  readonly folder: string;
  readonly record: RunRecord;
  readonly summary: RunSummary | null;
}

interface CheckedFolder {
  readonly stamp: string;
  readonly result: { record: RunRecord; summary: RunSummary | null } | { problem: string } | null;
}

/** Folders checked by listRuns, by path: a folder is read again only when one of its files changed. */
const checked = new Map<string, CheckedFolder>();

function stampOf(dir: string): string | null {
  const part = (file: string): string => {
    try {
      const s = fs.statSync(file);
      return `${s.mtimeMs}:${s.size}`;
    } catch {
      return '-';
    }
  };
  const run = part(path.join(dir, RUN_FILE));
  if (run === '-') return null;
  const outputs = outputFiles(dir).map((n) => `${n}=${part(path.join(dir, OUTPUTS_DIR, n))}`);
  return [run, part(path.join(dir, SUMMARY_FILE)), ...outputs].join('|');
}

/** Reads and checks the files a listing shows; null when the folder holds no run.json. */
function checkFolder(dir: string): CheckedFolder['result'] {
  let record: RunRecord;
  try {
    record = readRunRecord(dir);
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return null;
    return { problem: e instanceof Error ? e.message.replace(`${dir}${path.sep}`, '') : String(e) };
  }
  const summary = readSummaryChecked(dir);
  if (!('summary' in summary)) return { problem: summary.problem };
  for (const name of outputFiles(dir)) {
    const r = readOutput(path.join(dir, OUTPUTS_DIR, name));
    if ('problem' in r) return { problem: `${OUTPUTS_DIR}/${name} ${r.problem}` };
  }
  return { record, summary: summary.summary };
}

/**
 * Lists the runs under `runsDir` (newest first). Folders without run.json are not runs and are
 * left out; a folder whose run.json, summary.json or outputs are malformed is left out with a
 * warning naming it, so one bad folder does not hide the others.
 */
export function listRuns(runsDir: string, options: ListOptions = {}): ListedRun[] {
  let names: string[];
  try {
    names = fs.readdirSync(runsDir);
  } catch {
    return [];
  }
  if (checked.size > 5000) checked.clear();
  const runs: ListedRun[] = [];
  for (const folder of names) {
    if (!isRunFolderName(folder)) continue;
    const dir = path.join(runsDir, folder);
    const stamp = stampOf(dir);
    if (stamp === null) continue;
    let entry = checked.get(dir);
    if (!entry || entry.stamp !== stamp) {
      entry = { stamp, result: checkFolder(dir) };
      checked.set(dir, entry);
    }
    const result = entry.result;
    if (result === null) continue;
    if ('problem' in result) {
      options.onWarning?.(`skipped the run folder ${dir}: ${result.problem}`);
      continue;
    }
    const live = options.isLive ? options.isLive(folder, result.record) : true;
    runs.push({ folder, record: withLiveness(result.record, live), summary: result.summary });
  }
  const key = (r: ListedRun): string => r.record.startedAt;
  return runs.sort((a, b) =>
    key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : a.folder < b.folder ? -1 : a.folder > b.folder ? 1 : 0,
  );
}
