import { strict as assert } from 'node:assert';
import { ANCE_PRESETS, atCalibrationScale, negativesDemo } from '../../../src/models/ance/demo';
import { measureClaims } from '../../../src/models/engine/runner';

type Config = Parameters<typeof measureClaims>[2];
const verdicts = (results: Record<string, number>, config: Record<string, unknown>): Record<string, boolean> =>
  Object.fromEntries(measureClaims(negativesDemo, results, config as Config).map((c) => [c.id, c.pass]));
const measured = (results: Record<string, number>, config: Record<string, unknown>): Record<string, number | null> =>
  Object.fromEntries(measureClaims(negativesDemo, results, config as Config).map((c) => [c.id, c.measured]));

describe('ance: where the gradient claims are held', () => {
  const quick = negativesDemo.presets['quick'] ?? {};
  const paper = negativesDemo.presets['paper'] ?? {};
  // Every ratio distinct, so that a claim reading the wrong key shows.
  const results = {
    'gradCheckpointRatio.countries': 4,
    'gradTrainingRatio.countries': 1.2,
    'gradCheckpointRatio.wordnet': 2.5,
    'gradTrainingRatio.wordnet': 1.7,
    'mrrRatio.countries': 1.3,
    'mrrRatio.wordnet': 0.8,
    throughputRatio: 0.9,
  };
  const quickIds = ['grad-norm-checkpoint', 'grad-norm-training', 'grad-norm-wordnet'];
  const paperIds = ['grad-norm-checkpoint-wordnet', 'grad-norm-training-wordnet', 'grad-norm-countries-paper'];
  const everywhere = ['mrr-confusable', 'async-throughput', 'mrr-wordnet'];

  it('holds the quick preset to them on the countries and the paper preset on WordNet', () => {
    assert.equal(atCalibrationScale(ANCE_PRESETS.quick), false);
    assert.equal(atCalibrationScale(ANCE_PRESETS.paper), true);
    assert.deepEqual(Object.keys(verdicts(results, quick)).sort(), [...quickIds, ...everywhere].sort());
    assert.deepEqual(Object.keys(verdicts(results, paper)).sort(), [...paperIds, ...everywhere].sort());
  });

  it('reads each ratio from its own corpus', () => {
    const q = measured(results, quick);
    assert.equal(q['grad-norm-checkpoint'], 4);
    assert.equal(q['grad-norm-training'], 1.2);
    assert.equal(q['grad-norm-wordnet'], 2.5);
    const p = measured(results, paper);
    assert.equal(p['grad-norm-checkpoint-wordnet'], 2.5);
    assert.equal(p['grad-norm-training-wordnet'], 1.7);
    assert.equal(p['grad-norm-countries-paper'], 1.2);
  });

  it('applies the targets ≥ 3 and ≥ 1.5 on WordNet at the calibration scale', () => {
    const p = verdicts(results, paper);
    assert.equal(p['grad-norm-checkpoint-wordnet'], false, '2.5 < 3');
    assert.equal(p['grad-norm-training-wordnet'], true, '1.7 ≥ 1.5');
    const q = verdicts(results, quick);
    assert.equal(q['grad-norm-checkpoint'], true, '4 ≥ 3');
    assert.equal(q['grad-norm-training'], false, '1.2 < 1.5');
    assert.equal(
      verdicts({ ...results, 'gradCheckpointRatio.wordnet': 3.1 }, paper)['grad-norm-checkpoint-wordnet'],
      true,
    );
  });

  it('moves a run to the WordNet targets only with 1000 WordNet steps of 64 queries or more', () => {
    const { quick: q, paper: p } = ANCE_PRESETS;
    assert.equal(atCalibrationScale({ ...q, steps: { ...q.steps, wordnet: 1000 } }), false, 'batches of 32');
    assert.equal(atCalibrationScale({ ...q, steps: { ...q.steps, wordnet: 1000 }, batchSize: 64 }), true);
    assert.equal(atCalibrationScale({ ...p, steps: { ...p.steps, wordnet: 999 } }), false);
    assert.equal(atCalibrationScale({ ...p, steps: { ...p.steps, countries: 0 } }), true, 'the WordNet half alone');
    // The claims the flat configs of those runs are held to follow the same line.
    const held = (config: Record<string, unknown>): boolean =>
      'grad-norm-checkpoint-wordnet' in verdicts(results, config);
    assert.equal(held({ ...quick, 'steps.wordnet': 1000 }), false);
    assert.equal(held({ ...quick, 'steps.wordnet': 1000, batchSize: 64 }), true);
    assert.equal(held({ ...paper, 'steps.wordnet': 999 }), false);
    assert.equal(held({ ...paper, 'steps.countries': 0 }), true);
  });
});
