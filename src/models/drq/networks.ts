/**
 * The networks of pixel SAC as in the official DrQ code, scaled down:
 *
 *   encoder  conv 3×3 × F (stride 2) → ReLU → conv 3×3 × F (stride 1) → ReLU → flatten
 *            → linear → LayerNorm → tanh  (the "feature" of size `featureDim`)
 *   critic   the encoder, then two Q heads, each an MLP on [feature, action] (two hidden layers)
 *   actor    its own linear → LayerNorm → tanh on the critic's conv output (gradients stopped,
 *            conv weights tied, as `copy_conv_weights_from` and `detach_encoder` do in the
 *            official code), then an MLP giving the mean and log-std of a tanh-squashed Gaussian.
 *
 * Initialisation follows the official `weight_init`: linear weights orthogonal (gain 1), each conv
 * kernel orthogonal as a whole with the ReLU gain √2 (PyTorch's `orthogonal_` on the kernel
 * flattened to [filters, channels·3·3]: its rows orthogonal, each of norm √2), zero biases.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/rng';
import { ConvGeometry, conv2d, type FilterGradientPath } from './conv';
import { ACTION_DIM, OBS_CHANNELS, SIZE } from './env';

export interface NetworkSizes {
  readonly filters: number;
  readonly featureDim: number;
  readonly hidden: number;
}

export interface Linear {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
}

export interface ConvStack {
  readonly w1: tf.Variable;
  readonly b1: tf.Variable;
  readonly w2: tf.Variable;
  readonly b2: tf.Variable;
}

/** linear → LayerNorm → tanh on the flattened conv output. */
export interface FeatureHead {
  readonly fc: Linear;
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;
}

export interface CriticParams {
  readonly conv: ConvStack;
  readonly head: FeatureHead;
  readonly q1: readonly Linear[];
  readonly q2: readonly Linear[];
}

export interface ActorParams {
  readonly head: FeatureHead;
  readonly mlp: readonly Linear[];
}

/** Bounds of the actor's log-std (the official `log_std_bounds`). */
export const LOG_STD_MIN = -10;
export const LOG_STD_MAX = 2;

/** The two conv layers' geometry for 24 × 24 × 4 observations: 24 → 11 (stride 2) → 9. */
export class EncoderGeometry {
  readonly conv1: ConvGeometry;
  readonly conv2: ConvGeometry;
  readonly flatDim: number;

  constructor(
    readonly filters: number,
    path: FilterGradientPath = 'correlation',
  ) {
    this.conv1 = new ConvGeometry(SIZE, SIZE, OBS_CHANNELS, 3, 2, path);
    this.conv2 = new ConvGeometry(this.conv1.outHeight, this.conv1.outWidth, filters, 3, 1, path);
    this.flatDim = this.conv2.outHeight * this.conv2.outWidth * filters;
  }
}

// ---------------------------------------------------------------------------------------------
// Initialisation

/** A rows × cols matrix with orthonormal columns (rows ≥ cols) or rows (rows < cols), times `gain`. */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float32Array {
  const tall = rows >= cols;
  const n = tall ? rows : cols;
  const k = tall ? cols : rows;
  // k Gram–Schmidt-orthonormalised Gaussian vectors of length n.
  const q: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = Float64Array.from({ length: n }, () => rng.normal());
    for (const u of q) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += (v[i] as number) * (u[i] as number);
      for (let i = 0; i < n; i++) v[i] = (v[i] as number) - dot * (u[i] as number);
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += (v[i] as number) ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) v[i] = (v[i] as number) / norm;
    q.push(v);
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      out[r * cols + c] = gain * (tall ? ((q[c] as Float64Array)[r] as number) : ((q[r] as Float64Array)[c] as number));
    }
  }
  return out;
}

/** A trainable variable holding `init()` (the initial tensor is released). */
function param(init: () => tf.Tensor): tf.Variable {
  return tf.tidy(() => tf.variable(init()));
}

function linear(inDim: number, outDim: number, rng: Rng): Linear {
  return {
    w: param(() => tf.tensor2d(orthogonal(inDim, outDim, 1, rng), [inDim, outDim])),
    b: param(() => tf.zeros([outDim])),
  };
}

/** The ReLU gain of PyTorch's `calculate_gain('relu')`, which the official code gives its conv kernels. */
export const RELU_GAIN = Math.SQRT2;

/**
 * A 3×3 conv kernel [3, 3, channels, filters] (our layout) whose flattening to
 * [filters, channels·3·3] (PyTorch's [out, in, kh, kw] order) is orthogonal times `gain`, as
 * `orthogonal_` makes it: orthogonal rows of norm `gain` when filters ≤ 9·channels (every layer
 * here), orthogonal columns otherwise.
 */
export function orthogonalKernel(channels: number, filters: number, gain: number, rng: Rng): Float32Array {
  const cols = channels * 9;
  const flat = orthogonal(filters, cols, gain, rng);
  const w = new Float32Array(9 * channels * filters);
  for (let f = 0; f < filters; f++)
    for (let c = 0; c < channels; c++)
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 3; x++)
          w[((y * 3 + x) * channels + c) * filters + f] = flat[f * cols + c * 9 + y * 3 + x] as number;
  return w;
}

function convKernel(channels: number, filters: number, rng: Rng): tf.Variable {
  const w = orthogonalKernel(channels, filters, RELU_GAIN, rng);
  return param(() => tf.tensor4d(w, [3, 3, channels, filters]));
}

function featureHead(flatDim: number, featureDim: number, rng: Rng): FeatureHead {
  return {
    fc: linear(flatDim, featureDim, rng),
    gamma: param(() => tf.ones([featureDim])),
    beta: param(() => tf.zeros([featureDim])),
  };
}

function mlp(inDim: number, hidden: number, outDim: number, rng: Rng): Linear[] {
  return [linear(inDim, hidden, rng), linear(hidden, hidden, rng), linear(hidden, outDim, rng)];
}

export function initCritic(geometry: EncoderGeometry, sizes: NetworkSizes, rng: Rng): CriticParams {
  const f = sizes.filters;
  return {
    conv: {
      w1: convKernel(OBS_CHANNELS, f, rng),
      b1: param(() => tf.zeros([f])),
      w2: convKernel(f, f, rng),
      b2: param(() => tf.zeros([f])),
    },
    head: featureHead(geometry.flatDim, sizes.featureDim, rng),
    q1: mlp(sizes.featureDim + ACTION_DIM, sizes.hidden, 1, rng),
    q2: mlp(sizes.featureDim + ACTION_DIM, sizes.hidden, 1, rng),
  };
}

export function initActor(geometry: EncoderGeometry, sizes: NetworkSizes, rng: Rng): ActorParams {
  return {
    head: featureHead(geometry.flatDim, sizes.featureDim, rng),
    mlp: mlp(sizes.featureDim, sizes.hidden, 2 * ACTION_DIM, rng),
  };
}

/** A non-trainable copy of the critic (the target network θ̄). */
export function copyCritic(critic: CriticParams): CriticParams {
  const copy = (v: tf.Variable): tf.Variable => tf.variable(v, false);
  const lin = (l: Linear): Linear => ({ w: copy(l.w), b: copy(l.b) });
  return {
    conv: { w1: copy(critic.conv.w1), b1: copy(critic.conv.b1), w2: copy(critic.conv.w2), b2: copy(critic.conv.b2) },
    head: { fc: lin(critic.head.fc), gamma: copy(critic.head.gamma), beta: copy(critic.head.beta) },
    q1: critic.q1.map(lin),
    q2: critic.q2.map(lin),
  };
}

/** Every variable in a fixed order (the same order for a critic and its copy). */
export function criticVariables(c: CriticParams): tf.Variable[] {
  const lin = (l: Linear): tf.Variable[] => [l.w, l.b];
  return [
    c.conv.w1,
    c.conv.b1,
    c.conv.w2,
    c.conv.b2,
    ...lin(c.head.fc),
    c.head.gamma,
    c.head.beta,
    ...c.q1.flatMap(lin),
    ...c.q2.flatMap(lin),
  ];
}

export function actorVariables(a: ActorParams): tf.Variable[] {
  return [a.head.fc.w, a.head.fc.b, a.head.gamma, a.head.beta, ...a.mlp.flatMap((l) => [l.w, l.b])];
}

// ---------------------------------------------------------------------------------------------
// Forward passes

/** The conv trunk: observations [N, 24, 24, 4] → flattened [N, 9·9·F]. */
export function convForward(geometry: EncoderGeometry, conv: ConvStack, obs: tf.Tensor4D): tf.Tensor2D {
  const h1 = tf.relu(tf.add(conv2d(geometry.conv1, obs, conv.w1 as tf.Tensor4D, true), conv.b1)) as tf.Tensor4D;
  const h2 = tf.relu(tf.add(conv2d(geometry.conv2, h1, conv.w2 as tf.Tensor4D), conv.b2));
  return tf.reshape(h2, [obs.shape[0], geometry.flatDim]);
}

/** linear → LayerNorm (ε = 1e-5) → tanh. */
export function headForward(head: FeatureHead, flat: tf.Tensor2D): tf.Tensor2D {
  const z = tf.add(tf.matMul(flat, head.fc.w), head.fc.b);
  const { mean, variance } = tf.moments(z, -1, true);
  const normed = tf.mul(tf.sub(z, mean), tf.rsqrt(tf.add(variance, 1e-5)));
  return tf.tanh(tf.add(tf.mul(normed, head.gamma), head.beta)) as tf.Tensor2D;
}

/** An MLP with ReLU between layers and a linear output. */
export function mlpForward(layers: readonly Linear[], x: tf.Tensor2D): tf.Tensor2D {
  let h = x;
  layers.forEach((l, i) => {
    const z = tf.add(tf.matMul(h, l.w), l.b) as tf.Tensor2D;
    h = i < layers.length - 1 ? tf.relu(z) : z;
  });
  return h;
}

/** Both Q values [N] of the critic for features [N, featureDim] and actions [N, A]. */
export function qValues(critic: CriticParams, features: tf.Tensor2D, actions: tf.Tensor2D): [tf.Tensor1D, tf.Tensor1D] {
  const input = tf.concat([features, actions], 1);
  const q = (layers: readonly Linear[]): tf.Tensor1D => tf.reshape(mlpForward(layers, input), [-1]);
  return [q(critic.q1), q(critic.q2)];
}

/** The actor's Gaussian (before the squash) from the conv trunk's output: mean and log-std [N, A]. */
export function actorGaussian(actor: ActorParams, flat: tf.Tensor2D): { mu: tf.Tensor2D; logStd: tf.Tensor2D } {
  const out = mlpForward(actor.mlp, headForward(actor.head, flat));
  const [mu, raw] = tf.split(out, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
  // Official code: log_std = min + ½ (max − min)(tanh(raw) + 1).
  const logStd = tf.add(LOG_STD_MIN, tf.mul(0.5 * (LOG_STD_MAX - LOG_STD_MIN), tf.add(tf.tanh(raw), 1)));
  return { mu, logStd: logStd as tf.Tensor2D };
}
