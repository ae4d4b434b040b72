/**
 * The host's view of the runs folder under the extension's global storage. Reading and writing
 * go through the engine's recorder (which imports no TensorFlow.js), so the host, the worker and
 * the CLI agree on one layout.
 *
 * A run is identified by its folder's name: a copied folder keeps the runId written inside it,
 * so two folders may hold one runId. Every method takes the folder name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunOutput } from '../shared/outputs';
import { isRunFolderName, type MetricPoint, type RunRecord, type RunStatus, type RunSummary } from '../shared/runs';
import type { RunListItem } from '../shared/webviewProtocol';
import { claimsVerdict, verdictLine } from '../shared/verdict';
import {
  CHECKPOINTS_DIR,
  listRuns,
  readRun,
  readRunRecord,
  readSummary,
  rewriteRunRecord,
  RUN_FILE,
  RunFolderError,
} from '../models/engine/recorder';

export interface StoredRun {
  readonly record: RunRecord;
  readonly points: readonly MetricPoint[];
  readonly outputs: readonly RunOutput[];
  readonly summary?: RunSummary;
}

export class RunStore {
  private readonly warned = new Set<string>();

  /** `onWarning` hears about malformed run folders (each message once), e.g. to log them. */
  constructor(
    readonly root: string,
    private readonly onWarning: (message: string) => void = () => undefined,
  ) {}

  private warn = (message: string): void => {
    if (this.warned.has(message)) return;
    if (this.warned.size > 1000) this.warned.clear();
    this.warned.add(message);
    this.onWarning(message);
  };

  /** The folder of the run named `folder` (one path segment; throws for anything else). */
  dirOf(folder: string): string {
    if (!isRunFolderName(folder)) throw new Error(`invalid run folder "${folder}"`);
    return path.join(this.root, folder);
  }

  /**
   * Claims a new folder named after the run's id and writes the initial run.json, so the run
   * is listed before its worker is up; the worker's recorder takes the folder over. Returns the
   * folder's name. Throws when the folder exists.
   */
  create(record: RunRecord): string {
    const folder = record.runId;
    const dir = this.dirOf(folder);
    fs.mkdirSync(this.root, { recursive: true });
    try {
      fs.mkdirSync(dir);
    } catch (e) {
      throw new RunFolderError(dir, `cannot create it: ${e instanceof Error ? e.message : String(e)}`);
    }
    fs.writeFileSync(path.join(dir, RUN_FILE), JSON.stringify(record, null, 2) + '\n', { flag: 'wx' });
    return folder;
  }

  /**
   * Runs, newest first, as list items keyed by folder; `isLive(folder)` says whether this host
   * runs it (a run left `running` by a crash or by a process that is gone shows as interrupted).
   * Malformed folders are left out and reported to `onWarning`.
   */
  list(isLive: (folder: string) => boolean): { paper: string; item: RunListItem }[] {
    return listRuns(this.root, { isLive: (folder) => isLive(folder), onWarning: this.warn }).map(
      ({ folder, record, summary }) => {
        const verdict = claimsVerdict(record.status, summary?.claims ?? []);
        const item: RunListItem = {
          runId: record.runId,
          folder,
          demo: record.demo,
          preset: record.preset,
          seed: record.seed,
          status: record.status,
          startedAt: record.startedAt,
          ...(record.backend ? { backend: record.backend.chosen } : {}),
          ...(verdict.kind !== 'none'
            ? { claimsLine: verdictLine(verdict, record.status), verdict: verdict.kind }
            : {}),
        };
        return { paper: record.paper, item };
      },
    );
  }

  readRecord(folder: string): RunRecord | undefined {
    try {
      return readRunRecord(this.dirOf(folder));
    } catch {
      return undefined;
    }
  }

  readSummary(folder: string): RunSummary | undefined {
    try {
      return readSummary(this.dirOf(folder), this.warn) ?? undefined;
    } catch {
      return undefined;
    }
  }

  read(folder: string, live: boolean): StoredRun | undefined {
    try {
      const run = readRun(this.dirOf(folder), { live, onWarning: this.warn });
      return {
        record: run.record,
        points: run.points,
        outputs: run.outputs,
        ...(run.summary ? { summary: run.summary } : {}),
      };
    } catch (e) {
      this.warn(`could not read the run folder ${folder}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  /**
   * The path of a JSON checkpoint the run saved (`checkpoints/<name>.json`), or undefined when it
   * has none. The host does not parse it: the query worker reads it.
   */
  checkpointFile(folder: string, name: string): string | undefined {
    if (!/^[A-Za-z0-9._-]{1,200}$/.test(name) || name.startsWith('.')) return undefined;
    const file = path.join(this.dirOf(folder), CHECKPOINTS_DIR, `${name}.json`);
    return fs.existsSync(file) ? file : undefined;
  }

  /** Marks a run that ended without writing its own status (terminated or crashed worker). */
  finish(folder: string, status: RunStatus, error?: string): RunRecord | undefined {
    const record = this.readRecord(folder);
    if (!record) return undefined;
    const updated: RunRecord = {
      ...record,
      status,
      endedAt: new Date().toISOString(),
      ...(error !== undefined ? { error } : {}),
    };
    try {
      return rewriteRunRecord(this.dirOf(folder), updated);
    } catch (e) {
      this.warn(e instanceof Error ? e.message : String(e));
      return undefined;
    }
  }

  /** Deletes the run folder named `folder` (and nothing else: a copy's original stays). */
  delete(folder: string): void {
    fs.rmSync(this.dirOf(folder), { recursive: true, force: true });
  }
}
