/**
 * The probability-flow ODE (Eq. 13) and the likelihood it gives (Eq. 39), with two solvers:
 * fixed-step RK4 on a given time grid, and adaptive Dormand–Prince RK45 with rtol/atol (the
 * scheme of scipy's `RK45`, which the official code calls).
 *
 *   dx/dt = f̃(x, t) = f(x, t) − ½ g(t)² s_θ(x, t)
 *   log p₀(x(0)) = log p_T(x(T)) + ∫₀ᵀ ∇·f̃(x(t), t) dt,   ∇·f̃ = a(t)·D − ½ g(t)² ∇·s_θ
 *
 * The divergence of s_θ is exact in low dimensions (D Jacobian-vector products) and the
 * Skilling–Hutchinson estimate εᵀ J ε with one Rademacher ε per point, fixed for the solve, otherwise.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/rng';
import { priorLogDensity, type Sde } from './sdes';

/**
 * A score s(x, t) for a batch at one time, and its Jacobian J = ∂s/∂x applied to tangents
 * [K, B, D]: forward (`jvp`, J·v) or reverse (`vjp`, Jᵀ·v). The divergences below use only
 * quadratic forms vᵀ(J·v) = vᵀ(Jᵀ·v), so either serves.
 */
export interface ScoreModel {
  readonly dims: number;
  score(x: tf.Tensor2D, t: number): tf.Tensor2D;
  jvp?(x: tf.Tensor2D, t: number, tangents: tf.Tensor3D): { score: tf.Tensor2D; jv: tf.Tensor3D };
  vjp?(x: tf.Tensor2D, t: number, cotangents: tf.Tensor3D): { score: tf.Tensor2D; jv: tf.Tensor3D };
}

/** J·v or Jᵀ·v, whichever the model has, for quadratic forms vᵀJv. */
function jacobianProducts(
  model: ScoreModel,
  x: tf.Tensor2D,
  t: number,
  vectors: tf.Tensor3D,
): { score: tf.Tensor2D; jv: tf.Tensor3D } {
  if (model.jvp) return model.jvp(x, t, vectors);
  if (model.vjp) return model.vjp(x, t, vectors);
  throw new Error('score model without Jacobian products: the divergence needs jvp or vjp');
}

/** dy/dt for a batch of states y at time t. */
export type OdeFunction = (y: tf.Tensor2D, t: number) => tf.Tensor2D;

export interface OdeSolution {
  readonly y: tf.Tensor2D;
  /** Number of function evaluations. */
  readonly nfe: number;
}

/** The drift of the probability-flow ODE. */
export function probabilityFlow(sde: Sde, model: ScoreModel): OdeFunction {
  return (x, t) => {
    const g = sde.diffusion(t);
    // dx = [f(x, t) − ½ g(t)² ∇ₓ log p_t(x)] dt   (probability-flow ODE, Eq. 13),
    //   with s_θ(x, t) in place of ∇ₓ log p_t(x):  f̃_θ(x, t) = a(t) x − ½ g(t)² s_θ(x, t)
    // @paper score-sde probability-flow-ode
    return tf.sub(tf.mul(x, sde.driftCoef(t)), tf.mul(model.score(x, t), 0.5 * g * g));
  };
}

/** Exact ∇·s_θ at each row of x: the trace of the Jacobian, from the D basis tangents. */
export function exactDivergence(
  model: ScoreModel,
  x: tf.Tensor2D,
  t: number,
): { score: tf.Tensor2D; div: tf.Tensor1D } {
  const [b, d] = x.shape;
  const eye = tf.eye(d).reshape([d, 1, d]);
  const { score, jv } = jacobianProducts(model, x, t, tf.tile(eye, [1, b, 1]) as tf.Tensor3D);
  return { score, div: tf.sum(tf.mul(jv, eye), [0, 2]) };
}

/** Rademacher noise ε ∈ {−1, +1}^{B×D}. */
export function rademacher(rows: number, dims: number, rng: Rng): tf.Tensor2D {
  return tf.tensor2d(
    Float32Array.from({ length: rows * dims }, () => (rng.next() < 0.5 ? -1 : 1)),
    [rows, dims],
  );
}

/** Hutchinson's estimate εᵀ (∂s_θ/∂x) ε of ∇·s_θ, one ε row per point. */
export function hutchinsonDivergence(
  model: ScoreModel,
  x: tf.Tensor2D,
  t: number,
  eps: tf.Tensor2D,
): { score: tf.Tensor2D; div: tf.Tensor1D } {
  // ∇·f̃_θ(x, t) = E_ε[εᵀ ∇ₓf̃_θ(x, t) ε],   E[ε] = 0, Cov[ε] = I   (Skilling–Hutchinson estimator)
  //   applied to s_θ (∇·f̃_θ = a(t) D − ½ g(t)² ∇·s_θ is linear in it), one Rademacher ε per row
  // @paper score-sde hutchinson-trace
  const { score, jv } = jacobianProducts(model, x, t, eps.expandDims(0) as tf.Tensor3D);
  return { score, div: tf.sum(tf.mul(jv.squeeze([0]), eps), 1) };
}

/**
 * The augmented ODE for the likelihood: state [x, ∫∇·f̃] of width D + 1; its derivative is
 * [f̃(x, t), ∇·f̃(x, t)]. `eps` selects Hutchinson's estimator (exact divergence when absent).
 */
export function likelihoodOde(sde: Sde, model: ScoreModel, eps?: tf.Tensor2D): OdeFunction {
  const d = model.dims;
  return (y, t) => {
    const x = tf.slice(y, [0, 0], [-1, d]);
    const { score, div } = eps ? hutchinsonDivergence(model, x, t, eps) : exactDivergence(model, x, t);
    const a = sde.driftCoef(t);
    const g2 = sde.diffusion(t) ** 2;
    const drift = tf.sub(tf.mul(x, a), tf.mul(score, 0.5 * g2));
    const divergence = tf.sub(a * d, tf.mul(div, 0.5 * g2));
    return tf.concat([drift, divergence.expandDims(1)], 1) as tf.Tensor2D;
  };
}

/** Fixed-step classical Runge–Kutta along `grid` (increasing or decreasing). */
export function rk4(fn: OdeFunction, y0: tf.Tensor2D, grid: readonly number[]): OdeSolution {
  let y = y0.clone();
  for (let i = 0; i + 1 < grid.length; i++) {
    const t = grid[i] as number;
    const h = (grid[i + 1] as number) - t;
    const next = tf.tidy(() => {
      const k1 = fn(y, t);
      const k2 = fn(tf.add(y, tf.mul(k1, h / 2)), t + h / 2);
      const k3 = fn(tf.add(y, tf.mul(k2, h / 2)), t + h / 2);
      const k4 = fn(tf.add(y, tf.mul(k3, h)), t + h);
      return tf.add(y, tf.mul(tf.addN([k1, tf.mul(k2, 2), tf.mul(k3, 2), k4]), h / 6)) as tf.Tensor2D;
    });
    y.dispose();
    y = next;
  }
  return { y, nfe: 4 * (grid.length - 1) };
}

/** n + 1 times from `from` to `to`, equally spaced in log t (both ends > 0). */
export function logGrid(from: number, to: number, n: number): number[] {
  return Array.from({ length: n + 1 }, (_, k) => from * (to / from) ** (k / n));
}

// Dormand–Prince 5(4) tableau.
const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1];
const A: number[][] = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
];
/** Fifth-order weights (also the stage that gives k₇ = f(y_new), reused as the next k₁). */
const B5 = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84];
/** Fifth- minus fourth-order weights, over the seven stages: the local error estimate. */
const E = [
  35 / 384 - 5179 / 57600,
  0,
  500 / 1113 - 7571 / 16695,
  125 / 192 - 393 / 640,
  -2187 / 6784 + 92097 / 339200,
  11 / 84 - 187 / 2100,
  -1 / 40,
];

export interface Rk45Options {
  readonly rtol: number;
  readonly atol: number;
  /** Gives up (throws) after this many evaluations. */
  readonly maxNfe?: number;
}

/**
 * Adaptive Dormand–Prince from t0 to t1: a step is accepted when the RMS of the error estimate,
 * scaled by atol + rtol·max(|y|, |y_new|), is at most 1; the step size then changes by
 * 0.9·err^{−1/5}, clamped to [0.2, 10]. The error norm is read back once per step.
 */
export async function rk45(
  fn: OdeFunction,
  y0: tf.Tensor2D,
  t0: number,
  t1: number,
  o: Rk45Options,
): Promise<OdeSolution> {
  const direction = Math.sign(t1 - t0);
  const span = Math.abs(t1 - t0);
  const maxNfe = o.maxNfe ?? 20000;
  let y = y0.clone();
  let k1 = tf.tidy(() => fn(y, t0));
  let nfe = 1;
  const rms = (v: tf.Tensor): tf.Scalar => tf.sqrt(tf.mean(tf.square(v))) as tf.Scalar;
  // Initial step: 1% of |y|/|f| in the scaled norm (the first guess of scipy's heuristic).
  const initial = tf.tidy(() => {
    const scale = tf.add(o.atol, tf.mul(tf.abs(y), o.rtol));
    return tf.stack([rms(tf.div(y, scale)), rms(tf.div(k1, scale))]);
  });
  const [d0 = 0, d1 = 0] = await initial.data();
  initial.dispose();
  let h = Math.min(span, d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1);
  let t = t0;
  while (direction * (t1 - t) > 1e-12) {
    h = Math.min(h, Math.abs(t1 - t));
    const step = direction * h;
    const trial = tf.tidy(() => {
      const k: tf.Tensor2D[] = [k1];
      for (let s = 1; s < 6; s++) {
        const increment = tf.addN(k.map((ks, j) => tf.mul(ks, (A[s]?.[j] ?? 0) * step)));
        k.push(fn(tf.add(y, increment) as tf.Tensor2D, t + (C[s] ?? 0) * step));
      }
      const yNew = tf.add(y, tf.addN(k.map((ks, j) => tf.mul(ks, (B5[j] ?? 0) * step)))) as tf.Tensor2D;
      const k7 = fn(yNew, t + step);
      const error = tf.addN([...k, k7].map((ks, j) => tf.mul(ks, (E[j] ?? 0) * step)));
      const scale = tf.add(o.atol, tf.mul(tf.maximum(tf.abs(y), tf.abs(yNew)), o.rtol));
      return { yNew, k7, norm: rms(tf.div(error, scale)) };
    });
    nfe += 6;
    const norm = (await trial.norm.data())[0] ?? Infinity;
    trial.norm.dispose();
    if (norm <= 1) {
      t += step;
      tf.dispose([y, k1]);
      y = trial.yNew;
      k1 = trial.k7;
    } else {
      tf.dispose([trial.yNew, trial.k7]);
    }
    h *= norm === 0 ? 10 : Math.min(10, Math.max(0.2, 0.9 * norm ** -0.2));
    if (nfe > maxNfe) {
      tf.dispose([y, k1]);
      throw new Error(`RK45 did not reach t = ${t1} within ${maxNfe} evaluations (at t = ${t})`);
    }
  }
  k1.dispose();
  return { y, nfe };
}

export interface LikelihoodOptions {
  /** Lower end of the integral (t = ε instead of 0, as in the official code). */
  readonly eps: number;
  /** 'rk45' (adaptive) or 'rk4' on a log-spaced grid of `steps` steps. */
  readonly solver: 'rk45' | 'rk4';
  readonly steps?: number;
  readonly rtol?: number;
  readonly atol?: number;
  /** Use Hutchinson's estimator with this generator (the exact divergence when absent). */
  readonly hutchinson?: Rng;
}

/**
 * Negative log-likelihood −log p₀(x) of each row of x (nats), by integrating the augmented ODE
 * from ε to T and adding the prior's log-density at x(T).
 */
export async function negativeLogLikelihood(
  sde: Sde,
  model: ScoreModel,
  x: tf.Tensor2D,
  o: LikelihoodOptions,
): Promise<{ nll: Float32Array; nfe: number }> {
  const [b, d] = x.shape;
  const eps = o.hutchinson ? rademacher(b, d, o.hutchinson) : undefined;
  const fn = likelihoodOde(sde, model, eps);
  const y0 = tf.tidy(() => tf.concat([x, tf.zeros([b, 1])], 1) as tf.Tensor2D);
  const solution =
    o.solver === 'rk4'
      ? rk4(fn, y0, logGrid(o.eps, sde.T, o.steps ?? 20))
      : await rk45(fn, y0, o.eps, sde.T, { rtol: o.rtol ?? 1e-5, atol: o.atol ?? 1e-5 });
  const values = await solution.y.data();
  tf.dispose([y0, solution.y, ...(eps ? [eps] : [])]);
  const nll = new Float32Array(b);
  for (let i = 0; i < b; i++) {
    let sq = 0;
    for (let j = 0; j < d; j++) sq += (values[i * (d + 1) + j] as number) ** 2;
    const integral = values[i * (d + 1) + d] as number;
    // log p₀(x(0)) = log p_T(x(T)) + ∫₀ᵀ ∇·f̃_θ(x(t), t) dt   (exact likelihood, Eq. 39); NLL = −log p₀(x(0))
    // @paper score-sde likelihood
    nll[i] = -(priorLogDensity(sde, sq, d) + integral);
  }
  return { nll, nfe: solution.nfe };
}

/** Samples by solving the probability-flow ODE backwards from x(T) ~ p_T to t = ε. */
export async function probabilityFlowSample(
  sde: Sde,
  model: ScoreModel,
  n: number,
  rng: Rng,
  o: { eps: number; solver: 'rk45' | 'rk4'; steps?: number; rtol?: number; atol?: number },
): Promise<{ samples: Float32Array; nfe: number }> {
  const xT = tf.tensor2d(rng.normals(n * model.dims, sde.priorStd), [n, model.dims]);
  const fn = probabilityFlow(sde, model);
  const solution =
    o.solver === 'rk4'
      ? rk4(fn, xT, logGrid(sde.T, o.eps, o.steps ?? 20))
      : await rk45(fn, xT, sde.T, o.eps, { rtol: o.rtol ?? 1e-5, atol: o.atol ?? 1e-5 });
  const samples = (await solution.y.data()) as Float32Array;
  tf.dispose([xT, solution.y]);
  return { samples, nfe: solution.nfe };
}
