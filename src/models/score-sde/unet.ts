/**
 * A small time-conditioned U-Net score network for 14×14 digits: a scaled-down DDPM++ (the
 * official code's `ncsnpp.py` with DDPM-style residual blocks), in the same −noise
 * parametrisation as the MLP of ./model.ts, so that the loss, the samplers and the ODE are shared:
 *
 *   n_θ(x, t) ≈ −z,  s_θ(x, t) = n_θ(c_in(t)·x, φ(t)) / σ_t
 *
 * Layout, for base width C (levels of C and 2C channels, time width 4C):
 *   φ(t) (sinusoidal, as the MLP) → Dense → SiLU → Dense = e(t)
 *   14×14: conv3×3 1→C = h₀;  ResBlock C→C = h₁;  average-pool to 7×7
 *    7×7:  ResBlock C→2C = h₂;  middle ResBlock 2C→2C
 *    7×7:  ResBlock [·, h₂] 4C→2C;  nearest-neighbour upsampling to 14×14
 *   14×14: ResBlock [·, h₁] 3C→C;  ResBlock [·, h₀] 2C→C
 *   GroupNorm → SiLU → conv3×3 C→1
 * where [·, h] concatenates the skip connection along channels, and
 *   ResBlock(h) = (skip(h) + conv(SiLU(GN(conv(SiLU(GN(h))) + Dense(SiLU(e(t))))))) / √2
 * with skip a 1×1 convolution when the channels change (the identity otherwise), GroupNorm over
 * min(channels/4, 32) groups (as the official code), and the 1/√2 of its `skip_rescale`.
 *
 * Where this differs from the official code (DDPM++ on CIFAR-10: 128 base channels, four levels of
 * four residual blocks, attention at 16×16): two levels of one block each and no attention (the
 * digits are 14×14 and train on a CPU); the sinusoidal embedding of 1000·t that DDPM++ uses for
 * every SDE here, where NCSN++ (VE) uses Gaussian Fourier features of log σ; the block's last
 * convolution and the output convolution start at a tenth of the default scale instead of
 * (nearly) 0, so that a fresh network's output already depends on every weight; and weights are
 * drawn from a normal rather than a uniform distribution of the same variance.
 *
 * The 3×3 convolutions carry their own gradients (`conv3x3`): the wasm backend has no kernel for
 * the filter gradient, and both gradients of a 'same' convolution are themselves convolutions.
 * The likelihood needs εᵀ(∂s_θ/∂x)ε, which reverse mode gives as εᵀ(Jᵀε): `unetScoreVjp`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/rng';
import type { TimeFeatures } from './model';

export interface UnetShape {
  /** Image side (even: one 2×2 down-sampling). */
  readonly side: number;
  /** Base channels C. */
  readonly channels: number;
  /** Size of the sinusoidal embedding φ(t). */
  readonly embedding: number;
}

export type UnetParams = tf.Tensor[];

/** One parameter: its name, shape, fan-in and fan-out (for the initial scale) and the scale factor (0: zeros, −1: ones). */
interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly fanIn: number;
  readonly fanOut: number;
  readonly scale: number;
}

const ZEROS = 0;
const ONES = -1;
/** Initial scale of the convolutions whose official initial scale is 0 (see the module comment). */
const SMALL = 0.1;
/** GroupNorm's ε (as the official code). */
const GN_EPS = 1e-6;

/** Groups of a GroupNorm over `channels` channels: min(channels/4, 32), as the official code. */
export function groupsOf(channels: number): number {
  return Math.max(1, Math.min(Math.floor(channels / 4), 32));
}

function conv3Spec(name: string, cin: number, cout: number, scale = 1): ParamSpec[] {
  return [
    { name: `${name}.w`, shape: [3, 3, cin, cout], fanIn: 9 * cin, fanOut: 9 * cout, scale },
    { name: `${name}.b`, shape: [cout], fanIn: 0, fanOut: 0, scale: ZEROS },
  ];
}

function denseSpec(name: string, cin: number, cout: number): ParamSpec[] {
  return [
    { name: `${name}.w`, shape: [cin, cout], fanIn: cin, fanOut: cout, scale: 1 },
    { name: `${name}.b`, shape: [cout], fanIn: 0, fanOut: 0, scale: ZEROS },
  ];
}

function normSpec(name: string, c: number): ParamSpec[] {
  return [
    { name: `${name}.gamma`, shape: [c], fanIn: 0, fanOut: 0, scale: ONES },
    { name: `${name}.beta`, shape: [c], fanIn: 0, fanOut: 0, scale: ZEROS },
  ];
}

function blockSpec(name: string, cin: number, cout: number, temb: number): ParamSpec[] {
  return [
    ...normSpec(`${name}.gn1`, cin),
    ...conv3Spec(`${name}.conv1`, cin, cout),
    ...denseSpec(`${name}.temb`, temb, cout),
    ...normSpec(`${name}.gn2`, cout),
    ...conv3Spec(`${name}.conv2`, cout, cout, SMALL),
    ...(cin === cout ? [] : denseSpec(`${name}.skip`, cin, cout)),
  ];
}

/** The blocks in order: name, input and output channels. */
function blocks(c: number): readonly (readonly [string, number, number])[] {
  return [
    ['down0', c, c],
    ['down1', c, 2 * c],
    ['mid', 2 * c, 2 * c],
    ['up1', 4 * c, 2 * c],
    ['up0a', 3 * c, c],
    ['up0b', 2 * c, c],
  ];
}

/** Every parameter of the U-Net, in the order of the parameter array. */
export function unetSpecs(shape: UnetShape): ParamSpec[] {
  const c = shape.channels;
  const temb = 4 * c;
  return [
    ...denseSpec('time0', shape.embedding, temb),
    ...denseSpec('time1', temb, temb),
    ...conv3Spec('in', 1, c),
    ...blocks(c).flatMap(([name, cin, cout]) => blockSpec(name, cin, cout, temb)),
    ...normSpec('out.gn', c),
    ...conv3Spec('out', c, 1, SMALL),
  ];
}

/** Number of parameters of a U-Net. */
export function unetParameterCount(shape: UnetShape): number {
  return unetSpecs(shape).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}

/** Initial parameters: normal weights with the variance of the official fan-average scaling, zero biases, unit gains. */
export function initUnet(shape: UnetShape, rng: Rng): UnetParams {
  if (shape.side % 2 !== 0) throw new Error(`U-Net: the image side must be even (got ${shape.side})`);
  if (shape.channels % 4 !== 0) throw new Error(`U-Net: channels must be a multiple of 4 (got ${shape.channels})`);
  return unetSpecs(shape).map((s) => {
    const size = s.shape.reduce((a, b) => a * b, 1);
    if (s.scale === ZEROS) return tf.zeros(s.shape as number[]);
    if (s.scale === ONES) return tf.ones(s.shape as number[]);
    const std = s.scale * Math.sqrt(2 / (s.fanIn + s.fanOut));
    return tf.tensor(rng.normals(size, std), s.shape as number[]);
  });
}

/** The parameters by name (throws on a count that does not match the shape). */
function byName(shape: UnetShape, params: UnetParams): (name: string) => tf.Tensor {
  const specs = unetSpecs(shape);
  if (specs.length !== params.length)
    throw new Error(`U-Net: expected ${specs.length} parameters, got ${params.length}`);
  const map = new Map(specs.map((s, i) => [s.name, params[i] as tf.Tensor]));
  return (name) => {
    const p = map.get(name);
    if (!p) throw new Error(`U-Net: no parameter ${name}`);
    return p;
  };
}

const silu = (a: tf.Tensor): tf.Tensor => tf.mul(a, tf.sigmoid(a));

/**
 * A 3×3 'same' convolution (stride 1) with its gradients written as convolutions:
 *   ∂L/∂x = conv(δ, w rotated by 180° with input and output channels swapped)  ('same')
 *   ∂L/∂w[ky, kx, c, f] = Σ_{n,y,x} x_pad[n, y + ky, x + kx, c]·δ[n, y, x, f]
 *          = conv(x_pad with batch and channel axes swapped, δ as the filter)  ('valid', 3×3 outputs)
 */
export const conv3x3 = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.conv2d(x, w, 1, 'same'),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
      const d = dy as tf.Tensor4D;
      const flipped = tf.transpose(tf.reverse(ws, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
      const dx = tf.conv2d(d, flipped, 1, 'same');
      const xt = tf.pad(tf.transpose(xs, [3, 1, 2, 0]), [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ]) as tf.Tensor4D;
      const dyt = tf.transpose(d, [1, 2, 0, 3]) as tf.Tensor4D;
      const dw = tf.transpose(tf.conv2d(xt, dyt, 1, 'valid'), [1, 2, 0, 3]);
      return [dx, dw];
    },
  };
}) as (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;

/** GroupNorm of [B, H, W, C] from the moments of each example's group of C/G channels, then the per-channel gain and bias. */
export function groupNorm(x: tf.Tensor4D, groups: number, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const grouped = tf.reshape(x, [b, h, w, groups, c / groups]);
  const { mean, variance } = tf.moments(grouped, [1, 2, 4], true);
  const normed = tf.div(tf.sub(grouped, mean), tf.sqrt(tf.add(variance, GN_EPS)));
  return tf.add(tf.mul(tf.reshape(normed, [b, h, w, c]), gamma), beta) as tf.Tensor4D;
}

/** A 1×1 convolution as a matrix product over the pixels. */
function pointwise(x: tf.Tensor4D, w: tf.Tensor, bias: tf.Tensor): tf.Tensor4D {
  const [b, h, wd, c] = x.shape;
  const out = tf.add(tf.matMul(tf.reshape(x, [b * h * wd, c]), w as tf.Tensor2D), bias);
  return tf.reshape(out, [b, h, wd, w.shape[1] as number]);
}

function conv(p: (name: string) => tf.Tensor, name: string, x: tf.Tensor4D): tf.Tensor4D {
  return tf.add(conv3x3(x, p(`${name}.w`) as tf.Tensor4D), p(`${name}.b`)) as tf.Tensor4D;
}

function norm(p: (name: string) => tf.Tensor, name: string, x: tf.Tensor4D): tf.Tensor4D {
  return groupNorm(x, groupsOf(x.shape[3]), p(`${name}.gamma`), p(`${name}.beta`));
}

/** A DDPM-style residual block with the time embedding added between its convolutions (see the module comment). */
function resBlock(p: (name: string) => tf.Tensor, name: string, x: tf.Tensor4D, temb: tf.Tensor2D): tf.Tensor4D {
  let h = conv(p, `${name}.conv1`, silu(norm(p, `${name}.gn1`, x)) as tf.Tensor4D);
  const cout = h.shape[3];
  const t = tf.add(tf.matMul(silu(temb) as tf.Tensor2D, p(`${name}.temb.w`) as tf.Tensor2D), p(`${name}.temb.b`));
  h = tf.add(h, tf.reshape(t, [temb.shape[0], 1, 1, cout])) as tf.Tensor4D;
  h = conv(p, `${name}.conv2`, silu(norm(p, `${name}.gn2`, h)) as tf.Tensor4D);
  const skip = x.shape[3] === cout ? x : pointwise(x, p(`${name}.skip.w`), p(`${name}.skip.b`));
  return tf.mul(tf.add(skip, h), Math.SQRT1_2) as tf.Tensor4D;
}

/** e(t) = Dense(SiLU(Dense(φ(t)))), [rows of φ, 4C]. */
function timeVector(p: (name: string) => tf.Tensor, emb: tf.Tensor2D): tf.Tensor2D {
  const dense = (name: string, v: tf.Tensor2D): tf.Tensor2D =>
    tf.add(tf.matMul(v, p(`${name}.w`) as tf.Tensor2D), p(`${name}.b`)) as tf.Tensor2D;
  return dense('time1', silu(dense('time0', emb)) as tf.Tensor2D);
}

/** The time embedding e(t) the residual blocks receive, for the rows of f. */
export function unetTimeEmbedding(shape: UnetShape, params: UnetParams, f: TimeFeatures): tf.Tensor2D {
  return timeVector(byName(shape, params), f.emb);
}

/** The raw U-Net output (predicted −z) for flattened images x [B, side²] and time features f (one row, or one per example). */
export function unetOutput(shape: UnetShape, params: UnetParams, x: tf.Tensor2D, f: TimeFeatures): tf.Tensor2D {
  const p = byName(shape, params);
  const { side } = shape;
  const b = x.shape[0];
  const temb = timeVector(p, f.emb);
  const image = tf.reshape(tf.mul(x, f.cIn), [b, side, side, 1]) as tf.Tensor4D;
  const h0 = conv(p, 'in', image);
  const h1 = resBlock(p, 'down0', h0, temb);
  const pooled = tf.avgPool(h1, 2, 2, 'valid');
  const h2 = resBlock(p, 'down1', pooled, temb);
  let h = resBlock(p, 'mid', h2, temb);
  h = resBlock(p, 'up1', tf.concat([h, h2], 3), temb);
  h = tf.image.resizeNearestNeighbor(h, [side, side]);
  h = resBlock(p, 'up0a', tf.concat([h, h1], 3), temb);
  h = resBlock(p, 'up0b', tf.concat([h, h0], 3), temb);
  const out = conv(p, 'out', silu(norm(p, 'out.gn', h)) as tf.Tensor4D);
  return tf.reshape(out, [b, side * side]);
}

/** s_θ(x, t) = n_θ / σ_t. */
export function unetScore(shape: UnetShape, params: UnetParams, x: tf.Tensor2D, f: TimeFeatures): tf.Tensor2D {
  return tf.mul(unetOutput(shape, params, x, f), f.invStd);
}

/**
 * The score and (∂s_θ/∂x)ᵀ applied to K cotangents [K, B, D] by reverse mode (one backward pass
 * each). uᵀ(Jᵀu) = uᵀJu, so it gives the Hutchinson estimate and the exact trace as the forward
 * product does.
 */
export function unetScoreVjp(
  shape: UnetShape,
  params: UnetParams,
  x: tf.Tensor2D,
  f: TimeFeatures,
  cotangents: tf.Tensor3D,
): { score: tf.Tensor2D; jv: tf.Tensor3D } {
  const k = cotangents.shape[0];
  const first: { score?: tf.Tensor2D } = {};
  const rows: tf.Tensor2D[] = [];
  for (let i = 0; i < k; i++) {
    const u = tf.squeeze(tf.slice(cotangents, [i, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D;
    const jtu = tf.grad((xi: tf.Tensor) => {
      const s = unetScore(shape, params, xi as tf.Tensor2D, f);
      // The first pass's score is the one returned (kept past the gradient's own clean-up).
      first.score ??= tf.keep(s);
      return tf.sum(tf.mul(s, u));
    })(x) as tf.Tensor2D;
    rows.push(jtu);
  }
  // A kept tensor escapes every enclosing scope: hand back a tracked copy instead.
  const score = first.score ? first.score.clone() : unetScore(shape, params, x, f);
  first.score?.dispose();
  return { score, jv: tf.stack(rows) as tf.Tensor3D };
}
