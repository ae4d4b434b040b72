/**
 * The encoder–decoder p_θ(y | x): a word-level bidirectional GRU encoder and a GRU decoder with
 * dot-product attention over the encoder states (a small stand-in for BART).
 *
 *   encoder   h⃗_t = GRU(E_s x_t, h⃗_{t−1}),  h⃖_t = GRU(E_s x_t, h⃖_{t+1}),  m_t = [h⃗_t ; h⃖_t]
 *   decoder   s_i = GRU(E_t y_{i−1}, s_{i−1}),  s_0 = tanh(W_0 [h⃗_T ; h⃖_1])
 *   attention a_i = softmax_t(m_t · s_i),  c_i = Σ_t a_{i,t} m_t
 *   output    p_θ(· | y_<i, x) = softmax(W_o tanh(W_c [s_i ; c_i]) + b_o)
 *
 * GRU cell: z = σ(x W_z + h U_z + b_z), r = σ(x W_r + h U_r + b_r),
 * n = tanh(x W_n + r ⊙ (h U_n) + b_n), h' = (1 − z) ⊙ n + z ⊙ h; the three gates share one matMul.
 *
 * Encoder and decoder share the vocabulary, not the weights: E_s, E_t and W_o are three separate
 * matrices. BART ties its encoder input, decoder input and output embeddings into one table; this
 * model does not (W_o maps the 2H-dimensional attentional features, not embeddings, to the vocabulary).
 */
import * as tf from '@tensorflow/tfjs-core';
import { logSoftmaxRows } from '../engine/logSoftmax';
import { gruCell } from '../engine/recurrentCells';
import type { Rng } from '../engine/rng';

export interface ModelSizes {
  /** Tokens of the shared vocabulary. */
  readonly vocabulary: number;
  readonly embedding: number;
  /** Hidden size of each encoder direction; the decoder has twice this. */
  readonly hidden: number;
}

interface GruWeights {
  readonly w: tf.Variable; // [in, 3H]
  readonly u: tf.Variable; // [H, 3H]
  readonly b: tf.Variable; // [3H]
}

export interface Seq2Seq {
  readonly sizes: ModelSizes;
  /** E_s: embeddings of context words read by the encoder (untied from E_t and W_o). */
  readonly embedding: tf.Variable;
  /** E_t: embeddings of name tokens fed back to the decoder (its own matrix). */
  readonly targetEmbedding: tf.Variable;
  readonly forward: GruWeights;
  readonly backward: GruWeights;
  readonly bridge: tf.Variable;
  readonly decoder: GruWeights;
  readonly combine: tf.Variable;
  /** W_o: [2H, V], the output projection (its own matrix). */
  readonly output: tf.Variable;
  readonly outputBias: tf.Variable;
}

export function variables(model: Seq2Seq): tf.Variable[] {
  const gru = (g: GruWeights) => [g.w, g.u, g.b];
  return [
    model.embedding,
    model.targetEmbedding,
    ...gru(model.forward),
    ...gru(model.backward),
    model.bridge,
    ...gru(model.decoder),
    model.combine,
    model.output,
    model.outputBias,
  ];
}

/** A trainable variable holding `values` (the initial tensor is freed; the variable keeps its data). */
function parameter(values: Float32Array, shape: readonly number[]): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values, [...shape])));
}

/** Glorot-normal weights: N(0, 2 / (fan_in + fan_out)). */
function glorot(rng: Rng, rows: number, cols: number): tf.Variable {
  return parameter(rng.normals(rows * cols, Math.sqrt(2 / (rows + cols))), [rows, cols]);
}

function gruWeights(rng: Rng, input: number, hidden: number): GruWeights {
  return {
    w: glorot(rng, input, 3 * hidden),
    u: glorot(rng, hidden, 3 * hidden),
    b: parameter(new Float32Array(3 * hidden), [3 * hidden]),
  };
}

export function createSeq2Seq(sizes: ModelSizes, rng: Rng): Seq2Seq {
  const { vocabulary, embedding: e, hidden: h } = sizes;
  const d = 2 * h;
  return {
    sizes,
    embedding: parameter(rng.normals(vocabulary * e, 0.1), [vocabulary, e]),
    targetEmbedding: parameter(rng.normals(vocabulary * e, 0.1), [vocabulary, e]),
    forward: gruWeights(rng, e, h),
    backward: gruWeights(rng, e, h),
    bridge: glorot(rng, d, d),
    decoder: gruWeights(rng, e, d),
    combine: glorot(rng, 2 * d, d),
    output: glorot(rng, d, vocabulary),
    outputBias: parameter(new Float32Array(vocabulary), [vocabulary]),
  };
}

/**
 * The model with the given weights (row-major, as `variables` lists them), e.g. a run's
 * `genre-model` checkpoint read back for a query.
 */
export function restoreSeq2Seq(sizes: ModelSizes, weights: Readonly<Record<WeightName, ArrayLike<number>>>): Seq2Seq {
  const { vocabulary: v, embedding: e, hidden: h } = sizes;
  const d = 2 * h;
  const p = (name: WeightName, shape: readonly number[]): tf.Variable => {
    const values = Float32Array.from(weights[name]);
    const size = shape.reduce((a, b) => a * b, 1);
    if (values.length !== size) throw new Error(`${name}: ${values.length} values for a [${shape.join(', ')}] weight`);
    return parameter(values, shape);
  };
  return {
    sizes,
    embedding: p('embedding', [v, e]),
    targetEmbedding: p('targetEmbedding', [v, e]),
    forward: { w: p('forwardW', [e, 3 * h]), u: p('forwardU', [h, 3 * h]), b: p('forwardB', [3 * h]) },
    backward: { w: p('backwardW', [e, 3 * h]), u: p('backwardU', [h, 3 * h]), b: p('backwardB', [3 * h]) },
    bridge: p('bridge', [d, d]),
    decoder: { w: p('decoderW', [e, 3 * d]), u: p('decoderU', [d, 3 * d]), b: p('decoderB', [3 * d]) },
    combine: p('combine', [2 * d, d]),
    output: p('output', [d, v]),
    outputBias: p('outputBias', [v]),
  };
}

/** The weights by name, in the order of `variables`. */
export const WEIGHT_NAMES = [
  'embedding',
  'targetEmbedding',
  'forwardW',
  'forwardU',
  'forwardB',
  'backwardW',
  'backwardU',
  'backwardB',
  'bridge',
  'decoderW',
  'decoderU',
  'decoderB',
  'combine',
  'output',
  'outputBias',
] as const;
export type WeightName = (typeof WEIGHT_NAMES)[number];

export function disposeSeq2Seq(model: Seq2Seq): void {
  tf.dispose(variables(model));
}

/**
 * Embedding lookup: rows of the table gathered forward; the gradient with respect to the table
 * adds each row of dy into the row it was read from (a scatter-add: ScatterNd sums repeated ids).
 * The built-in gradient of a gather (a segment sum) is very slow on the cpu and wasm backends,
 * and the same sum written as one-hot(ids)ᵀ · dy costs V·N·e multiply-adds where this costs N·e
 * (GENRE's quick preset, V = 700, N = 1,152, e = 64, on wasm: 0.18 ms against 11.2 ms).
 */
function embed(table: tf.Variable, ids: tf.Tensor1D): tf.Tensor2D {
  const lookup = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [t, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const index = tf.cast(ids, 'int32');
    save([tf.expandDims(index, 1)]);
    return {
      value: tf.gather(t, index),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.scatterND(saved[0] as tf.Tensor2D, dy, t.shape),
    };
  });
  return lookup(table) as tf.Tensor2D;
}

/**
 * One GRU step for a batch; `xw` is the input already multiplied by W (plus bias): [B, 3H]. Rows
 * where `mask` [B, 1] is 0 keep their state. The cell is one fused kernel where the backend has it
 * (`gruCell`).
 */
function gruStep(u: tf.Tensor2D, xw: tf.Tensor2D, h: tf.Tensor2D, mask: tf.Tensor2D | null = null): tf.Tensor2D {
  return gruCell(xw, tf.matMul(h, u), h, mask);
}

/** The encoder's output for a padded batch of contexts. */
export interface Encoded {
  /** m: [B, T, 2H] encoder states (zero at padding). */
  readonly memory: tf.Tensor3D;
  /** [B, T] 0 at real tokens, −1e9 at padding (added to attention scores). */
  readonly maskBias: tf.Tensor2D;
  /** s_0: [B, 2H]. */
  readonly initial: tf.Tensor2D;
}

/** Encodes `source` ([B, T] int32, 0-padded at the end; `mask` [B, T] float 1/0). */
export function encode(model: Seq2Seq, source: tf.Tensor2D, mask: tf.Tensor2D): Encoded {
  const [batch, length] = source.shape;
  const { hidden: h } = model.sizes;
  const x = embed(model.embedding, tf.reshape(source, [-1]) as tf.Tensor1D);
  const project = (g: GruWeights) =>
    tf.unstack(tf.reshape(tf.add(tf.matMul(x, g.w), g.b), [batch, length, 3 * h]), 1) as tf.Tensor2D[];
  const xf = project(model.forward);
  const xb = project(model.backward);
  const masks = tf.unstack(tf.expandDims(mask, 2), 1) as tf.Tensor2D[];
  const run = (g: GruWeights, xs: tf.Tensor2D[], order: number[]): tf.Tensor2D[] => {
    const states: tf.Tensor2D[] = new Array<tf.Tensor2D>(length);
    let state: tf.Tensor2D = tf.zeros([batch, h]);
    for (const t of order) {
      const m = masks[t] as tf.Tensor2D;
      // Padding keeps the state unchanged and outputs zeros.
      state = gruStep(g.u as tf.Tensor2D, xs[t] as tf.Tensor2D, state, m);
      states[t] = tf.mul(m, state);
    }
    return states;
  };
  const steps = Array.from({ length }, (_, t) => t);
  const fwd = run(model.forward, xf, steps);
  const bwd = run(model.backward, xb, [...steps].reverse());
  const memory = tf.stack(
    steps.map((t) => tf.concat([fwd[t] as tf.Tensor2D, bwd[t] as tf.Tensor2D], 1)),
    1,
  ) as tf.Tensor3D;
  // Last real forward state: the sum of the masked forward states' final one, found through the mask.
  const lengths = tf.sum(mask, 1);
  const lastIndex = tf.oneHot(tf.cast(tf.sub(lengths, 1), 'int32'), length);
  const lastForward = tf.sum(tf.mul(tf.expandDims(lastIndex, 2), tf.stack(fwd, 1)), 1) as tf.Tensor2D;
  const firstBackward = bwd[0] as tf.Tensor2D;
  const initial = tf.tanh(tf.matMul(tf.concat([lastForward, firstBackward], 1), model.bridge)) as tf.Tensor2D;
  const maskBias = tf.mul(tf.sub(1, mask), -1e9) as tf.Tensor2D;
  return { memory, maskBias, initial };
}

/** The decoder's input projection E y W + b of a batch of previous tokens: [R, 3D]. */
function decoderInput(model: Seq2Seq, previous: tf.Tensor1D): tf.Tensor2D {
  return tf.add(tf.matMul(embed(model.targetEmbedding, previous), model.decoder.w), model.decoder.b) as tf.Tensor2D;
}

/** The decoder GRU and attention for one step: the new state and the attentional features tanh(W_c [s_i ; c_i]). */
function decoderFeatures(
  model: Seq2Seq,
  input: tf.Tensor2D,
  state: tf.Tensor2D,
  memory: tf.Tensor3D,
  maskBias: tf.Tensor2D,
): { features: tf.Tensor2D; state: tf.Tensor2D } {
  const next = gruStep(model.decoder.u as tf.Tensor2D, input, state);
  // Dot-product attention over the encoder states, without batched matMul.
  const scores = tf.add(tf.sum(tf.mul(memory, tf.expandDims(next, 1)), 2), maskBias);
  const attention = tf.softmax(scores);
  const context = tf.sum(tf.mul(memory, tf.expandDims(attention, 2)), 1) as tf.Tensor2D;
  const features = tf.tanh(tf.matMul(tf.concat([next, context], 1), model.combine)) as tf.Tensor2D;
  return { features, state: next };
}

/** Next-token logits from attentional features: W_o f + b_o. */
function outputLogits(model: Seq2Seq, features: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(features, model.output), model.outputBias) as tf.Tensor2D;
}

/**
 * One decoder step for a batch of hypotheses: the previous tokens [R] (int32) and states [R, 2H],
 * with the encoder output rows they attend to. Returns the logits [R, V] and the new states.
 */
export function decodeStep(
  model: Seq2Seq,
  previous: tf.Tensor1D,
  state: tf.Tensor2D,
  memory: tf.Tensor3D,
  maskBias: tf.Tensor2D,
): { logits: tf.Tensor2D; state: tf.Tensor2D } {
  const step = decoderFeatures(model, decoderInput(model, previous), state, memory, maskBias);
  return { logits: outputLogits(model, step.features), state: step.state };
}

/**
 * The teacher-forced loss of a batch: the mean over name tokens of −log p_θ(y_i | y_<i, x).
 * `targetIn` is [BOS] y_1 … y_{N−1}, `targetOut` is y_1 … y_N ([EOS] last), both [B, L] with 0-padding,
 * `targetMask` [B, L] float.
 */
export function nameLoss(
  model: Seq2Seq,
  source: tf.Tensor2D,
  sourceMask: tf.Tensor2D,
  targetIn: tf.Tensor2D,
  targetOut: tf.Tensor2D,
  targetMask: tf.Tensor2D,
): tf.Scalar {
  const { memory, maskBias, initial } = encode(model, source, sourceMask);
  const [batch, length] = targetIn.shape;
  const decoderSize = initial.shape[1];
  const inputs = tf.unstack(
    tf.reshape(decoderInput(model, tf.reshape(targetIn, [-1]) as tf.Tensor1D), [batch, length, 3 * decoderSize]),
    1,
  ) as tf.Tensor2D[];
  let state = initial;
  const features: tf.Tensor2D[] = [];
  for (let i = 0; i < length; i++) {
    const step = decoderFeatures(model, inputs[i] as tf.Tensor2D, state, memory, maskBias);
    features.push(step.features);
    state = step.state;
  }
  const stacked = tf.stack(features, 1);
  const logits = outputLogits(model, tf.reshape(stacked, [batch * length, -1]) as tf.Tensor2D);
  // ℒ(θ) = −Σ_{(x, e)} Σ_{i=1}^{N_e} log p_θ(y_{e,i} | y_{e,<i}, x)   (training loss, teacher forcing)
  // @paper genre training-loss
  const logProbs = logSoftmaxRows(logits);
  const gold = tf.oneHot(tf.reshape(tf.cast(targetOut, 'int32'), [-1]), model.sizes.vocabulary);
  const tokenLoss = tf.neg(tf.sum(tf.mul(gold, logProbs), 1));
  const weights = tf.reshape(targetMask, [-1]);
  return tf.div(tf.sum(tf.mul(tokenLoss, weights)), tf.sum(weights));
}
