/**
 * The score network s_θ(x, t): an MLP with SiLU activations on the scaled input and sinusoidal
 * features of t, parametrised as in the weighting λ(t) = σ_t² — the MLP predicts minus the
 * noise, n_θ ≈ −z, and the score is s_θ = n_θ / σ_t:
 *
 *   h₀ = silu(c_in(t)·x·W_x + φ(t)·W_t + b₀),  h_l = silu(h_{l−1} W_l + b_l),  n_θ = h_L W_out + b_out
 *   c_in(t) = 1/√(m_t²·Var[x(0)] + σ_t²)  (unit-variance inputs at every t),  φ(t) = [sin, cos](1000·t·ω_k)
 *
 * The same MLP (with class logits instead of noise) is the noise-conditional classifier used for
 * class-conditional sampling. Forward-mode derivatives (Jacobian-vector products) are written out
 * for the divergence the likelihood needs.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/rng';
import type { Sde } from './sdes';

export interface MlpShape {
  readonly inputs: number;
  readonly embedding: number;
  readonly hidden: number;
  readonly layers: number;
  readonly outputs: number;
}

/** Parameters in order: W_x, W_t, b₀, then (W_l, b_l) per further hidden layer, then W_out, b_out. */
export type MlpParams = tf.Tensor[];

/** Per-time inputs of the network, for one t shared by the batch ([1, ·] rows) or one t per example ([B, ·]). */
export interface TimeFeatures {
  /** [B or 1, 1] input scale c_in(t). */
  readonly cIn: tf.Tensor2D;
  /** [B or 1, 1] 1/σ_t, turning the predicted noise into a score. */
  readonly invStd: tf.Tensor2D;
  /** [B or 1, E] sinusoidal embedding of t. */
  readonly emb: tf.Tensor2D;
}

/** The MLP's initial parameters: Glorot-normal weights, zero biases, a small output layer. */
export function initMlp(shape: MlpShape, rng: Rng): MlpParams {
  const dense = (fanIn: number, fanOut: number, gain = 1): tf.Tensor2D =>
    tf.tensor2d(rng.normals(fanIn * fanOut, gain * Math.sqrt(2 / (fanIn + fanOut))), [fanIn, fanOut]);
  const { inputs, embedding, hidden, layers, outputs } = shape;
  const params: tf.Tensor[] = [dense(inputs, hidden), dense(embedding, hidden), tf.zeros([hidden])];
  for (let l = 1; l < layers; l++) params.push(dense(hidden, hidden), tf.zeros([hidden]));
  params.push(dense(hidden, outputs, 0.1), tf.zeros([outputs]));
  return params;
}

/** φ(t): `size`/2 sines and cosines of 1000·t at geometric frequencies 10000^{−k/(size/2 − 1)}. */
export function timeEmbedding(ts: ArrayLike<number>, size: number): Float32Array {
  const half = size / 2;
  const out = new Float32Array(ts.length * size);
  for (let i = 0; i < ts.length; i++) {
    const scaled = 1000 * (ts[i] as number);
    for (let k = 0; k < half; k++) {
      const angle = scaled * Math.exp((-Math.log(10000) * k) / (half - 1));
      out[i * size + k] = Math.sin(angle);
      out[i * size + half + k] = Math.cos(angle);
    }
  }
  return out;
}

/** Time features of each t in `ts` (one row per t). */
export function timeFeatures(sde: Sde, dataVariance: number, ts: ArrayLike<number>, embedding: number): TimeFeatures {
  const n = ts.length;
  const cIn = new Float32Array(n);
  const invStd = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = ts[i] as number;
    const m = sde.marginalMean(t);
    const s = sde.marginalStd(t);
    cIn[i] = 1 / Math.sqrt(m * m * dataVariance + s * s);
    invStd[i] = 1 / s;
  }
  return {
    cIn: tf.tensor2d(cIn, [n, 1]),
    invStd: tf.tensor2d(invStd, [n, 1]),
    emb: tf.tensor2d(timeEmbedding(ts, embedding), [n, embedding]),
  };
}

export function disposeFeatures(f: TimeFeatures): void {
  tf.dispose([f.cIn, f.invStd, f.emb]);
}

const silu = (a: tf.Tensor): tf.Tensor => tf.mul(a, tf.sigmoid(a));
/** silu′(a) = σ(a)·(1 + a·(1 − σ(a))). */
const siluPrime = (a: tf.Tensor): tf.Tensor => {
  const s = tf.sigmoid(a);
  return tf.mul(s, tf.add(1, tf.mul(a, tf.sub(1, s))));
};

/** Pre-activations of every hidden layer and the output, for inputs already scaled by c_in. */
function forward(params: MlpParams, xScaled: tf.Tensor2D, emb: tf.Tensor2D): { pre: tf.Tensor[]; out: tf.Tensor2D } {
  const [wx, wt, b0] = params as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
  const pre: tf.Tensor[] = [tf.add(tf.add(tf.matMul(xScaled, wx), tf.matMul(emb, wt)), b0)];
  let h = silu(pre[0] as tf.Tensor) as tf.Tensor2D;
  const last = params.length - 2;
  for (let p = 3; p < last; p += 2) {
    const a = tf.add(tf.matMul(h, params[p] as tf.Tensor2D), params[p + 1] as tf.Tensor1D);
    pre.push(a);
    h = silu(a) as tf.Tensor2D;
  }
  const out = tf.add(tf.matMul(h, params[last] as tf.Tensor2D), params[last + 1] as tf.Tensor1D) as tf.Tensor2D;
  return { pre, out };
}

/** The raw MLP output (predicted −z, or class logits) at inputs x and time features f. */
export function mlpOutput(params: MlpParams, x: tf.Tensor2D, f: TimeFeatures): tf.Tensor2D {
  return forward(params, tf.mul(x, f.cIn), f.emb).out;
}

/** s_θ(x, t) = n_θ(c_in·x, φ(t)) / σ_t, for a batch [B, D]. */
export function score(params: MlpParams, x: tf.Tensor2D, f: TimeFeatures): tf.Tensor2D {
  return tf.mul(mlpOutput(params, x, f), f.invStd);
}

/**
 * The score and its Jacobian applied to K tangent vectors, by forward-mode differentiation:
 * a tangent v moves the first pre-activation by c_in·v·W_x, each SiLU multiplies it by silu′, each
 * dense layer by its weights, and the score's tangent is the output's times 1/σ_t.
 * `tangents` is [K, B, D]; returns the score [B, D] and J_s·v [K, B, D]. One t for the batch.
 */
export function scoreJvp(
  params: MlpParams,
  x: tf.Tensor2D,
  f: TimeFeatures,
  tangents: tf.Tensor3D,
): { score: tf.Tensor2D; jv: tf.Tensor3D } {
  const [k, b, d] = tangents.shape;
  const { pre, out } = forward(params, tf.mul(x, f.cIn), f.emb);
  const wx = params[0] as tf.Tensor2D;
  const hidden = wx.shape[1];
  const scaled = tf.mul(tangents.reshape([k * b, d]), f.cIn);
  let dh = tf.mul(tf.matMul(scaled, wx).reshape([k, b, hidden]), siluPrime(pre[0] as tf.Tensor));
  const last = params.length - 2;
  for (let p = 3, l = 1; p < last; p += 2, l++) {
    const da = tf.matMul(dh.reshape([k * b, hidden]), params[p] as tf.Tensor2D).reshape([k, b, hidden]);
    dh = tf.mul(da, siluPrime(pre[l] as tf.Tensor));
  }
  const dOut = tf.matMul(dh.reshape([k * b, hidden]), params[last] as tf.Tensor2D).reshape([k, b, d]);
  return { score: tf.mul(out, f.invStd), jv: tf.mul(dOut, f.invStd) as tf.Tensor3D };
}
