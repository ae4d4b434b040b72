/**
 * Two of tfjs-core's gradients, re-registered with the same mathematics and a cheaper constant.
 *
 * The gradients of Sum and Mean broadcast dy back over the reduced axes by multiplying it with
 * `tf.ones(x.shape)`. `tf.ones` builds the array of ones in JavaScript and uploads it to the
 * backend on every call: for GENRE's attention sums ([64, 18, 128]) that is about 1 ms per sum on
 * wasm, against a few tens of µs for the multiply itself. `tf.fill` runs as a backend kernel (on
 * wasm a fill of the output buffer in place) and gives the same ones, so the gradients are unchanged
 * bit for bit.
 */
import * as tf from '@tensorflow/tfjs-core';

/** dy reshaped to x's rank with size 1 on the reduced axes, times ones of x's shape. */
function broadcastBack(dy: tf.Tensor, x: tf.Tensor, axis: unknown): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis as number | number[], x.shape);
  const expanded = x.shape.slice();
  for (const a of axes) expanded[a] = 1;
  return tf.mul(tf.reshape(dy, expanded), tf.fill(x.shape, 1, 'float32'));
}

let registered = false;

/** Registers the two gradients (idempotent); later registrations replace tfjs-core's own. */
export function registerGradientFixes(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      return { x: () => broadcastBack(dy as tf.Tensor, x, attrs['axis']) };
    },
  });
  tf.registerGradient({
    kernelName: tf.Mean,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      const axes = tf.util.parseAxisParam(attrs['axis'] as number | number[], x.shape);
      const reduceSize = axes.reduce((n, a) => n * (x.shape[a] ?? 1), 1);
      return { x: () => tf.div(broadcastBack(dy as tf.Tensor, x, axes), reduceSize) };
    },
  });
}
