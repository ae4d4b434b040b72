/**
 * Sampling by the reverse-time SDE (Eq. 6): predictor-corrector (PC) sampling, the paper's
 * Algorithm 1 — for i = N−1 … 0, one predictor step from t_{i+1} to t_i, then M Langevin corrector
 * steps at t_i — with the reverse-diffusion predictor and the Langevin corrector. With no
 * corrector this is the predictor-only sampler. (The official code runs the corrector before the
 * predictor at each t; the paper's order is used here.) The last step returns the noise-free mean.
 *
 * Imputation re-noises the known coordinates at every step: x_Ω(t_i) ~ p_{0t_i}(· | y_Ω).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/rng';
import type { Sde } from './sdes';

/** A score s(x, t) for a batch at one time. */
export type ScoreFn = (x: tf.Tensor2D, t: number) => tf.Tensor2D;

export interface Update {
  readonly x: tf.Tensor2D;
  /** The update without its noise term. */
  readonly mean: tf.Tensor2D;
}

/**
 * One reverse-diffusion step from t to t − Δt: the forward step x' = x + f·x + G·z, reversed,
 *   x_i = x_{i+1} − f·x_{i+1} + G²·s_θ(x_{i+1}, t_{i+1}) + G·z.
 */
export function reverseDiffusionPredictor(
  sde: Sde,
  score: ScoreFn,
  x: tf.Tensor2D,
  t: number,
  dt: number,
  z: tf.Tensor2D,
): Update {
  const { f, G } = sde.discretize(t, dt);
  // x_i = x_{i+1} − f_{i+1}(x_{i+1}) + g_{i+1}² s_θ(x_{i+1}, t_{i+1}) + g_{i+1} z_{i+1},  z_{i+1} ~ N(0, I)
  //   (reverse-diffusion predictor), with f_{i+1}(x) = f·x and g_{i+1} = G from the forward step
  // @paper score-sde reverse-diffusion-predictor
  const mean = tf.add(tf.sub(x, tf.mul(x, f)), tf.mul(score(x, t), G * G)) as tf.Tensor2D;
  return { x: tf.add(mean, tf.mul(z, G)), mean };
}

/** The Langevin step size ε = 2α(r‖z‖/‖s‖)² for signal-to-noise ratio r. */
export function langevinStepSize(snr: number, alpha: number, noiseNorm: number, scoreNorm: number): number {
  return 2 * alpha * ((snr * noiseNorm) / scoreNorm) ** 2;
}

/** Mean over rows of the Euclidean norm of each row. */
function meanRowNorm(v: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.sqrt(tf.sum(tf.square(v), 1)));
}

/**
 * One Langevin MCMC step at time t: x ← x + ε·s_θ(x, t) + √(2ε)·z. As in the official code, ‖z‖
 * and ‖s‖ are per-sample norms averaged over the batch, so the whole batch shares one ε.
 */
export function langevinCorrector(
  score: ScoreFn,
  x: tf.Tensor2D,
  t: number,
  snr: number,
  alpha: number,
  z: tf.Tensor2D,
): Update {
  const s = score(x, t);
  // x ← x + ε s_θ(x, t) + √(2ε) z,   ε = 2α (r ‖z‖₂ / ‖s_θ(x, t)‖₂)²   (Langevin corrector)
  // @paper score-sde langevin-corrector
  const ratio = tf.div(tf.mul(meanRowNorm(z), snr), meanRowNorm(s));
  const eps = tf.mul(tf.square(ratio), 2 * alpha);
  const mean = tf.add(x, tf.mul(s, eps)) as tf.Tensor2D;
  return { x: tf.add(mean, tf.mul(z, tf.sqrt(tf.mul(eps, 2)))), mean };
}

/** Known coordinates for imputation: `mask` is 1 on the known coordinates Ω, `known` holds y (rows as x). */
export interface Imputation {
  readonly mask: tf.Tensor;
  readonly known: tf.Tensor2D;
}

export interface PcOptions {
  /** Number of predictor steps N. */
  readonly steps: number;
  /** Langevin corrector steps per predictor step (0: predictor only). */
  readonly correctorSteps: number;
  readonly snr: number;
  /** The last time t_0 = ε (10⁻³ in the official sampler). */
  readonly eps: number;
  readonly rng: Rng;
  readonly impute?: Imputation;
  /** Times at which to copy the current samples out (the nearest grid times are used). */
  readonly snapshotTimes?: readonly number[];
  /** Called after every predictor step (e.g. to yield). */
  readonly tick?: () => Promise<void>;
}

export interface PcResult {
  /** Row-major [n, D]. */
  readonly samples: Float32Array;
  readonly snapshots: { readonly t: number; readonly points: Float32Array }[];
  /** Score evaluations. */
  readonly nfe: number;
}

/** Replaces the known coordinates by a fresh sample of the perturbation kernel at t. */
function renoiseKnown(sde: Sde, x: tf.Tensor2D, t: number, impute: Imputation, z: tf.Tensor2D): tf.Tensor2D {
  // x_Ω(t_i) ~ p_0t_i(· | y_Ω),   x_Ω̄(t_i) from the reverse-time step   (imputation)
  //   ⇒ x_Ω(t_i) = m_t_i y_Ω + σ_t_i z on the known coordinates Ω (mask 1), x unchanged elsewhere
  // @paper score-sde imputation
  const noisy = tf.add(tf.mul(impute.known, sde.marginalMean(t)), tf.mul(z, sde.marginalStd(t)));
  return tf.add(tf.mul(x, tf.sub(1, impute.mask)), tf.mul(noisy, impute.mask)) as tf.Tensor2D;
}

/** PC sampling of n points in D dimensions from the prior N(0, s²I) at T down to ε. */
export async function pcSample(sde: Sde, score: ScoreFn, n: number, dims: number, o: PcOptions): Promise<PcResult> {
  const normal = (): tf.Tensor2D => tf.tensor2d(o.rng.normals(n * dims), [n, dims]);
  const times = Array.from({ length: o.steps + 1 }, (_, i) => sde.T - (i * (sde.T - o.eps)) / o.steps);
  const snapshotAt = new Set((o.snapshotTimes ?? []).map((s) => nearestIndex(times, s)));
  const snapshots: { t: number; points: Float32Array }[] = [];
  let x = tf.tidy(() => tf.mul(normal(), sde.priorStd) as tf.Tensor2D);
  let nfe = 0;
  const record = async (i: number, v: tf.Tensor2D): Promise<void> => {
    if (snapshotAt.has(i)) snapshots.push({ t: times[i] as number, points: (await v.data()) as Float32Array });
  };
  try {
    await record(0, x);
    for (let i = 0; i < o.steps; i++) {
      const t = times[i] as number;
      const tNext = times[i + 1] as number;
      const last = i === o.steps - 1;
      const next = tf.tidy(() => {
        // dx = [f(x, t) − g(t)² ∇ₓ log p_t(x)] dt + g(t) dw̄   (reverse-time SDE, Eq. 6),
        //   from t_{i+1} to t_i with s_θ(x, t) in place of ∇ₓ log p_t(x)
        // @paper score-sde reverse-sde
        let u = reverseDiffusionPredictor(sde, score, x, t, t - tNext, normal());
        if (o.impute) u = { x: renoiseKnown(sde, u.x, tNext, o.impute, normal()), mean: u.mean };
        const alpha = sde.discretize(t, t - tNext).alpha;
        for (let j = 0; j < o.correctorSteps; j++) {
          u = langevinCorrector(score, u.x, tNext, o.snr, alpha, normal());
          if (o.impute) u = { x: renoiseKnown(sde, u.x, tNext, o.impute, normal()), mean: u.mean };
        }
        let out = last ? u.mean : u.x;
        if (last && o.impute)
          out = tf.add(tf.mul(out, tf.sub(1, o.impute.mask)), tf.mul(o.impute.known, o.impute.mask));
        return out;
      });
      x.dispose();
      x = next;
      nfe += 1 + o.correctorSteps;
      await record(i + 1, x);
      if (o.tick) await o.tick();
    }
    const samples = (await x.data()) as Float32Array;
    return { samples, snapshots, nfe };
  } finally {
    // The current samples, also when the score or a tick throws.
    x.dispose();
  }
}

function nearestIndex(values: readonly number[], target: number): number {
  let best = 0;
  values.forEach((v, i) => {
    if (Math.abs(v - target) < Math.abs((values[best] as number) - target)) best = i;
  });
  return best;
}

/**
 * Inpainting by PC sampling: n samples whose coordinates where `mask` [D] is 1 are the rows of
 * `known` [n, D] (re-noised to every step's time, exact at the end) and whose others are generated.
 */
export async function pcInpaint(
  sde: Sde,
  score: ScoreFn,
  known: Float32Array,
  mask: Float32Array,
  n: number,
  o: Omit<PcOptions, 'impute'>,
): Promise<Float32Array> {
  const dims = mask.length;
  const impute = { mask: tf.tensor2d(mask, [1, dims]), known: tf.tensor2d(known.subarray(0, n * dims), [n, dims]) };
  try {
    return (await pcSample(sde, score, n, dims, { ...o, impute })).samples;
  } finally {
    tf.dispose([impute.mask, impute.known]);
  }
}
