import { strict as assert } from 'node:assert';
import { fnv1a, gramTable, subwordUnits, words } from '../../../src/models/ance/text';

describe('ance: hashed sub-word units', () => {
  it('splits lower-case words in any script', () => {
    assert.deepEqual(words('Chișinău | continent EU, (or) 10s'), ['chișinău', 'continent', 'eu', 'or', '10s']);
  });

  it('lists the word and its character 3–5-grams with boundary marks', () => {
    assert.deepEqual(subwordUnits('Eu'), ['w:eu', '<eu', 'eu>', '<eu>']);
    assert.deepEqual(subwordUnits('cat'), ['w:cat', '<ca', 'cat', 'at>', '<cat', 'cat>', '<cat>']);
  });

  it('hashes with FNV-1a (published test vectors)', () => {
    assert.equal(fnv1a(''), 0x811c9dc5);
    assert.equal(fnv1a('a'), 0xe40c292c);
    assert.equal(fnv1a('foobar'), 0xbf9cf968);
  });

  it('stores texts in compressed rows of bucket ids', () => {
    const table = gramTable(['cat', '', 'Eu'], 16);
    assert.deepEqual(Array.from(table.offsets), [0, 7, 7, 11]);
    assert.deepEqual(
      Array.from(table.ids.subarray(7)),
      ['w:eu', '<eu', 'eu>', '<eu>'].map((u) => fnv1a(u) % 16),
    );
  });
});
