import { strict as assert } from 'node:assert';
import { performanceFigures } from '../../../src/cli/bench';

describe('bench: the demo’s own throughput figures', () => {
  it('prints the declared results that the run measured, and nothing else', () => {
    const specs = [
      { key: 'stepsPerSecond.rim', label: 'RIM alone', unit: 'steps/s' },
      { key: 'stepsPerSecond.lstm', label: 'LSTM alone', unit: 'steps/s' },
      { key: 'docsPerSecond', label: 'corpus encoding', unit: 'docs/s' },
    ];
    assert.deepEqual(
      performanceFigures(specs, { 'stepsPerSecond.rim': 3.5, 'stepsPerSecond.lstm': Number.NaN, acc: 0.3 }),
      ['RIM alone 3.500 steps/s'],
    );
    assert.deepEqual(performanceFigures(undefined, { 'stepsPerSecond.rim': 3.5 }), []);
  });
});
