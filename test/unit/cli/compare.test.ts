/**
 * `paper-lab compare DIR DIR …`: the config table lists seed, preset, backend and status and
 * exactly the config fields that differ; the claims table shows each run's measured value and
 * PASS/FAIL; runs of two papers or demos, a missing folder and a folder without run.json are
 * refused with status 2 and one line.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunRecorder } from '../../../src/models/engine/recorder';
import type { RunRecord, RunSummary } from '../../../src/shared/runs';
import { runRecord, runSummary, tmpDir } from '../../helpers/runRecords';
import { runCli, toy } from './cliProcess';

const tmp = (): string => tmpDir('paper-lab-compare-');

/** The rows of the table that starts with a line whose first cell is `first`, as cells (split on 2+ spaces). */
function tableRows(stdout: string, first: string): string[][] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.split(/\s{2,}/)[0] === first);
  assert.ok(start >= 0, `no table starting with "${first}" in:\n${stdout}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start)) {
    if (line.trim() === '') break;
    rows.push(line.split(/\s{2,}/));
  }
  return rows.filter((_, i) => i !== 1); // the rule under the header
}

/** A finished run folder written directly (any paper or demo, which the fake CLI cannot run). */
function writtenRun(dir: string, changes: Partial<RunRecord>): void {
  const record = runRecord({ status: 'completed', endedAt: '2025-01-01T00:01:00.000Z', ...changes });
  const rec = new RunRecorder(dir, record);
  rec.appendMetrics([{ step: 1, values: { loss: 1 } }]);
  const summary: RunSummary = runSummary(record, 0.25);
  rec.writeSummary(summary);
}

describe('cli: compare', function () {
  this.timeout(120000);

  it('shows exactly the fields that differ, with seed, preset, backend and status, and the claims side by side', async () => {
    const root = tmp();
    const a = path.join(root, 'a');
    const b = path.join(root, 'b');
    const c = path.join(root, 'c');
    assert.equal((await runCli(['run', ...toy(5), '--seed', '0', '--out', a])).code, 0);
    assert.equal((await runCli(['run', ...toy(5), '--seed', '3', '--out', b])).code, 0);
    const rc = await runCli(['run', ...toy(2), '--set', 'seedNoise=5', '--seed', '3', '--out', c]);
    assert.equal(rc.code, 0, rc.stderr);

    const r = await runCli(['compare', a, b, c]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(tableRows(r.stdout, 'setting'), [
      ['setting', 'a', 'b', 'c'],
      ['seed', '0', '3', '3'],
      ['preset', 'quick', 'quick', 'quick'],
      ['backend', 'cpu', 'cpu', 'cpu'],
      ['status', 'completed', 'completed', 'completed'],
      ['steps', '5', '5', '2'],
      ['seedNoise', '0', '0', '5'],
    ]);
    // 0.8^5 = 0.32768 passes; 0.8^2 + 3 × 5 / 1000 = 0.655 fails.
    assert.deepEqual(tableRows(r.stdout, 'claim'), [
      ['claim', 'target', 'a', 'b', 'c'],
      ['final loss below 0.5', '< 0.5', '0.3277 PASS', '0.3277 PASS', '0.6550 FAIL'],
    ]);

    // Two runs whose configs agree: only the four fixed rows.
    const same = await runCli(['compare', a, b]);
    assert.equal(same.code, 0, same.stderr);
    assert.deepEqual(
      tableRows(same.stdout, 'setting').map((row) => row[0]),
      ['setting', 'seed', 'preset', 'backend', 'status'],
    );
  });

  it('refuses runs of two papers or two demos with status 2 and one line', async () => {
    const root = tmp();
    writtenRun(path.join(root, 'fed'), {});
    writtenRun(path.join(root, 'rims'), {
      runId: 'rims-quick-20250101-000000000-s0',
      paper: 'rims',
      demo: 'copying',
    });
    writtenRun(path.join(root, 'other-demo'), { runId: 'fedopt-quick-20250101-000000000-s2', demo: 'lr-sweep' });
    const papers = await runCli(['compare', path.join(root, 'fed'), path.join(root, 'rims')]);
    assert.equal(papers.code, 2, papers.stderr);
    assert.match(
      papers.stderr,
      /^paper-lab: compare: the runs are of different papers \(.*fed: fedopt, .*rims: rims\)\n$/,
    );
    assert.equal(papers.stdout, '');
    const demos = await runCli(['compare', path.join(root, 'fed'), path.join(root, 'other-demo')]);
    assert.equal(demos.code, 2, demos.stderr);
    assert.match(demos.stderr, /^paper-lab: compare: the runs are of different demos \(.*compare, .*lr-sweep\)\n$/);
  });

  it('refuses fewer than two folders, a missing folder and a folder without run.json with status 2', async () => {
    const root = tmp();
    writtenRun(path.join(root, 'run'), {});
    fs.mkdirSync(path.join(root, 'plain'));
    fs.writeFileSync(path.join(root, 'plain', 'notes.txt'), 'x');
    const cases: [string[], RegExp][] = [
      [[], /compare: expected at least two run folders \(got none\)/],
      [[path.join(root, 'run')], /compare: expected at least two run folders \(got one\)/],
      [[path.join(root, 'run'), path.join(root, 'nowhere')], /compare: there is no folder .*nowhere$/m],
      [
        [path.join(root, 'run'), path.join(root, 'plain')],
        /compare: .*plain is not a run folder \(it has no run\.json\)/,
      ],
      [
        [path.join(root, 'run'), path.join(root, 'plain', 'notes.txt')],
        /compare: .*notes\.txt is a file, not a run folder/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['compare', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    }
  });
});
