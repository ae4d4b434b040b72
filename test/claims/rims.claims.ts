/**
 * RIMs claims (slow): the quick preset and the paper preset (T = 50 → 200, 2,500 steps; about an
 * hour of one core each) at seeds 0–2, on the wasm backend, every claim that applies to the preset
 * checked, with wall and CPU time printed, except the paper preset's ≥ 0.35: its caveat says it
 * does not reproduce at this scale, so it is printed, not asserted. The paper preset runs only
 * with PAPER_LAB_RIMS_PAPER=1.
 */
import { strict as assert } from 'node:assert';
import type { DemoConfig } from '../../src/shared/catalog';
import { measureClaims } from '../../src/models/engine/runner';
import { generalizeDemo } from '../../src/models/rims/demo';
import { recordingContext } from '../helpers/fakeContext';
import { selectBackend } from '../../src/models/engine/backends';

/** The paper preset's ≥ 0.35: its caveat in the UI says it does not reproduce at this scale. */
const NOT_REPRODUCED = 'rim-long-accuracy-paper';

async function check(preset: string, seed: number): Promise<void> {
  const config: DemoConfig = generalizeDemo.presets[preset] ?? {};
  const started = Date.now();
  const cpu = process.cpuUsage();
  const results = await (await generalizeDemo.loadTrainer())(config, recordingContext(seed, 'wasm'));
  const used = process.cpuUsage(cpu);
  const measured = measureClaims(generalizeDemo, results, config);
  console.log(
    `    ${preset} seed ${seed} (wall ${((Date.now() - started) / 1000).toFixed(1)} s, cpu ${((used.user + used.system) / 1e6).toFixed(1)} s): ` +
      measured.map((c) => `${c.id}=${c.measured?.toFixed(3)} ${c.pass ? 'pass' : 'FAIL'}`).join(', '),
  );
  console.log(`      results: ${JSON.stringify(results)}`);
  for (const c of measured)
    if (c.id === NOT_REPRODUCED) console.log(`      ${c.id}: reported, not asserted (${c.pass ? 'met' : 'missed'})`);
    else assert.ok(c.pass, `${c.id}: measured ${c.measured}, target ${c.target}`);
  assert.ok(
    measured.some((c) => c.id !== NOT_REPRODUCED),
    'at least one claim is asserted',
  );
}

describe('rims claims', () => {
  // As the engine starts it: wasm with its kernel fixes (a run in the editor or the CLI does the same).
  before(async () => {
    assert.equal((await selectBackend('wasm')).chosen, 'wasm');
  });

  describe('quick preset, seeds 0–4', () => {
    for (const seed of [0, 1, 2, 3, 4]) it(`holds at seed ${seed}`, () => check('quick', seed));
  });

  describe('paper preset, seeds 0–2', () => {
    for (const seed of [0, 1, 2])
      it(`holds at seed ${seed} (its caveated claims reported)`, function () {
        this.timeout(3 * 3600 * 1000);
        if (process.env['PAPER_LAB_RIMS_PAPER'] !== '1') this.skip();
        return check('paper', seed);
      });
  });
});
