/**
 * The copy-position loss and accuracy. Blanks make up most of a copying sequence, so a loss
 * over every position is dominated by them; only the copy positions C are scored:
 *   L = −(1/|C|) Σ_{i∈C} log p_θ(y_i | x_≤i).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ALPHABET } from './data';

/** Mean cross-entropy over the copy positions; logits [N, ALPHABET], targets [N] (int32). */
export function copyLoss(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  // L = −(1/|C|) Σ_{i∈C} log p_θ(y_i | x_≤i)   (copy-position loss)
  // @paper rims copy-loss
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(targets, ALPHABET), tf.logSoftmax(logits)), 1))) as tf.Scalar;
}

/** Per-symbol accuracy on the copy positions (chance 1/ALPHABET). */
export function copyAccuracy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  return tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), targets), 'float32'));
}
