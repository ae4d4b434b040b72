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
  network: 'mlp',
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
/** The same with a small U-Net (8/16 channels) on smaller batches. */
const tinyUnet: ScoreSdeConfig = { ...tiny, network: 'unet', channels: 8, batch: 16 };

describe('score-sde: the digits preset end to end (tiny)', () => {
  before(async () => {
    useRepositoryData();
    await selectBackend('wasm');
  });

  it('the paper preset trains on digits with the Hutchinson estimator', () => {
    assert.equal(paper.dataset, 'mnist14');
    assert.equal(paper.divergence, 'hutchinson');
    assert.equal(paper.network, 'unet');
    assert.deepEqual(validateConfig(densityDemo, tiny).errors, []);
  });

  it('the U-Net is for digits only, with channels a multiple of 4', () => {
    assert.deepEqual(validateConfig(densityDemo, tinyUnet).errors, []);
    const ring = validateConfig(densityDemo, { ...SCORE_SDE_PRESETS.quick, network: 'unet' }).errors;
    assert.ok(
      ring.some((e) => e.startsWith('network:')),
      ring.join('; '),
    );
    const odd = validateConfig(densityDemo, { ...tinyUnet, channels: 10 }).errors;
    assert.ok(
      odd.some((e) => e.startsWith('channels:')),
      odd.join('; '),
    );
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

  for (const config of [tiny, tinyUnet])
    it(`${config.network}: trains, reports bits/dim, images and inpainting, and leaks no tensors`, async () => {
      const before = tf.memory().numTensors;
      const ctx = recordingContext(0, 'wasm');
      const results = await train(config, ctx);
      assert.equal(tf.memory().numTensors, before, 'tensors left after the run');
      assert.equal(results.steps, 20);
      // An untrained model is far worse than 8 bits/dim, but finite.
      assert.ok(Number.isFinite(results.bitsPerDim) && (results.bitsPerDim ?? 0) > 0);
      assert.equal(results.inpaintMaxChange, 0);
      assert.ok(Number.isFinite(results.inpaintMse) && Number.isFinite(results.inpaintMseMeanFill));
      // The 2-D results are absent, so their claims read as unmeasured.
      assert.equal(results.nllGap, undefined);
      assert.equal(results.pcOverPredictor2xSe, undefined);
      const byId = Object.fromEntries(claims.map((c) => [c.id, c.measure(results, config).measured]));
      assert.deepEqual(byId, {
        'nll-gap': null,
        'pc-beats-p-equal-evals': null,
        'inpaint-follows-conditional': null,
        'digits-beat-gaussian': results.bitsPerDimBelowGaussian,
      });
      // The paired difference is the difference of the means.
      const { bitsPerDim = NaN, bitsPerDimGaussian = NaN, bitsPerDimBelowGaussian = NaN } = results;
      assert.ok(Math.abs(bitsPerDimGaussian - bitsPerDim - bitsPerDimBelowGaussian) < 1e-6);
      // …and only the U-Net's digits claim applies to a digits run.
      assert.deepEqual(
        claims.filter((c) => c.appliesTo?.(config) ?? true).map((c) => c.id),
        config.network === 'unet' ? ['digits-beat-gaussian'] : [],
      );
      // As the engine stores them: the digits' results only, under their dotted keys.
      assert.deepEqual(Object.keys(flattenResults(SCORE_SDE_RESULT_SPECS, results)).sort(), [
        'bitsPerDim',
        'bitsPerDimBelowGaussian',
        'bitsPerDimBelowGaussianSe',
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
      assert.equal(ctx.lastProgress, densityDemo.totalSteps(config));
      assert.ok(ctx.points.some((p) => p.values[`loss/${paper.sde}`] !== undefined));
    });
});
