/**
 * The RIM cell: K small recurrent modules with independent parameters, of which the k_A that
 * attend most to the input are updated at each step.
 *
 * Vectorised across modules: module states are [B, K, H] and every per-module projection is one
 * block-diagonal matMul, [B, K·a] × blockdiag(W_1 … W_K) [K·a, K·b], the official code's
 * `blockify_params` layout. Each weight is stored full-size and multiplied by its constant
 * block mask once per unroll, so off-block entries neither act nor learn.
 *
 * One step, for state (h, c) and input x_t:
 *   1. input attention over X = ∅ ⊕ x_t                   → attended input A_k, null weight α_{k,∅}
 *   2. top-k selection by least null weight               → mask m_k ∈ {0, 1}
 *   3. independent LSTM update, kept for active modules   → h̃_k = m_k LSTM_k(h_k, A_k) + (1 − m_k) h_k
 *   4. communication among modules, residual, active only → h_k = h̃_k + m_k · MHA_k(h̃)
 * Inactive modules keep (h, c) bit for bit, and the mask (computed without gradient) cuts every
 * gradient path through their cell at that step.
 *
 * Options that follow the official code (event_based/blocks_core.py, attention.py) where it
 * differs from the paper's equations, each a field of RimSize:
 *   - `commGated`: the communication output is g ⊙ tanh(fc(o)) with g = σ(gate_fc(o)), fc and
 *     gate_fc shared by the modules, instead of a per-module linear map W^o_k o;
 *   - `dropout`: dropout on the attended input A and on fc(o), in training only;
 *   - `learnedInitialState`: a learned h₀ (off: zeros, as the official code);
 *   - `commReadsUpdates`: communication attends over every module's new cell state, inactive
 *     modules' included (then discarded; their gradient through the attention is blocked), as
 *     the official code does, instead of over the states after inactive modules kept theirs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { lstmCell } from '../engine/recurrentCells';
import type { Rng } from '../engine/rng';

export interface RimSize {
  /** Number of modules K. */
  readonly modules: number;
  /** Active modules per step k_A. */
  readonly active: number;
  /** Units per module H. */
  readonly units: number;
  /** Input attention key size d_e (one head). */
  readonly inputKey: number;
  /** Input attention value size d_v: the size of A_k fed to each module's cell. */
  readonly inputValue: number;
  /** Communication attention heads and per-head size (d = d_k = d_v). */
  readonly commHeads: number;
  readonly commKey: number;
  /** Communication output g ⊙ tanh(fc(o)) with shared fc, gate_fc (else a per-module linear W^o_k). */
  readonly commGated: boolean;
  /** Dropout rate on the attended input and on the communication output, in training only. */
  readonly dropout: number;
  /** A learned initial state h₀ (else zeros). */
  readonly learnedInitialState: boolean;
  /** Communication reads every module's new cell state, inactive modules' included (else the kept states). */
  readonly commReadsUpdates: boolean;
}

/** A dense layer shared by the modules: o W + b. */
export interface Dense {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
}

/** A per-module weight: a full [K·a, K·b] matrix of which only the diagonal blocks are used. */
export interface BlockWeight {
  readonly w: tf.Variable;
  /** Constant 0/1 mask of the diagonal blocks. */
  readonly blocks: tf.Tensor2D;
}

export interface RimParams {
  readonly size: RimSize;
  /** W^e [V, d_e] and W^v [V, d_v]: keys and values of the input rows, shared by the modules. */
  readonly inputKeyW: tf.Variable;
  readonly inputValueW: tf.Variable;
  /** W^q_k, blocks [H, d_e]: each module's query. */
  readonly inputQuery: BlockWeight;
  /** Each module's LSTM: input blocks [d_v, 4H], recurrent blocks [H, 4H], bias [K·4H]. */
  readonly cellInput: BlockWeight;
  readonly cellRecurrent: BlockWeight;
  readonly cellBias: tf.Variable;
  /** Communication: query/key/value blocks [H, 3·heads·d]. */
  readonly commQkv: BlockWeight;
  /** Communication output, per-module blocks [heads·d, H] (when not `commGated`). */
  readonly commOut: BlockWeight | null;
  /** Communication output fc and gate_fc [heads·d, H], shared by the modules (when `commGated`). */
  readonly commFc: Dense | null;
  readonly commGate: Dense | null;
  /** Learned initial state h₀ [1, K, H] (c₀ = 0), when `learnedInitialState`; else h₀ = 0. */
  readonly h0: tf.Variable | null;
}

/** Dropout in training: its rate and the generator of the mask seeds. */
export interface DropoutSource {
  readonly rate: number;
  readonly rng: Rng;
}

/** The block weights, materialised once per unroll: blockdiag(W_k) = W ⊙ blocks. */
export interface RimWeights {
  readonly params: RimParams;
  readonly inputQuery: tf.Tensor2D;
  readonly cellInput: tf.Tensor2D;
  readonly cellRecurrent: tf.Tensor2D;
  readonly commQkv: tf.Tensor2D;
  readonly commOut: tf.Tensor2D | null;
  /** Constant [heads, heads·d]: row h has ones over head h's columns. */
  readonly headSpread: tf.Tensor2D;
  /** Dropout of this unroll (training), or null (evaluation). */
  readonly dropout: DropoutSource | null;
}

export interface RimState {
  /** [B, K, H] */
  readonly h: tf.Tensor3D;
  readonly c: tf.Tensor3D;
}

function blockMask(modules: number, rows: number, cols: number): Float32Array {
  const mask = new Float32Array(modules * rows * modules * cols);
  for (let k = 0; k < modules; k++)
    for (let r = 0; r < rows; r++)
      mask.fill(1, (k * rows + r) * modules * cols + k * cols, (k * rows + r) * modules * cols + (k + 1) * cols);
  return mask;
}

/** Independent Gaussian blocks with standard deviation 1/√rows (zeros off the blocks). */
function blockWeight(rng: Rng, modules: number, rows: number, cols: number): BlockWeight {
  const mask = blockMask(modules, rows, cols);
  const values = rng.normals(mask.length, 1 / Math.sqrt(rows)).map((v, i) => v * (mask[i] as number));
  const shape: [number, number] = [modules * rows, modules * cols];
  return { w: tf.tidy(() => tf.variable(tf.tensor2d(values, shape), true)), blocks: tf.tensor2d(mask, shape) };
}

function dense(rng: Rng, rows: number, cols: number): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor2d(rng.normals(rows * cols, 1 / Math.sqrt(rows)), [rows, cols]), true));
}

/** A shared layer with weights of standard deviation 1/√rows and a zero bias. */
function denseLayer(rng: Rng, rows: number, cols: number): Dense {
  return { w: dense(rng, rows, cols), b: tf.tidy(() => tf.variable(tf.zeros([cols]), true)) };
}

export function initRim(size: RimSize, inputSize: number, rng: Rng): RimParams {
  const { modules: k, units: h, inputKey, inputValue, commHeads, commKey, commGated } = size;
  // Forget-gate bias 1 (gate order i, f, g, o within each module's 4H block).
  const bias = new Float32Array(k * 4 * h);
  for (let m = 0; m < k; m++) bias.fill(1, m * 4 * h + h, m * 4 * h + 2 * h);
  return {
    size,
    inputKeyW: dense(rng, inputSize, inputKey),
    inputValueW: dense(rng, inputSize, inputValue),
    inputQuery: blockWeight(rng, k, h, inputKey),
    cellInput: blockWeight(rng, k, inputValue, 4 * h),
    cellRecurrent: blockWeight(rng, k, h, 4 * h),
    cellBias: tf.tidy(() => tf.variable(tf.tensor1d(bias), true)),
    commQkv: blockWeight(rng, k, h, 3 * commHeads * commKey),
    commOut: commGated ? null : blockWeight(rng, k, commHeads * commKey, h),
    commFc: commGated ? denseLayer(rng, commHeads * commKey, h) : null,
    commGate: commGated ? denseLayer(rng, commHeads * commKey, h) : null,
    h0: size.learnedInitialState
      ? tf.tidy(() => tf.variable(tf.tensor3d(rng.normals(k * h, 1), [1, k, h]), true))
      : null,
  };
}

export function rimVariables(p: RimParams): tf.Variable[] {
  return [
    p.inputKeyW,
    p.inputValueW,
    p.inputQuery.w,
    p.cellInput.w,
    p.cellRecurrent.w,
    p.cellBias,
    p.commQkv.w,
    ...(p.commOut ? [p.commOut.w] : []),
    ...[p.commFc, p.commGate].flatMap((d) => (d ? [d.w, d.b] : [])),
    ...(p.h0 ? [p.h0] : []),
  ];
}

export function disposeRim(p: RimParams): void {
  tf.dispose([
    ...rimVariables(p),
    p.inputQuery.blocks,
    p.cellInput.blocks,
    p.cellRecurrent.blocks,
    p.commQkv.blocks,
    ...(p.commOut ? [p.commOut.blocks] : []),
  ]);
}

/**
 * Applies the block masks; call once per unroll (inside the caller's tidy and gradient scope).
 * `dropout` (training only) draws a fresh mask for each use from its generator.
 */
export function rimWeights(p: RimParams, dropout: DropoutSource | null = null): RimWeights {
  const apply = (b: BlockWeight): tf.Tensor2D => tf.mul(b.w, b.blocks);
  return {
    params: p,
    inputQuery: apply(p.inputQuery),
    cellInput: apply(p.cellInput),
    cellRecurrent: apply(p.cellRecurrent),
    commQkv: apply(p.commQkv),
    commOut: p.commOut ? apply(p.commOut) : null,
    dropout: dropout && dropout.rate > 0 ? dropout : null,
    headSpread: tf.tensor2d(blockMask(p.size.commHeads, 1, p.size.commKey), [
      p.size.commHeads,
      p.size.commHeads * p.size.commKey,
    ]),
  };
}

export function initialRimState(p: RimParams, batch: number): RimState {
  const { modules, units } = p.size;
  const zeros = (): tf.Tensor3D => tf.zeros([batch, modules, units]);
  return { h: p.h0 ? (tf.tile(p.h0, [batch, 1, 1]) as tf.Tensor3D) : zeros(), c: zeros() };
}

/** Inverted dropout (kept entries scaled by 1/(1 − rate)) in training; the identity otherwise. */
export function maybeDropout<T extends tf.Tensor>(w: RimWeights, x: T): T {
  if (!w.dropout) return x;
  return tf.dropout(x, w.dropout.rate, undefined, w.dropout.rng.seed()) as T;
}

/** [B, K, a] × blockdiag(W_k) → [B, K, b]: every module's own projection in one matMul. */
function perModule(x: tf.Tensor3D, w: tf.Tensor2D, modules: number): tf.Tensor3D {
  const [batch, k, a] = x.shape;
  return tf.reshape(tf.matMul(tf.reshape(x, [batch, k * a]), w), [batch, modules, -1]);
}

/** The input rows' keys x_t W^e [L, B, d_e] and values x_t W^v [L, B, d_v], for a whole sequence at once. */
export interface InputRows {
  readonly keys: tf.Tensor2D[];
  readonly values: tf.Tensor2D[];
}

export function inputRows(p: RimParams, inputs: tf.Tensor3D): InputRows {
  const [length, batch, inputSize] = inputs.shape;
  const flat = tf.reshape(inputs, [length * batch, inputSize]);
  const split = (w: tf.Variable): tf.Tensor2D[] =>
    tf.unstack(tf.reshape(tf.matMul(flat, w), [length, batch, -1])) as tf.Tensor2D[];
  return { keys: split(p.inputKeyW), values: split(p.inputValueW) };
}

/**
 * Input attention over the rows X = ∅ ⊕ x_t: keys X W^e and values X W^v are shared, the query
 * h_k W^q_k is each module's own,
 *   α_k = softmax(h_k W^q_k (X W^e)ᵀ / √d_e),   A_k = α_k X W^v.
 * The null row is all zeros and W^e, W^v have no bias, so its key and value are zero and its
 * score is 0: the softmax over the two rows is α_{k,x} = σ(s_k), α_{k,∅} = 1 − σ(s_k) with
 * s_k = h_k W^q_k (x_t W^e)ᵀ / √d_e, and A_k = α_{k,x} x_t W^v.
 * Returns A [B, K, d_v] and the weight on the null row α_{k,∅} [B, K].
 */
export function inputAttention(
  w: RimWeights,
  h: tf.Tensor3D,
  inputKey: tf.Tensor2D,
  inputValue: tf.Tensor2D,
): { attended: tf.Tensor3D; nullWeight: tf.Tensor2D } {
  const [batch, keySize] = inputKey.shape;
  const { modules } = w.params.size;
  // A_k = softmax(h_k W^q_k (X W^e)ᵀ / √d_e) X W^v,   X = ∅ ⊕ x_t   (input attention with a null row)
  // @paper rims input-attention
  const queries = perModule(h, w.inputQuery, modules); // [B, K, d_e]
  const scores = tf.sum(tf.mul(queries, tf.reshape(inputKey, [batch, 1, keySize])), 2); // [B, K]
  const inputWeight = tf.sigmoid(tf.div(scores, Math.sqrt(keySize)));
  const attended = tf.mul(tf.expandDims(inputWeight, 2), tf.expandDims(inputValue, 1)) as tf.Tensor3D;
  return { attended: maybeDropout(w, attended), nullWeight: tf.sub(1, inputWeight) };
}

/**
 * Top-k selection: S_t = the k_A modules with the least attention on the null row. Returns the
 * mask [B, K, 1] (1 active, 0 inactive). The choice is discrete: no gradient flows through it.
 */
export function selectActiveModules(nullWeight: tf.Tensor2D, active: number): tf.Tensor3D {
  const withoutGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const weights = args[0] as tf.Tensor2D;
    const modules = weights.shape[1];
    // S_t = top_{k_A} { 1 − α_{k,∅} : k = 1, …, K }   (top-k module selection)
    // @paper rims top-k-selection
    const { indices } = tf.topk(tf.neg(weights), active); // [B, k_A]: least null weight first
    const mask = tf.sum(tf.oneHot(indices, modules), 1); // [B, K]
    return { value: tf.expandDims(mask, 2), gradFunc: () => tf.zerosLike(weights) };
  });
  return withoutGradient(nullWeight) as tf.Tensor3D;
}

/**
 * Independent dynamics: every module runs its own LSTM on its attended input,
 *   [i f g o]_k = A_k W^x_k + h_k W^h_k + b_k,  c̃_k = σ(f) c_k + σ(i) tanh(g),  h̃_k = σ(o) tanh(c̃_k),
 * then active modules take the new state and inactive ones keep theirs: (h, c) ← m (h̃, c̃) + (1 − m) (h, c),
 * exactly the old state where m = 0, with no gradient reaching that module's cell. The cell and the
 * keep are one fused kernel where the backend has it (`lstmCell`). With `mask` null every module
 * takes its new state (the caller keeps the old ones later).
 */
export function independentDynamics(
  w: RimWeights,
  state: RimState,
  attended: tf.Tensor3D,
  mask: tf.Tensor3D | null,
): RimState {
  const { modules, units } = w.params.size;
  const [batch] = state.h.shape;
  // h̃_{t,k} = LSTM_k(h_{t−1,k}, A_k; θ_k),   k ∈ S_t   (independent dynamics of active modules)
  // @paper rims independent-dynamics
  const gates = tf.reshape(
    tf.add(
      tf.add(perModule(attended, w.cellInput, modules), perModule(state.h, w.cellRecurrent, modules)),
      tf.reshape(w.params.cellBias, [modules, 4 * units]),
    ),
    [-1, 4 * units],
  ) as tf.Tensor2D; // rows (b, k), each module's [i f g o]
  const rows = (t: tf.Tensor3D): tf.Tensor2D => tf.reshape(t, [-1, units]);
  // h_{t,k} = h_{t−1,k},   k ∉ S_t   (inactive modules keep their state)
  // @paper rims inactive-frozen
  const next = lstmCell(gates, rows(state.c), rows(state.h), mask ? tf.reshape(mask, [-1, 1]) : null);
  const back = (t: tf.Tensor2D): tf.Tensor3D => tf.reshape(t, [batch, modules, units]);
  return { h: back(next.h), c: back(next.c) };
}

/**
 * Communication: every module attends over all modules' states h̃ with `heads` heads of size d,
 * through its own projections Q_k = h̃_k W^q_k, K_j = h̃_j W^k_j, V_j = h̃_j W^v_j, read
 *   o_k = [softmax_j(Q_k K_jᵀ / √d) V_j]_heads,
 * then the update u_k = W^o_k o_k, or with `commGated` u_k = σ(o_k W_g + b_g) ⊙ tanh(drop(o_k W_f + b_f))
 * (fc and gate_fc shared by the modules), and the residual h_k = h̃_k + m_k u_k that only active
 * modules take (inactive ones stay bit for bit). Returns h̃ + m ⊙ u.
 * Written with broadcasts over [B, K, K, heads·d] (K is small), which run faster than tiny
 * batched matMuls per (sequence, head).
 */
export function communicationAttention(w: RimWeights, hTilde: tf.Tensor3D, mask: tf.Tensor3D): tf.Tensor3D {
  return tf.add(hTilde, tf.mul(mask, communicationUpdate(w, hTilde)));
}

/** The communication update u [B, K, H] of every module, before the residual and the mask. */
export function communicationUpdate(w: RimWeights, hTilde: tf.Tensor3D): tf.Tensor3D {
  const { modules, commHeads: heads, commKey: d } = w.params.size;
  const batch = hTilde.shape[0];
  const width = heads * d;
  // h_{t,k} = softmax(Q_k Kᵀ / √d) V + h̃_{t,k},   Q = h̃ W^q, K = h̃ W^k, V = h̃ W^v,   k ∈ S_t
  //   (communication between modules)
  // @paper rims communication
  const qkv = tf.reshape(perModule(hTilde, w.commQkv, modules), [batch, modules, 3, width]);
  const [q, k, v] = tf.split(qkv, 3, 2) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D]; // each [B, K, 1, heads·d]
  const keys = tf.reshape(k, [batch, 1, modules, width]);
  const products = tf.reshape(tf.mul(q, keys), [batch * modules * modules * heads, d]); // (b, i, j, head)
  const scores = tf.reshape(tf.div(tf.sum(products, 1), Math.sqrt(d)), [batch, modules, modules, heads]);
  const weights = tf.softmax(tf.transpose(scores, [0, 1, 3, 2])); // over j: [B, K_i, heads, K_j]
  // Spread each head's weight over its d value columns: [B, K_i, K_j, heads·d].
  const perPair = tf.reshape(tf.transpose(weights, [0, 1, 3, 2]), [batch * modules * modules, heads]);
  const spread = tf.reshape(tf.matMul(perPair, w.headSpread), [batch, modules, modules, width]);
  const read = tf.sum(tf.mul(spread, tf.reshape(v, [batch, 1, modules, width])), 2) as tf.Tensor3D; // [B, K, heads·d]
  const { commFc, commGate } = w.params;
  if (w.commOut) return maybeDropout(w, perModule(read, w.commOut, modules));
  if (!commFc || !commGate) throw new Error('communication output weights missing');
  // u_k = σ(o_k W_g + b_g) ⊙ tanh(drop(o_k W_f + b_f))   (gated communication output, official code)
  const o = tf.reshape(read, [batch * modules, width]);
  const fc = maybeDropout(w, tf.add(tf.matMul(o, commFc.w), commFc.b));
  const gate = tf.sigmoid(tf.add(tf.matMul(o, commGate.w), commGate.b));
  return tf.reshape(tf.mul(gate, tf.tanh(fc)), [batch, modules, -1]);
}

/** Identity forward; the gradient is multiplied by `mask` (broadcast), so masked entries send none back. */
function blockGradient(x: tf.Tensor3D, mask: tf.Tensor3D): tf.Tensor3D {
  const blocked = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [value, m, save] = args as [tf.Tensor3D, tf.Tensor3D, tf.GradSaveFunc];
    save([m]);
    return {
      value: tf.clone(value),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const kept = saved[0] as tf.Tensor;
        return [tf.mul(dy as tf.Tensor, kept), tf.zerosLike(kept)];
      },
    };
  });
  return blocked(x, tf.cast(mask, 'float32')) as tf.Tensor3D;
}

export interface RimStep {
  readonly state: RimState;
  /** [B, K, 1]: 1 where the module was active this step. */
  readonly mask: tf.Tensor3D;
}

/** One step of the RIM cell on a batch of inputs x_t, given as their key and value rows ([B, d_e], [B, d_v]). */
export function rimStep(w: RimWeights, state: RimState, inputKey: tf.Tensor2D, inputValue: tf.Tensor2D): RimStep {
  const { attended, nullWeight } = inputAttention(w, state.h, inputKey, inputValue);
  const mask = selectActiveModules(nullWeight, w.params.size.active);
  if (!w.params.size.commReadsUpdates) {
    const tilde = independentDynamics(w, state, attended, mask);
    return { state: { h: communicationAttention(w, tilde.h, mask), c: tilde.c }, mask };
  }
  // Every module updates; communication reads all new states, the gradient through the attention
  // reaching active modules only; then inactive modules take back their old (h, c).
  const next = independentDynamics(w, state, attended, null);
  const update = communicationUpdate(w, blockGradient(next.h, mask));
  const keep = (fresh: tf.Tensor3D, old: tf.Tensor3D): tf.Tensor3D =>
    tf.add(tf.mul(mask, fresh), tf.mul(tf.sub(1, mask), old));
  return { state: { h: keep(tf.add(next.h, update), state.h), c: keep(next.c, state.c) }, mask };
}

/** The options that change the parameter count, as the official code has them (gated output, zero h₀). */
export const OFFICIAL_COUNTED_OPTIONS = { commGated: true, learnedInitialState: false } as const;

/** The sizes a parameter count reads; absent options are the official ones. */
export type RimCountedSize = Omit<RimSize, 'commGated' | 'learnedInitialState' | 'dropout' | 'commReadsUpdates'> &
  Partial<Pick<RimSize, 'commGated' | 'learnedInitialState'>>;

/** Parameters of a RIM of this size with `inputSize` inputs (the diagonal blocks only; no readout). */
export function rimParameterCount(sizes: RimCountedSize, inputSize: number): number {
  const size = {
    ...sizes,
    commGated: sizes.commGated ?? OFFICIAL_COUNTED_OPTIONS.commGated,
    learnedInitialState: sizes.learnedInitialState ?? OFFICIAL_COUNTED_OPTIONS.learnedInitialState,
  };
  const { modules: k, units: h, inputKey, inputValue, commHeads, commKey } = size;
  const width = commHeads * commKey;
  return (
    inputSize * (inputKey + inputValue) +
    k * h * inputKey +
    k * ((inputValue + h) * 4 * h + 4 * h) +
    k * h * 3 * width +
    (size.commGated ? 2 * (width * h + h) : k * width * h) +
    (size.learnedInitialState ? k * h : 0)
  );
}
