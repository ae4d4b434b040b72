import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { validateConfig } from '../../../src/shared/config';
import { AGENTS, claims, type DrqConfig, MAX_SEEDS, pixelSacDemo, SEED_INDICES } from '../../../src/models/drq/demo';
import { train } from '../../../src/models/drq/train';
import { recordingContext } from '../../helpers/fakeContext';
import { watchForWebgpu, type WebgpuReadiness } from '../../helpers/webgpuReadiness';
import { TINY as tiny, TINY_FLAT, useBackend } from './helpers';

describe('drq training run', function () {
  this.timeout(600000);
  before(() => useBackend('wasm'));

  it('reports curves, outputs and the claims’ results, and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const ctx = recordingContext(3, 'wasm');
    const results = await train(tiny, ctx);
    assert.equal(tf.memory().numTensors, before);
    assert.equal(results.steps, 30);
    assert.equal(results.seeds, 2);
    for (const agent of AGENTS) {
      for (const seed of ['0', '1'] as const) {
        assert.ok(Number.isFinite(results.auc[`${agent}.${seed}`]), `auc.${agent}.${seed}`);
        assert.ok(Number.isFinite(results.reached[agent][seed]));
      }
    }
    // The ratio is the ratio of the means over seeds, as the claim states.
    const meanAuc = (a: 'drq' | 'none'): number => ((results.auc[`${a}.0`] ?? 0) + (results.auc[`${a}.1`] ?? 0)) / 2;
    assert.ok(Math.abs((results.aucRatio ?? NaN) - meanAuc('drq') / meanAuc('none')) < 1e-9);
    assert.equal(results.thresholdSeedsDiff, (results.reachedSeeds.drq ?? 0) - (results.reachedSeeds.none ?? 0));
    // After the seed steps (16): the evaluations at steps 20 and 30, read from the plotted means over seeds.
    const plotted = (a: string, step: number): number =>
      ctx.points.find((p) => p.step === step && `return/${a}` in p.values)?.values[`return/${a}`] ?? NaN;
    for (const a of AGENTS) {
      const expected = (plotted(a, 20) + plotted(a, 30)) / 2;
      assert.ok(Math.abs((results.learnAuc[a] ?? NaN) - expected) < 1e-9, `learnAuc.${a}`);
      // The last quarter (steps ≥ 22.5): the evaluation at step 30.
      assert.ok(Math.abs((results.lateAuc[a] ?? NaN) - plotted(a, 30)) < 1e-9, `lateAuc.${a}`);
      const whole = [0, 10, 20, 30].reduce((acc, step) => acc + plotted(a, step), 0) / 4;
      assert.ok(Math.abs((results.auc[a] ?? NaN) - whole) < 1e-9, `auc.${a}`);
    }
    assert.ok(
      Math.abs((results.learnAucRatio ?? NaN) - (results.learnAuc.drq ?? 0) / (results.learnAuc.none ?? 0)) < 1e-12,
    );
    assert.ok(
      Math.abs((results.lateAucRatio ?? NaN) - (results.lateAuc.drq ?? 0) / (results.lateAuc.none ?? 0)) < 1e-12,
    );
    assert.ok(
      Math.abs((results.qAveragingRatio ?? NaN) - (results.lateAuc.drq ?? 0) / (results.lateAuc.rad ?? 0)) < 1e-12,
    );
    assert.ok(results.randomReturn > 1 && results.randomReturn < 5);
    assert.ok(results.updatesPerSec > 0 && results.envStepsPerSec > 0);
    // Evaluations at 0, 10, 20 and the end; training metrics after the seed steps.
    const evalSteps = ctx.points.filter((p) => 'return/drq' in p.values).map((p) => p.step);
    assert.deepEqual(evalSteps, [0, 10, 20, 30]);
    assert.ok(ctx.points.some((p) => Number.isFinite(p.values['criticLoss/drq']) && (p.values['alpha/rad'] ?? 0) > 0));
    // Every plotted metric is reported.
    const reported = new Set(ctx.points.flatMap((p) => Object.keys(p.values)));
    for (const plot of pixelSacDemo.plots) for (const s of plot.series) assert.ok(reported.has(s.metric), s.metric);
    for (const id of pixelSacDemo.outputs.map((o) => o.id)) assert.ok(ctx.outputs.has(id), id);
    const strip = ctx.outputs.get('augmentations');
    assert.ok(strip?.kind === 'images' && strip.images.length === 16 && strip.images[0]?.pixels.length === 24 * 24);
    const rollout = ctx.outputs.get('rollout');
    assert.ok(rollout?.kind === 'images' && rollout.images.length === 26);
    const table = ctx.outputs.get('returns');
    assert.ok(table?.kind === 'table' && table.rows.length === 6 + 3);
    for (const claim of claims) assert.notEqual(claim.measure(results, tiny).measured, null, claim.id);
  });

  it('would run on WebGPU: no synchronous reads, no kernel it lacks (the quick preset trains in workers, unwatched)', async () => {
    const watch = await watchForWebgpu();
    const readiness: WebgpuReadiness = await train({ ...tiny, seeds: 1, steps: 24 }, recordingContext(2, 'wasm')).then(
      () => watch.stop(),
      (e: unknown) => {
        watch.stop();
        throw e;
      },
    );
    assert.deepEqual(readiness.syncReads, []);
    assert.deepEqual(readiness.missingKernels, []);
    assert.ok(readiness.kernels.includes('Conv2D') && readiness.kernels.length > 20, readiness.kernels.join(', '));
  });

  it('is deterministic given the seed', async () => {
    const config: DrqConfig = { ...tiny, seeds: 1, agents: { ...tiny.agents, rad: false }, steps: 24 };
    const a = await train(config, recordingContext(5, 'wasm'));
    const b = await train(config, recordingContext(5, 'wasm'));
    assert.deepEqual({ ...a, envStepsPerSec: 0, updatesPerSec: 0 }, { ...b, envStepsPerSec: 0, updatesPerSec: 0 });
  });

  it('stops when asked and reports the steps done', async () => {
    const ctx = recordingContext(1, 'wasm');
    ctx.abortAt = 12;
    const results = await train({ ...tiny, seeds: 1 }, ctx);
    assert.equal(results.steps, 12);
  });

  it('validates its presets and rejects inconsistent settings', () => {
    for (const [name, preset] of Object.entries(pixelSacDemo.presets)) {
      const r = validateConfig(pixelSacDemo, preset, {});
      assert.ok(r.ok, `${name}: ${r.ok ? '' : r.errors.join('; ')}`);
    }
    const bad = validateConfig(pixelSacDemo, { ...pixelSacDemo.presets['quick'], seedSteps: 10, batch: 64 }, {});
    assert.ok(!bad.ok && bad.errors.some((e) => e.startsWith('batch')));
    const none = validateConfig(
      pixelSacDemo,
      { ...pixelSacDemo.presets['quick'], 'agents.none': false, 'agents.rad': false, 'agents.drq': false },
      {},
    );
    assert.ok(!none.ok);
  });

  it('names every seed a run can have in its results, under the flat keys of stored summaries', async () => {
    const seeds = pixelSacDemo.fields.find((f) => f.key === 'seeds');
    assert.ok(seeds?.kind === 'int' && seeds.max === MAX_SEEDS);
    assert.deepEqual(
      SEED_INDICES,
      Array.from({ length: MAX_SEEDS }, (_, i) => String(i)),
    );
    const flat = await (
      await pixelSacDemo.loadTrainer()
    )({ ...TINY_FLAT, 'agents.rad': false, steps: 20 }, recordingContext(4, 'wasm'));
    const perSeed = ['auc', 'learnAuc', 'lateAuc', 'final', 'reached'].flatMap((r) =>
      ['none', 'drq'].flatMap((a) => [0, 1].map((s) => `${r}.${a}.${s}`)),
    );
    assert.deepEqual(
      Object.keys(flat).sort(),
      [
        ...perSeed,
        'auc.none',
        'auc.drq',
        'learnAuc.none',
        'learnAuc.drq',
        'learnAucRatio',
        'lateAuc.none',
        'lateAuc.drq',
        'lateAucRatio',
        'reachedSeeds.none',
        'reachedSeeds.drq',
        'aucRatio',
        'thresholdSeedsDiff',
        'randomReturn',
        'threshold',
        'seeds',
        'steps',
        'workers',
        'envStepsPerSec',
        'updatesPerSec',
      ].sort(),
    );
    assert.equal(flat['aucRatio'], (flat['auc.drq'] as number) / (flat['auc.none'] as number));
  });
});
