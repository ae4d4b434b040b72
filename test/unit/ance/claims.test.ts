import { strict as assert } from 'node:assert';
import { ANCE_PRESETS, atCalibrationScale, claimOn, negativesDemo } from '../../../src/models/ance/demo';
import { measureClaims } from '../../../src/models/engine/runner';
import { hasThreadCpuClock } from '../../../src/models/engine/threadClock';

type Config = Parameters<typeof measureClaims>[2];
const verdicts = (results: Record<string, number>, config: Record<string, unknown>): Record<string, boolean> =>
  Object.fromEntries(measureClaims(negativesDemo, results, config as Config).map((c) => [c.id, c.pass]));
const measured = (results: Record<string, number>, config: Record<string, unknown>): Record<string, number | null> =>
  Object.fromEntries(measureClaims(negativesDemo, results, config as Config).map((c) => [c.id, c.measured]));

describe('ance: which claims a run is held to', () => {
  const quick = negativesDemo.presets['quick'] ?? {};
  const paper = negativesDemo.presets['paper'] ?? {};
  // Every ratio distinct, so that a claim reading the wrong key shows.
  const results = {
    'gradCheckpointRatio.countries': 4,
    'gradTrainingRatio.countries': 1.2,
    'gradCheckpointRatio.wordnet': 2.5,
    'gradTrainingRatio.wordnet': 1.7,
    'mrrVsBm25.countries': 1.31,
    'mrrVsBm25.wordnet': 0.8,
    'mrrVsRandom.countries': 1.05,
    'refreshSpeedup.countries': 0.97,
    'refreshSpeedup.wordnet': 1.33,
    'refreshWaitRatio.countries': 0.2,
    'refreshWaitRatio.wordnet': 0.03,
    'refreshCpuRatio.countries': 0.15,
    'refreshCpuRatio.wordnet': 0.01,
  };
  // The refresh claim needs a per-thread CPU clock (Linux, or Node 22.15 and later).
  const clock = hasThreadCpuClock();
  const quickIds = [
    'mrr-vs-bm25-negatives',
    'grad-norm-checkpoint',
    'grad-norm-training',
    ...(clock ? ['refresh-off-training-thread'] : []),
  ];
  const paperIds = ['grad-norm-checkpoint-wordnet', 'grad-norm-training-wordnet'];

  it('holds the quick preset to the countries claims, the paper preset to the WordNet gradients', () => {
    assert.equal(atCalibrationScale(ANCE_PRESETS.quick), false);
    assert.equal(atCalibrationScale(ANCE_PRESETS.paper), true);
    assert.deepEqual(Object.keys(verdicts(results, quick)).sort(), [...quickIds].sort());
    assert.deepEqual(Object.keys(verdicts(results, paper)).sort(), [...paperIds].sort());
  });

  it('reads each ratio from its own corpus', () => {
    const q = measured(results, quick);
    assert.equal(q['mrr-vs-bm25-negatives'], 1.31);
    assert.equal(q['grad-norm-checkpoint'], 4);
    assert.equal(q['grad-norm-training'], 1.2);
    if (clock) assert.equal(q['refresh-off-training-thread'], 0.15);
    const p = measured(results, paper);
    assert.equal(p['grad-norm-checkpoint-wordnet'], 2.5);
    assert.equal(p['grad-norm-training-wordnet'], 1.7);
  });

  it('every claim can fail: a ratio on the wrong side of its target fails it', () => {
    const low = Object.fromEntries(Object.keys(results).map((k) => [k, 0.9]));
    assert.ok(Object.values(verdicts(low, quick)).every((pass) => !pass));
    assert.ok(Object.values(verdicts(low, paper)).every((pass) => !pass));
    assert.equal(
      Object.values(verdicts(results, quick)).filter((pass) => pass).length,
      quickIds.length - 1,
      'all but 1.2 < 1.5',
    );
    if (clock) {
      const high = verdicts({ ...results, 'refreshCpuRatio.countries': 0.95 }, quick);
      assert.equal(high['refresh-off-training-thread'], false, 'a refresh left on the training thread fails');
    }
    const missing = verdicts({}, quick);
    assert.ok(
      Object.values(missing).every((pass) => !pass),
      'a result the run did not produce fails',
    );
  });

  it('holds only an interleaved run with a refresh period of each kind to the refresh claim', function () {
    if (!clock) this.skip();
    const id = 'refresh-off-training-thread';
    assert.ok(id in verdicts(results, quick));
    assert.ok(!(id in verdicts(results, { ...quick, refreshMode: 'async' })), 'no in-place period to compare with');
    assert.ok(!(id in verdicts(results, { ...quick, refreshMode: 'blocking' })), 'no period in the second thread');
    assert.ok(!(id in verdicts(results, { ...quick, 'steps.countries': 59 })), 'fewer than three periods of 20 steps');
    assert.ok(id in verdicts(results, { ...quick, 'steps.countries': 60 }));
    assert.equal(claimOn(ANCE_PRESETS.quick, 'refreshCpuRatio', 'countries')?.id, id);
    assert.equal(claimOn(ANCE_PRESETS.quick, 'refreshCpuRatio', 'wordnet'), null);
  });

  it('the MRR claim needs the countries', () => {
    assert.ok(!('mrr-vs-bm25-negatives' in verdicts(results, { ...quick, 'steps.countries': 0 })));
  });

  it('names the claim on each ratio in the run’s ratio table, and none on the measurements', () => {
    const { quick: q, paper: p } = ANCE_PRESETS;
    assert.equal(claimOn(q, 'mrrVsBm25', 'countries')?.id, 'mrr-vs-bm25-negatives');
    assert.equal(claimOn(q, 'refreshWaitRatio', 'wordnet'), null, 'timing depends on the machine: a measurement');
    assert.equal(claimOn(q, 'refreshSpeedup', 'wordnet'), null, 'the wall-time ratio is a measurement');
    assert.equal(claimOn(q, 'mrrVsRandom', 'countries'), null);
    assert.equal(claimOn(q, 'refreshSpeedup', 'countries'), null);
    assert.equal(claimOn(q, 'gradTrainingRatio', 'wordnet'), null);
    assert.equal(claimOn(p, 'gradTrainingRatio', 'wordnet')?.id, 'grad-norm-training-wordnet');
    assert.equal(claimOn(p, 'gradTrainingRatio', 'countries'), null);
  });

  it('moves a run to the WordNet gradient targets only with 1000 WordNet steps of 64 queries or more', () => {
    const { quick: q, paper: p } = ANCE_PRESETS;
    assert.equal(atCalibrationScale({ ...q, steps: { ...q.steps, wordnet: 1000 } }), false, 'batches of 32');
    assert.equal(atCalibrationScale({ ...q, steps: { ...q.steps, wordnet: 1000 }, batchSize: 64 }), true);
    assert.equal(atCalibrationScale({ ...p, steps: { ...p.steps, wordnet: 999 } }), false);
    assert.equal(atCalibrationScale({ ...p, steps: { ...p.steps, countries: 0 } }), true, 'the WordNet half alone');
    const held = (config: Record<string, unknown>): boolean =>
      'grad-norm-checkpoint-wordnet' in verdicts(results, config);
    assert.equal(held({ ...quick, 'steps.wordnet': 1000 }), false);
    assert.equal(held({ ...quick, 'steps.wordnet': 1000, batchSize: 64 }), true);
    assert.equal(held({ ...paper, 'steps.wordnet': 999 }), false);
    assert.equal(held({ ...paper, 'steps.countries': 0 }), true);
  });
});
