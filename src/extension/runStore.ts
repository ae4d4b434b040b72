/**
 * The host's view of the runs folder under the extension's global storage. Reading and writing
 * go through the engine's recorder (which imports no TensorFlow.js), so the host, the worker and
 * the CLI agree on one layout.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunOutput } from '../shared/outputs';
import { RUN_ID_PATTERN, type MetricPoint, type RunRecord, type RunStatus, type RunSummary } from '../shared/runs';
import type { RunListItem } from '../shared/webviewProtocol';
import { CHECKPOINTS_DIR, listRuns, readRun, readRunRecord, readSummary, RUN_FILE } from '../models/engine/recorder';

export interface StoredRun {
  readonly record: RunRecord;
  readonly points: readonly MetricPoint[];
  readonly outputs: readonly RunOutput[];
  readonly summary?: RunSummary;
}

export class RunStore {
  constructor(readonly root: string) {}

  dirOf(runId: string): string {
    if (!RUN_ID_PATTERN.test(runId)) throw new Error(`invalid run id "${runId}"`);
    return path.join(this.root, runId);
  }

  /** Writes the initial run.json so the run is listed before its worker is up. */
  create(record: RunRecord): void {
    const dir = this.dirOf(record.runId);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, RUN_FILE), JSON.stringify(record, null, 2) + '\n');
  }

  /** Runs, newest first, as list items; `isLive` marks runs left `running` by a crash as interrupted. */
  list(isLive: (runId: string) => boolean): { paper: string; item: RunListItem }[] {
    return listRuns(this.root, { isLive }).map((record) => {
      const summary = readSummary(this.dirOf(record.runId));
      const claims = summary?.claims ?? [];
      const item: RunListItem = {
        runId: record.runId,
        demo: record.demo,
        preset: record.preset,
        seed: record.seed,
        status: record.status,
        startedAt: record.startedAt,
        ...(record.backend ? { backend: record.backend.chosen } : {}),
        ...(claims.length > 0
          ? { claimsLine: `${claims.filter((c) => c.pass).length}/${claims.length} claims pass` }
          : {}),
      };
      return { paper: record.paper, item };
    });
  }

  readRecord(runId: string): RunRecord | undefined {
    try {
      return readRunRecord(this.dirOf(runId));
    } catch {
      return undefined;
    }
  }

  readSummary(runId: string): RunSummary | undefined {
    return readSummary(this.dirOf(runId)) ?? undefined;
  }

  read(runId: string, live: boolean): StoredRun | undefined {
    try {
      const run = readRun(this.dirOf(runId), { live });
      return {
        record: run.record,
        points: run.points,
        outputs: run.outputs,
        ...(run.summary ? { summary: run.summary } : {}),
      };
    } catch {
      return undefined;
    }
  }

  /** A JSON checkpoint the run saved (`checkpoints/<name>.json`), or undefined when it has none. */
  readCheckpoint(runId: string, name: string): unknown {
    if (!/^[A-Za-z0-9._-]{1,200}$/.test(name) || name.startsWith('.')) return undefined;
    try {
      return JSON.parse(
        fs.readFileSync(path.join(this.dirOf(runId), CHECKPOINTS_DIR, `${name}.json`), 'utf8'),
      ) as unknown;
    } catch {
      return undefined;
    }
  }

  /** Marks a run that ended without writing its own status (terminated or crashed worker). */
  finish(runId: string, status: RunStatus, error?: string): RunRecord | undefined {
    const record = this.readRecord(runId);
    if (!record) return undefined;
    const updated: RunRecord = {
      ...record,
      status,
      endedAt: new Date().toISOString(),
      ...(error !== undefined ? { error } : {}),
    };
    fs.writeFileSync(path.join(this.dirOf(runId), RUN_FILE), JSON.stringify(updated, null, 2) + '\n');
    return updated;
  }

  delete(runId: string): void {
    fs.rmSync(this.dirOf(runId), { recursive: true, force: true });
  }
}
