/** The whole demo on a small config: outputs, results, no tensor leaks, and a prompt stop. */
import '../../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/models/engine/backends';
import { gaussianRing } from '../../../src/models/score-sde/data';
import {
  densityDemo,
  SCORE_SDE_PRESETS,
  SCORE_SDE_RESULT_SPECS,
  type ScoreSdeConfig,
} from '../../../src/models/score-sde/demo';
import { train } from '../../../src/models/score-sde/train';
import { validateConfig } from '../../../src/shared/config';
import { flattenResults } from '../../../src/shared/demo';
import { recordingContext } from '../../helpers/fakeContext';

const small: ScoreSdeConfig = {
  ...SCORE_SDE_PRESETS.quick,
  compare: 'vp',
  steps: 40,
  batch: 64,
  hidden: 32,
  previewEvery: 20,
  samplerSteps: 10,
  samples: 100,
  odeSolver: 'rk4',
  odeSteps: 6,
  heldOut: 50,
  classifierSteps: 10,
};

describe('score-sde: the demo end to end (small)', () => {
  before(async () => {
    await selectBackend('wasm');
  });

  it('the presets are valid', () => {
    for (const [name, preset] of Object.entries(densityDemo.presets)) {
      assert.deepEqual(validateConfig(densityDemo, preset).errors, [], name);
    }
  });

  it('trains, samples, reports every output and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const ctx = recordingContext(0, 'wasm');
    const results = await train(small, ctx);
    assert.equal(tf.memory().numTensors, before, 'tensors left after the run');
    assert.equal(results.steps, 40);
    const finite = {
      nllGap: results.nllGap,
      pcOverPredictor2xSe: results.pcOverPredictor2xSe,
      'sampleKl.predictor4x': results.sampleKl?.predictor4x,
      'mmd.data': results.mmd?.data,
      inpaintMaxChange: results.inpaintMaxChange,
      inpaintNearMode: results.inpaintNearMode,
      inpaintNearModeExactScore: results.inpaintNearModeExactScore,
      'compare.nllGap': results.compare?.nllGap,
      'compare.sampleKl.pc': results.compare?.sampleKl?.pc,
    };
    for (const [key, value] of Object.entries(finite)) assert.ok(Number.isFinite(value), key);
    assert.equal(results.inpaintMaxChange, 0);
    for (const id of [
      'samples',
      'likelihood',
      'sample-quality',
      'inpainting',
      'reverse-process',
      'conditional',
      'live-samples',
      'live-score-field',
    ]) {
      assert.ok(ctx.outputs.has(id), id);
    }
    assert.ok(ctx.points.some((p) => p.values['loss/ve'] !== undefined));
    assert.ok(ctx.points.some((p) => p.values['loss/vp'] !== undefined));
    assert.equal(ctx.lastProgress, densityDemo.totalSteps(small));
    // The live score field: four panels of arrows after the samples, each arrow drawn as dots.
    const field = ctx.outputs.get('live-score-field');
    assert.ok(field?.kind === 'scatter');
    assert.equal(field.groups.length, 5);
    for (const g of field.groups.slice(1)) assert.equal(g.points.length, 11 * 11 * 7);
    const entropy = results.entropy ?? NaN;
    assert.ok(entropy > 0 && entropy < 1, `entropy estimate ${entropy}`);
  });

  it('tensor count stays flat across training steps', async () => {
    const counts: number[] = [];
    for (const steps of [5, 25]) {
      const before = tf.memory().numTensors;
      const ctx = recordingContext(1, 'wasm');
      ctx.abortAt = steps;
      await train({ ...small, compare: 'none', steps: 100 }, ctx);
      counts.push(tf.memory().numTensors - before);
    }
    assert.deepEqual(counts, [0, 0]);
  });

  it('stops early when aborted and returns partial results', async () => {
    const ctx = recordingContext(2, 'wasm');
    ctx.abortAt = 10;
    const results = await train({ ...small, steps: 1000 }, ctx);
    assert.equal(results.steps, 10);
    assert.ok(ctx.lastProgress < 1000);
    // The engine's flat results of a stopped run: the steps only.
    const flat = await (
      await densityDemo.loadTrainer()
    )({ ...small, steps: 1000 }, Object.assign(recordingContext(2, 'wasm'), { abortAt: 10 }));
    assert.deepEqual(flat, { steps: 10 });
  });

  it('gives the engine the same results under their dotted keys', async () => {
    const config: ScoreSdeConfig = { ...small, steps: 20, previewEvery: 0 };
    const typed = await train(config, recordingContext(3, 'wasm'));
    const flat = await (await densityDemo.loadTrainer())(config, recordingContext(3, 'wasm'));
    assert.deepEqual(flat, flattenResults(SCORE_SDE_RESULT_SPECS, typed));
    for (const key of [
      'nllGap',
      'sampleKl.pc',
      'sampleKlSe.predictor2x',
      'mmd.ode',
      'logDensity.pc',
      'logDensitySe.ode',
      'nfe.predictor',
      'compare.nllGap',
      'compare.nfe.ode',
    ]) {
      assert.ok(Number.isFinite(flat[key]), key);
    }
    assert.equal(flat['compare.inpaintMaxChange'], undefined, 'the compared model is not inpainted');
  });

  it('the ring density is normalised and its entropy is about 0.31 nats', () => {
    const ring = gaussianRing();
    let mass = 0;
    const h = 0.02;
    for (let x = -3; x < 3; x += h) for (let y = -3; y < 3; y += h) mass += Math.exp(ring.logDensity(x, y)) * h * h;
    assert.ok(Math.abs(mass - 1) < 1e-3, `mass ${mass}`);
    // Well-separated modes: H ≈ log 8 + log(2πe·0.1²).
    assert.ok(Math.abs(Math.log(8) + Math.log(2 * Math.PI * Math.E * 0.01) - 0.312) < 1e-3);
  });
});
