/**
 * Fixtures for tests of run folders: a fresh temporary folder, and a run record that a test
 * changes only where it matters to it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunRecord, RunSummary } from '../../src/shared/runs';

/** A new, empty folder under the system's temporary folder. */
export function tmpDir(prefix = 'paper-lab-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A FedOpt quick run at seed 1 started on 1 January 2025, with `changes` applied. */
export function runRecord(changes: Partial<RunRecord> = {}): RunRecord {
  return {
    runId: 'fedopt-quick-20250101-000000000-s1',
    paper: 'fedopt',
    demo: 'compare',
    preset: 'quick',
    config: { rounds: 3 },
    seed: 1,
    status: 'running',
    startedAt: '2025-01-01T00:00:00.000Z',
    versions: { node: '20' },
    ...changes,
  };
}

/** The summary of a completed three-step run of `record` whose one claim passed, with `changes` applied. */
export function runSummary(record: RunRecord, final: number, changes: Partial<RunSummary> = {}): RunSummary {
  return {
    runId: record.runId,
    status: 'completed',
    results: { final },
    claims: [{ id: 'c', text: 'final loss below 0.5', measured: final, target: '< 0.5', pass: true }],
    trainSeconds: 1,
    steps: 3,
    ...changes,
  };
}
