import { strict as assert } from 'node:assert';
import { interleavedSpeedup, type Period } from '../../../src/models/ance/timing';

const thread = (seconds: number): Period => ({ builtBy: 'thread', seconds });
const inPlace = (seconds: number): Period => ({ builtBy: 'in-place', seconds });

describe('ance: the speedup of interleaved refresh periods', () => {
  it('compares each in-place period with the mean of its thread-built neighbours', () => {
    // T P T P T: (3 + 5) / ((1 + 2)/2 + (2 + 4)/2) = 8 / 4.5
    assert.equal(interleavedSpeedup([[thread(1), inPlace(3), thread(2), inPlace(5), thread(4)]]), 8 / 4.5);
    // A last in-place period has one neighbour: (3 + 6) / (1.5 + 2)
    assert.equal(interleavedSpeedup([[thread(1), inPlace(3), thread(2), inPlace(6)]]), 9 / 3.5);
  });

  it('cancels a load that rises steadily through the run', () => {
    // In place takes twice as long as in the thread; each period is slowed by 0.1 more than the last.
    for (const slope of [0.1, 0.5, -0.05]) {
      const periods = Array.from({ length: 7 }, (_, i) =>
        i % 2 === 0 ? thread(1 + slope * i) : inPlace(2 * (1 + slope * i)),
      );
      assert.ok(Math.abs(interleavedSpeedup([periods]) - 2) < 1e-12, `slope ${slope}`);
    }
  });

  it('pools folds without pairing periods across them, and is NaN without pairs', () => {
    assert.equal(
      interleavedSpeedup([
        [thread(1), inPlace(2)],
        [inPlace(10), thread(4)],
      ]),
      12 / 5,
    );
    assert.ok(Number.isNaN(interleavedSpeedup([[thread(1), thread(1)]])));
    assert.ok(Number.isNaN(interleavedSpeedup([[inPlace(1), inPlace(1)], []])));
  });
});
