/**
 * log softmax over the last axis of [R, V] logits through the Softmax kernel, for wide rows.
 *
 * TensorFlow.js computes log softmax as x − max − log Σ exp(x − max), and its gradient as
 * dy − exp(log p) Σ dy: two passes of the Exp kernel over all R·V logits. On wasm Exp is a scalar
 * loop (about 14 ns an element; GENRE's [448, 700] output logits take 4.4 ms a pass) while Softmax
 * is XNNPACK's vectorised kernel (0.5 ms for the same logits). The same values come from the
 * softmax p: the largest logit's probability is p_max = 1 / Σ exp(x − max), so
 *   log p_i = x_i − max − log Σ exp(x − max) = x_i − max + log p_max,
 * and p_max ≥ 1/V is never small, so its log loses nothing. The gradient is dy − p Σ dy.
 */
import * as tf from '@tensorflow/tfjs-core';

const wideLogSoftmax = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [logits, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
  const p = tf.softmax(logits);
  save([p]);
  // x − max first: adding log p_max to max before subtracting would round away up to ulp(max).
  const shifted = tf.sub(logits, tf.max(logits, 1, true));
  return {
    value: tf.add(shifted, tf.log(tf.max(p, 1, true))),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [probs] = saved as [tf.Tensor2D];
      return tf.sub(dy, tf.mul(probs, tf.sum(dy, 1, true)));
    },
  };
});

/** log softmax over the last axis of [R, V] logits (the values of `tf.logSoftmax`). */
export function logSoftmaxRows(logits: tf.Tensor2D): tf.Tensor2D {
  return wideLogSoftmax(logits) as tf.Tensor2D;
}
