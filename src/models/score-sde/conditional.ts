/**
 * Class-conditional sampling (the conditional reverse-time SDE): the score of p_t(x | y) is
 * ∇ log p_t(x) + ∇ log p_t(y | x), the second term from a classifier trained on noisy inputs x(t)
 * at every t (a "noise-conditional" classifier), here the same small MLP with class logits.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type DsmBatch, perturb } from './loss';
import { mlpOutput, type MlpParams, type TimeFeatures } from './model';
import type { ScoreFn } from './samplers';

/** Cross-entropy of the classifier on the batch's perturbed inputs x(t) against their labels. */
export function classifierLoss(params: MlpParams, batch: DsmBatch, labels: tf.Tensor1D): tf.Scalar {
  const xt = perturb(batch.x0, batch.z, batch.mean, batch.std);
  const logits = mlpOutput(params, xt, batch.features);
  const classes = logits.shape[1];
  const onehot = tf.oneHot(labels, classes).toFloat();
  return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1))) as tf.Scalar;
}

/**
 * s(x, t) + w·∇ₓ log p_t(y | x) for a fixed class y (w = 1 is the conditional score; larger w
 * sharpens the conditioning). `features(t)` gives the classifier's time features.
 */
export function guidedScore(
  score: ScoreFn,
  classifier: MlpParams,
  features: (t: number) => TimeFeatures,
  label: number,
  weight: number,
): ScoreFn {
  return (x, t) => {
    const f = features(t);
    const logLikelihood = (xs: tf.Tensor): tf.Scalar => {
      const logits = mlpOutput(classifier, xs as tf.Tensor2D, f);
      return tf.sum(tf.slice(tf.logSoftmax(logits), [0, label], [-1, 1]));
    };
    const classGradient = tf.grad(logLikelihood)(x);
    // @paper score-sde conditional-reverse-sde
    return tf.add(score(x, t), tf.mul(classGradient, weight)) as tf.Tensor2D;
  };
}

/** Labels of a batch as an int32 tensor. */
export function labelTensor(labels: Int32Array): tf.Tensor1D {
  return tf.tensor1d(labels, 'int32');
}
