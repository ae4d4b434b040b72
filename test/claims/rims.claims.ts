/**
 * RIMs claims over seeds 0–2 (slow): the quick preset on the wasm backend, every claim checked,
 * with wall and CPU time printed.
 */
import { strict as assert } from 'node:assert';
import { generalizeDemo } from '../../src/models/rims/demo';
import { runRims } from '../../src/models/rims/train';
import { recordingContext } from '../helpers/fakeContext';
import { useBackend } from '../unit/fedopt/backend';

describe('rims claims (quick preset, seeds 0–2)', () => {
  before(() => useBackend('wasm'));

  for (const seed of [0, 1, 2]) {
    it(`holds at seed ${seed}`, async () => {
      const started = Date.now();
      const cpu = process.cpuUsage();
      const results = await runRims(generalizeDemo.presets['quick'] ?? {}, recordingContext(seed, 'wasm'));
      const used = process.cpuUsage(cpu);
      const measured = generalizeDemo.claims.map((claim) => ({ claim, ...claim.measure(results) }));
      console.log(
        `    seed ${seed} (wall ${((Date.now() - started) / 1000).toFixed(1)} s, cpu ${((used.user + used.system) / 1e6).toFixed(1)} s): ` +
          measured
            .map(({ claim, measured: m, pass }) => `${claim.id}=${m?.toFixed(3)} ${pass ? 'pass' : 'FAIL'}`)
            .join(', '),
      );
      console.log(`      results: ${JSON.stringify(results)}`);
      for (const { claim, measured: m, pass } of measured)
        assert.ok(pass, `${claim.id}: measured ${m}, target ${claim.target}`);
    });
  }
});
