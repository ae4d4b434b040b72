/**
 * The three ways to pick the negatives of a training query. Every sampler leaves out the query's
 * positive (D⁻ = candidates \ D⁺, equation `ance-negatives`) and draws without replacement:
 *
 *   random  uniformly from the whole corpus;
 *   bm25    uniformly from the query's top documents by BM25;
 *   ance    uniformly from the query's top documents in the current nearest-neighbour index (built
 *           from a recent snapshot of the encoder), or at random before the first index is ready.
 *
 * When a list holds fewer than n documents besides the positive, the rest are drawn at random.
 */
import type { Rng } from '../engine/rng';

export const SAMPLERS = ['random', 'bm25', 'ance'] as const;
export type SamplerId = (typeof SAMPLERS)[number];

export const SAMPLER_LABELS: Readonly<Record<SamplerId, string>> = {
  random: 'random negatives',
  bm25: 'BM25 negatives',
  ance: 'ANCE negatives',
};

/** `n` distinct documents of [0, corpusSize) other than `positive` and those in `taken`. */
export function randomNegatives(
  rng: Rng,
  corpusSize: number,
  positive: number,
  n: number,
  taken: readonly number[] = [],
): number[] {
  if (n + taken.length + 1 > corpusSize)
    throw new RangeError(`cannot draw ${n} negatives from ${corpusSize} documents`);
  const out: number[] = [];
  const seen = new Set([positive, ...taken]);
  while (out.length < n) {
    const d = rng.int(corpusSize);
    if (seen.has(d)) continue;
    seen.add(d);
    out.push(d);
  }
  return out;
}

/**
 * `n` distinct documents drawn from `list` (a query's top-ranked documents) without the positive,
 * topped up at random when the list is too short.
 */
export function negativesFromList(
  rng: Rng,
  list: ArrayLike<number>,
  corpusSize: number,
  positive: number,
  n: number,
): number[] {
  const pool: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const d = list[i] as number;
    // @paper ance ance-negatives
    if (d !== positive && !pool.includes(d)) pool.push(d);
  }
  const picked = pool.length <= n ? pool : rng.sample(pool.length, n).map((i) => pool[i] as number);
  return picked.length === n
    ? picked
    : [...picked, ...randomNegatives(rng, corpusSize, positive, n - picked.length, picked)];
}
