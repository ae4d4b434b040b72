/**
 * `paper-lab run --out DIR`: a run writes only into a new or empty folder that it claims
 * exclusively, and refuses anything else with exit status 2 naming --out, before it writes.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkNewRunFolder, RunFolderError, RunRecorder } from '../../../src/models/engine/recorder';
import { runDemo } from '../../../src/models/engine/runner';
import type { RunRecord } from '../../../src/shared/runs';
import { countingTrainer, fakeLookup } from '../engine/fakeDemo';
import { runRecord, tmpDir } from '../../helpers/runRecords';
import { filesUnder, runCli, spawnCli, toy } from './cliProcess';

const tmp = (): string => tmpDir('paper-lab-out-');

const earlier: RunRecord = runRecord({
  runId: 'rims-quick-20250101-000000000-s0',
  paper: 'rims',
  demo: 'copying',
  config: { steps: 3 },
  seed: 0,
  status: 'completed',
});

/** A folder holding an earlier, finished run (its files and their contents). */
function folderWithRun(): { dir: string; before: Map<string, string> } {
  const dir = path.join(tmp(), 'X');
  const rec = new RunRecorder(dir, earlier);
  rec.appendMetrics([{ step: 1, values: { loss: 1 } }]);
  rec.writeOutput({ kind: 'text', id: 'rims-note', title: 'Note', text: 'rims' });
  rec.writeSummary({ runId: earlier.runId, status: 'completed', results: {}, claims: [], trainSeconds: 1, steps: 1 });
  return { dir, before: snapshot(dir) };
}

function snapshot(dir: string): Map<string, string> {
  return new Map(filesUnder(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

describe('cli: the run folder (--out)', function () {
  this.timeout(120000);

  it('refuses a folder that holds an earlier run, with status 2 naming --out, and leaves it as it was', async () => {
    const { dir, before } = folderWithRun();
    const r = await runCli(['run', ...toy(2), '--out', dir]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^paper-lab: --out: .*X is not empty/m);
    assert.deepEqual(snapshot(dir), before, 'the earlier run is untouched');
  });

  it('refuses a folder that holds any other file, but takes an empty one', async () => {
    const root = tmp();
    const busy = path.join(root, 'busy');
    fs.mkdirSync(busy);
    fs.writeFileSync(path.join(busy, 'notes.txt'), 'mine');
    const r = await runCli(['run', ...toy(1), '--out', busy]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--out: .*busy is not empty \(it holds notes\.txt\)/);
    assert.deepEqual(fs.readdirSync(busy), ['notes.txt']);

    const empty = path.join(root, 'empty');
    fs.mkdirSync(empty);
    const ok = await runCli(['run', ...toy(1), '--out', empty]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(fs.readdirSync(empty).sort(), ['metrics.jsonl', 'outputs', 'run.json', 'summary.json']);
  });

  it('refuses an empty --out instead of writing into the working folder', async () => {
    const cwd = tmp();
    const r = await runCli(['run', ...toy(1), '--out', ''], { cwd });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--out: expected a folder/);
    assert.deepEqual(fs.readdirSync(cwd), []);
  });

  it('refuses --out naming a file, or a path inside a file, with status 2 and no stack trace', async () => {
    const root = tmp();
    const file = path.join(root, 'file.txt');
    fs.writeFileSync(file, 'keep');
    for (const out of [file, path.join(file, 'sub')]) {
      const r = await runCli(['run', ...toy(1), '--out', out]);
      assert.equal(r.code, 2, `${out}: ${r.stderr}`);
      assert.match(r.stderr, /^paper-lab: --out: /m);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.equal(fs.readFileSync(file, 'utf8'), 'keep');
  });

  it('refuses a folder it may not write into (an injected check; chmod where not root)', function () {
    const root = tmp();
    assert.match(checkNewRunFolder(path.join(root, 'new'), () => false) ?? '', /is not writable/);
    fs.mkdirSync(path.join(root, 'empty'));
    assert.match(checkNewRunFolder(path.join(root, 'empty'), () => false) ?? '', /permission denied/);
    assert.equal(checkNewRunFolder(path.join(root, 'new', 'deeper')), null, 'a missing folder can be created');
    if (process.getuid?.() === 0) return; // root writes through chmod 0555
    const locked = path.join(root, 'locked');
    fs.mkdirSync(locked, { mode: 0o555 });
    assert.match(checkNewRunFolder(path.join(locked, 'run')) ?? '', /is not writable/);
  });

  it('lets only one of two runs started into one folder at once proceed; the other writes nothing', async () => {
    const out = path.join(tmp(), 'shared');
    const args = ['run', ...toy(2), '--out', out];
    const a = spawnCli(args);
    const b = spawnCli(args);
    const [ra, rb] = await Promise.all([a.exited, b.exited]);
    const codes = [ra.code, rb.code].sort();
    assert.deepEqual(codes, [0, 2], `${a.output.stderr}\n${b.output.stderr}`);
    const [winner, loser] = ra.code === 0 ? [a, b] : [b, a];
    assert.match(loser.output.stderr, /^paper-lab: --out: /m);
    const record = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8')) as RunRecord;
    assert.equal(record.pid, winner.child.pid, "run.json is the winner's");
    assert.equal(record.status, 'completed');
    assert.deepEqual(
      filesUnder(out).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  it('claims a folder exclusively in the engine too: of two runs into one folder, the second fails before writing', async () => {
    const runDir = path.join(tmp(), 'run');
    const start = (runId: string) =>
      runDemo({
        paper: 'fedopt',
        demo: 'toy',
        config: { steps: 3 },
        seed: 1,
        backend: 'cpu',
        runDir,
        runId,
        lookup: fakeLookup(countingTrainer),
        selectBackend: async () => ({ requested: 'cpu', chosen: 'cpu', attempts: [] }),
      });
    const results = await Promise.allSettled([start('first-run'), start('second-run')]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const rejected = results.find((r) => r.status === 'rejected');
    assert.ok(rejected && rejected.reason instanceof RunFolderError, String(rejected?.reason));
    const record = JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8')) as RunRecord;
    const summary = JSON.parse(fs.readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as { runId: string };
    assert.equal(summary.runId, record.runId, 'run.json and summary.json are one run');
    assert.equal(record.status, 'completed');
  });
});
