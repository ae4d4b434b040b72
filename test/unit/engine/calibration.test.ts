/**
 * `auto` by measurement: the fastest-backend rule, the model signature, the cache, the
 * throughput measurement (with a fake clock) and the selection over the real cpu and wasm
 * backends with a trainer whose step cost depends on the backend.
 */
import '../../../src/models/engine/tfSetup';
import * as tf from '@tensorflow/tfjs-core';
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type BackendInit, reportDeviceFault, startAllBackends } from '../../../src/models/engine/backends';
import {
  CALIBRATION_STEPS,
  CalibrationCache,
  chooseFastest,
  machineKey,
  measureThroughput,
  modelSignature,
  selectFastestBackend,
} from '../../../src/models/engine/calibration';
import { runDemo } from '../../../src/models/engine/runner';
import type { DemoRun } from '../../../src/models/types';
import type { BackendName } from '../../../src/shared/runs';
import { fakeLookup } from './fakeDemo';

const ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

/** A clock the trainer moves forward: each step costs `cost[backend]` seconds. */
function steppedClock(): { now: () => number; advance: (s: number) => void } {
  let t = 0;
  return { now: () => t, advance: (s) => (t += s) };
}

/** Trains forever (until stopped), one small tensor op per step, `cost(backend)` fake seconds a step. */
function costlyTrainer(clock: { advance: (s: number) => void }, cost: (backend: string) => number) {
  const state = { calls: 0, evaluated: 0, steps: 0 };
  const trainer: DemoRun = async (_config, ctx) => {
    state.calls++;
    const weights = tf.variable(tf.zeros([4]));
    for (let step = 1; step <= 1000 && !ctx.aborted; step++) {
      const kept = tf.add(weights, 1); // deliberately not disposed: the calibration must clean up
      weights.assign(kept);
      clock.advance(cost(tf.getBackend()));
      state.steps++;
      ctx.progress(step);
      await ctx.tick();
    }
    state.evaluated++;
    return {};
  };
  return { trainer, state };
}

const notInstalled: BackendInit = () => Promise.reject(new Error('not installed here'));
const FAKE_GPU_INITS = { 'tensorflow-gpu': notInstalled, tensorflow: notInstalled, webgpu: notInstalled };

describe('auto backend calibration', function () {
  this.timeout(60000);

  it('picks the highest throughput, breaking near-ties by the design order', () => {
    const m = (name: BackendName, stepsPerSecond: number | null) => ({ name, stepsPerSecond });
    assert.equal(chooseFastest([m('wasm', 10), m('cpu', 30)], ORDER), 'cpu');
    // Within 5 %: the earlier backend in the order wins.
    assert.equal(chooseFastest([m('cpu', 10), m('wasm', 9.8)], ORDER), 'wasm');
    assert.equal(chooseFastest([m('cpu', 10), m('wasm', 9.0)], ORDER), 'cpu');
    assert.equal(chooseFastest([m('wasm', null), m('cpu', 1)], ORDER), 'cpu');
    assert.equal(chooseFastest([m('wasm', null)], ORDER), null);
  });

  it('signs a model by paper, demo and config, whatever the key order', () => {
    const a = modelSignature('rims', 'generalize', { units: 16, modules: 4 });
    assert.equal(a, modelSignature('rims', 'generalize', { modules: 4, units: 16 }));
    assert.notEqual(a, modelSignature('rims', 'generalize', { modules: 4, units: 32 }));
    assert.notEqual(a, modelSignature('fedopt', 'generalize', { modules: 4, units: 16 }));
    assert.match(a, /^rims\/generalize#[0-9a-f]{12}$/);
    assert.match(machineKey(), /×\d+/);
  });

  it('keys the machine with the Paper Lab version, so an upgrade measures again', () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')) as {
      version: string;
    };
    assert.ok(machineKey().endsWith(`, paper-lab ${version}`), machineKey());
  });

  it('caches per machine, model and set of backends, and survives a corrupt file', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paper-lab-cal-')), 'sub', 'calibration.json');
    const cache = new CalibrationCache(file, 3);
    const measurements = [
      { name: 'wasm' as const, stepsPerSecond: 12 },
      { name: 'cpu' as const, stepsPerSecond: 3 },
    ];
    assert.equal(cache.get('m1', 's1', ['wasm', 'cpu']), undefined);
    cache.put({ machine: 'm1', signature: 's1', measuredAt: 'then', measurements });
    assert.deepEqual(cache.get('m1', 's1', ['cpu', 'wasm'])?.measurements, measurements);
    assert.equal(cache.get('m2', 's1', ['wasm', 'cpu']), undefined, 'another machine');
    assert.equal(cache.get('m1', 's2', ['wasm', 'cpu']), undefined, 'another model');
    assert.equal(cache.get('m1', 's1', ['webgpu', 'wasm', 'cpu']), undefined, 'a backend more now started');
    for (const s of ['s2', 's3', 's4']) cache.put({ machine: 'm1', signature: s, measuredAt: 'x', measurements });
    assert.equal(cache.get('m1', 's1', ['wasm', 'cpu']), undefined, 'oldest entry dropped beyond the limit');
    assert.ok(cache.get('m1', 's4', ['wasm', 'cpu']));
    fs.writeFileSync(file, '{ not json');
    assert.equal(cache.get('m1', 's4', ['wasm', 'cpu']), undefined);
    cache.put({ machine: 'm1', signature: 's5', measuredAt: 'x', measurements });
    assert.ok(cache.get('m1', 's5', ['wasm', 'cpu']));
  });

  it('times the steps after the warm-up, stops the trainer at once and leaves no tensors', async () => {
    await tf.setBackend('cpu');
    await tf.ready();
    const clock = steppedClock();
    const { trainer, state } = costlyTrainer(clock, () => 0.25);
    const before = tf.memory().numTensors;
    const m = await measureThroughput(trainer, {}, 'cpu', { seed: 1, clock: clock.now, seconds: 100 });
    assert.equal(m.stepsPerSecond, 4);
    assert.equal(state.steps, 1 + CALIBRATION_STEPS, 'warm-up step plus the timed steps');
    assert.equal(state.evaluated, 0, 'the end-of-run code is skipped');
    assert.equal(tf.memory().numTensors, before);
    // A time budget ends the timing after the first timed step past it.
    const slow = costlyTrainer(clock, () => 2);
    const s = await measureThroughput(slow.trainer, {}, 'cpu', { seed: 1, clock: clock.now, seconds: 3 });
    assert.equal(s.stepsPerSecond, 0.5);
    assert.equal(slow.state.steps, 1 + 2);
  });

  it('lets a demo’s first, untypical steps pass before timing (warmupSteps)', async () => {
    const clock = steppedClock();
    let step = 0;
    // Five cheap "seed" steps, then training steps of 0.5 s.
    const { trainer } = costlyTrainer(clock, () => (++step <= 5 ? 0.001 : 0.5));
    const m = await measureThroughput(trainer, {}, 'cpu', { seed: 1, clock: clock.now, warmupSteps: 6, seconds: 100 });
    assert.equal(m.stepsPerSecond, 2);
  });

  it('reports a trainer that fails or never finishes a step', async () => {
    const failing: DemoRun = () => Promise.reject(new Error('out of memory'));
    const f = await measureThroughput(failing, {}, 'cpu', { seed: 1 });
    assert.equal(f.stepsPerSecond, null);
    assert.match(f.note ?? '', /out of memory/);
    const clock = steppedClock();
    const stuck: DemoRun = async (_c, ctx) => {
      for (;;) {
        clock.advance(10);
        await ctx.tick();
      }
    };
    const s = await measureThroughput(stuck, {}, 'cpu', { seed: 1, clock: clock.now, timeoutSeconds: 25 });
    assert.equal(s.stepsPerSecond, null);
    assert.match(s.note ?? '', /warm-up not finished within 30 s/);
  });

  it('rejects a backend whose GPU device reported an error while it was measured, however fast', async () => {
    const clock = steppedClock();
    const { trainer } = costlyTrainer(clock, () => 0.01);
    const faulty: DemoRun = async (config, ctx) => {
      reportDeviceFault('The number of storage buffers (11) in the Compute stage exceeds the maximum (8).');
      return trainer(config, ctx);
    };
    const m = await measureThroughput(faulty, {}, 'cpu', { seed: 1, clock: clock.now, seconds: 100 });
    assert.equal(m.stepsPerSecond, null);
    assert.match(m.note ?? '', /GPU device reported an error: The number of storage buffers/);
    // The fault was consumed: the next measurement is clean.
    const clean = await measureThroughput(trainer, {}, 'cpu', { seed: 1, clock: clock.now, seconds: 100 });
    assert.ok((clean.stepsPerSecond ?? 0) > 0);
  });

  it('chooses the faster of the real wasm and cpu backends, then remembers it', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paper-lab-cal-')), 'calibration.json');
    const cache = new CalibrationCache(file);
    for (const [fast, slow] of [
      ['wasm', 'cpu'],
      ['cpu', 'wasm'],
    ] as const) {
      const clock = steppedClock();
      const { trainer, state } = costlyTrainer(clock, (b) => (b === fast ? 0.01 : 0.05));
      const config = { fastest: fast };
      const options = {
        inits: FAKE_GPU_INITS,
        paper: 'rims' as const,
        demo: 'generalize',
        config,
        trainer,
        seed: 0,
        cache,
        measure: { clock: clock.now },
      };
      const report = await selectFastestBackend(options);
      assert.equal(report.chosen, fast);
      assert.equal(tf.getBackend(), fast, 'the chosen backend is left current');
      assert.equal(report.calibration?.cached, false);
      assert.deepEqual(report.calibration?.measurements.map((m) => m.name).sort(), ['cpu', 'wasm']);
      const slowAttempt = report.attempts.find((a) => a.name === slow);
      assert.match(slowAttempt?.reason ?? '', new RegExp(`20 steps/s, 5\\.0× slower than ${fast}$`));
      assert.match(report.attempts.find((a) => a.name === fast)?.reason ?? '', /100 steps\/s, fastest/);
      assert.ok(report.attempts.find((a) => a.name === 'webgpu' && !a.ok));

      const calls = state.calls;
      const again = await selectFastestBackend(options);
      assert.equal(again.chosen, fast);
      assert.equal(again.calibration?.cached, true);
      assert.equal(state.calls, calls, 'remembered: no training steps');
      await selectFastestBackend({ ...options, recalibrate: true });
      assert.equal(state.calls, calls + 2, 'recalibrated: both backends measured again');
    }
  });

  it('keeps a run reproducible: the run draws the same random numbers as without calibration', async () => {
    const draws: number[] = [];
    const trainer: DemoRun = async (config, ctx) => {
      draws.push(Math.random(), ctx.rng.next());
      for (let step = 1; step <= Number(config['steps']); step++) {
        Math.random();
        ctx.progress(step);
        await ctx.tick();
      }
      return { final: 0.1 };
    };
    const base = { paper: 'fedopt' as const, demo: 'toy', config: { steps: 8 }, seed: 5, runDir: null };
    await runDemo({ ...base, backend: 'cpu', lookup: fakeLookup(trainer) });
    const forced = draws.splice(0);
    const { record, summary } = await runDemo({ ...base, backend: 'auto', lookup: fakeLookup(trainer) });
    assert.equal(summary.status, 'completed');
    const started = record.backend?.attempts.filter((a) => a.ok).length ?? 0;
    if (started > 1) assert.ok(record.backend?.calibration, 'several backends started: the choice was measured');
    assert.deepEqual(draws.slice(-2), forced, 'the run itself starts from the same random state');
  });
  describe('a stop during calibration', () => {
    /** Computes (blocking the thread, as a training step does) for `ms` milliseconds. */
    const busy = (ms: number): void => {
      const end = performance.now() + ms;
      while (performance.now() < end) {
        // a training step
      }
    };
    /** A trainer whose every step blocks for 200 ms, counting its steps. */
    const slowTrainer = () => {
      const state = { steps: 0 };
      const trainer: DemoRun = async (_config, ctx) => {
        for (let step = 1; step <= 1000 && !ctx.aborted; step++) {
          busy(200);
          state.steps++;
          ctx.progress(step);
          await ctx.tick();
        }
        return { final: 0 };
      };
      return { trainer, state };
    };
    const started: BackendInit = () => Promise.resolve('fake');

    it('ends it within a second, without remembering a partial measurement', async () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paper-lab-cal-')), 'calibration.json');
      await tf.setBackend('cpu');
      await tf.ready();
      const { trainer, state } = slowTrainer();
      const controller = new AbortController();
      const t0 = performance.now();
      setTimeout(() => controller.abort('stopped by the user'), 300);
      // Four backends start: untouched, the calibration would train 4 × 5 steps of 200 ms.
      const outcome = await selectFastestBackend({
        inits: { 'tensorflow-gpu': notInstalled, tensorflow: started, webgpu: started, wasm: started, cpu: started },
        activate: () => Promise.resolve(),
        paper: 'rims',
        demo: 'generalize',
        config: {},
        trainer,
        seed: 0,
        cache: new CalibrationCache(file),
        signal: controller.signal,
      }).then(
        (report) => ({ report, error: undefined }),
        (error: unknown) => ({ report: undefined, error }),
      );
      const elapsed = performance.now() - t0;
      assert.ok(elapsed < 1000, `calibration ended ${elapsed.toFixed(0)} ms after it started (stop at 300 ms)`);
      assert.equal(outcome.report, undefined, 'no backend is chosen by a stopped calibration');
      assert.ok(outcome.error instanceof Error && outcome.error.name === 'AbortError', String(outcome.error));
      assert.ok(state.steps <= 3, `${state.steps} steps trained after the stop`);
      assert.equal(fs.existsSync(file), false, 'nothing remembered');
    });

    it('ends an auto run as stopped within a second (as the CLI’s Ctrl-C and the extension’s Stop do)', async function () {
      const { trainer } = slowTrainer();
      const controller = new AbortController();
      // When the stop is due: a step that never yields to the event loop would delay it further.
      let stopDue = 0;
      const stopWhenMeasuring = (text: string): void => {
        if (!/measuring/.test(text)) return;
        stopDue = performance.now() + 300;
        setTimeout(() => controller.abort('interrupted'), 300);
      };
      const { summary, record } = await runDemo({
        paper: 'fedopt',
        demo: 'toy',
        config: { steps: 50 },
        seed: 0,
        backend: 'auto',
        runDir: null,
        lookup: fakeLookup(trainer),
        signal: controller.signal,
        sink: { log: (_level, text) => stopWhenMeasuring(text) },
      });
      if (stopDue === 0) this.skip(); // one backend started here: nothing is measured
      const late = performance.now() - stopDue;
      assert.ok(late < 1000, `the run ended ${late.toFixed(0)} ms after the stop`);
      assert.equal(summary.status, 'stopped');
      assert.equal(record.error, undefined, 'a stop is not an error');
    });

    it('starts no further backend once stopped', async () => {
      const controller = new AbortController();
      const tried: string[] = [];
      const init =
        (name: string, stop = false): BackendInit =>
        () => {
          tried.push(name);
          if (stop) controller.abort('stopped by the user');
          return Promise.resolve(name);
        };
      await assert.rejects(
        startAllBackends({
          inits: {
            'tensorflow-gpu': init('tensorflow-gpu'),
            tensorflow: init('tensorflow', true),
            webgpu: init('webgpu'),
            wasm: init('wasm'),
            cpu: init('cpu'),
          },
          signal: controller.signal,
        }),
        { name: 'AbortError' },
      );
      assert.deepEqual(tried, ['tensorflow-gpu', 'tensorflow']);
    });
  });
});
