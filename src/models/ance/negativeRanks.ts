/**
 * How hard the sampled negatives are. For a query q with relevant documents D⁺, a sampled negative
 * d⁻ is ranked among all documents outside D⁺ by the encoder's current score f(q, d) = ⟨g(q), g(d)⟩:
 * rank 1 is the document the model currently confuses most with a relevant one. Random
 * negatives sit around the middle of the corpus, ANCE's near the top — the reason their gradients
 * are larger (equation `ance-negatives`). ANCE's index is built from an older snapshot, so between
 * refreshes its negatives drift down the current ranking: the plot of these ranks shows the
 * staleness the asynchronous refresh trades for throughput.
 */
import { meanEmbedding, project, type EncoderWeights } from './encoder';
import { dotAt } from './search';
import type { GramTable } from './text';

/** g(t) for the given rows of `grams`, as a row-major `rows.length × dim` matrix. */
export function encodeRows(w: EncoderWeights, grams: GramTable, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * w.dim);
  const mean = new Float32Array(w.dim);
  const h = new Float32Array(w.dim);
  const g = new Float32Array(w.dim);
  rows.forEach((row, i) => {
    meanEmbedding(w, grams, row, mean);
    project(w, mean, h, g);
    out.set(g, i * w.dim);
  });
  return out;
}

/**
 * The 1-based rank of each negative among the documents outside the query's relevant ones, by
 * inner product with the query (ties broken by lower document index, as in `topK`).
 *
 * @param queries  encoded queries, row-major `nq × dim`
 * @param docs     encoded corpus, row-major `nd × dim`
 * @param relevant  the relevant documents of each query
 * @param negatives  the sampled negatives of each query
 * @returns the ranks, query by query, negative by negative
 */
export function negativeRanks(
  queries: Float32Array,
  docs: Float32Array,
  dim: number,
  relevant: readonly (readonly number[])[],
  negatives: readonly (readonly number[])[],
): number[] {
  const nd = docs.length / dim;
  const scores = new Float32Array(nd);
  const ranks: number[] = [];
  relevant.forEach((positives, q) => {
    for (let d = 0; d < nd; d++) scores[d] = dotAt(queries, q * dim, docs, d * dim, dim);
    for (const negative of negatives[q] ?? []) {
      const s = scores[negative] as number;
      let rank = 1;
      for (let d = 0; d < nd; d++) {
        if (d === negative || positives.includes(d)) continue;
        const v = scores[d] as number;
        if (v > s || (v === s && d < negative)) rank++;
      }
      ranks.push(rank);
    }
  });
  return ranks;
}

/** The median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
