import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { useWasmBackend } from '../../helpers/backends';
import { type AdamSettings, adamStep, disposeAdam, initAdam, learningRate } from '../../../src/models/score-sde/optim';

const SHAPES = [[3, 4], [4], [4, 2], [1]];
const HP: AdamSettings = { lr: 0.05, warmup: 2, totalSteps: 10, clip: 1, emaDecay: 0.9, emaWarmup: true };

function seeded(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), scale));
}

/** Gradients for step `k`: large at first (clipped), then small (not clipped). */
function gradients(k: number): tf.Tensor[] {
  return SHAPES.map((shape, i) => seeded(shape, 100 * k + i, k < 3 ? 5 : 0.05));
}

/** The same step written out in float64, parameter by parameter. */
function reference(steps: number): { params: number[][]; ema: number[][] } {
  const params = tf.tidy(() => SHAPES.map((shape, i) => Array.from(seeded(shape, i + 1).dataSync())));
  const ema = params.map((p) => p.slice());
  const m = params.map((p) => p.map(() => 0));
  const v = params.map((p) => p.map(() => 0));
  for (let k = 1; k <= steps; k++) {
    const grads = tf.tidy(() => gradients(k).map((g) => Array.from(g.dataSync())));
    const norm = Math.sqrt(grads.flat().reduce((s, x) => s + x * x, 0));
    const scale = Math.min(1, HP.clip / (norm + 1e-12));
    const lr = learningRate(HP, k);
    const decay = Math.min(HP.emaDecay, (1 + k) / (10 + k));
    params.forEach((p, i) =>
      p.forEach((_, j) => {
        const g = (grads[i]?.[j] as number) * scale;
        m[i]![j] = 0.9 * (m[i]?.[j] as number) + 0.1 * g;
        v[i]![j] = 0.999 * (v[i]?.[j] as number) + 0.001 * g * g;
        const update = m[i]![j]! / (1 - 0.9 ** k) / (Math.sqrt(v[i]![j]! / (1 - 0.999 ** k)) + 1e-8);
        p[j] = (p[j] as number) - lr * update;
        ema[i]![j] = decay * (ema[i]?.[j] as number) + (1 - decay) * (p[j] as number);
      }),
    );
  }
  return { params, ema };
}

describe('score SDE: Adam over all parameters at once', function () {
  this.timeout(60000);
  useWasmBackend();

  for (const backend of ['cpu', 'wasm'] as const)
    it(`${backend}: parameters and their EMA follow Adam written out in float64, with clipping and warm-ups`, async () => {
      await tf.setBackend(backend);
      const state = initAdam(SHAPES.map((shape, i) => seeded(shape, i + 1)));
      const before = tf.memory().numTensors;
      for (let k = 1; k <= 6; k++) {
        const grads = gradients(k);
        adamStep(state, grads, HP);
        tf.dispose(grads);
        assert.equal(tf.memory().numTensors, before, `no tensor left behind at step ${k}`);
      }
      const expected = reference(6);
      state.params.forEach((p, i) => assert.deepEqual(p.shape, SHAPES[i]));
      for (const [name, tensors, want] of [
        ['params', state.params, expected.params],
        ['ema', state.ema, expected.ema],
      ] as const)
        tensors.forEach((t, i) => {
          const got = t.dataSync();
          (want[i] as number[]).forEach((x, j) =>
            assert.ok(
              Math.abs((got[j] as number) - x) < 2e-6 * Math.max(1, Math.abs(x)),
              `${name}[${i}][${j}]: ${got[j]} against ${x}`,
            ),
          );
        });
      assert.equal(state.step, 6);
      disposeAdam(state);
    });
});
