import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/models/engine/backends';
import { installWasmFixes, missingWasmKernels } from '../../../src/models/engine/wasmFixes';

/** Runs `f` on a backend and returns its values. */
async function on(backend: 'cpu' | 'wasm', f: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  const t = f();
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return data;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

describe('wasm fixes', function () {
  this.timeout(60000);
  let previous = 'cpu';

  before(async () => {
    previous = tf.getBackend() ?? 'cpu';
    const report = await selectBackend('wasm');
    assert.equal(report.chosen, 'wasm');
  });

  after(async () => {
    await tf.setBackend(previous);
  });

  it('leaves no gradient kernel missing on wasm', () => {
    const { borrowed } = installWasmFixes();
    for (const k of ['Conv2DBackpropFilter', 'UnsortedSegmentSum']) assert.ok(borrowed.includes(k), k);
    const missing = missingWasmKernels();
    assert.ok(!missing.includes('Conv2DBackpropFilter') && !missing.includes('UnsortedSegmentSum'), missing.join());
  });

  it('matMul with transposed operands matches cpu', async () => {
    for (const [ta, tb] of [
      [false, true],
      [true, false],
      [true, true],
    ] as const) {
      const f = (): tf.Tensor =>
        tf.tidy(() => {
          const a = seeded(ta ? [2, 16, 8] : [2, 8, 16], 1);
          const b = seeded(tb ? [2, 12, 16] : [2, 16, 12], 2);
          return tf.matMul(a, b, ta, tb);
        });
      const d = maxDiff(await on('cpu', f), await on('wasm', f));
      assert.ok(d < 1e-4, `transposeA=${ta} transposeB=${tb}: ${d}`);
    }
    // The fused kernel (with bias and activation) takes the same path.
    const fused = (): tf.Tensor =>
      tf.tidy(() =>
        tf.fused.matMul({
          a: seeded([5, 7], 3),
          b: seeded([4, 7], 4),
          transposeB: true,
          bias: seeded([4], 5),
          activation: 'relu',
        }),
      );
    assert.ok(maxDiff(await on('cpu', fused), await on('wasm', fused)) < 1e-4);
  });

  it('conv2d filter gradient on wasm matches cpu within 1e-4', async () => {
    const f = (): tf.Tensor =>
      tf.tidy(() => {
        const x = seeded([2, 9, 9, 3], 6) as tf.Tensor4D;
        const w = seeded([3, 3, 3, 4], 7) as tf.Tensor4D;
        const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 2, 'same'))),
        )([x, w]);
        return tf.concat([g[0]?.flatten() ?? tf.zeros([0]), g[1]?.flatten() ?? tf.zeros([0])]);
      });
    const d = maxDiff(await on('cpu', f), await on('wasm', f));
    assert.ok(d < 1e-4, `max difference ${d}`);
  });

  it('embedding (gather) gradient on wasm matches cpu within 1e-4', async () => {
    const f = (): tf.Tensor =>
      tf.tidy(() => {
        const table = seeded([10, 6], 8);
        const ids = tf.tensor1d([1, 3, 3, 9, 0, 1], 'int32');
        const target = seeded([6, 6], 9);
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.sub(tf.gather(t, ids), target))))(table);
        return g;
      });
    const d = maxDiff(await on('cpu', f), await on('wasm', f));
    assert.ok(d < 1e-4, `max difference ${d}`);
  });

  it('does not leak tensors through the borrowed and overridden kernels', async () => {
    await tf.setBackend('wasm');
    const step = (): void =>
      tf.tidy(() => {
        const table = seeded([10, 6], 8);
        tf.grad((t: tf.Tensor) => tf.sum(tf.matMul(tf.gather(t, tf.tensor1d([1, 2], 'int32')), t, false, true)))(table);
      });
    step();
    const before = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    for (let i = 0; i < 5; i++) step();
    assert.equal(tf.memory().numTensors, before);
    assert.equal(tf.memory().numBytes, bytes);
  });
});
