/**
 * FlyVec claims on the quick preset at seeds 0, 1 and 2: each run trains for about a minute of
 * one core. Run with `npx mocha --no-config -n import=tsx -t 1800000 test/claims/flyvec.claims.ts`.
 */
import { strict as assert } from 'node:assert';
import { embeddingsDemo, FLYVEC_PRESETS } from '../../src/models/flyvec/demo';
import { train } from '../../src/models/flyvec/train';
import { useRepositoryData } from '../helpers/data';
import { recordingContext } from '../helpers/fakeContext';

describe('flyvec claims (quick preset)', () => {
  before(useRepositoryData);

  for (const seed of [0, 1, 2]) {
    it(`holds at seed ${seed}`, async () => {
      const started = Date.now();
      const results = await train(FLYVEC_PRESETS.quick, recordingContext(seed));
      // FlyVec's results are all top-level: the flat record the claims read has the same keys.
      const flat = Object.fromEntries(
        Object.entries(results).filter((e): e is [string, number] => typeof e[1] === 'number'),
      );
      const measured = embeddingsDemo.claims.map((claim) => ({ claim, ...claim.measure(flat) }));
      console.log(
        `    seed ${seed} (${((Date.now() - started) / 1000).toFixed(0)} s): ` +
          measured.map((m) => `${m.claim.id} = ${m.measured?.toPrecision(3) ?? 'n/a'}`).join(', ') +
          `; content-word share = ${results.categoryShareContent.toFixed(3)}, random = ${results.randomShare.toFixed(4)}`,
      );
      const failed = measured.filter((m) => !m.pass && m.claim.caveat === undefined).map((m) => m.claim.id);
      assert.deepEqual(failed, []);
    });
  }
});
