import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  listRuns,
  processStartMs,
  readRun,
  RunRecorder,
  RunWriteError,
  writeJsonAtomic,
  writerOfThisProcess,
} from '../../../src/models/engine/recorder';
import type { RunRecord, RunSummary } from '../../../src/shared/runs';
import { runRecord, runSummary, tmpDir } from '../../helpers/runRecords';
import { fullDiskFs, tmpFilesUnder } from './fullDisk';

const tmp = (): string => tmpDir('paper-lab-rec-');

const record: RunRecord = runRecord();

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
      runs.map((r) => [r.record.runId, r.record.status]),
      [
        ['b-run', 'completed'],
        ['a-run', 'interrupted'],
      ],
    );
    assert.deepEqual(listRuns(path.join(root, 'missing')), []);
  });
});

describe('recorder on a full disk', () => {
  it('removes its temporary file and names the file when a write fails (ENOSPC)', () => {
    const dir = tmp();
    const file = path.join(dir, 'summary.json');
    assert.throws(
      () =>
        writeJsonAtomic(
          file,
          { a: 1 },
          fullDiskFs(() => true),
        ),
      (e: unknown) =>
        e instanceof RunWriteError &&
        e.message === `could not write ${file}: no space left on device (ENOSPC)` &&
        e.code === 'ENOSPC',
    );
    assert.deepEqual(fs.readdirSync(dir), [], 'no empty *.tmp left behind');
  });

  it('still ends a run as failed in run.json when no new file can be written', () => {
    const root = tmp();
    const dir = path.join(root, record.runId);
    let full = false;
    const rec = new RunRecorder(dir, record, { fs: fullDiskFs(() => full) });
    rec.appendMetrics([{ step: 1, values: { loss: 1 } }]);
    full = true;
    const more = Array.from({ length: 300 }, (_, i) => ({ step: i + 2, values: { loss: 0.5 } }));
    assert.throws(() => rec.appendMetrics(more), /metrics\.jsonl: no space left on device \(ENOSPC\)$/);
    assert.throws(() => rec.writeOutput({ kind: 'text', id: 'note', title: 'Note', text: 'x' }), RunWriteError);
    assert.throws(() => rec.update({ status: 'failed' }), RunWriteError);
    const ended = rec.finish({ status: 'failed', endedAt: '2025-01-01T00:01:00.000Z', error: 'disk full' });
    assert.equal(ended.status, 'failed');
    const onDisk = readRun(dir).record;
    assert.equal(onDisk.status, 'failed');
    assert.equal(onDisk.endedAt, '2025-01-01T00:01:00.000Z');
    assert.equal(onDisk.error, 'disk full');
    assert.deepEqual(tmpFilesUnder(dir), []);
  });
});

describe('reading runs folders with malformed runs', () => {
  const summary: RunSummary = runSummary(record, 0.25);

  /** A complete run in `root/folder`. */
  function goodRun(root: string, folder: string, runId = record.runId): string {
    const dir = path.join(root, folder);
    const rec = new RunRecorder(dir, { ...record, runId, status: 'completed', endedAt: '2025-01-01T00:01:00.000Z' });
    rec.appendMetrics([{ step: 1, values: { loss: 1 } }]);
    rec.writeOutput({ kind: 'text', id: 'note', title: 'Note', text: 'hello' });
    rec.writeSummary({ ...summary, runId });
    return dir;
  }

  function corruptRuns(root: string): string[] {
    const write = (folder: string, file: string, text: string): void => {
      fs.mkdirSync(path.dirname(path.join(root, folder, file)), { recursive: true });
      fs.writeFileSync(path.join(root, folder, file), text);
    };
    goodRun(root, 'claims-null');
    write('claims-null', 'summary.json', JSON.stringify({ ...summary, claims: [null] }));
    goodRun(root, 'bad-run-id');
    write('bad-run-id', 'run.json', JSON.stringify({ ...record, runId: 'Not A Run Id!' }));
    goodRun(root, 'seed-1e21');
    write('seed-1e21', 'run.json', JSON.stringify({ ...record, runId: 'fedopt-quick-20250101-000000000-s1e+21' }));
    goodRun(root, 'run-not-json');
    write('run-not-json', 'run.json', '{"runId": "fedopt-');
    goodRun(root, 'summary-not-object');
    write('summary-not-object', 'summary.json', '"done"');
    goodRun(root, 'output-malformed');
    write('output-malformed', 'outputs/x.json', '{"kind": "table", "id": "x", "title": "T", "columns": 3}');
    goodRun(root, 'seed-text');
    write('seed-text', 'run.json', JSON.stringify({ ...record, seed: '3' }));
    return [
      'claims-null',
      'bad-run-id',
      'seed-1e21',
      'run-not-json',
      'summary-not-object',
      'output-malformed',
      'seed-text',
    ];
  }

  it('lists exactly the good runs and names each malformed folder in a warning', () => {
    const root = tmp();
    goodRun(root, 'good');
    const bad = corruptRuns(root);
    fs.mkdirSync(path.join(root, 'not-a-run'));
    fs.writeFileSync(path.join(root, 'notes.txt'), 'mine');
    const warnings: string[] = [];
    const runs = listRuns(root, { onWarning: (w) => warnings.push(w) });
    assert.deepEqual(
      runs.map((r) => r.folder),
      ['good'],
    );
    assert.deepEqual(runs[0]?.summary?.claims.length, 1);
    assert.equal(warnings.length, bad.length, warnings.join('\n'));
    for (const folder of bad)
      assert.equal(
        warnings.filter((w) => w.includes(`${path.join(root, folder)}:`)).length,
        1,
        `one warning names ${folder}: ${warnings.join('\n')}`,
      );
    assert.match(warnings.find((w) => w.includes('claims-null')) ?? '', /summary\.json .*claims\[0\]/);
    assert.match(warnings.find((w) => w.includes('bad-run-id')) ?? '', /run\.json .*runId/);
    assert.match(warnings.find((w) => w.includes('run-not-json')) ?? '', /run\.json is not JSON/);
    assert.match(warnings.find((w) => w.includes('output-malformed')) ?? '', /outputs\/x\.json/);
  });

  it('reads a run with one malformed output, metrics line or summary, keeping the rest', () => {
    const root = tmp();
    const dir = goodRun(root, 'run');
    fs.writeFileSync(path.join(dir, 'outputs', 'broken.json'), '{"kind": "text", "id": "broken"');
    fs.writeFileSync(path.join(dir, 'outputs', 'wrong.json'), '{"kind": "images", "id": "wrong", "title": "W"}');
    fs.appendFileSync(path.join(dir, 'metrics.jsonl'), '{"step": "two"}\n{"step": 3, "values": {"loss": 0.5}}\n');
    const warnings: string[] = [];
    const data = readRun(dir, { onWarning: (w) => warnings.push(w) });
    assert.deepEqual(
      data.outputs.map((o) => o.id),
      ['note'],
    );
    assert.deepEqual(
      data.points.map((p) => p.step),
      [1, 3],
    );
    assert.equal(data.summary?.status, 'completed');
    assert.ok(warnings.some((w) => w.includes(path.join(dir, 'outputs', 'broken.json'))));
    assert.ok(warnings.some((w) => w.includes(path.join(dir, 'outputs', 'wrong.json'))));
    assert.ok(warnings.some((w) => w.includes('metrics.jsonl') && /1 malformed line/.test(w)));

    fs.writeFileSync(path.join(dir, 'summary.json'), JSON.stringify({ ...summary, claims: [null] }));
    const noSummary = readRun(dir, { onWarning: (w) => warnings.push(w) });
    assert.equal(noSummary.summary, null);
    assert.equal(noSummary.outputs.length, 1);
  });
});

describe('runs whose process is gone', () => {
  it('reads a `running` run as interrupted once the process named in run.json has exited', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const pid = child.pid as number;
    const root = tmp();
    new RunRecorder(path.join(root, 'r'), { ...record, pid, hostname: os.hostname() });
    assert.equal(readRun(path.join(root, 'r')).record.status, 'running', 'its process is alive');
    assert.equal(listRuns(root)[0]?.record.status, 'running');
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    assert.equal(readRun(path.join(root, 'r')).record.status, 'interrupted');
    assert.equal(listRuns(root)[0]?.record.status, 'interrupted');
    // Another host's process cannot be checked from here: the status is kept.
    new RunRecorder(path.join(root, 'elsewhere'), { ...record, pid, hostname: `${os.hostname()}-other` });
    assert.equal(readRun(path.join(root, 'elsewhere')).record.status, 'running');
  });

  it('does not take a later process that got the same pid for the writer (Linux: by its start time)', async function () {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const pid = child.pid as number;
      const started = processStartMs(pid);
      if (started === undefined) this.skip(); // no /proc here
      const root = tmp();
      const writer = { pid, hostname: os.hostname() };
      new RunRecorder(path.join(root, 'same'), {
        ...record,
        ...writer,
        processStartedAt: new Date(started as number).toISOString(),
      });
      new RunRecorder(path.join(root, 'reused'), {
        ...record,
        ...writer,
        processStartedAt: '2020-01-01T00:00:00.000Z',
      });
      assert.equal(readRun(path.join(root, 'same')).record.status, 'running');
      assert.equal(readRun(path.join(root, 'reused')).record.status, 'interrupted');
      const own = writerOfThisProcess();
      assert.equal(own.pid, process.pid);
      assert.ok(Math.abs(Date.parse(own.processStartedAt ?? '') - (Date.now() - process.uptime() * 1000)) < 5000);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
