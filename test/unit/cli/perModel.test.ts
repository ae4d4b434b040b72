import { strict as assert } from 'node:assert';
import { perModelThroughput } from '../../../src/cli/bench';

describe('bench: per-model throughput', () => {
  it('reads the stepsPerSecond.<model> results and ignores the rest', () => {
    assert.deepEqual(
      perModelThroughput({ 'stepsPerSecond.rim': 3.5, 'stepsPerSecond.lstm': 12, 'acc.rim.test': 0.3, steps: 80 }),
      { rim: 3.5, lstm: 12 },
    );
    assert.deepEqual(perModelThroughput({ 'stepsPerSecond.rim': Number.NaN, stepsPerSecond: 4 }), {});
  });
});
