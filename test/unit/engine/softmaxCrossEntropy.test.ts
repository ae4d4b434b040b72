import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { maxDiff, useWasmBackend } from '../../helpers/backends';
import {
  SOFTMAX_XENT_GRAD,
  softmaxCrossEntropyGrad,
  softmaxCrossEntropyGradOps,
} from '../../../src/models/engine/softmaxCrossEntropy';

const CLASSES = 5;
const EXAMPLES = 7;
const LABELS = [0, 4, 2, 2, 1, 3, 4];

/** Logits with a wide range (up to ±60) so that an unshifted exponential would overflow float32. */
function inputs(): { logitsT: tf.Tensor2D; bias: tf.Tensor1D; labels: tf.Tensor1D } {
  return {
    logitsT: tf.mul(tf.randomNormal([CLASSES, EXAMPLES], 0, 1, 'float32', 3), 20) as tf.Tensor2D,
    bias: tf.randomNormal([CLASSES], 0, 1, 'float32', 4) as tf.Tensor1D,
    labels: tf.tensor1d(LABELS, 'int32'),
  };
}

/** s · (softmax(zᵀ[:, n] + b) − onehot(y_n)) and its row sums, in float64 from the same float32 inputs. */
function written(logitsT: Float32Array, bias: Float32Array, scale: number): { gT: number[]; gSum: number[] } {
  const gT = new Array<number>(CLASSES * EXAMPLES).fill(0);
  const gSum = new Array<number>(CLASSES).fill(0);
  for (let n = 0; n < EXAMPLES; n++) {
    const z = Array.from({ length: CLASSES }, (_, k) => (logitsT[k * EXAMPLES + n] as number) + (bias[k] as number));
    const max = Math.max(...z);
    const e = z.map((v) => Math.exp(v - max));
    const total = e.reduce((a, b) => a + b, 0);
    for (let k = 0; k < CLASSES; k++) {
      const g = scale * ((e[k] as number) / total - (k === LABELS[n] ? 1 : 0));
      gT[k * EXAMPLES + n] = g;
      gSum[k] = (gSum[k] as number) + g;
    }
  }
  return { gT, gSum };
}

function largestError(actual: Float32Array, expected: readonly number[]): number {
  return actual.reduce((m, v, i) => Math.max(m, Math.abs(v - (expected[i] as number))), 0);
}

describe('softmax cross-entropy gradient kernel', function () {
  useWasmBackend();

  for (const backend of ['cpu', 'wasm']) {
    it(`${backend}: matches the gradient written out in float64 and the ops, as one kernel`, async () => {
      await tf.setBackend(backend);
      const { logitsT, bias, labels } = inputs();
      const scale = 0.37;
      const expected = written(await logitsT.data<'float32'>(), await bias.data<'float32'>(), scale);
      const info = await tf.profile(() => {
        const { gT, gSum } = softmaxCrossEntropyGrad(logitsT, bias, labels, scale);
        tf.dispose([gT, gSum]);
      });
      assert.deepEqual(
        info.kernels.map((k) => k.name),
        [SOFTMAX_XENT_GRAD],
      );
      const fused = softmaxCrossEntropyGrad(logitsT, bias, labels, scale);
      const ops = softmaxCrossEntropyGradOps(logitsT, bias, labels, scale);
      assert.deepEqual(fused.gT.shape, [CLASSES, EXAMPLES]);
      assert.deepEqual(fused.gSum.shape, [CLASSES]);
      const [gT, gSum, opsT, opsSum] = (await Promise.all(
        [fused.gT, fused.gSum, ops.gT, ops.gSum].map((t) => t.data<'float32'>()),
      )) as [Float32Array, Float32Array, Float32Array, Float32Array];
      assert.ok(largestError(gT, expected.gT) < 1e-7, 'kernel against float64');
      assert.ok(largestError(gSum, expected.gSum) < 1e-7);
      assert.ok(maxDiff(gT, opsT) < 1e-6, 'kernel against the ops');
      assert.ok(maxDiff(gSum, opsSum) < 1e-6);
      // Each column sums to zero: probabilities sum to 1, the one-hot to 1.
      for (let n = 0; n < EXAMPLES; n++) {
        let column = 0;
        for (let k = 0; k < CLASSES; k++) column += gT[k * EXAMPLES + n] as number;
        assert.ok(Math.abs(column) < 1e-6, `column ${n}: ${column}`);
      }
      tf.dispose([logitsT, bias, labels, fused.gT, fused.gSum, ops.gT, ops.gSum]);
    });

    it(`${backend}: leaves only its two outputs, and refuses bad labels and shapes`, async () => {
      await tf.setBackend(backend);
      const { logitsT, bias, labels } = inputs();
      const before = tf.memory().numTensors;
      const buffers = tf.engine().backend.numDataIds();
      const { gT, gSum } = softmaxCrossEntropyGrad(logitsT, bias, labels, 1);
      assert.equal(tf.memory().numTensors, before + 2);
      tf.dispose([gT, gSum]);
      const outOfRange = tf.tensor1d([0, 1, 2, 3, 4, 5, 0], 'int32');
      assert.throws(() => softmaxCrossEntropyGrad(logitsT, bias, outOfRange, 1), /label 5 not in \[0, 5\)/);
      const short = tf.tensor1d([0, 1], 'int32');
      assert.throws(() => softmaxCrossEntropyGrad(logitsT, bias, short, 1), /7 int32 labels/);
      const floatLabels = tf.tensor1d(LABELS, 'float32');
      assert.throws(() => softmaxCrossEntropyGrad(logitsT, bias, floatLabels, 1), /7 int32 labels/);
      const wideBias = tf.zeros([CLASSES + 1]) as tf.Tensor1D;
      assert.throws(() => softmaxCrossEntropyGrad(logitsT, wideBias, labels, 1), /logitsT \[K, N\] and bias \[K\]/);
      assert.equal(tf.memory().numTensors, before + 4, 'only the test’s own tensors');
      assert.equal(tf.engine().backend.numDataIds(), buffers + 4, 'and no buffer of a refused call');
      tf.dispose([logitsT, bias, labels, outOfRange, short, floatLabels, wideBias]);
    });
  }

  it('falls back to the ops on a backend without the kernel', async () => {
    await tf.setBackend('cpu');
    const kernel = tf.getKernel(SOFTMAX_XENT_GRAD, 'cpu');
    assert.ok(kernel);
    const { logitsT, bias, labels } = inputs();
    tf.unregisterKernel(SOFTMAX_XENT_GRAD, 'cpu');
    try {
      const info = await tf.profile(() => {
        const { gT, gSum } = softmaxCrossEntropyGrad(logitsT, bias, labels, 2);
        tf.dispose([gT, gSum]);
      });
      const names = info.kernels.map((k) => k.name);
      assert.ok(!names.includes(SOFTMAX_XENT_GRAD) && names.includes('Softmax'), names.join());
    } finally {
      tf.registerKernel(kernel);
    }
    tf.dispose([logitsT, bias, labels]);
  });
});
