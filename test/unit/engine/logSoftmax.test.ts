import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { useWasmBackend } from '../../helpers/backends';
import { logSoftmaxRows } from '../../../src/models/engine/logSoftmax';

/** Logits whose rows span 0.1 to 120 nats: the last rows hold probabilities far below float32's range. */
function logits(): tf.Tensor2D {
  const base = tf.randomNormal([12, 700], 0, 1, 'float32', 7);
  const spread = tf.reshape(tf.linspace(0.1, 40, 12), [12, 1]);
  return tf.mul(base, spread) as tf.Tensor2D;
}

/** Values and the gradient of Σ w ⊙ log p for fixed weights w. */
function evaluate(f: (x: tf.Tensor2D) => tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const x = logits();
    const w = tf.randomUniform([12, 700], 0, 1, 'float32', 8);
    const value = f(x);
    const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(w, f(v as tf.Tensor2D))))(x);
    return [value.dataSync() as Float32Array, grad.dataSync() as Float32Array];
  });
}

describe('log softmax through the Softmax kernel', function () {
  this.timeout(60000);
  useWasmBackend();

  /** log softmax in float64 from the float32 logits, and the gradient of Σ w ⊙ log p, w − p Σ w. */
  function exact(): { values: Float64Array; gradient: Float64Array } {
    const [x, w] = tf.tidy(() => [logits().dataSync(), tf.randomUniform([12, 700], 0, 1, 'float32', 8).dataSync()]);
    const values = new Float64Array(x.length);
    const gradient = new Float64Array(x.length);
    for (let r = 0; r < 12; r++) {
      const row = Array.from(x.subarray(r * 700, (r + 1) * 700));
      const weights = Array.from(w.subarray(r * 700, (r + 1) * 700));
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      const total = weights.reduce((s, v) => s + v, 0);
      row.forEach((v, i) => {
        values[r * 700 + i] = v - lse;
        gradient[r * 700 + i] = (weights[i] as number) - Math.exp(v - lse) * total;
      });
    }
    return { values, gradient };
  }

  /** The largest error relative to max(1, |exact|). */
  function worst(values: Float32Array, reference: Float64Array): number {
    let m = 0;
    for (let i = 0; i < values.length; i++) {
      const e = reference[i] as number;
      m = Math.max(m, Math.abs((values[i] as number) - e) / Math.max(1, Math.abs(e)));
    }
    return m;
  }

  for (const backend of ['cpu', 'wasm'] as const)
    it(`${backend}: as accurate as tf.logSoftmax against float64, down to probabilities that underflow, with its gradient`, async () => {
      await tf.setBackend(backend);
      const [ours, ourGrad] = evaluate(logSoftmaxRows) as [Float32Array, Float32Array];
      const [theirs, theirGrad] = evaluate((x) => tf.logSoftmax(x)) as [Float32Array, Float32Array];
      const reference = exact();
      assert.ok(Math.min(...reference.values) < -200, 'the test reaches probabilities below float32’s range');
      // Both round x − max and the log of the sum separately: a few float32 ulps.
      const [ourError, theirError] = [worst(ours, reference.values), worst(theirs, reference.values)];
      assert.ok(ourError < 1e-6, `values, ours: ${ourError}`);
      assert.ok(ourError <= 2 * theirError + 1e-7, `values, ours ${ourError} against tf.logSoftmax ${theirError}`);
      // The gradient reaches about −350 here (Σ w over 700 weights): a float32 ulp there is 3e-5.
      const [ourGradError, theirGradError] = [worst(ourGrad, reference.gradient), worst(theirGrad, reference.gradient)];
      assert.ok(ourGradError < 2e-6, `gradient, ours: ${ourGradError}`);
      assert.ok(ourGradError <= 2 * theirGradError + 1e-7, `gradient, ours ${ourGradError} against ${theirGradError}`);
    });

  it('rows of one logit repeated: log(1/V) everywhere, computed by hand', async () => {
    await tf.setBackend('wasm');
    const values = tf.tidy(() => logSoftmaxRows(tf.fill([3, 700], 2.5) as tf.Tensor2D).dataSync());
    for (const v of values) assert.ok(Math.abs(v - Math.log(1 / 700)) < 1e-5);
  });

  it('leaves no tensor behind', async () => {
    await tf.setBackend('wasm');
    evaluate(logSoftmaxRows);
    const before = tf.memory().numTensors;
    evaluate(logSoftmaxRows);
    assert.equal(tf.memory().numTensors, before);
  });
});
