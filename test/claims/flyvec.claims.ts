/**
 * FlyVec claims on the quick preset at seeds 0, 1 and 2: each run trains for about a minute of
 * one core. Run with `npx mocha --no-config -n import=tsx -t 1800000 test/claims/flyvec.claims.ts`.
 */
import { strict as assert } from 'node:assert';
import { embeddingsDemo } from '../../src/models/flyvec/demo';
import { runFlyVec } from '../../src/models/flyvec/train';
import { useRepositoryData } from '../helpers/data';
import { recordingContext } from '../helpers/fakeContext';

describe('flyvec claims (quick preset)', () => {
  before(useRepositoryData);

  for (const seed of [0, 1, 2]) {
    it(`holds at seed ${seed}`, async () => {
      const started = Date.now();
      const results = await runFlyVec(embeddingsDemo.presets['quick'] ?? {}, recordingContext(seed));
      const measured = embeddingsDemo.claims.map((claim) => ({ claim, ...claim.measure(results) }));
      console.log(
        `    seed ${seed} (${((Date.now() - started) / 1000).toFixed(0)} s): ` +
          measured.map((m) => `${m.claim.id} = ${m.measured?.toPrecision(3) ?? 'n/a'}`).join(', ') +
          `; content-word share = ${results['categoryShareContent']?.toFixed(3)}, random = ${results['randomShare']?.toFixed(4)}`,
      );
      const failed = measured.filter((m) => !m.pass && m.claim.caveat === undefined).map((m) => m.claim.id);
      assert.deepEqual(failed, []);
    });
  }
});
