import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { ConvGeometry, conv2d } from '../../../src/models/drq/conv';
import { expectClose, useBackend } from './helpers';

/** Values and gradients (w.r.t. the listed arguments) of sum(conv(x, w) · u) for a fixed random u. */
function valueAndGrads(
  conv: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D,
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  u: tf.Tensor,
  withInput: boolean,
): { y: Float32Array; dx: Float32Array | null; dw: Float32Array } {
  const y = tf.tidy(() => conv(x, w));
  const loss = (a: tf.Tensor, b: tf.Tensor): tf.Scalar => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), u));
  const out: { y: Float32Array; dx: Float32Array | null; dw: Float32Array } = {
    y: y.dataSync() as Float32Array,
    dx: null,
    dw: new Float32Array(0),
  };
  if (withInput) {
    const [dx, dw] = tf.grads(loss)([x, w]) as [tf.Tensor, tf.Tensor];
    out.dx = dx.dataSync() as Float32Array;
    out.dw = dw.dataSync() as Float32Array;
    tf.dispose([dx, dw]);
  } else {
    const dw = tf.grad((b: tf.Tensor) => loss(x, b))(w);
    out.dw = dw.dataSync() as Float32Array;
    dw.dispose();
  }
  y.dispose();
  return out;
}

describe('drq conv: gradients by correlation and im2col', function () {
  this.timeout(60000);

  it('lays out patches as [N·Ho·Wo, kh·kw·C] (plain-array reference)', async () => {
    await useBackend('cpu');
    const [n, h, w, c, k, s] = [2, 7, 7, 3, 3, 2];
    const g = new ConvGeometry(h, w, c, k, s);
    const xs = Float32Array.from({ length: n * h * w * c }, (_, i) => i);
    const got = tf.tidy(() => g.patches(tf.tensor4d(xs, [n, h, w, c])));
    assert.deepEqual(got.shape, [n * g.outHeight * g.outWidth, k * k * c]);
    const values = got.dataSync();
    got.dispose();
    let i = 0;
    for (let b = 0; b < n; b++)
      for (let oy = 0; oy < g.outHeight; oy++)
        for (let ox = 0; ox < g.outWidth; ox++)
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++)
              for (let ch = 0; ch < c; ch++) {
                const src = ((b * h + oy * s + ky) * w + ox * s + kx) * c + ch;
                assert.equal(values[i++], src);
              }
  });

  for (const path of ['correlation', 'im2col'] as const)
    for (const backend of ['cpu', 'wasm'] as const) {
      for (const stride of [1, 2]) {
        it(`${path}: matches tf.conv2d values and gradients on ${backend}, stride ${stride}`, async () => {
          await useBackend(backend);
          const geometry = new ConvGeometry(11, 11, 3, 3, stride, path);
          const x = tf.randomNormal([2, 11, 11, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
          const w = tf.randomNormal([3, 3, 3, 5], 0, 1, 'float32', 2) as tf.Tensor4D;
          const u = tf.randomNormal([2, geometry.outHeight, geometry.outWidth, 5], 0, 1, 'float32', 3);
          // Strided convolutions take data inputs only: their input gradient is not needed.
          const withInput = stride === 1;
          const mine = valueAndGrads((a, b) => conv2d(geometry, a, b, !withInput), x, w, u, withInput);
          const [xv, wv, uv] = [x.dataSync(), w.dataSync(), u.dataSync()];
          // Reference: tf.conv2d with its registered gradients, on the cpu backend.
          await useBackend('cpu');
          const [xc, wc, uc] = [tf.tensor4d(xv, x.shape), tf.tensor4d(wv, w.shape), tf.tensor(uv, u.shape)];
          const ref = valueAndGrads((a, b) => tf.conv2d(a, b, stride, 'valid'), xc, wc, uc, withInput);
          await expectClose(mine.y, ref.y, { rtol: 1e-4, what: 'y' });
          await expectClose(mine.dw, ref.dw, { rtol: 1e-4, what: 'dw' });
          if (withInput) await expectClose(mine.dx as Float32Array, ref.dx as Float32Array, { rtol: 1e-4, what: 'dx' });
          tf.dispose([xc, wc, uc]);
          await useBackend(backend);
          tf.dispose([x, w, u]);
        });
      }
    }

  it('refuses a strided convolution whose input needs a gradient', async () => {
    await useBackend('cpu');
    for (const path of ['correlation', 'im2col'] as const) {
      const g = new ConvGeometry(9, 9, 1, 3, 2, path);
      assert.throws(() => conv2d(g, tf.zeros([1, 9, 9, 1]), tf.zeros([3, 3, 1, 1])), /data inputs only/);
    }
  });
});
