/**
 * Sampling by the reverse-time SDE (Eq. 6): predictor-corrector (PC) sampling with the
 * reverse-diffusion predictor and the Langevin corrector. With no corrector this is the
 * predictor-only sampler.
 *
 * The steps are ordered as in the official sampler: at each of N times t_0 = T > … > t_{N−1} = ε
 * (equally spaced), M corrector steps at t_i, then one predictor step from t_i to t_{i+1}, where
 * t_N = 0. The last predictor step returns its noise-free mean; the noise of every corrector step
 * is kept. (The paper's Algorithm 1 writes the corrector after the predictor, so that sampling
 * ends on a corrector step; the official order adds one at T, where the prior already is the
 * marginal, and ends on a predictor step. Ending on a corrector step without its noise would be a
 * step of gradient ascent on log p, which shrinks every mode: with the exact score of a unit
 * Gaussian it leaves about 0.93 of the variance at N = 100, where this order leaves about 1.02.)
 * Score evaluations: N·(1 + M).
 *
 * Imputation re-noises the known coordinates to the time each step lands at:
 * x_Ω(t_i) ~ p_{0t_i}(· | y_Ω); at t_N = 0 that is y_Ω itself.
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
  /** The last time at which the score is evaluated, ε (10⁻³ in the official sampler). */
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

/**
 * The times of N-step PC sampling: N equally spaced times from T down to ε, at which the score is
 * evaluated, then 0, where the last predictor step lands.
 */
export function samplingTimes(T: number, eps: number, steps: number): number[] {
  const times = Array.from({ length: steps }, (_, i) => (steps === 1 ? T : T - (i * (T - eps)) / (steps - 1)));
  times.push(0);
  return times;
}

/** PC sampling of n points in D dimensions from the prior N(0, s²I) at T down to t = 0. */
export async function pcSample(sde: Sde, score: ScoreFn, n: number, dims: number, o: PcOptions): Promise<PcResult> {
  const normal = (): tf.Tensor2D => tf.tensor2d(o.rng.normals(n * dims), [n, dims]);
  const times = samplingTimes(sde.T, o.eps, o.steps);
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
        const alpha = sde.discretize(t, t - tNext).alpha;
        let current = x;
        for (let j = 0; j < o.correctorSteps; j++) {
          current = langevinCorrector(score, current, t, o.snr, alpha, normal()).x;
          if (o.impute) current = renoiseKnown(sde, current, t, o.impute, normal());
        }
        // dx = [f(x, t) − g(t)² ∇ₓ log p_t(x)] dt + g(t) dw̄   (reverse-time SDE, Eq. 6),
        //   from t_i to t_{i+1} with s_θ(x, t) in place of ∇ₓ log p_t(x)
        // @paper score-sde reverse-sde
        const u = reverseDiffusionPredictor(sde, score, current, t, t - tNext, normal());
        // The last step ends on the predictor's mean (at t = 0 the known part is y_Ω exactly).
        const out = last ? u.mean : u.x;
        return o.impute ? renoiseKnown(sde, out, tNext, o.impute, normal()) : out;
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
 * `known` [n, D] (re-noised to every step's time, so exact at t = 0) and whose others are generated.
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
