/**
 * RIMs claims (slow): the quick preset at seeds 0–4 and the paper preset (T = 20 → 80, 9,000 steps;
 * about an hour of one core each) at seeds 0–2, on the wasm backend, every claim that applies to
 * the preset checked, with wall and CPU time printed. The paper preset runs only with
 * PAPER_LAB_RIMS_PAPER=1 (PAPER_LAB_RIMS_SEEDS=3,4 picks other seeds).
 */
import { strict as assert } from 'node:assert';
import type { DemoConfig } from '../../src/shared/catalog';
import { measureClaims } from '../../src/models/engine/runner';
import { generalizeDemo } from '../../src/models/rims/demo';
import { recordingContext } from '../helpers/fakeContext';
import { selectBackend } from '../../src/models/engine/backends';

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
  for (const c of measured) assert.ok(c.pass, `${c.id}: measured ${c.measured}, target ${c.target}`);
  assert.ok(measured.length > 0, 'at least one claim is asserted');
  if (preset === 'paper')
    assert.ok(
      measured.some((c) => c.id === 'rim-long-accuracy-paper'),
      'the paper target is judged',
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

  const paperSeeds = (process.env['PAPER_LAB_RIMS_SEEDS'] ?? '0,1,2').split(',').map(Number);
  describe(`paper preset, seeds ${paperSeeds.join(', ')}`, () => {
    for (const seed of paperSeeds)
      it(`holds at seed ${seed}`, function () {
        this.timeout(3 * 3600 * 1000);
        if (process.env['PAPER_LAB_RIMS_PAPER'] !== '1') this.skip();
        return check('paper', seed);
      });
  });
});
