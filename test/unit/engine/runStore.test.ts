/**
 * The extension's RunStore (no VS Code needed): runs keyed by folder, so a copied folder is a
 * run of its own, and malformed folders skipped with a warning instead of breaking the list.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunStore } from '../../../src/extension/runStore';
import { RunRecorder } from '../../../src/models/engine/recorder';
import type { RunRecord } from '../../../src/shared/runs';
import { runRecord, runSummary, tmpDir } from '../../helpers/runRecords';

const record: RunRecord = runRecord({ status: 'completed', endedAt: '2025-01-01T00:01:00.000Z' });

function storeWithRun(): { root: string; store: RunStore; warnings: string[] } {
  const root = tmpDir('paper-lab-store-');
  const rec = new RunRecorder(path.join(root, record.runId), record);
  rec.writeSummary(runSummary(record, 0.1));
  const warnings: string[] = [];
  return { root, store: new RunStore(root, (w) => warnings.push(w)), warnings };
}

describe('RunStore', () => {
  it('lists a copied run folder as a run of its own, and deleting the copy leaves the original', () => {
    const { root, store } = storeWithRun();
    const copy = `${record.runId} copy`;
    fs.cpSync(path.join(root, record.runId), path.join(root, copy), { recursive: true });

    const items = store.list(() => false).map((r) => r.item);
    assert.equal(items.length, 2);
    assert.deepEqual(items.map((i) => i.folder).sort(), [record.runId, copy].sort());
    assert.deepEqual(
      items.map((i) => i.runId),
      [record.runId, record.runId],
      'both keep the runId',
    );
    assert.equal(store.read(copy, false)?.summary?.claims.length, 1, 'the copy opens by its folder');

    store.delete(copy);
    assert.equal(fs.existsSync(path.join(root, copy)), false);
    assert.equal(fs.existsSync(path.join(root, record.runId, 'run.json')), true, 'the original stays');
    assert.deepEqual(
      store.list(() => false).map((r) => r.item.folder),
      [record.runId],
    );
    assert.throws(() => store.dirOf('../elsewhere'), /invalid run folder/);
    assert.throws(() => store.dirOf('..'), /invalid run folder/);
  });

  it('skips malformed run folders with one warning each instead of failing the whole list', () => {
    const { root, store, warnings } = storeWithRun();
    const bad = path.join(root, 'claims-null');
    fs.cpSync(path.join(root, record.runId), bad, { recursive: true });
    const summaryFile = path.join(bad, 'summary.json');
    fs.writeFileSync(
      summaryFile,
      JSON.stringify({ ...JSON.parse(fs.readFileSync(summaryFile, 'utf8')), claims: [null] }),
    );
    const badId = path.join(root, 'bad-id');
    fs.mkdirSync(badId);
    fs.writeFileSync(path.join(badId, 'run.json'), JSON.stringify({ ...record, runId: 'fedopt-quick-s1e+21' }));

    const first = store.list(() => false);
    assert.deepEqual(
      first.map((r) => r.item.folder),
      [record.runId],
    );
    assert.equal(first[0]?.item.claimsLine, '1 of 1 claim holds');
    assert.equal(first[0]?.item.verdict, 'held');
    store.list(() => false);
    assert.equal(warnings.length, 2, `each folder is reported once: ${warnings.join('\n')}`);
    assert.ok(warnings.some((w) => w.includes(bad)));
    assert.ok(warnings.some((w) => w.includes(badId)));
  });

  it('shows a run its own process left `running` as interrupted unless it is live here', () => {
    const root = tmpDir('paper-lab-store-');
    const store = new RunStore(root);
    const folder = store.create({ ...record, status: 'running', pid: process.pid, hostname: os.hostname() });
    assert.equal(folder, record.runId);
    assert.equal(store.list((f) => f === folder)[0]?.item.status, 'running');
    assert.equal(store.list(() => false)[0]?.item.status, 'interrupted');
    assert.throws(() => store.create(record), /cannot create it/, 'a folder is created once');
  });

  it("lets the run's own worker take over the folder it created, and nothing else", () => {
    const root = tmpDir('paper-lab-store-');
    const store = new RunStore(root);
    const claimed: RunRecord = { ...record, status: 'running', pid: process.pid, hostname: os.hostname() };
    const folder = store.create(claimed);
    const worker = new RunRecorder(store.dirOf(folder), { ...claimed, versions: { node: '20', 'tfjs-core': '4' } });
    worker.appendMetrics([{ step: 1, values: { loss: 1 } }]);
    assert.deepEqual(fs.readdirSync(store.dirOf(folder)).sort(), ['metrics.jsonl', 'outputs', 'run.json']);
    assert.equal(store.readRecord(folder)?.versions['tfjs-core'], '4');
    // Taken over once; and never by another run or another process.
    assert.throws(() => new RunRecorder(store.dirOf(folder), claimed), /not empty/);
    const other = store.create({ ...claimed, runId: 'fedopt-quick-20250101-000000000-s2' });
    assert.throws(
      () => new RunRecorder(store.dirOf(other), { ...claimed, runId: 'fedopt-quick-20250101-000000000-s3' }),
      /not empty/,
    );
    const elsewhere = store.create({ ...claimed, runId: 'fedopt-quick-20250101-000000000-s4', pid: 1 });
    assert.throws(() => new RunRecorder(store.dirOf(elsewhere), { ...claimed, runId: elsewhere }), /not empty/);
  });
});
