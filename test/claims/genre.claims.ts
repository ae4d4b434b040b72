/**
 * GENRE claims on the quick preset at seeds 0, 1 and 2 (wasm backend). Run with
 * `npx mocha --no-config -n import=tsx -t 1800000 test/claims/genre.claims.ts`.
 */
import '../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import { selectBackend } from '../../src/models/engine/backends';
import { constrainedBeamDemo, GENRE_PRESETS } from '../../src/models/genre/demo';
import { train } from '../../src/models/genre/train';
import { useRepositoryData } from '../helpers/data';
import { recordingContext } from '../helpers/fakeContext';

describe('genre claims (quick preset)', () => {
  before(async () => {
    useRepositoryData();
    await selectBackend('wasm');
  });

  for (const seed of [0, 1, 2]) {
    it(`holds at seed ${seed}`, async () => {
      const started = Date.now();
      const cpu = process.cpuUsage();
      const results = await train(GENRE_PRESETS.quick, recordingContext(seed, 'wasm'));
      const used = process.cpuUsage(cpu);
      // GENRE's results are all top-level: the flat record the claims read is the same object.
      const flat = Object.fromEntries(
        Object.entries(results).filter((e): e is [string, number] => typeof e[1] === 'number'),
      );
      const measured = constrainedBeamDemo.claims.map((claim) => ({ claim, ...claim.measure(flat) }));
      console.log(
        `    seed ${seed} (${((Date.now() - started) / 1000).toFixed(0)} s wall, ${((used.user + used.system) / 1e6).toFixed(0)} s CPU): ` +
          measured.map((m) => `${m.claim.id} = ${m.measured?.toPrecision(3) ?? 'n/a'}`).join(', ') +
          `; free exact match = ${results.freeAccuracy?.toFixed(3)}`,
      );
      const failed = measured.filter((m) => !m.pass && m.claim.caveat === undefined).map((m) => m.claim.id);
      assert.deepEqual(failed, []);
    });
  }
});
