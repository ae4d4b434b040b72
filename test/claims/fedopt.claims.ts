/**
 * FedOpt claims over several seeds (slow; `npm run test:claims`). Each seed runs the quick
 * preset at its default learning rates and checks every claim of the demo; the paper preset
 * (MNIST) runs once and its measured values are printed (its claims are not asserted: the
 * defaults were tuned on the synthetic task).
 */
import { strict as assert } from 'node:assert';
import { compareDemo } from '../../src/models/fedopt/demo';
import { useRepositoryData } from '../helpers/data';
import { recordingContext } from '../helpers/fakeContext';
import { useBackend } from '../helpers/backends';

const SEEDS = [0, 1, 2, 3, 4];

describe('fedopt claims (quick preset, seeds 0–4)', () => {
  before(() => useBackend('wasm'));

  for (const seed of SEEDS) {
    it(`holds at seed ${seed}`, async () => {
      const started = Date.now();
      const results = await (
        await compareDemo.loadTrainer()
      )(compareDemo.presets['quick'] ?? {}, recordingContext(seed, 'wasm'));
      const measured = compareDemo.claims.map((claim) => ({ claim, ...claim.measure(results) }));
      console.log(
        `    seed ${seed} (${((Date.now() - started) / 1000).toFixed(1)} s): ` +
          measured
            .map(({ claim, measured: m, pass }) => `${claim.id}=${m?.toFixed(3)} ${pass ? 'pass' : 'FAIL'}`)
            .join(', '),
      );
      console.log(
        `      rounds to target: ${['fedavg', 'fedavgm', 'fedadagrad', 'fedadam', 'fedyogi'].map((o) => `${o} ${results[`roundsToTarget.${o}`]}`).join(', ')}`,
      );
      for (const { claim, measured: m, pass } of measured)
        assert.ok(pass, `${claim.id}: measured ${m}, target ${claim.target}`);
    });
  }
});

describe('fedopt paper preset (MNIST)', () => {
  before(() => useBackend('wasm'));

  it('trains every optimizer on MNIST and reports its claims', async () => {
    useRepositoryData(); // media/data/mnist-14x14.bin, written by `npm run data`
    const results = await (
      await compareDemo.loadTrainer()
    )(compareDemo.presets['paper'] ?? {}, recordingContext(0, 'wasm'));
    for (const claim of compareDemo.claims) {
      const { measured, pass } = claim.measure(results);
      console.log(`    ${claim.id}: ${measured?.toFixed(3)} ${pass ? 'pass' : 'fail'}`);
    }
    console.log(`    results: ${JSON.stringify(results)}`);
    // The adaptive servers must at least learn the digits well beyond chance (0.1).
    assert.ok((results['final.fedyogi'] ?? 0) > 0.5, `FedYogi final accuracy ${results['final.fedyogi']}`);
  });
});
