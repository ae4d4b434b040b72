import { strict as assert } from 'node:assert';
import { mrrAt10, rankOf, rankOfFirst, recallAt, searchAll, topK } from '../../../src/models/ance/search';
import { Rng } from '../../../src/models/engine/rng';

/** Brute force: sort every index by score (ties by index). */
function bruteTop(scores: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: scores.length }, (_, i) => i)
    .sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b)
    .slice(0, k);
}

describe('ance: exact search and ranking metrics', () => {
  it('topK returns the exact top k, ties by index, with an exclusion', () => {
    assert.deepEqual(topK([0.5, 0.9, 0.5, 0.1, 0.9], 3), [1, 4, 0]);
    assert.deepEqual(topK([0.5, 0.9, 0.5, 0.1, 0.9], 3, 4), [1, 0, 2]);
    assert.deepEqual(topK([1, 2], 5), [1, 0]);
    assert.deepEqual(topK([1, 2], 0), []);
    const rng = new Rng(3);
    for (let trial = 0; trial < 50; trial++) {
      const scores = Array.from({ length: 200 }, () => Math.round(rng.normal() * 4) / 4);
      assert.deepEqual(topK(scores, 20), bruteTop(scores, 20));
    }
  });

  it('searchAll returns every query’s exact top k by inner product (against brute force)', () => {
    const rng = new Rng(5);
    const dim = 6;
    const queries = rng.normals(7 * dim);
    const docs = rng.normals(300 * dim);
    const found = searchAll(queries, docs, dim, 10);
    for (let q = 0; q < 7; q++) {
      const scores = Array.from({ length: 300 }, (_, d) => {
        let s = 0;
        for (let l = 0; l < dim; l++) s += (queries[q * dim + l] as number) * (docs[d * dim + l] as number);
        return s;
      });
      assert.deepEqual(Array.from(found.subarray(q * 10, (q + 1) * 10)), bruteTop(scores, 10));
    }
  });

  it('ranks the relevant document with ties broken by index, as topK orders them', () => {
    const scores = [0.5, 0.9, 0.5, 0.1];
    assert.equal(rankOf(scores, 1), 1);
    assert.equal(rankOf(scores, 0), 2);
    assert.equal(rankOf(scores, 2), 3);
    assert.equal(rankOf(scores, 3), 4);
    for (const p of [0, 1, 2, 3]) assert.equal(topK(scores, 4).indexOf(p) + 1, rankOf(scores, p));
  });

  it('ranks the first of several relevant documents as topK lists them', () => {
    const scores = [0.5, 0.9, 0.5, 0.1, 0.7];
    assert.equal(rankOfFirst(scores, [3, 4]), 2, 'document 4 (0.7) after document 1 (0.9)');
    assert.equal(rankOfFirst(scores, [2, 0]), 3, 'tied at 0.5: document 0 is listed first, after 1 and 4');
    assert.equal(rankOfFirst(scores, [3]), rankOf(scores, 3));
    assert.throws(() => rankOfFirst(scores, []));
    const rng = new Rng(9);
    for (let trial = 0; trial < 100; trial++) {
      const s = Array.from({ length: 60 }, () => Math.round(rng.normal() * 3) / 3);
      const relevant = rng.sample(60, 1 + rng.int(4));
      const order = topK(s, 60);
      const first = order.findIndex((d) => relevant.includes(d)) + 1;
      assert.equal(rankOfFirst(s, relevant), first);
    }
  });

  it('MRR@10 and Recall@k match hand-computed values', () => {
    const ranks = [1, 3, 11, 2];
    // (1 + 1/3 + 0 (rank 11 > 10) + 1/2) / 4
    assert.ok(Math.abs(mrrAt10(ranks) - 11 / 24) < 1e-12);
    assert.equal(recallAt(ranks, 1), 0.25);
    assert.equal(recallAt(ranks, 2), 0.5);
    assert.equal(recallAt(ranks, 10), 0.75);
    assert.equal(recallAt(ranks, 11), 1);
    assert.equal(mrrAt10([10]), 0.1);
    assert.equal(mrrAt10([]), 0);
  });
});
