/**
 * The shared dual encoder g (equations `dual-encoder`, `hashed-encoder`): the mean of the hashed
 * sub-word embeddings of a text, one linear map without bias, L2 normalisation. Plain typed arrays:
 * the same forward code runs in the training loop and in the refresh worker that re-encodes the
 * corpus, and the embedding table's gradient stays sparse (only the rows a batch touches).
 */
import type { Rng } from '../engine/rng';
import type { GramTable } from './text';

export interface EncoderWeights {
  /** Rows of the embedding table E. */
  readonly buckets: number;
  /** Embedding and output width. */
  readonly dim: number;
  /** E, row-major `buckets × dim`. */
  readonly table: Float32Array;
  /** W, row-major `dim × dim`: h_k = Σ_l W_kl ē_l. */
  readonly linear: Float32Array;
}

/** E ~ N(0, 1/dim) entries, W ~ N(0, 1/dim): the output starts at roughly unit scale before normalising. */
export function initEncoder(buckets: number, dim: number, rng: Rng): EncoderWeights {
  const std = 1 / Math.sqrt(dim);
  return { buckets, dim, table: rng.normals(buckets * dim, std), linear: rng.normals(dim * dim, std) };
}

export function copyWeights(w: EncoderWeights): EncoderWeights {
  return { buckets: w.buckets, dim: w.dim, table: w.table.slice(), linear: w.linear.slice() };
}

/** ē(t) = mean of E over the ids of row `row` of `grams`, into `out` (zeros for a text without units). */
export function meanEmbedding(w: EncoderWeights, grams: GramTable, row: number, out: Float32Array): number {
  const { dim, table } = w;
  const from = grams.offsets[row] as number;
  const to = grams.offsets[row + 1] as number;
  out.fill(0);
  for (let i = from; i < to; i++) {
    const base = (grams.ids[i] as number) * dim;
    for (let l = 0; l < dim; l++) out[l] = (out[l] as number) + (table[base + l] as number);
  }
  const n = to - from;
  if (n > 0) for (let l = 0; l < dim; l++) out[l] = (out[l] as number) / n;
  return n;
}

/** h = W ē into `h`, then g = h / ‖h‖ into `g`; returns ‖h‖ (g = 0 when h = 0). */
export function project(w: EncoderWeights, mean: Float32Array, h: Float32Array, g: Float32Array): number {
  const { dim, linear } = w;
  let norm = 0;
  for (let k = 0; k < dim; k++) {
    let s = 0;
    const base = k * dim;
    for (let l = 0; l < dim; l++) s += (linear[base + l] as number) * (mean[l] as number);
    h[k] = s;
    norm += s * s;
  }
  norm = Math.sqrt(norm);
  // @paper ance hashed-encoder
  for (let k = 0; k < dim; k++) g[k] = norm > 0 ? (h[k] as number) / norm : 0;
  return norm;
}

/** g(t) for every row of `grams`: a row-major `rows × dim` matrix of unit vectors. */
export function encodeAll(w: EncoderWeights, grams: GramTable): Float32Array {
  const n = grams.offsets.length - 1;
  const out = new Float32Array(n * w.dim);
  const mean = new Float32Array(w.dim);
  const h = new Float32Array(w.dim);
  const g = new Float32Array(w.dim);
  for (let i = 0; i < n; i++) {
    meanEmbedding(w, grams, i, mean);
    project(w, mean, h, g);
    out.set(g, i * w.dim);
  }
  return out;
}
