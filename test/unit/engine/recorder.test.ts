import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listRuns, readRun, RunRecorder } from '../../../src/models/engine/recorder';
import type { RunRecord, RunSummary } from '../../../src/shared/runs';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'paper-lab-rec-'));
}

const record: RunRecord = {
  runId: 'fedopt-quick-20250101-000000000-s1',
  paper: 'fedopt',
  demo: 'compare',
  preset: 'quick',
  config: { rounds: 3 },
  seed: 1,
  status: 'running',
  startedAt: '2025-01-01T00:00:00.000Z',
  versions: { node: '20' },
};

describe('recorder', () => {
  it('round-trips a run folder', async () => {
    const root = tmp();
    const dir = path.join(root, record.runId);
    const rec = new RunRecorder(dir, record);
    rec.appendMetrics([{ step: 1, values: { loss: 1 } }]);
    rec.appendMetrics([
      { step: 2, values: { loss: 0.5 } },
      { step: 3, values: { loss: 0.25, acc: 0.9 } },
    ]);
    rec.writeOutput({ kind: 'text', id: 'note', title: 'Note', text: 'hello' });
    rec.writeOutput({ kind: 'text', id: 'note', title: 'Note', text: 'replaced' });
    await rec.writeCheckpoint('round-3', { w: [1, 2] });
    const summary: RunSummary = {
      runId: record.runId,
      status: 'completed',
      results: { final: 0.25 },
      claims: [],
      trainSeconds: 1.5,
      steps: 3,
    };
    rec.writeSummary(summary);
    rec.update({ status: 'completed', trainSeconds: 1.5 });

    const data = readRun(dir);
    assert.equal(data.record.status, 'completed');
    assert.equal(data.record.trainSeconds, 1.5);
    assert.deepEqual(
      data.points.map((p) => p.step),
      [1, 2, 3],
    );
    assert.deepEqual(data.points[2]?.values, { loss: 0.25, acc: 0.9 });
    assert.equal(data.outputs.length, 1);
    assert.deepEqual(data.outputs[0], { kind: 'text', id: 'note', title: 'Note', text: 'replaced' });
    assert.deepEqual(data.summary, summary);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'checkpoints', 'round-3.json'), 'utf8')), { w: [1, 2] });
    assert.throws(() => rec.writeOutput({ kind: 'text', id: '../evil', title: '', text: '' }));
  });

  it('reads a run left running as interrupted when it is not live, and skips a torn metrics line', () => {
    const root = tmp();
    const dir = path.join(root, record.runId);
    const rec = new RunRecorder(dir, record);
    rec.appendMetrics([{ step: 1, values: { loss: 1 } }]);
    fs.appendFileSync(path.join(dir, 'metrics.jsonl'), '{"step": 2, "val');
    assert.equal(readRun(dir).record.status, 'running');
    const data = readRun(dir, { live: false });
    assert.equal(data.record.status, 'interrupted');
    assert.equal(data.points.length, 1);
    assert.equal(data.summary, null);
    assert.equal(readRun(dir, { live: true }).record.status, 'running');
  });

  it('lists runs newest first, skipping other folders', () => {
    const root = tmp();
    new RunRecorder(path.join(root, 'a-run'), { ...record, runId: 'a-run', startedAt: '2025-01-01T00:00:00Z' });
    new RunRecorder(path.join(root, 'b-run'), {
      ...record,
      runId: 'b-run',
      status: 'completed',
      startedAt: '2025-02-01T00:00:00Z',
    });
    fs.mkdirSync(path.join(root, 'not-a-run'));
    const runs = listRuns(root, { isLive: () => false });
    assert.deepEqual(
      runs.map((r) => [r.runId, r.status]),
      [
        ['b-run', 'completed'],
        ['a-run', 'interrupted'],
      ],
    );
    assert.deepEqual(listRuns(path.join(root, 'missing')), []);
  });
});
