/**
 * Denoising score matching (Eq. 7) with the paper's weighting λ(t) = σ_t². The kernel's score is
 * ∇ log p_0t(x(t) | x(0)) = −(x(t) − m_t x(0))/σ_t² = −z/σ_t for x(t) = m_t x(0) + σ_t z, so
 *   λ(t)·‖s_θ(x(t), t) − ∇ log p_0t‖² = ‖σ_t s_θ(x(t), t) + z‖² = ‖n_θ(x(t), t) + z‖².
 * t is drawn uniformly from [ε, T] (ε = 10⁻⁵ as in the official code), one per example.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/rng';
import { disposeFeatures, mlpOutput, type MlpParams, timeFeatures, type TimeFeatures } from './model';
import type { Sde } from './sdes';

/** One training batch: data x(0), noise z, and each example's t with its kernel's m_t and σ_t. */
export interface DsmBatch {
  readonly x0: tf.Tensor2D;
  readonly z: tf.Tensor2D;
  /** [B, 1] m_t. */
  readonly mean: tf.Tensor2D;
  /** [B, 1] σ_t. */
  readonly std: tf.Tensor2D;
  readonly features: TimeFeatures;
}

/** Draws t ~ U[ε, T] and z ~ N(0, I) for the rows of x(0) (row-major [B, D]), and uploads the batch. */
export function dsmBatch(
  sde: Sde,
  x0: Float32Array,
  dims: number,
  rng: Rng,
  opts: { eps: number; dataVariance: number; embedding: number },
): DsmBatch {
  const b = x0.length / dims;
  const ts = Float32Array.from({ length: b }, () => opts.eps + (sde.T - opts.eps) * rng.next());
  return {
    x0: tf.tensor2d(x0, [b, dims]),
    z: tf.tensor2d(rng.normals(b * dims), [b, dims]),
    mean: tf.tensor2d(
      Float32Array.from(ts, (t) => sde.marginalMean(t)),
      [b, 1],
    ),
    std: tf.tensor2d(
      Float32Array.from(ts, (t) => sde.marginalStd(t)),
      [b, 1],
    ),
    features: timeFeatures(sde, opts.dataVariance, ts, opts.embedding),
  };
}

export function disposeBatch(batch: DsmBatch): void {
  tf.dispose([batch.x0, batch.z, batch.mean, batch.std]);
  disposeFeatures(batch.features);
}

/** A sample of the perturbation kernel: x(t) = m_t·x(0) + σ_t·z. */
export function perturb(x0: tf.Tensor2D, z: tf.Tensor2D, mean: tf.Tensor, std: tf.Tensor): tf.Tensor2D {
  return tf.add(tf.mul(x0, mean), tf.mul(z, std));
}

/** A network's raw output n_θ (predicted −z) for a batch. */
export type NetworkOutput = (params: MlpParams, x: tf.Tensor2D, f: TimeFeatures) => tf.Tensor2D;

/**
 * The weighted DSM loss of one batch: mean over examples of ‖n_θ(x(t), t) + z‖² (summed over
 * dimensions), for the MLP unless another network's output is given.
 */
export function dsmLoss(params: MlpParams, batch: DsmBatch, output: NetworkOutput = mlpOutput): tf.Scalar {
  // @paper score-sde dsm-objective
  const xt = perturb(batch.x0, batch.z, batch.mean, batch.std);
  // @paper score-sde dsm-weighted
  const residual = tf.add(output(params, xt, batch.features), batch.z);
  return tf.mean(tf.sum(tf.square(residual), 1));
}
