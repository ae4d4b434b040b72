import { strict as assert } from 'node:assert';
import { negativesFromList, randomNegatives } from '../../../src/models/ance/samplers';
import { Rng } from '../../../src/models/engine/rng';

describe('ance: negative samplers', () => {
  it('random negatives: distinct, in range, never a relevant document', () => {
    const rng = new Rng(0);
    for (let trial = 0; trial < 2000; trial++) {
      const relevant = [rng.int(12), rng.int(12)];
      const negatives = randomNegatives(rng, 12, relevant, 7);
      assert.equal(negatives.length, 7);
      assert.equal(new Set(negatives).size, 7);
      assert.ok(negatives.every((d) => !relevant.includes(d)));
      assert.ok(negatives.every((d) => d >= 0 && d < 12));
    }
    assert.throws(() => randomNegatives(rng, 5, [0], 5));
    assert.throws(() => randomNegatives(rng, 6, [0, 1], 5), 'two relevant documents leave four');
    assert.equal(randomNegatives(rng, 6, [0], 5).length, 5);
  });

  it('list negatives: drawn from the list without the relevant documents, topped up at random when short', () => {
    const rng = new Rng(1);
    const list = Int32Array.from([4, 9, 2, 7, 1, 8]);
    const seen = new Set<number>();
    for (let trial = 0; trial < 2000; trial++) {
      const negatives = negativesFromList(rng, list, 50, [9, 7], 3);
      assert.equal(new Set(negatives).size, 3);
      assert.ok(!negatives.includes(9) && !negatives.includes(7));
      for (const d of negatives) {
        assert.ok(list.includes(d));
        seen.add(d);
      }
    }
    assert.deepEqual(
      [...seen].sort((a, b) => a - b),
      [1, 2, 4, 8],
    );
    for (let trial = 0; trial < 500; trial++) {
      const negatives = negativesFromList(rng, [3, 5, 3], 20, [5], 4);
      assert.equal(negatives.length, 4);
      assert.equal(new Set(negatives).size, 4);
      assert.ok(negatives.includes(3));
      assert.ok(!negatives.includes(5));
    }
  });
});
