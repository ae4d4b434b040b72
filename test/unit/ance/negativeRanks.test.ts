import { strict as assert } from 'node:assert';
import { Rng } from '../../../src/models/engine/rng';
import { encodeAll, initEncoder } from '../../../src/models/ance/encoder';
import { encodeRows, median, negativeRanks } from '../../../src/models/ance/negativeRanks';
import { gramTable } from '../../../src/models/ance/text';

/** Rank by sorting: the documents other than the relevant ones, best score first, ties by index. */
function sortedRank(scores: readonly number[], relevant: readonly number[], negative: number): number {
  const order = scores
    .map((s, d) => ({ s, d }))
    .filter(({ d }) => !relevant.includes(d))
    .sort((a, b) => b.s - a.s || a.d - b.d)
    .map(({ d }) => d);
  return order.indexOf(negative) + 1;
}

describe('ance: ranks of sampled negatives', () => {
  it('ranks a hand-built case, leaving out the relevant documents and breaking ties by index', () => {
    // One query (1, 0) against five 2-d documents: scores 0.9, 0.5, 0.99 (relevant), 0.5, −1.
    const queries = Float32Array.from([1, 0]);
    const docs = Float32Array.from([0.9, 0, 0.5, 0, 0.99, 0, 0.5, 0, -1, 0]);
    assert.deepEqual(negativeRanks(queries, docs, 2, [[2]], [[0, 1, 3, 4]]), [1, 2, 3, 4]);
    // With document 0 relevant too, it no longer counts against the others.
    assert.deepEqual(negativeRanks(queries, docs, 2, [[2, 0]], [[1, 3, 4]]), [1, 2, 3]);
  });

  it('matches ranking by sorting on random encodings', () => {
    const rng = new Rng(7);
    const dim = 5;
    const nd = 40;
    const docs = rng.normals(nd * dim);
    const queries = rng.normals(3 * dim);
    const relevant = [[4], [0, 12], [39]];
    const negatives = [
      [1, 2, 3],
      [39, 17],
      [0, 5, 6, 7],
    ];
    const ranks = negativeRanks(queries, docs, dim, relevant, negatives);
    const expected = relevant.flatMap((p, q) => {
      const scores = Array.from({ length: nd }, (_, d) => {
        let s = 0;
        for (let l = 0; l < dim; l++) s += (queries[q * dim + l] as number) * (docs[d * dim + l] as number);
        return s;
      });
      return (negatives[q] ?? []).map((n) => sortedRank(scores, p, n));
    });
    assert.deepEqual(ranks, expected);
  });

  it('encodes chosen rows exactly as the whole-table encoder does', () => {
    const texts = ['capital paris', 'a river in france', 'an island', 'paris, texas'];
    const grams = gramTable(texts, 1 << 10);
    const w = initEncoder(1 << 10, 8, new Rng(3));
    const all = encodeAll(w, grams);
    const rows = encodeRows(w, grams, [3, 1]);
    assert.deepEqual(Array.from(rows), [...all.subarray(24, 32), ...all.subarray(8, 16)]);
  });

  it('takes the median of odd and even counts', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });
});
