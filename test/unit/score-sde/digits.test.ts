/**
 * The digit data path (levels, dequantisation, scaling and its inverse), the conversion of nats to
 * bits/dim, the inpainting mask, and the image training step's tensor bookkeeping.
 */
import '../../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/models/engine/backends';
import { Rng } from '../../../src/models/engine/rng';
import { normalCdf, pooledVariance } from '../../../src/models/score-sde/data';
import {
  bitsPerDim,
  type Digits,
  dequantize,
  LEVELS,
  loadDigits,
  meanDigit,
  pixelRange,
  toPixels,
} from '../../../src/models/score-sde/digits';
import { fitScoreNetwork, type FitOptions } from '../../../src/models/score-sde/fit';
import { adamStep, disposeAdam, initAdam } from '../../../src/models/score-sde/optim';
import { knownMask } from '../../../src/models/score-sde/images';
import { subVpSde } from '../../../src/models/score-sde/sdes';
import { useRepositoryData } from '../../helpers/data';
import { recordingContext } from '../../helpers/fakeContext';

describe('score-sde: 14×14 digits', () => {
  let digits: Digits;

  before(async () => {
    useRepositoryData();
    await selectBackend('wasm');
    digits = await loadDigits();
  });

  it('reads the prepared file as 8-bit levels of 196 pixels, byte for byte', () => {
    // The file layout, read here directly: "PLMN", u32 side, u32 train count, u32 test count,
    // train labels, train pixels, test labels, test pixels.
    const bytes = readFileSync(path.resolve(__dirname, '../../../media/data/mnist-14x14.bin'));
    const side = bytes.readUInt32LE(4);
    const nTrain = bytes.readUInt32LE(8);
    const nTest = bytes.readUInt32LE(12);
    assert.equal(side, 14);
    assert.equal(digits.side, 14);
    assert.equal(digits.dims, 196);
    assert.equal(digits.train.length, nTrain * 196);
    assert.equal(digits.test.length, nTest * 196);
    assert.equal(digits.trainLabels.length, nTrain);
    assert.equal(digits.testLabels.length, nTest);
    const trainPixels = bytes.subarray(16 + nTrain, 16 + nTrain + nTrain * 196);
    assert.ok(Buffer.from(digits.train).equals(trainPixels));
    const testPixels = bytes.subarray(16 + nTrain * 197 + nTest);
    assert.ok(Buffer.from(digits.test).equals(testPixels));
    assert.deepEqual(
      Array.from(digits.testLabels.subarray(0, 5)),
      Array.from(bytes.subarray(16 + nTrain * 197, 16 + nTrain * 197 + 5)),
    );
  });

  it('scales as the official code: [0, 1] for VE, [−1, 1] for VP and sub-VP', () => {
    assert.deepEqual(pixelRange('ve'), { lo: 0, hi: 1 });
    assert.deepEqual(pixelRange('vp'), { lo: -1, hi: 1 });
    assert.deepEqual(pixelRange('subvp'), { lo: -1, hi: 1 });
  });

  it('dequantises each level into its own cell, and the inverse scaling recovers the level', () => {
    const rows = [0, 7, 123];
    for (const name of ['ve', 'vp'] as const) {
      const range = pixelRange(name);
      const x = dequantize(digits.train, digits.dims, rows, range, new Rng(1));
      assert.equal(x.length, rows.length * digits.dims);
      const pixels = toPixels(x, range);
      rows.forEach((row, i) => {
        for (let j = 0; j < digits.dims; j++) {
          const k = digits.train[row * digits.dims + j] as number;
          const v = x[i * digits.dims + j] as number;
          const width = range.hi - range.lo;
          // In the cell of level k, in the model's range …
          assert.ok(v >= range.lo + (width * k) / LEVELS - 1e-6 && v <= range.lo + (width * (k + 1)) / LEVELS + 1e-6);
          // … and back to level k in [0, 1].
          assert.equal(Math.min(LEVELS - 1, Math.floor((pixels[i * digits.dims + j] as number) * LEVELS + 1e-5)), k);
        }
      });
      // Without noise: the cell centres (k + ½)/256.
      const centres = toPixels(dequantize(digits.train, digits.dims, [7], range, null), range);
      for (let j = 0; j < digits.dims; j++) {
        const k = digits.train[7 * digits.dims + j] as number;
        assert.ok(Math.abs((centres[j] as number) - (k + 0.5) / 256) < 1e-6);
      }
    }
  });

  it('clips display pixels to [0, 1]', () => {
    assert.deepEqual(toPixels([-3, -1, 0, 1, 4], { lo: -1, hi: 1 }), [0, 0, 0.5, 1, 1]);
  });

  it('has the digit statistics of MNIST: mostly dark pixels, a mean digit in [0, 1]', () => {
    const mean = meanDigit(digits);
    const overall = mean.reduce((a, b) => a + b, 0) / mean.length;
    // MNIST's mean intensity is about 0.13.
    assert.ok(overall > 0.08 && overall < 0.2, `mean intensity ${overall}`);
    const variance = pooledVariance(
      dequantize(digits.train, digits.dims, [0, 1, 2, 3, 4, 5, 6, 7], pixelRange('vp'), new Rng(2)),
    );
    assert.ok(variance > 0.1 && variance < 1, `pooled variance ${variance}`);
  });

  describe('bits/dim', () => {
    it('a uniform density on the scaled cube is exactly 8 bits per 8-bit pixel, for either scaling', () => {
      // Uniform on [lo, hi]^D: NLL = D·ln(hi − lo) nats; every level then has probability 1/256.
      for (const range of [pixelRange('ve'), pixelRange('vp'), { lo: -3, hi: 5 }]) {
        for (const dims of [1, 196]) {
          assert.ok(Math.abs(bitsPerDim(dims * Math.log(range.hi - range.lo), dims, range) - 8) < 1e-12);
        }
      }
    });

    it('matches the official offset 7 − inverse_scaler(−1): 7 centred, 8 uncentred', () => {
      // likelihood.py: bpd = −(prior_logp + delta_logp)/ln 2/N + offset, offset = 7 − inverse_scaler(−1.),
      // inverse_scaler(−1) = 0 for centred data ((x + 1)/2) and −1 for uncentred.
      assert.ok(Math.abs(bitsPerDim(0, 196, pixelRange('vp')) - 7) < 1e-12);
      assert.ok(Math.abs(bitsPerDim(0, 196, pixelRange('ve')) - 8) < 1e-12);
      assert.ok(Math.abs(bitsPerDim(196 * Math.LN2 * 1.5, 196, pixelRange('vp')) - 8.5) < 1e-12);
    });

    it('agrees with −log₂ of the probability mass of the 8-bit level under a smooth density', () => {
      // One pixel with density N(μ, s²) on the centred range; the mass of level k is the integral
      // over its cell [−1 + 2k/256, −1 + 2(k+1)/256), by the normal CDF, not by the density.
      const range = pixelRange('vp');
      const [mu, s] = [0.2, 0.3];
      for (const k of [40, 128, 150, 200]) {
        const a = -1 + (2 * k) / 256;
        const b = a + 2 / 256;
        const mass = normalCdf((b - mu) / s) - normalCdf((a - mu) / s);
        const centre = (a + b) / 2;
        const nll = 0.5 * Math.log(2 * Math.PI * s * s) + (centre - mu) ** 2 / (2 * s * s);
        assert.ok(Math.abs(bitsPerDim(nll, 1, range) + Math.log2(mass)) < 1e-3, `level ${k}`);
      }
    });
  });

  it('the inpainting mask keeps the top (or left) 7 rows (columns)', () => {
    const bottom = knownMask(14, 'bottom');
    const right = knownMask(14, 'right');
    assert.equal(
      bottom.reduce((a, b) => a + b, 0),
      98,
    );
    assert.equal(
      right.reduce((a, b) => a + b, 0),
      98,
    );
    assert.equal(bottom[6 * 14 + 13], 1);
    assert.equal(bottom[7 * 14], 0);
    assert.equal(right[13 * 14 + 6], 1);
    assert.equal(right[7], 0);
  });

  it('warms the EMA up as the official code: decay min(d, (1 + k)/(10 + k)) at update k', () => {
    // A parameter that Adam moves by exactly lr each step (sign of a constant gradient, no clipping);
    // the EMA is then replayed by hand with the official decays.
    const hp = { lr: 0.1, warmup: 0, totalSteps: 1e9, clip: 1e9, emaDecay: 0.999, emaWarmup: true, epsilon: 0 };
    const state = initAdam([tf.scalar(0)]);
    let ema = 0;
    for (let k = 1; k <= 30; k++) {
      const grad = tf.scalar(1);
      adamStep(state, [grad], hp);
      grad.dispose();
      const param = -0.1 * k * (0.5 * (1 + Math.cos(Math.PI * (k / 1e9))));
      const decay = Math.min(0.999, (1 + k) / (10 + k));
      ema = decay * ema + (1 - decay) * param;
    }
    assert.ok(Math.abs((state.ema[0]?.dataSync()[0] as number) - ema) < 1e-4);
    // Without the warm-up the average is still mostly the initial 0 after 30 updates.
    assert.ok(Math.abs(ema) > 2 * 0.1 * 30 * (1 - 0.999 ** 30));
    disposeAdam(state);
  });

  /** A small sub-VP score network on the digits, 12 steps; `ctx` and previews as each test sets them. */
  function digitFit(overrides: Pick<FitOptions, 'ctx' | 'previewEvery'> & Partial<FitOptions>): FitOptions {
    const nTrain = digits.train.length / digits.dims;
    const range = pixelRange('subvp');
    return {
      sde: subVpSde(0.1, 20),
      shape: { inputs: digits.dims, embedding: 8, hidden: 32, layers: 2, outputs: digits.dims },
      hp: { lr: 1e-3, warmup: 2, totalSteps: 12, clip: 1, emaDecay: 0.99 },
      steps: 12,
      batchSize: 16,
      draw: (n, r) =>
        dequantize(
          digits.train,
          digits.dims,
          Array.from({ length: n }, () => r.int(nTrain)),
          range,
          r,
        ),
      eps: 1e-5,
      dataVariance: 0.3,
      progressOffset: 0,
      ...overrides,
    };
  }

  it('the image training step leaks no tensors', async () => {
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    const { params } = await fitScoreNetwork(
      digitFit({
        ctx: recordingContext(0, 'wasm'),
        previewEvery: 3,
        preview: () => {
          counts.push(tf.memory().numTensors);
          return Promise.resolve();
        },
      }),
      new Rng(0),
    );
    assert.equal(counts.length, 4);
    assert.ok(
      counts.every((c) => c === counts[0]),
      `tensors at steps 3, 6, 9, 12: ${counts.join(', ')}`,
    );
    tf.dispose(params);
    assert.equal(tf.memory().numTensors, before);
  });

  it('training that throws mid-run (a crash, or a calibration cut short) leaves no tensor behind', async () => {
    const ctx = recordingContext(0, 'wasm');
    ctx.tick = () => (ctx.lastProgress >= 4 ? Promise.reject(new Error('stopped here')) : Promise.resolve());
    const before = tf.memory().numTensors;
    await assert.rejects(fitScoreNetwork(digitFit({ ctx, previewEvery: 0 }), new Rng(0)), /stopped here/);
    assert.equal(ctx.lastProgress, 4);
    assert.equal(tf.memory().numTensors, before);
  });
});
