/**
 * `paper-lab bench --reference`: the spec handed to the PyTorch driver is built from each demo's
 * quick preset, a missing or broken python is reported as "reference unavailable" (our numbers
 * still reported, exit 0), the driver's output is read strictly, and the ratios are computed as
 * ours ÷ PyTorch. One optional test runs the real driver when a python with torch is found.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchCommand, referenceLine } from '../../../src/cli/bench';
import {
  findPython,
  findReferenceRoot,
  parseReferenceOutput,
  REFERENCE_PAPERS,
  REFERENCE_STEPS,
  RIMS_REFERENCE_CELL,
  type ReferencePaper,
  type ReferenceSpec,
  referenceSpec,
  runReference,
  steadyRate,
  throughputRatio,
} from '../../../src/cli/reference';
import type { DemoConfig } from '../../../src/shared/catalog';
import { PAPERS } from '../../../src/models/catalog';
import { FUNCTION_WORDS } from '../../../src/models/flyvec/probes';
import { torchPythonOrSkip } from '../../helpers/torch';

const options = { threads: 1, steps: 3, warmup: 1, seed: 7, dataRoot: '/data/root' };

function quick(paper: ReferencePaper): DemoConfig {
  const demo = PAPERS.find((p) => p.meta.id === paper)?.demos[0];
  const preset = demo?.presets['quick'];
  if (!preset) throw new Error(`${paper} has no quick preset`);
  return preset;
}

/** A temporary executable shell script standing in for python. */
function fakePython(dir: string, name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`);
  fs.chmodSync(file, 0o755);
  return file;
}

describe('bench --reference', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paper-lab-reference-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('the spec built from the quick preset', () => {
    it('FedOpt: the synthetic task, the round layout, and every enabled optimizer at its learning rates', async () => {
      const spec = await referenceSpec('fedopt', quick('fedopt'), options);
      assert.equal(spec.paper, 'fedopt');
      assert.deepEqual([spec.threads, spec.steps, spec.warmup, spec.seed], [1, 3, 1, 7]);
      const c = spec.config;
      assert.equal(c['dataset'], 'synthetic');
      // Vocabulary 2000, 20 classes, documents of 20 words, 1000 test documents (fedopt/data.ts).
      assert.deepEqual([c['vocabulary'], c['classes'], c['documentLength'], c['testExamples']], [2000, 20, 20, 1000]);
      assert.deepEqual(
        [c['clients'], c['examplesPerClient'], c['clientsPerRound'], c['localEpochs'], c['localBatch']],
        [200, 50, 10, 1, 10],
      );
      assert.deepEqual([c['tau'], c['beta1'], c['beta2']], [1e-3, 0.9, 0.99]);
      // The quick preset's learning rates, written out (demo.ts, `syntheticLrs`); FedAvg's server η is 1.
      assert.deepEqual(c['arms'], [
        { name: 'fedavg', clientLr: 100, serverLr: 1 },
        { name: 'fedavgm', clientLr: 10, serverLr: 10 },
        { name: 'fedadagrad', clientLr: 10 ** 0.5, serverLr: 10 },
        { name: 'fedadam', clientLr: 10 ** 2.5, serverLr: 1 },
        { name: 'fedyogi', clientLr: 10 ** 2.5, serverLr: 1 },
      ]);
    });

    it('FedOpt: only the enabled optimizers become arms', async () => {
      const config = { ...quick('fedopt'), 'optimizers.fedavgm': false, 'optimizers.fedadagrad': false };
      const spec = await referenceSpec('fedopt', config, options);
      const arms = spec.config['arms'] as { name: string }[];
      assert.deepEqual(
        arms.map((a) => a.name),
        ['fedavg', 'fedadam', 'fedyogi'],
      );
    });

    it('RIMs: refuses a cell the PyTorch reference does not implement, naming the fields', async () => {
      await assert.rejects(
        referenceSpec('rims', { ...quick('rims'), ...RIMS_REFERENCE_CELL, commGated: true }, options),
        /commGated=true/,
      );
    });

    it('RIMs: the RIM sizes, and the LSTM matched to the RIM parameter count counted by hand', async () => {
      const cell = { ...RIMS_REFERENCE_CELL, inputKey: 32, inputValue: 16 };
      const spec = await referenceSpec('rims', { ...quick('rims'), ...cell }, options);
      const c = spec.config;
      assert.deepEqual(
        [c['modules'], c['active'], c['units'], c['inputKey'], c['inputValue'], c['commHeads'], c['commKey']],
        [4, 2, 16, 32, 16, 4, 16],
      );
      assert.deepEqual([c['trainDormant'], c['batch'], c['lr'], c['clip']], [20, 64, 3e-3, 1]);
      // RIM with V = 10 inputs and an 8-way readout over K·H = 64 features:
      //   10·(32 + 16) + 4·16·32 + 4·((16 + 16)·64 + 64) + 4·16·(3·4·16) + 4·(4·16)·16 + 4·16 + 64·8 + 8
      //   = 480 + 2048 + 8448 + 12288 + 4096 + 64 + 520 = 27944.
      // An LSTM with u units: (10 + u)·4u + 4u + 8u + 8; brute force the closest u.
      const rim = 480 + 2048 + 8448 + 12288 + 4096 + 64 + 520;
      const lstm = (u: number): number => (10 + u) * 4 * u + 4 * u + 8 * u + 8;
      let best = 1;
      for (let u = 1; u < 500; u++) if (Math.abs(lstm(u) - rim) < Math.abs(lstm(best) - rim)) best = u;
      assert.equal(best, 77);
      assert.equal(c['lstmUnits'], best);
    });

    it('score SDE: the SDE, the network, the batch and the optimizer schedule', async () => {
      const preset = quick('score-sde');
      const spec = await referenceSpec('score-sde', preset, options);
      // Everything that shapes training crosses over, with the preset's values; nothing else.
      const crosses = ['dataset', 'sde', 'sigmaMin', 'sigmaMax', 'betaMin', 'betaMax', 'steps', 'batch', 'lr'];
      const model = ['warmup', 'emaDecay', 'hidden', 'layers', 'embedding'];
      assert.deepEqual(spec.config, Object.fromEntries([...crosses, ...model].map((k) => [k, preset[k]])));
      assert.equal(spec.config['sde'], 've');
    });

    it('FlyVec: the network, the minibatch, the schedule and the corpus files under the data root', async () => {
      const spec = await referenceSpec('flyvec', quick('flyvec'), options);
      const c = spec.config;
      assert.deepEqual(
        [c['kenyonCells'], c['windowWidth'], c['batchSize'], c['epochs'], c['learningRate']],
        [400, 11, 5000, 8, 0.05],
      );
      // ⌊≈ 680 k windows centred on content words / 5000⌋ batches per epoch.
      assert.equal(c['batchesPerEpoch'], 135);
      // The function words the demo masks out of the text, so that both sides train on the same windows.
      assert.deepEqual(c['stopWords'], [...FUNCTION_WORDS].sort());
      assert.ok(FUNCTION_WORDS.has('the'));
      assert.equal(c['tokensFile'], path.join('/data/root', 'media/data/flyvec-sotu-tokens.bin'));
      assert.equal(c['vocabularyFile'], path.join('/data/root', 'media/data/flyvec-sotu-vocab.json'));
    });

    it('ANCE: the encoder, batch and optimiser, and the first corpus the preset trains on', async () => {
      const c = (await referenceSpec('ance', quick('ance'), options)).config;
      assert.deepEqual(
        [c['hashBits'], c['dim'], c['batchSize'], c['negatives'], c['temperature'], c['learningRate']],
        [16, 32, 32, 7, 0.05, 2e-3],
      );
      assert.equal(c['corpus'], 'countries');
      assert.equal(c['corpusFile'], path.join('/data/root', 'media/data/ance-countries.json'));
      const wordnetOnly = await referenceSpec('ance', { ...quick('ance'), 'steps.countries': 0 }, options);
      assert.equal(wordnetOnly.config['corpus'], 'wordnet');
    });

    it('DrQ: the two learners of an agent step, their views, the batch, networks and SAC settings', async () => {
      const c = (await referenceSpec('drq', quick('drq'), options)).config;
      assert.deepEqual(c['agents'], ['none', 'drq']);
      assert.deepEqual(c['views'], {
        none: { augment: false, m: 1, k: 1 },
        drq: { augment: true, m: 2, k: 2 },
      });
      assert.deepEqual([c['seeds'], c['batch'], c['pad']], [1, 64, 2]);
      assert.deepEqual([c['filters'], c['featureDim'], c['hidden']], [16, 50, 128]);
      assert.deepEqual([c['lr'], c['gamma'], c['tau'], c['initTemperature']], [1e-3, 0.99, 0.01, 0.1]);
      assert.deepEqual([c['actorEvery'], c['targetEvery']], [2, 2]);
      // Replay capacity min(100000, 4,000 agent steps).
      assert.equal(c['capacity'], 4000);
      const drqOnly = await referenceSpec(
        'drq',
        { ...quick('drq'), 'agents.none': false, 'agents.rad': false, seeds: 2 },
        options,
      );
      assert.deepEqual([drqOnly.config['agents'], drqOnly.config['seeds']], [['drq'], 2]);
      assert.deepEqual(Object.keys(drqOnly.config['views'] as object), ['drq']);
    });

    it('DrQ: the timed steps begin after the seed steps and end before the next evaluation', () => {
      const preset = quick('drq');
      const { steps, warmup } = REFERENCE_STEPS.drq;
      const seedSteps = Number(preset['seedSteps']);
      const evalEvery = Number(preset['evalEvery']);
      assert.ok(warmup > seedSteps, `warm-up ${warmup} ≤ seed steps ${seedSteps}`);
      // No evaluation (agent steps at multiples of evalEvery) among the timed steps.
      for (let step = warmup; step < warmup + steps; step++)
        assert.notEqual(step % evalEvery, 0, `evaluates at ${step}`);
    });

    it('a preset missing a value is an error that names it', async () => {
      const config: Record<string, unknown> = { ...quick('score-sde') };
      delete config['hidden'];
      await assert.rejects(referenceSpec('score-sde', config as DemoConfig, options), /no number "hidden"/);
    });

    it('every paper with a reference has its PyTorch module next to the driver', () => {
      const root = findReferenceRoot();
      assert.ok(root, 'bench/reference/run.py not found above src/cli');
      for (const paper of REFERENCE_PAPERS) {
        const file = path.join(root, 'bench', 'reference', `${paper.replace('-', '_')}.py`);
        assert.ok(fs.existsSync(file), `${file} is missing`);
      }
    });
  });

  describe('finding python', () => {
    it('prefers --python, then $PAPER_LAB_PYTHON, then python3 on PATH', () => {
      const bin = path.join(dir, 'bin');
      fs.mkdirSync(bin, { recursive: true });
      const onPath = fakePython(bin, 'python3', 'exit 0');
      const env = { PATH: `/nonexistent${path.delimiter}${bin}`, PAPER_LAB_PYTHON: '/env/python' };
      assert.deepEqual(findPython('/flag/python', env), { path: '/flag/python', source: '--python' });
      assert.deepEqual(findPython(undefined, env), { path: '/env/python', source: '$PAPER_LAB_PYTHON' });
      assert.deepEqual(findPython(undefined, { PATH: env.PATH }), { path: onPath, source: 'PATH' });
    });

    it('says so when no python3 is on PATH', () => {
      const choice = findPython(undefined, { PATH: '/nonexistent' });
      assert.equal(choice.path, null);
      assert.match(choice.reason ?? '', /no python3 on PATH/);
    });
  });

  describe('running the driver', () => {
    const spec: ReferenceSpec = { paper: 'score-sde', config: {}, threads: 1, steps: 2, warmup: 0, seed: 0 };
    const root = findReferenceRoot();

    it('a python path that does not exist: unavailable, with the path in the reason', () => {
      const r = runReference(spec, { python: { path: '/nonexistent/python3', source: '--python' }, root });
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.reason, /\/nonexistent\/python3 \(--python\) not found/);
    });

    it('no python found: unavailable with the finder’s reason', () => {
      const r = runReference(spec, { python: findPython(undefined, { PATH: '' }), root });
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.reason, /no python3 on PATH/);
    });

    it('a python without torch: the driver’s reason is passed on', () => {
      const python = fakePython(
        dir,
        'no-torch',
        `echo '{"ok": false, "reason": "torch cannot be imported by x: No module named torch"}'; exit 3`,
      );
      const r = runReference(spec, { python: { path: python, source: 'PATH' }, root });
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.reason, /^torch cannot be imported by x: No module named torch .*exit 3\]$/);
    });

    it('an executable that prints no JSON: unavailable, with its last error line', () => {
      const python = fakePython(dir, 'broken', `echo 'Traceback' >&2; echo 'SyntaxError: bad' >&2; exit 1`);
      const r = runReference(spec, { python: { path: python, source: '--python' }, root });
      assert.equal(r.ok, false);
      assert.match(r.ok ? '' : r.reason, /printed no JSON: SyntaxError: bad/);
    });

    it('the spec reaches the driver as its argument, and its timing is read back', () => {
      // The fake echoes the spec's steps and threads back inside a timing, so both directions are checked.
      const python = fakePython(
        dir,
        'echo-spec',
        `spec="$2"; steps=$(echo "$spec" | sed 's/.*"steps":\\([0-9]*\\).*/\\1/'); ` +
          `threads=$(echo "$spec" | sed 's/.*"threads":\\([0-9]*\\).*/\\1/'); ` +
          `echo "{\\"ok\\": true, \\"stepsPerSecond\\": 4, \\"seconds\\": 0.5, \\"cpuSeconds\\": 0.25, \\"steps\\": $steps, \\"warmup\\": 0, \\"threads\\": $threads, \\"torch\\": \\"9.9\\", \\"blas\\": \\"mkl\\", \\"python\\": \\"3.0\\"}"`,
      );
      const r = runReference(
        { ...spec, steps: 17, threads: 3 },
        { python: { path: python, source: '--python' }, root },
      );
      assert.ok(r.ok, r.ok ? '' : r.reason);
      assert.equal(r.timing.steps, 17);
      assert.equal(r.timing.threads, 3);
      assert.equal(r.timing.torch, '9.9');
      assert.equal(r.timing.stepsPerSecond, 4);
    });

    it('the driver, run on its own, sizes the BLAS and OpenMP pools to the spec before torch loads', function () {
      // A stand-in torch package whose import fails with the pool sizes it saw, so the driver reports
      // them as its reason. A torch built on OpenBLAS sizes its pool from these when it loads.
      const fakeTorch = path.join(dir, 'fake-torch', 'torch');
      fs.mkdirSync(fakeTorch, { recursive: true });
      fs.writeFileSync(
        path.join(fakeTorch, '__init__.py'),
        'import os\nnames = ("OMP", "MKL", "OPENBLAS", "BLIS")\n' +
          'raise ImportError("pools " + " ".join(os.environ.get(n + "_NUM_THREADS", "unset") for n in names))\n',
      );
      const python = findPython(undefined, { PATH: process.env['PATH'] ?? '' }).path;
      if (!python || !root) this.skip();
      const child = spawnSync(
        python,
        [path.join(root, 'bench', 'reference', 'run.py'), JSON.stringify({ ...spec, threads: 3 })],
        {
          encoding: 'utf8',
          env: { PATH: process.env['PATH'], PYTHONPATH: path.dirname(fakeTorch), OPENBLAS_NUM_THREADS: '8' },
        },
      );
      assert.equal(child.status, 3, child.stderr);
      const parsed = parseReferenceOutput(child.stdout);
      assert.match('reason' in parsed ? parsed.reason : '', /^torch cannot be imported by \S+: pools 3 3 3 3$/);
    });

    it('reads only a complete timing from the driver', () => {
      assert.deepEqual(parseReferenceOutput('{"ok": false, "reason": "why"}'), { reason: 'why' });
      assert.match(
        (parseReferenceOutput('{"ok": true, "stepsPerSecond": 1}') as { reason: string }).reason,
        /no number "seconds"/,
      );
      assert.match((parseReferenceOutput('') as { reason: string }).reason, /printed no JSON/);
    });
  });

  describe('ratios', () => {
    it('ours ÷ PyTorch, and null when either side is missing or PyTorch measured nothing', () => {
      assert.equal(throughputRatio(3, 12), 0.25);
      assert.equal(throughputRatio(10, 4), 2.5);
      assert.equal(throughputRatio(null, 4), null);
      assert.equal(throughputRatio(3, null), null);
      assert.equal(throughputRatio(3, 0), null);
      assert.equal(throughputRatio(Number.NaN, 4), null);
    });

    it('our rate after the warm-up comes from the progress reports at and after it', () => {
      const marks = [
        { step: 1, seconds: 0.9, cpuSeconds: 0.8 },
        { step: 4, seconds: 1.5, cpuSeconds: 1.2 },
        { step: 9, seconds: 2.0, cpuSeconds: 1.6 },
        { step: 24, seconds: 4.5, cpuSeconds: 3.1 },
      ];
      // From step 4 (the first report at or after warm-up 3) to step 24: 20 steps in 3.0 s, 1.9 CPU s.
      const rate = steadyRate(marks, 3);
      assert.ok(rate);
      assert.equal(rate.steps, 20);
      assert.ok(Math.abs(rate.stepsPerSecond - 20 / 3) < 1e-12);
      assert.ok(Math.abs(rate.cpuSeconds - 1.9) < 1e-12);
      assert.equal(steadyRate(marks, 30), null);
      assert.equal(steadyRate(marks.slice(0, 1), 0), null);
    });

    it('the line under the table names torch, its BLAS and its threads', () => {
      const line = referenceLine(
        {
          ok: true,
          python: '/usr/bin/python3',
          timing: {
            stepsPerSecond: 10.5,
            seconds: 9.5,
            cpuSeconds: 3.1,
            steps: 100,
            warmup: 20,
            threads: 1,
            torch: '1.13.0a0',
            blas: 'generic',
            python: '3.11.2',
          },
        },
        1,
        'steps',
      );
      assert.match(line, /^PyTorch reference: 10\.50 steps\/s \(100 steps after 20 warm-up/);
      assert.match(line, /torch 1\.13\.0a0, BLAS generic, 1 thread\(s\)/);
      assert.equal(
        referenceLine({ ok: false, python: null, reason: 'no python3 on PATH' }, 1, 'steps'),
        'reference unavailable: no python3 on PATH',
      );
    });
  });

  describe('the command', () => {
    /** Runs the bench command with its console output captured; returns the exit code and stdout. */
    async function bench(argv: string[]): Promise<{ code: number; text: string }> {
      const out: string[] = [];
      const log = console.log;
      const error = console.error;
      console.log = (...a: unknown[]) => out.push(a.join(' '));
      console.error = () => undefined;
      try {
        return { code: await benchCommand(argv), text: out.join('\n') };
      } finally {
        console.log = log;
        console.error = error;
      }
    }

    it('with a python that does not exist: our numbers, "reference unavailable", exit 0', async function () {
      const json = path.join(dir, 'bench.json');
      const { code, text } = await bench([
        'score-sde',
        '--backends',
        'cpu',
        '--reference',
        '--python',
        '/nonexistent/python3',
        '--steps',
        '2',
        '--warmup',
        '0',
        '--json',
        json,
      ]);
      assert.equal(code, 0);
      assert.match(text, /reference unavailable: \/nonexistent\/python3 \(--python\) not found/);
      assert.match(text, /× PyTorch/);
      const written = JSON.parse(fs.readFileSync(json, 'utf8')) as {
        rows: { ok: boolean; steps: number; afterWarmup: { ratio: number | null } }[];
        reference: { ok: boolean; reason: string; threads: number };
      };
      assert.equal(written.rows[0]?.ok, true);
      assert.ok((written.rows[0]?.steps ?? 0) >= 2);
      assert.equal(written.rows[0]?.afterWarmup.ratio, null);
      assert.equal(written.reference.ok, false);
      assert.equal(written.reference.threads, 1);
    });

    it('--preset and --set change the benchmarked config (refused with --reference); --warmup alone adds a steady rate', async function () {
      const json = path.join(dir, 'bench-set.json');
      const { code, text } = await bench([
        'score-sde',
        '--backends',
        'cpu',
        '--set',
        'batch=16',
        '--set',
        'hidden=8',
        '--steps',
        '4',
        '--warmup',
        '1',
        '--json',
        json,
      ]);
      assert.equal(code, 0);
      assert.match(text, /quick preset \(batch=16, hidden=8\)/);
      const written = JSON.parse(fs.readFileSync(json, 'utf8')) as {
        preset: string;
        config: Record<string, unknown>;
        warmup: number;
        rows: { ok: boolean; afterWarmup?: { stepsPerSecond: number | null; steps: number } }[];
      };
      assert.equal(written.preset, 'quick');
      // --warmup without --reference: a rate timed after the first step, without any PyTorch ratio.
      assert.equal(written.warmup, 1);
      assert.ok((written.rows[0]?.afterWarmup?.stepsPerSecond ?? 0) > 0);
      assert.ok((written.rows[0]?.afterWarmup?.steps ?? 0) >= 2);
      assert.deepEqual(written.config, { batch: 16, hidden: 8 });
      assert.equal(written.rows[0]?.ok, true);
      await assert.rejects(benchCommand(['score-sde', '--set', 'batch=16', '--reference']), /not with --reference/);
      await assert.rejects(benchCommand(['score-sde', '--preset', 'nope']), /has no preset "nope"/);
      await assert.rejects(benchCommand(['score-sde', '--set', 'batch=-3']), /batch/);
    });

    it('rejects the reference flags without --reference', async () => {
      await assert.rejects(
        benchCommand(['score-sde', '--python', '/usr/bin/python3']),
        /--python: only with --reference/,
      );
    });
  });

  describe('with torch (optional)', () => {
    it('runs two real score-SDE reference steps at the requested thread count', function () {
      const python = torchPythonOrSkip(this);
      const config = quick('score-sde');
      return referenceSpec('score-sde', config, { ...options, threads: 2, steps: 2, warmup: 1 }).then((spec) => {
        const r = runReference(spec, { python, root: findReferenceRoot(), timeoutMs: 120_000 });
        assert.ok(r.ok, r.ok ? '' : r.reason);
        assert.equal(r.timing.steps, 2);
        assert.equal(r.timing.warmup, 1);
        assert.equal(r.timing.threads, 2);
        assert.ok(r.timing.stepsPerSecond > 0 && r.timing.seconds > 0);
      });
    });
  });
});
