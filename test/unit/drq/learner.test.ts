import { strict as assert } from 'node:assert';
import { DRQ_PRESETS } from '../../../src/models/drq/demo';
import { agentStep, makeLearner, settings } from '../../../src/models/drq/learner';
import { TINY, useBackend } from './helpers';

describe('drq learner: the official loop order', function () {
  this.timeout(120000);
  before(() => useBackend('wasm'));

  it('updates from the transitions stored before the step, then stores the step’s transition', async () => {
    const s = settings({ ...TINY, seeds: 1 });
    const spec = {
      id: 0,
      kind: 'drq' as const,
      seedIndex: 0,
      streams: { init: 1, env: 2, explore: 3, sampling: 4, augment: 5, noise: 6, eval: 7 },
    };
    const l = makeLearner(spec, s);
    try {
      // What the buffer holds when each update starts, and the agent's update count then.
      const atUpdate: number[] = [];
      const update = l.agent.update.bind(l.agent);
      l.agent.update = (batch) => {
        atUpdate.push(l.replay.size);
        return update(batch);
      };
      const updated: boolean[] = [];
      for (let step = 0; step < s.seedSteps + 3; step++) {
        updated.push(await agentStep(l, step, s));
        assert.equal(l.replay.size, step + 1, `after step ${step}`);
      }
      // The first update (at step seedSteps) sees the seedSteps random-action transitions, not the
      // one its own step makes (official train.py: agent.update before replay_buffer.add).
      assert.deepEqual(atUpdate, [s.seedSteps, s.seedSteps + 1, s.seedSteps + 2]);
      assert.deepEqual(updated, [...Array<boolean>(s.seedSteps).fill(false), true, true, true]);
      assert.equal(l.agent.updateCount, 3);
    } finally {
      l.agent.dispose();
    }
  });

  it('lets every preset’s batch fit the buffer at the first update', () => {
    for (const [name, preset] of Object.entries(DRQ_PRESETS)) assert.ok(preset.batch <= preset.seedSteps, name);
  });
});
