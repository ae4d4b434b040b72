/**
 * A CLI run ended by a signal leaves an honest record: SIGTERM/SIGHUP stop it like Ctrl-C
 * (status `stopped`, a summary), a second signal marks it `interrupted` at once, and a run whose
 * process was killed outright is read back as `interrupted` by every reader.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunSignals, type EndableRun } from '../../../src/cli/signals';
import { listRuns, readRun } from '../../../src/models/engine/recorder';
import type { RunRecord, RunSummary } from '../../../src/shared/runs';
import { hasMetrics, runCli, spawnCli, toy, waitFor } from './cliProcess';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'paper-lab-sig-'));
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

describe('cli: signals during a run', function () {
  this.timeout(120000);

  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} stops the run after the current step: status stopped, endedAt and a summary`, async () => {
      const out = path.join(tmp(), 'run');
      const p = spawnCli(['run', ...toy(2000, 20), '--out', out]);
      await waitFor(() => hasMetrics(out), 'the first metrics');
      p.child.kill(signal);
      const { code, signal: killedBy } = await p.exited;
      assert.equal(killedBy, null, `not killed by ${signal}: ${p.output.stderr}`);
      assert.equal(code, 0, p.output.stderr);
      const record = readJson<RunRecord>(path.join(out, 'run.json'));
      assert.equal(record.status, 'stopped');
      assert.equal(typeof record.endedAt, 'string');
      const summary = readJson<RunSummary>(path.join(out, 'summary.json'));
      assert.equal(summary.status, 'stopped');
      assert.ok(summary.steps > 0 && summary.steps < 2000, `stopped early (${summary.steps} steps)`);
    });
  }

  it('a second SIGTERM marks the run interrupted with endedAt and exits with 143 at once', async () => {
    const out = path.join(tmp(), 'run');
    // Steps of 2 s: the second signal comes while the step the first one waits for still runs.
    const p = spawnCli(['run', ...toy(50, 2000), '--out', out]);
    await waitFor(() => hasMetrics(out), 'the first metrics');
    p.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    p.child.kill('SIGTERM');
    const { code } = await p.exited;
    assert.equal(code, 143, p.output.stderr);
    const record = readJson<RunRecord>(path.join(out, 'run.json'));
    assert.equal(record.status, 'interrupted');
    assert.equal(typeof record.endedAt, 'string');
  });

  it('a run killed with SIGKILL is listed as interrupted by listRuns, readRun and `paper-lab runs`', async () => {
    const root = tmp();
    const out = path.join(root, 'killed');
    const p = spawnCli(['run', ...toy(2000, 20), '--out', out]);
    await waitFor(() => hasMetrics(out), 'the first metrics');
    p.child.kill('SIGKILL');
    await p.exited;
    const written = readJson<RunRecord>(path.join(out, 'run.json'));
    assert.equal(written.status, 'running', 'nothing could mark it');
    assert.equal(written.pid, p.child.pid, 'run.json names the process that wrote it');

    const listed = listRuns(root);
    assert.deepEqual(
      listed.map((r) => [r.folder, r.record.status]),
      [['killed', 'interrupted']],
    );
    assert.equal(readRun(out).record.status, 'interrupted');
    const cli = await runCli(['runs', root]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /^killed\s+interrupted\s+fedopt\s+toy\s+quick\s+0\s+—/m);
  });

  it('`paper-lab runs` lists each run folder with status, paper, preset, seed and claims passed', async () => {
    const root = tmp();
    const done = await runCli(['run', ...toy(5), '--seed', '7', '--out', path.join(root, 'done')]);
    assert.equal(done.code, 0, done.stderr);
    const cli = await runCli(['runs', root]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /^folder\s+status\s+paper\s+demo\s+preset\s+seed\s+claims passed/m);
    assert.match(cli.stdout, /^done\s+completed\s+fedopt\s+toy\s+quick\s+7\s+1\/1\s/m);
    const missing = await runCli(['runs', path.join(root, 'nope')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /runs: there is no folder/);
  });

  describe('RunSignals', () => {
    function fakeRun(): EndableRun & { patches: Partial<RunRecord>[] } {
      let record = { status: 'running' } as RunRecord;
      const patches: Partial<RunRecord>[] = [];
      return {
        patches,
        get record() {
          return record;
        },
        finish(patch) {
          patches.push(patch);
          record = { ...record, ...patch };
          return record;
        },
      };
    }

    it('stops on the first signal and marks the run interrupted, then exits with 128 + n, on the second', () => {
      for (const [signal, code] of [
        ['SIGINT', 130],
        ['SIGTERM', 143],
        ['SIGHUP', 129],
      ] as const) {
        const controller = new AbortController();
        const exits: number[] = [];
        const notices: string[] = [];
        const signals = new RunSignals(controller, { notice: (t) => notices.push(t), exit: (c) => exits.push(c) });
        const run = fakeRun();
        signals.attach(run);
        signals.handle(signal);
        assert.equal(controller.signal.aborted, true);
        assert.deepEqual(exits, []);
        assert.equal(run.patches.length, 0);
        assert.match(notices[0] ?? '', /stopping after the current step/);
        signals.handle(signal);
        assert.deepEqual(exits, [code]);
        assert.equal(run.patches[0]?.status, 'interrupted');
        assert.ok(!Number.isNaN(Date.parse(run.patches[0]?.endedAt ?? '')));
      }
    });

    it('leaves a run that already ended as it is', () => {
      const controller = new AbortController();
      const exits: number[] = [];
      const signals = new RunSignals(controller, { notice: () => undefined, exit: (c) => exits.push(c) });
      const run = fakeRun();
      run.finish({ status: 'stopped' });
      signals.attach(run);
      signals.handle('SIGTERM');
      signals.handle('SIGTERM');
      assert.equal(run.record.status, 'stopped');
      assert.equal(run.patches.length, 1);
      assert.deepEqual(exits, [143]);
    });
  });
});
