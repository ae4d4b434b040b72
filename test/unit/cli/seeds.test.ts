/**
 * `paper-lab run --seeds`: one run folder per seed and an aggregate summary.json whose numbers are
 * the seed folders' own; `--check` fails when a claim fails at any seed; a bad seeds list is
 * refused with status 2 before anything is written. Runs the fake demo (fakeCli.ts), whose final
 * loss is 0.8^steps + seed × seedNoise / 1000 and whose claim is "final loss below 0.5".
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { version_core } from '@tensorflow/tfjs-core';
import { version as PAPER_LAB_VERSION } from '../../../package.json';
import { UsageError } from '../../../src/cli/args';
import { parseSeeds, seedsFolderName } from '../../../src/cli/seeds';
import type { RunRecord, RunSummary, SeedsSummary } from '../../../src/shared/runs';
import { tmpDir } from '../../helpers/runRecords';
import { filesUnder, runCli, toy } from './cliProcess';

const tmp = (): string => tmpDir('paper-lab-seeds-');

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

describe('cli: run --seeds', function () {
  this.timeout(120000);

  it('writes one run folder per seed and a summary whose values are each folder’s own', async () => {
    const out = path.join(tmp(), 'multi');
    const r = await runCli(['run', ...toy(5), '--set', 'seedNoise=100', '--seeds', '4,0,2', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readdirSync(out).sort(), ['seed-0', 'seed-2', 'seed-4', 'summary.json']);
    const summary = readJson<SeedsSummary>(path.join(out, 'summary.json'));
    assert.equal(summary.paper, 'fedopt');
    assert.equal(summary.demo, 'toy');
    assert.equal(summary.preset, 'quick');
    assert.deepEqual(summary.config, { steps: 5, stepMs: 0, outputKb: 1, seedNoise: 100 });
    assert.deepEqual(summary.seeds, [4, 0, 2], 'in the order given');
    assert.equal(summary.claims.length, 1);
    const claim = summary.claims[0];
    assert.ok(claim);
    assert.equal(claim.id, 'final-low');
    assert.equal(claim.target, '< 0.5');
    for (const [i, seed] of [4, 0, 2].entries()) {
      const folder = path.join(out, `seed-${seed}`);
      const own = readJson<RunSummary>(path.join(folder, 'summary.json'));
      const record = readJson<RunRecord>(path.join(folder, 'run.json'));
      assert.equal(record.seed, seed);
      assert.equal(record.status, 'completed');
      assert.deepEqual(record.config, summary.config);
      assert.equal(record.paperLabVersion, PAPER_LAB_VERSION);
      assert.equal(record.tfjsVersion, version_core);
      const ownClaim = own.claims.find((c) => c.id === 'final-low');
      assert.ok(ownClaim);
      assert.deepEqual(claim.perSeed[i], { seed, measured: ownClaim.measured, pass: ownClaim.pass });
      assert.ok(Math.abs((ownClaim.measured ?? NaN) - (0.8 ** 5 + seed / 10)) < 1e-12, String(ownClaim.measured));
    }
    // 0.328 + 0.4 = 0.728 fails at seed 4; 0.328 and 0.528: seed 0 passes, seed 2 fails.
    assert.deepEqual(
      claim.perSeed.map((p) => p.pass),
      [false, true, false],
    );
    assert.equal(claim.holds, 1);
    assert.equal(claim.of, 3);
    // Progress, and the table with one column per seed and "holds k/N".
    assert.match(r.stdout, /^seed 1 of 3 \(seed 4\)$/m);
    assert.match(r.stdout, /^seed 3 of 3 \(seed 2\)$/m);
    assert.match(r.stdout, /^claim\s+target\s+seed 4\s+seed 0\s+seed 2\s+holds$/m);
    assert.match(r.stdout, /^final loss below 0\.5\s+< 0\.5\s+0\.7277 FAIL\s+0\.3277 PASS\s+0\.5277 FAIL\s+1\/3$/m);
  });

  it('with --check, exits 1 when a claim fails at one seed and 0 when it holds at every seed', async () => {
    const root = tmp();
    // seedNoise = 100 adds seed / 10 to the final loss: seed 2 misses the claim's 0.5.
    const noisy = (seeds: string, out: string, ...flags: string[]) =>
      runCli(['run', ...toy(5), '--set', 'seedNoise=100', '--seeds', seeds, ...flags, '--out', path.join(root, out)]);
    const failing = await noisy('0,1,2', 'a', '--check');
    assert.equal(failing.code, 1, failing.stderr);
    const a = readJson<SeedsSummary>(path.join(root, 'a', 'summary.json'));
    assert.deepEqual(
      a.claims[0]?.perSeed.map((p) => p.pass),
      [true, true, false],
    );
    assert.equal(a.claims[0]?.holds, 2);
    assert.match(failing.stdout, /\s2\/3$/m);

    const holding = await runCli(['run', ...toy(5), '--seeds', '0,1,2', '--check', '--out', path.join(root, 'b')]);
    assert.equal(holding.code, 0, holding.stderr);
    assert.equal(readJson<SeedsSummary>(path.join(root, 'b', 'summary.json')).claims[0]?.holds, 3);
    assert.match(holding.stdout, /\s3\/3$/m);

    // Without --check a failing seed does not change the status.
    const unchecked = await noisy('0,2', 'c');
    assert.equal(unchecked.code, 0, unchecked.stderr);
  });

  it('parses a seeds list: integers from 0 to 4294967295, none twice', () => {
    assert.deepEqual(parseSeeds('0,1,2'), [0, 1, 2]);
    assert.deepEqual(parseSeeds(' 7 , 4294967295 '), [7, 4294967295]);
    assert.deepEqual(parseSeeds('3'), [3]);
    for (const bad of ['', ' ', '0,,1', '0,', '1,1', '0, 2, 0', '-1', '4294967296', '1e3', '1.5', 'a', '0x10', '+1'])
      assert.throws(
        () => parseSeeds(bad),
        (e: unknown) => e instanceof UsageError && e.message.startsWith('--seeds: '),
        JSON.stringify(bad),
      );
    assert.throws(() => parseSeeds('1,2,1'), /seed 1 is given more than once/);
    assert.throws(() => parseSeeds('4294967296'), /from 0 to 4294967295/);
  });

  it('refuses a bad seeds list, --seed with --seeds and a used --out with status 2, writing nothing', async () => {
    const cwd = tmp();
    const out = path.join(cwd, 'runs');
    for (const args of [
      ['--seeds', '0,1,1'],
      ['--seeds', '0,4294967296'],
      ['--seeds', ''],
      ['--seeds', '0,1', '--seed', '3'],
    ]) {
      const r = await runCli(['run', ...toy(2), ...args, '--out', out], { cwd });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^paper-lab: --seeds?/m);
      assert.deepEqual(fs.readdirSync(cwd), [], `${args.join(' ')} wrote nothing`);
    }
    // The default folder is not created either.
    const r = await runCli(['run', ...toy(2), '--seeds', '1,x'], { cwd });
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(fs.readdirSync(cwd), []);

    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'notes.txt'), 'mine');
    const busy = await runCli(['run', ...toy(2), '--seeds', '0,1', '--out', out], { cwd });
    assert.equal(busy.code, 2, busy.stderr);
    assert.match(busy.stderr, /^paper-lab: --out: .*runs is not empty \(it holds notes\.txt\)/m);
    assert.deepEqual(filesUnder(out), ['notes.txt']);
  });

  it('names the default folder after the paper, the preset and the time', () => {
    assert.equal(
      seedsFolderName('fedopt', 'quick', new Date(Date.UTC(2026, 11, 7, 9, 5, 3, 42))),
      'fedopt-quick-seeds-20261207-090503042',
    );
  });
});
