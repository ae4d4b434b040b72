/**
 * RIMs claims (slow): the quick preset at seeds 0–2 and the paper preset (T = 50 → 200, 2,500
 * steps; over an hour of one core) at seed 0, on the wasm backend, every claim that applies to the
 * preset checked, with wall and CPU time printed. The paper preset runs only with
 * PAPER_LAB_RIMS_PAPER=1.
 */
import { strict as assert } from 'node:assert';
import type { DemoConfig } from '../../src/shared/catalog';
import { measureClaims } from '../../src/models/engine/runner';
import { generalizeDemo } from '../../src/models/rims/demo';
import { runRims } from '../../src/models/rims/train';
import { recordingContext } from '../helpers/fakeContext';
import { useBackend } from '../unit/fedopt/backend';

async function check(preset: string, seed: number): Promise<void> {
  const config: DemoConfig = generalizeDemo.presets[preset] ?? {};
  const started = Date.now();
  const cpu = process.cpuUsage();
  const results = await runRims(config, recordingContext(seed, 'wasm'));
  const used = process.cpuUsage(cpu);
  const measured = measureClaims(generalizeDemo, results, config);
  console.log(
    `    ${preset} seed ${seed} (wall ${((Date.now() - started) / 1000).toFixed(1)} s, cpu ${((used.user + used.system) / 1e6).toFixed(1)} s): ` +
      measured.map((c) => `${c.id}=${c.measured?.toFixed(3)} ${c.pass ? 'pass' : 'FAIL'}`).join(', '),
  );
  console.log(`      results: ${JSON.stringify(results)}`);
  for (const c of measured) assert.ok(c.pass, `${c.id}: measured ${c.measured}, target ${c.target}`);
}

describe('rims claims', () => {
  before(() => useBackend('wasm'));

  describe('quick preset, seeds 0–2', () => {
    for (const seed of [0, 1, 2]) it(`holds at seed ${seed}`, () => check('quick', seed));
  });

  describe('paper preset, seed 0', () => {
    it('holds at seed 0', function () {
      this.timeout(3 * 3600 * 1000);
      if (process.env['PAPER_LAB_RIMS_PAPER'] !== '1') this.skip();
      return check('paper', 0);
    });
  });
});
