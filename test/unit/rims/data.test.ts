import { strict as assert } from 'node:assert';
import { Rng } from '../../../src/models/engine/rng';
import { ALPHABET, BLANK, copyingBatch, copyLayout, MARKER, SYMBOLS, VOCAB } from '../../../src/models/rims/data';

describe('rims copying task', () => {
  it('lays out symbols, dormant blanks, the marker and the copy positions', () => {
    const layout = copyLayout(20);
    assert.deepEqual(layout, { length: 41, inputEnd: 10, markerAt: 30, copyStart: 31 });
    const batch = copyingBatch(new Rng(0), 3, 20);
    for (let b = 0; b < 3; b++) {
      const seq = Array.from({ length: 41 }, (_, t) => batch.tokens[t * 3 + b] as number);
      for (let t = 0; t < SYMBOLS; t++) {
        assert.ok(seq[t]! >= 1 && seq[t]! <= ALPHABET);
        assert.equal(batch.targets[t * 3 + b], seq[t]! - 1, 'target is the symbol shown');
      }
      assert.ok(
        seq.slice(10, 30).every((v) => v === BLANK),
        'dormant phase',
      );
      assert.equal(seq[30], MARKER);
      assert.ok(
        seq.slice(31).every((v) => v === BLANK),
        'copy phase inputs are blank',
      );
      for (let t = 0; t < 41; t++) {
        const row = Array.from(batch.inputs.subarray((t * 3 + b) * VOCAB, (t * 3 + b + 1) * VOCAB));
        assert.equal(
          row.reduce((s, v) => s + v, 0),
          1,
        );
        assert.equal(row[seq[t]!], 1);
      }
    }
  });
});
