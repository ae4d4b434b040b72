import { strict as assert } from 'node:assert';
import { runLabel, secondRunQuestion } from '../../../src/extension/runLabels';

describe('run labels', () => {
  it('names a run by paper, preset, seed and progress in the demo’s own unit', () => {
    assert.equal(
      runLabel({ preset: 'quick', seed: 3 }, 'FedOpt', { step: 12, total: 80 }, 'round'),
      'FedOpt · quick · seed 3 · round 12 of 80',
    );
    assert.equal(runLabel({ preset: 'paper', seed: 0 }, 'RIMs', undefined), 'RIMs · paper · seed 0 · starting');
    assert.equal(
      runLabel({ preset: 'quick', seed: 0 }, 'RIMs', { step: 0, total: 0 }),
      'RIMs · quick · seed 0 · starting',
    );
  });

  it('asks about one live run by its label, and lists several', () => {
    const one = secondRunQuestion(['FedOpt · quick · seed 0 · round 12 of 80'], 2);
    assert.equal(one.message, 'A run is already training: FedOpt · quick · seed 0 · round 12 of 80.');
    assert.match(one.detail, /2 CPU cores/);
    assert.match(one.detail, /Queue/);
    const two = secondRunQuestion(['A · quick · seed 0 · starting', 'B · quick · seed 1 · step 3 of 9'], 1);
    assert.equal(two.message, '2 runs are already training.');
    assert.match(two.detail, /^A · quick · seed 0 · starting\nB · quick · seed 1 · step 3 of 9\n/);
    assert.match(two.detail, /1 CPU core:/);
  });
});
