/**
 * FedOpt claims over several seeds (slow; `npm run test:claims`). Each seed runs the quick
 * preset at its default learning rates and checks every claim of the demo; the paper preset
 * (MNIST) runs once and its measured values are printed (its claims are not asserted: its
 * learning rates were not tuned).
 *
 * With FEDOPT_TUNE=1 it also reruns the learning-rate tuning (about 10 minutes a seed on one
 * core): the `tune` preset at the tuning seeds, scored on the clients' held-out validation
 * examples only, and checks that the quick preset's learning rates are each optimizer's best
 * cell there.
 */
import { strict as assert } from 'node:assert';
import {
  compareDemo,
  FEDOPT_PRESETS,
  hasServerLr,
  OPTIMIZER_LABELS,
  SERVER_OPTIMIZERS,
  TUNING,
} from '../../src/models/fedopt/demo';
import { compare } from '../../src/models/fedopt/train';
import { averageCells, bestCells, type GridCell } from '../../src/models/fedopt/tuning';
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
        `      rounds to target: ${SERVER_OPTIMIZERS.map((o) => `${o} ${results[`roundsToTarget.${o}`]}`).join(', ')}; ` +
          `sweep reached: FedAvg ${results['sweepReached.fedavg']}, FedYogi ${results['sweepReached.fedyogi']}`,
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
    const config = compareDemo.presets['paper'] ?? {};
    const results = await (await compareDemo.loadTrainer())(config, recordingContext(0, 'wasm'));
    for (const claim of compareDemo.claims.filter((c) => c.appliesTo?.(config) ?? true)) {
      const { measured, pass } = claim.measure(results, config);
      console.log(`    ${claim.id}: ${measured?.toFixed(3)} ${pass ? 'pass' : 'fail'}`);
    }
    console.log(`    results: ${JSON.stringify(results)}`);
    // The adaptive servers must at least learn the digits well beyond chance (0.1).
    assert.ok((results['final.fedyogi'] ?? 0) > 0.5, `FedYogi final accuracy ${results['final.fedyogi']}`);
  });
});

(process.env['FEDOPT_TUNE'] === '1' ? describe : describe.skip)(
  `fedopt learning-rate tuning (validation examples, seeds ${TUNING.seeds.join(', ')})`,
  () => {
    before(() => useBackend('wasm'));

    it("picks the quick preset's learning rates", async function () {
      this.timeout(0);
      const config = FEDOPT_PRESETS.tune;
      const grids: GridCell[][] = [];
      for (const seed of TUNING.seeds) {
        const started = Date.now();
        const { grid } = await compare(config, recordingContext(seed, 'wasm'));
        console.log(`    seed ${seed}: ${grid.length} cells in ${((Date.now() - started) / 1000).toFixed(0)} s`);
        console.log(`      ${JSON.stringify(grid)}`);
        grids.push([...grid]);
      }
      const cells = averageCells(grids, config.roundCap);
      for (const opt of SERVER_OPTIMIZERS) {
        const mine = cells.filter((c) => c.opt === opt).sort((a, b) => a.meanRounds - b.meanRounds);
        console.log(
          `    ${OPTIMIZER_LABELS[opt]}: ` +
            mine
              .slice(0, 8)
              .map(
                (c) =>
                  `(η_l 10^${c.logClient}, η 10^${c.logServer}) ${c.meanRounds.toFixed(1)} rounds, ` +
                  `${c.reachedAt}/${grids.length} reached, mean acc ${c.meanAccuracy.toFixed(3)}`,
              )
              .join('; '),
        );
      }
      for (const best of bestCells(grids, config.roundCap)) {
        const lr = FEDOPT_PRESETS.quick.lr[best.opt];
        const label = OPTIMIZER_LABELS[best.opt];
        assert.ok(
          Math.abs(Math.log10(lr.client) - best.logClient) < 1e-9,
          `${label} client η_l: best 10^${best.logClient}`,
        );
        if (hasServerLr(best.opt)) {
          const server = FEDOPT_PRESETS.quick.lr[best.opt];
          assert.ok(
            'server' in server && Math.abs(Math.log10(server.server) - best.logServer) < 1e-9,
            `${label} server η: best 10^${best.logServer}`,
          );
        }
      }
    });
  },
);
