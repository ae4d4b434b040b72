/**
 * The score-SDE claims on the quick preset (8 Gaussians on a ring, VE SDE) at seeds 0, 1 and 2,
 * on the wasm backend. Slow: about a minute per seed on one free core.
 */
import '../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import { selectBackend } from '../../src/models/engine/backends';
import { densityDemo } from '../../src/models/score-sde/demo';
import { runScoreSde } from '../../src/models/score-sde/train';
import { recordingContext } from '../helpers/fakeContext';

describe('score-sde claims (quick preset, seeds 0–2)', () => {
  before(async () => {
    await selectBackend('wasm');
  });

  for (const seed of [0, 1, 2]) {
    it(`seed ${seed}: every claim passes`, async () => {
      const quick = densityDemo.presets['quick'];
      assert.ok(quick);
      const results = await runScoreSde(quick, recordingContext(seed, 'wasm'));
      const measured = densityDemo.claims.map((c) => ({ id: c.id, ...c.measure(results) }));
      console.log(
        `    seed ${seed}: ${measured.map((m) => `${m.id} = ${m.measured?.toFixed(3)}`).join(', ')}; entropy ${results['entropy']?.toFixed(3)}`,
      );
      for (const m of measured) assert.ok(m.pass, `${m.id}: measured ${m.measured}`);
    });
  }
});
