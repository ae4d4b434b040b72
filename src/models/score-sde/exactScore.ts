/**
 * The exact score ∇ₓ log p_t(x) of a Gaussian-mixture density under any of the three SDEs, for
 * running the samplers without model error (a reference for what a sampler itself can do). Each
 * component N(μ_k, s²I) of p₀ becomes N(m_t μ_k, (m_t² s² + σ_t²) I) at time t, so
 *
 *   ∇ₓ log p_t(x) = Σ_k w_k(x) (m_t μ_k − x) / v_t,   v_t = m_t² s² + σ_t²,
 *   w_k(x) = softmax_k(−‖x − m_t μ_k‖² / (2 v_t))   (the components' posterior weights, equal priors).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GaussianMixture } from './data';
import type { ScoreFn } from './samplers';
import type { Sde } from './sdes';

export function mixtureScore(sde: Sde, mixture: GaussianMixture): ScoreFn {
  const flat = mixture.means.flatMap(([a, b]) => [a, b]);
  const k = mixture.means.length;
  return (x, t) =>
    tf.tidy(() => {
      const m = sde.marginalMean(t);
      const v = m * m * mixture.std ** 2 + sde.marginalStd(t) ** 2;
      const mu = tf.mul(tf.tensor2d(flat, [k, 2]), m) as tf.Tensor2D;
      const d2 = tf.sum(tf.square(tf.sub(tf.expandDims(x, 1), tf.expandDims(mu, 0))), 2);
      const w = tf.softmax(tf.div(d2, -2 * v)) as tf.Tensor2D;
      return tf.div(tf.sub(tf.matMul(w, mu), x), v) as tf.Tensor2D;
    });
}
