/**
 * The three ways to pick the negatives of a training query. Every sampler leaves out all of the
 * query's relevant documents (D⁻ = candidates \ D⁺, equation `ance-negatives`) and draws without
 * replacement:
 *
 *   random  uniformly from the whole corpus;
 *   bm25    uniformly from the query's top documents by BM25 (those sharing a word with it);
 *   ance    uniformly from the query's top documents in the current nearest-neighbour index (built
 *           from a recent snapshot of the encoder).
 *
 * When a list holds fewer than n documents besides the relevant ones, the rest are drawn at random.
 */
import type { Rng } from '../engine/rng';

export const SAMPLERS = ['random', 'bm25', 'ance'] as const;
export type SamplerId = (typeof SAMPLERS)[number];

export const SAMPLER_LABELS: Readonly<Record<SamplerId, string>> = {
  random: 'random negatives',
  bm25: 'BM25 negatives',
  ance: 'ANCE negatives',
};

/** `n` distinct documents of [0, corpusSize) outside `relevant` and `taken`. */
export function randomNegatives(
  rng: Rng,
  corpusSize: number,
  relevant: readonly number[],
  n: number,
  taken: readonly number[] = [],
): number[] {
  const seen = new Set([...relevant, ...taken]);
  if (n + seen.size > corpusSize) throw new RangeError(`cannot draw ${n} negatives from ${corpusSize} documents`);
  const out: number[] = [];
  while (out.length < n) {
    const d = rng.int(corpusSize);
    if (seen.has(d)) continue;
    seen.add(d);
    out.push(d);
  }
  return out;
}

/**
 * `n` distinct documents drawn from `list` (a query's top-ranked documents) without the relevant
 * ones, topped up at random when the list is too short.
 */
export function negativesFromList(
  rng: Rng,
  list: ArrayLike<number>,
  corpusSize: number,
  relevant: readonly number[],
  n: number,
): number[] {
  const pool: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const d = list[i] as number;
    // D⁻_ANCE = ANN_{f(q, d)} \ D⁺: the top-ranked documents, less the relevant ones
    // @paper ance ance-negatives
    if (!relevant.includes(d) && !pool.includes(d)) pool.push(d);
  }
  const picked = pool.length <= n ? pool : rng.sample(pool.length, n).map((i) => pool[i] as number);
  return picked.length === n
    ? picked
    : [...picked, ...randomNegatives(rng, corpusSize, relevant, n - picked.length, picked)];
}
