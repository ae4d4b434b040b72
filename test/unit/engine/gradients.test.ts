import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/models/engine/backends';
import '../../../src/models/engine/tfSetup';

/**
 * d/dx Σ w ⊙ reduce(x, axes) for reduce = sum and mean, against the broadcast written out with
 * plain arrays: ∂/∂x[i, j, k] = w[the reduced index] (÷ the reduced count for the mean).
 */
describe('Sum and Mean gradients', function () {
  this.timeout(60000);
  let previous = 'cpu';
  before(() => {
    previous = tf.getBackend() ?? 'cpu';
  });
  after(async () => {
    await tf.setBackend(previous);
  });

  const shape = [3, 4, 5];
  const cases: { axes: number[]; keep: (i: number, j: number, k: number) => number; count: number }[] = [
    { axes: [2], keep: (i, j) => i * 4 + j, count: 5 },
    { axes: [1], keep: (i, _j, k) => i * 5 + k, count: 4 },
    { axes: [0, 2], keep: (_i, j) => j, count: 15 },
    { axes: [0, 1, 2], keep: () => 0, count: 60 },
  ];

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`broadcast dy back over the reduced axes on ${backend}`, async () => {
      await selectBackend(backend);
      const x = tf.randomNormal(shape, 0, 1, 'float32', 1);
      for (const { axes, keep, count } of cases) {
        for (const op of ['sum', 'mean'] as const) {
          const reducedSize = 60 / count;
          const w = Float32Array.from({ length: reducedSize }, (_, i) => 0.5 + i * 0.25);
          const before = tf.memory().numTensors;
          const g = tf.grad((v: tf.Tensor) => {
            const r = op === 'sum' ? tf.sum(v, axes) : tf.mean(v, axes);
            return tf.sum(tf.mul(r, tf.tensor(w, r.shape)));
          })(x);
          const got = await g.data();
          g.dispose();
          assert.equal(tf.memory().numTensors, before, `${op} ${axes}: no tensor left behind`);
          for (let i = 0; i < 3; i++)
            for (let j = 0; j < 4; j++)
              for (let k = 0; k < 5; k++) {
                const expected = (w[keep(i, j, k)] as number) / (op === 'mean' ? count : 1);
                const value = got[(i * 4 + j) * 5 + k] as number;
                assert.ok(
                  Math.abs(value - expected) < 1e-6,
                  `${op} over ${axes} at ${i},${j},${k}: ${value} ≠ ${expected}`,
                );
              }
        }
      }
      x.dispose();
    });
  }

  it('are the registered gradients (no array of ones built in JavaScript)', () => {
    const sum = tf.getGradient(tf.Sum);
    const mean = tf.getGradient(tf.Mean);
    assert.ok(sum && mean);
    for (const g of [sum, mean]) assert.ok(!String(g.gradFunc).includes('ones'), String(g.gradFunc));
  });
});
