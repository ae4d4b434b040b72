/**
 * Held-out evaluation: every held-out query against the whole corpus. The encodings are plain
 * arrays; the query × document score matrix is one TensorFlow.js matMul on the run's backend.
 */
import '../engine/tfSetup';
import * as tf from '@tensorflow/tfjs-core';
import type { Bm25 } from './bm25';
import { encodeAll, type EncoderWeights } from './encoder';
import { rankOfFirst, topK } from './search';
import type { GramTable } from './text';

export interface Evaluation {
  /** 1-based rank of each held-out query's first relevant document. */
  readonly ranks: Int32Array;
  /** Top documents of the first few held-out queries. */
  readonly shown: readonly (readonly number[])[];
}

/** Scores of the held-out queries against all documents, row-major `queries × documents`. */
async function scoreMatrix(queries: Float32Array, docs: Float32Array, dim: number): Promise<Float32Array> {
  const nq = queries.length / dim;
  const nd = docs.length / dim;
  const scores = tf.tidy(() =>
    // @paper ance dual-encoder
    tf.matMul(tf.tensor2d(queries, [nq, dim]), tf.tensor2d(docs, [nd, dim]), false, true),
  );
  try {
    return (await scores.data()) as Float32Array;
  } finally {
    scores.dispose();
  }
}

/** Ranks of the first relevant documents under the encoder, and the top `shownK` of the first `shownQueries`. */
export async function evaluateEncoder(
  w: EncoderWeights,
  docGrams: GramTable,
  queryGrams: GramTable,
  relevant: readonly (readonly number[])[],
  shownQueries: number,
  shownK: number,
): Promise<Evaluation> {
  return evaluateEncoded(encodeAll(w, docGrams), encodeAll(w, queryGrams), w.dim, relevant, shownQueries, shownK);
}

/** The same from encodings already computed (`docs` and `queries` row-major, width `dim`). */
export async function evaluateEncoded(
  docs: Float32Array,
  queries: Float32Array,
  dim: number,
  relevant: readonly (readonly number[])[],
  shownQueries: number,
  shownK: number,
): Promise<Evaluation> {
  const nd = docs.length / dim;
  const scores = await scoreMatrix(queries, docs, dim);
  const ranks = new Int32Array(relevant.length);
  const shown: number[][] = [];
  relevant.forEach((r, q) => {
    const row = scores.subarray(q * nd, (q + 1) * nd);
    ranks[q] = rankOfFirst(row, r);
    if (q < shownQueries) shown.push(topK(row, shownK));
  });
  return { ranks, shown };
}

/** The same for BM25 (no training). */
export function evaluateBm25(
  bm25: Bm25,
  queries: readonly string[],
  relevant: readonly (readonly number[])[],
  shownQueries: number,
  shownK: number,
): Evaluation {
  const ranks = new Int32Array(relevant.length);
  const shown: number[][] = [];
  relevant.forEach((r, q) => {
    const scores = bm25.scores(queries[q] as string);
    ranks[q] = rankOfFirst(scores, r);
    if (q < shownQueries) shown.push(topK(scores, shownK));
  });
  return { ranks, shown };
}
