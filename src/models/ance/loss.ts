/**
 * The contrastive loss of a batch and its gradient, written out by hand (equations `nll-loss`,
 * `loss-gradient`): for query q with candidates [d⁺, d⁻₁ … d⁻ₙ], s_j = ⟨g(q), g(d_j)⟩ / τ and
 * ℓ = −log softmax(s)₀, averaged over the batch. The backward pass runs through the normalisation,
 * the linear map and the mean of embeddings, accumulating the table's gradient only in the rows the
 * batch touches. Checked against finite differences in test/unit/ance/loss.test.ts.
 */
import { meanEmbedding, project, type EncoderWeights } from './encoder';
import type { GramTable } from './text';

/** Gradient buffers: dense for W, sparse (touched rows listed) for E. Reused across steps. */
export class Gradient {
  readonly linear: Float32Array;
  /** Full-size scratch for E's gradient; only `rows` are non-zero. */
  readonly table: Float32Array;
  readonly rows: number[] = [];
  private readonly touched: Uint8Array;

  constructor(readonly weights: EncoderWeights) {
    this.linear = new Float32Array(weights.dim * weights.dim);
    this.table = new Float32Array(weights.buckets * weights.dim);
    this.touched = new Uint8Array(weights.buckets);
  }

  /** Marks a row of E as touched (so it is updated and cleared). */
  touch(row: number): void {
    if (this.touched[row] === 0) {
      this.touched[row] = 1;
      this.rows.push(row);
    }
  }

  /** ‖∇θ ℓ‖₂ over W and E. */
  norm(): number {
    // ‖∇θ ℓ‖₂ = √( Σ_{k,l} (∂ℓ/∂W_kl)² + Σ_{r touched} Σ_l (∂ℓ/∂E_rl)² )
    let sum = 0;
    for (const v of this.linear) sum += v * v;
    const dim = this.weights.dim;
    for (const row of this.rows) {
      for (let l = 0; l < dim; l++) {
        const v = this.table[row * dim + l] as number;
        sum += v * v;
      }
    }
    return Math.sqrt(sum);
  }

  clear(): void {
    this.linear.fill(0);
    const dim = this.weights.dim;
    for (const row of this.rows) {
      this.table.fill(0, row * dim, (row + 1) * dim);
      this.touched[row] = 0;
    }
    this.rows.length = 0;
  }
}

/** One encoded text with what its backward pass needs. */
interface Encoded {
  readonly grams: GramTable;
  readonly row: number;
  readonly mean: Float32Array;
  readonly g: Float32Array;
  readonly norm: number;
  /** ∂L/∂g, accumulated. */
  readonly dg: Float32Array;
}

function encodeOne(w: EncoderWeights, grams: GramTable, row: number): Encoded {
  const mean = new Float32Array(w.dim);
  const h = new Float32Array(w.dim);
  const g = new Float32Array(w.dim);
  meanEmbedding(w, grams, row, mean);
  const norm = project(w, mean, h, g);
  return { grams, row, mean, g, norm, dg: new Float32Array(w.dim) };
}

/** Backward through g = h/‖h‖, h = W ē, ē = mean of E rows, accumulating into `grad`. */
function backward(w: EncoderWeights, e: Encoded, grad: Gradient, dh: Float32Array, dmean: Float32Array): void {
  const { dim, linear } = w;
  if (e.norm === 0) return;
  // g = h / ‖h‖₂  ⇒  ∂ℓ/∂h = ( ∂ℓ/∂g − g ⟨g, ∂ℓ/∂g⟩ ) / ‖h‖₂
  let gdg = 0;
  for (let k = 0; k < dim; k++) gdg += (e.g[k] as number) * (e.dg[k] as number);
  for (let k = 0; k < dim; k++) dh[k] = ((e.dg[k] as number) - (e.g[k] as number) * gdg) / e.norm;
  // h = W ē  ⇒  ∂ℓ/∂W_kl += (∂ℓ/∂h)_k ē_l,  ∂ℓ/∂ē = Wᵀ ∂ℓ/∂h
  dmean.fill(0);
  const dW = grad.linear;
  const mean = e.mean;
  for (let k = 0; k < dim; k++) {
    const dhk = dh[k] as number;
    if (dhk === 0) continue;
    const base = k * dim;
    for (let l = 0; l < dim; l++) {
      dW[base + l] = (dW[base + l] as number) + dhk * (mean[l] as number);
      dmean[l] = (dmean[l] as number) + (linear[base + l] as number) * dhk;
    }
  }
  const from = e.grams.offsets[e.row] as number;
  const to = e.grams.offsets[e.row + 1] as number;
  const n = to - from;
  // ē(t) = (1/|G(t)|) Σ_{u ∈ G(t)} E_{h(u)}  ⇒  ∂ℓ/∂E_{h(u)} += (∂ℓ/∂ē) / |G(t)| for each u ∈ G(t)
  for (let l = 0; l < dim; l++) dmean[l] = (dmean[l] as number) / n;
  const table = grad.table;
  for (let i = from; i < to; i++) {
    const row = e.grams.ids[i] as number;
    grad.touch(row);
    const base = row * dim;
    for (let l = 0; l < dim; l++) table[base + l] = (table[base + l] as number) + (dmean[l] as number);
  }
}

export interface Batch {
  /** Rows of the query gram table. */
  readonly queries: readonly number[];
  /** Per query, its candidate documents: the positive first, then the negatives. */
  readonly candidates: readonly (readonly number[])[];
}

/**
 * Loss of a batch (mean over queries) and, when `grad` is given, its gradient added into `grad`
 * (clear it first). τ is the temperature.
 */
export function batchLoss(
  w: EncoderWeights,
  queryGrams: GramTable,
  docGrams: GramTable,
  batch: Batch,
  tau: number,
  grad?: Gradient,
): number {
  const size = batch.queries.length;
  const encoded: Encoded[] = [];
  let total = 0;
  batch.queries.forEach((qRow, i) => {
    const q = encodeOne(w, queryGrams, qRow);
    const docs = (batch.candidates[i] ?? []).map((d) => encodeOne(w, docGrams, d));
    // f(q, d) = ⟨g(q), g(d)⟩;  s_j = f(q, d_j) / τ  for the candidates d_0 = d⁺, d_1 … d_n ∈ D⁻_q
    // @paper ance dual-encoder
    const scores = docs.map((d) => dot(q.g, d.g) / tau);
    const max = Math.max(...scores);
    const exps = scores.map((s) => Math.exp(s - max));
    const z = exps.reduce((a, b) => a + b, 0);
    // ℓ = −log( e^{f(q,d⁺)/τ} / ( e^{f(q,d⁺)/τ} + Σ_{d⁻ ∈ D⁻_q} e^{f(q,d⁻)/τ} ) ) = −log( e^{s_0} / Σ_j e^{s_j} ),
    // computed as −log( e^{s_0 − max_j s_j} / Σ_j e^{s_j − max_j s_j} ) (the same value, without overflow)
    // @paper ance nll-loss
    total += -Math.log((exps[0] as number) / z);
    if (!grad) return;
    docs.forEach((d, j) => {
      // ∂ℓ/∂f(q, d_j) = (1/τ) ( p(d_j | q) − 𝟙[d_j = d⁺] ),  p(d_j | q) = e^{s_j} / Σ_{j'} e^{s_{j'}},
      // divided by the batch size B for the batch mean L = (1/B) Σ_q ℓ_q; then, as f(q, d_j) = ⟨g(q), g(d_j)⟩,
      // ∂L/∂g(q) += ∂L/∂f(q, d_j) · g(d_j)  and  ∂L/∂g(d_j) += ∂L/∂f(q, d_j) · g(q)
      // @paper ance loss-gradient
      const ds = ((exps[j] as number) / z - (j === 0 ? 1 : 0)) / size / tau;
      for (let k = 0; k < w.dim; k++) {
        q.dg[k] = (q.dg[k] as number) + ds * (d.g[k] as number);
        d.dg[k] = (d.dg[k] as number) + ds * (q.g[k] as number);
      }
    });
    encoded.push(q, ...docs);
  });
  if (grad) {
    const dh = new Float32Array(w.dim);
    const dmean = new Float32Array(w.dim);
    for (const e of encoded) backward(w, e, grad, dh, dmean);
  }
  // L = (1/B) Σ_q ℓ_q
  return total / Math.max(1, size);
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k] as number) * (b[k] as number);
  return s;
}
