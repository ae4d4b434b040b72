/**
 * The quick preset's claims at seeds 0, 1 and 2 (about 10–15 s each on the wasm backend).
 * More seeds and the MNIST preset: test/claims/fedopt.claims.ts.
 */
import { strict as assert } from 'node:assert';
import { compareDemo } from '../../../src/models/fedopt/demo';
import { recordingContext } from '../../helpers/fakeContext';
import { useBackend } from '../../helpers/backends';

describe('fedopt quick preset claims', () => {
  before(() => useBackend('wasm'));

  for (const seed of [0, 1, 2]) {
    it(`holds at seed ${seed}`, async () => {
      const results = await (
        await compareDemo.loadTrainer()
      )(compareDemo.presets['quick'] ?? {}, recordingContext(seed, 'wasm'));
      for (const claim of compareDemo.claims) {
        const { measured, pass } = claim.measure(results);
        assert.ok(pass, `${claim.id}: measured ${measured}, target ${claim.target}`);
      }
    });
  }
});
