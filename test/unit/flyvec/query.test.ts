import { strict as assert } from 'node:assert';
import { answers, isHashCodes, neighboursOf, type HashCodes } from '../../../src/models/flyvec/query';

// Four content words and one function word over 8 cells, 2 active each:
//   war {0,1}, army {0,2}, peace {5,6}, tax {1,3}, the {0,1}
// Hamming distance = 2·(2 − shared): war–army 2, war–tax 2, war–peace 4; "the" is left out.
const codes: HashCodes = {
  cells: 8,
  hashLength: 2,
  words: ['war', 'army', 'peace', 'tax', 'the'],
  activeCells: [
    [0, 1],
    [0, 2],
    [5, 6],
    [1, 3],
    [0, 1],
  ],
};

describe('flyvec neighbour query', () => {
  it('ranks content words by Hamming distance, ties to the more frequent word', () => {
    const table = neighboursOf(codes, 'War');
    assert.deepEqual(table.rows, [
      [1, 'army', 2, 1],
      [2, 'tax', 2, 1],
      [3, 'peace', 4, 0],
    ]);
  });

  it('says when a word is not in the vocabulary', () => {
    assert.throws(() => neighboursOf(codes, 'zeppelin'), /“zeppelin” is not in the 5-word vocabulary/);
  });

  it('says when a word is a function word, which has no learned code', () => {
    assert.throws(() => neighboursOf(codes, 'the'), /“the” is a function word/);
  });

  it('rejects a checkpoint of the wrong shape', async () => {
    assert.equal(isHashCodes({ ...codes, activeCells: [[0, 1]] }), false);
    assert.equal(isHashCodes({ ...codes, words: [1, 2, 3, 4, 5] }), false);
    assert.equal(isHashCodes(codes), true);
    const neighbours = answers['neighbours'];
    assert.ok(neighbours);
    await assert.rejects(() => neighbours({ cells: 8 }, 'war'), /not in the expected format/);
    assert.equal((await neighbours(codes, 'peace')).kind, 'table');
  });
});
