import { strict as assert } from 'node:assert';
import { allQueries, folds, loadCorpus, mergeQueries } from '../../../src/models/ance/data';
import { useRepositoryData } from '../../helpers/data';

describe('ance: queries, relevant documents and folds', () => {
  before(() => useRepositoryData());

  it('merges pairs with the same text into one query with every paired document relevant', () => {
    const docs = ['a gloss', 'b gloss', 'a gloss', 'c gloss', 'd gloss'];
    const split = mergeQueries(
      docs,
      [
        { text: 'head', positive: 1 },
        { text: 'tail', positive: 3 },
        { text: 'head', positive: 4 },
        { text: 'ear', positive: 3 },
        { text: 'ear', positive: 0 },
      ],
      [
        { text: 'tail', positive: 4 },
        { text: 'nose', positive: 1 },
      ],
    );
    // "tail" has a held-out pair: held out whole, with its training pair's document.
    assert.deepEqual(split.train, [
      { text: 'head', positives: [1, 4], relevant: [1, 4] },
      // Document 2 has the same text as document 0.
      { text: 'ear', positives: [3, 0], relevant: [0, 2, 3] },
    ]);
    assert.deepEqual(split.heldOut, [
      { text: 'tail', positives: [4, 3], relevant: [3, 4] },
      { text: 'nose', positives: [1], relevant: [1] },
    ]);
  });

  it('WordNet: no held-out text is trained on, and twins are one query', async () => {
    const wordnet = await loadCorpus('wordnet');
    assert.equal(wordnet.docs.length, 5000);
    assert.equal(wordnet.pairs, 5000);
    const trainTexts = new Set(wordnet.train.map((q) => q.text));
    const heldTexts = new Set(wordnet.heldOut.map((q) => q.text));
    assert.equal(trainTexts.size, wordnet.train.length, 'one training query per text');
    assert.equal(heldTexts.size, wordnet.heldOut.length, 'one held-out query per text');
    assert.ok([...heldTexts].every((t) => !trainTexts.has(t)));
    assert.equal(wordnet.train.length + wordnet.heldOut.length + wordnet.mergedPairs, 5000);
    assert.ok(wordnet.mergedPairs > 200, `${wordnet.mergedPairs} pairs share a text with another`);
    assert.ok(wordnet.heldOut.length > 900);
    // Every document is relevant to exactly the queries paired with it (and its same-text twins).
    const relevantTo = new Map<number, number>();
    for (const q of allQueries(wordnet)) for (const d of q.positives) relevantTo.set(d, (relevantTo.get(d) ?? 0) + 1);
    assert.equal(relevantTo.size, 5000);
    assert.ok(allQueries(wordnet).some((q) => q.positives.length > 1));
    for (const q of allQueries(wordnet)) {
      for (const d of q.positives) assert.ok(q.relevant.includes(d));
      for (const d of q.relevant) assert.ok(q.positives.some((p) => wordnet.docs[p] === wordnet.docs[d]));
    }
  });

  it('countries: one relevant record per query, distinct from its near-duplicates', async () => {
    const countries = await loadCorpus('countries');
    assert.equal(countries.mergedPairs, 0);
    assert.equal(countries.train.length + countries.heldOut.length, 247);
    for (const q of allQueries(countries)) assert.deepEqual(q.relevant, q.positives);
  });

  it('folds hold out every query exactly once; one fold is the file’s split', async () => {
    const countries = await loadCorpus('countries');
    const all = allQueries(countries);
    const split = folds(countries, 3);
    assert.equal(split.length, 3);
    const held = split.flatMap((f) => f.heldOut).sort((a, b) => a - b);
    assert.deepEqual(
      held,
      all.map((_, i) => i),
    );
    for (const f of split) {
      assert.equal(f.train.length + f.heldOut.length, all.length);
      assert.ok(f.heldOut.every((q) => !f.train.includes(q)));
      assert.ok(Math.abs(f.heldOut.length - all.length / 3) < 1);
    }
    const [own] = folds(countries, 1);
    assert.deepEqual(
      own?.heldOut.map((i) => all[i]),
      countries.heldOut,
    );
    assert.deepEqual(
      own?.train.map((i) => all[i]),
      countries.train,
    );
  });
});
