import { strict as assert } from 'node:assert';
import { Bm25 } from '../../../src/models/ance/bm25';

describe('ance: BM25', () => {
  // Three documents: lengths 3, 2, 4, average 3; k1 = 1.2, b = 0.75; IDF(w) = ln(1 + (N − df + 0.5)/(df + 0.5)).
  const bm25 = new Bm25(['the cat sat', 'The dog.', 'cat cat dog runs']);
  const close = (actual: number, expected: number): void =>
    assert.ok(Math.abs(actual - expected) < 1e-6, `${actual} ≠ ${expected}`);

  it('computes IDF by hand', () => {
    close(bm25.averageLength, 3);
    close(bm25.idf('cat'), Math.log(1.6)); // df 2: ln(1 + 1.5/2.5)
    close(bm25.idf('runs'), Math.log(8 / 3)); // df 1: ln(1 + 2.5/1.5)
    close(bm25.idf('unseen'), Math.log(1 + 3.5 / 0.5));
  });

  it('scores a one-word query as computed by hand', () => {
    const s = bm25.scores('cat');
    // d0: tf 1, |d|/avgdl = 1 → 0.470004 · 1·2.2/(1 + 1.2) = 0.470004
    close(s[0] as number, 0.4700036292457356);
    close(s[1] as number, 0);
    // d2: tf 2, 1 − b + b·4/3 = 1.25 → 0.470004 · 2·2.2/(2 + 1.5) = 0.590861
    close(s[2] as number, 0.4700036292457356 * (4.4 / 3.5));
  });

  it('sums over the distinct query words, case-insensitively', () => {
    const s = bm25.scores('Dog runs dog');
    close(s[0] as number, 0);
    // d1: dog tf 1, 1 − b + b·2/3 = 0.75 → 0.470004 · 2.2/1.9 = 0.544215
    close(s[1] as number, 0.4700036292457356 * (2.2 / 1.9));
    // d2: dog 0.470004 · 2.2/2.5 + runs 0.980829 · 2.2/2.5 = 1.276733
    close(s[2] as number, (0.4700036292457356 + Math.log(8 / 3)) * 0.88);
    close(s[2] as number, 1.2767329);
  });
});
