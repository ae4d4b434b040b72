/** The digits preset end to end on a tiny config: outputs, results, validation and no tensor leaks. */
import '../../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/models/engine/backends';
import {
  claims,
  densityDemo,
  SCORE_SDE_PRESETS,
  SCORE_SDE_RESULT_SPECS,
  type ScoreSdeConfig,
} from '../../../src/models/score-sde/demo';
import { train } from '../../../src/models/score-sde/train';
import { validateConfig } from '../../../src/shared/config';
import { flattenResults } from '../../../src/shared/demo';
import { useRepositoryData } from '../../helpers/data';
import { recordingContext } from '../../helpers/fakeContext';

const paper = SCORE_SDE_PRESETS.paper;
const tiny: ScoreSdeConfig = {
  ...paper,
  steps: 20,
  warmup: 5,
  hidden: 32,
  embedding: 8,
  previewEvery: 10,
  samplerSteps: 6,
  samples: 8,
  odeSteps: 3,
  heldOut: 20,
};

describe('score-sde: the digits preset end to end (tiny)', () => {
  before(async () => {
    useRepositoryData();
    await selectBackend('wasm');
  });

  it('the paper preset trains on digits with the Hutchinson estimator', () => {
    assert.equal(paper.dataset, 'mnist14');
    assert.equal(paper.divergence, 'hutchinson');
    assert.deepEqual(validateConfig(densityDemo, tiny).errors, []);
  });

  it('rejects settings the digits cannot run', () => {
    const errors = validateConfig(densityDemo, { ...tiny, divergence: 'exact', compare: 'vp', samples: 5000 }).errors;
    for (const field of ['divergence', 'compare', 'samples']) {
      assert.ok(
        errors.some((e) => e.startsWith(`${field}:`)),
        `${field} in ${errors.join('; ')}`,
      );
    }
  });

  it('trains, reports bits/dim, images and inpainting, and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const ctx = recordingContext(0, 'wasm');
    const results = await train(tiny, ctx);
    assert.equal(tf.memory().numTensors, before, 'tensors left after the run');
    assert.equal(results.steps, 20);
    // An untrained model is far worse than 8 bits/dim, but finite.
    assert.ok(Number.isFinite(results.bitsPerDim) && (results.bitsPerDim ?? 0) > 0);
    assert.equal(results.inpaintMaxChange, 0);
    assert.ok(Number.isFinite(results.inpaintMse) && Number.isFinite(results.inpaintMseMeanFill));
    // The 2-D results are absent, so their claims read as unmeasured.
    assert.equal(results.nllGap, undefined);
    assert.equal(results.pcOverPredictor2xSe, undefined);
    const byId = Object.fromEntries(claims.map((c) => [c.id, c.measure(results, tiny).measured]));
    assert.deepEqual(byId, { 'nll-gap': null, 'pc-beats-p-equal-evals': null, 'inpaint-follows-conditional': null });
    // …and none of them is about the digits.
    assert.deepEqual(
      claims.filter((c) => c.appliesTo?.(tiny) ?? true).map((c) => c.id),
      [],
    );
    // As the engine stores them: the digits' results only, under their dotted keys.
    assert.deepEqual(Object.keys(flattenResults(SCORE_SDE_RESULT_SPECS, results)).sort(), [
      'bitsPerDim',
      'bitsPerDimGaussian',
      'bitsPerDimSe',
      'inpaintMaxChange',
      'inpaintMse',
      'inpaintMseMeanFill',
      'likelihoodNfe',
      'nfe.ode',
      'nfe.pc',
      'nfe.predictor',
      'nll',
      'steps',
    ]);
    for (const id of ['samples', 'inpainting', 'reverse-process', 'live-samples']) {
      const out = ctx.outputs.get(id);
      assert.ok(out?.kind === 'images', id);
      assert.equal(out.width, 14);
      for (const img of out.images) {
        assert.equal(img.pixels.length, 196);
        assert.ok(img.pixels.every((p) => p >= 0 && p <= 1));
      }
    }
    const table = ctx.outputs.get('likelihood');
    assert.ok(table?.kind === 'table');
    assert.equal(table.rows[0]?.[2], results.bitsPerDim);
    assert.ok(
      table.rows.some((r) => r[2] === 2.99),
      'the paper’s CIFAR-10 number beside ours',
    );
    assert.equal(ctx.lastProgress, densityDemo.totalSteps(tiny));
    assert.ok(ctx.points.some((p) => p.values[`loss/${paper.sde}`] !== undefined));
  });
});
