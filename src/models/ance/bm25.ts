/**
 * BM25 (equation `bm25`), the lexical baseline: it ranks documents for the untrained reference line
 * and supplies the BM25 negatives. Okapi BM25 with the non-negative IDF of Lucene,
 * IDF(w) = ln(1 + (N − df + 0.5) / (df + 0.5)); a query is the set of its distinct words; k₁ = 1.2,
 * b = 0.75. Tokens are the encoder's lower-case words. Tested against hand-computed scores.
 */
import { words } from './text';

export interface Bm25Params {
  readonly k1: number;
  readonly b: number;
}

export const BM25_DEFAULTS: Bm25Params = { k1: 1.2, b: 0.75 };

export class Bm25 {
  /** term → [document, term frequency] pairs. */
  private readonly postings = new Map<string, [number, number][]>();
  private readonly lengths: Float64Array;
  readonly averageLength: number;

  constructor(
    docs: readonly string[],
    readonly params: Bm25Params = BM25_DEFAULTS,
  ) {
    this.lengths = new Float64Array(docs.length);
    docs.forEach((doc, d) => {
      const tokens = words(doc);
      this.lengths[d] = tokens.length;
      const tf = new Map<string, number>();
      for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const [t, f] of tf) {
        let list = this.postings.get(t);
        if (!list) this.postings.set(t, (list = []));
        list.push([d, f]);
      }
    });
    const total = this.lengths.reduce((a, b) => a + b, 0);
    this.averageLength = docs.length > 0 ? total / docs.length : 0;
  }

  get size(): number {
    return this.lengths.length;
  }

  idf(term: string): number {
    const df = this.postings.get(term)?.length ?? 0;
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  /** BM25(q, d) for every document d. */
  scores(query: string): Float64Array {
    const { k1, b } = this.params;
    const out = new Float64Array(this.size);
    for (const term of new Set(words(query))) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.idf(term);
      for (const [d, tf] of list) {
        const norm = 1 - b + (b * (this.lengths[d] as number)) / this.averageLength;
        // @paper ance bm25
        out[d] = (out[d] as number) + (idf * (tf * (k1 + 1))) / (tf + k1 * norm);
      }
    }
    return out;
  }
}
