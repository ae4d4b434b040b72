import { strict as assert } from 'node:assert';
import {
  CLIENT_LR_GRID,
  compareDemo,
  FEDOPT_PRESETS,
  type FedOptConfig,
  SERVER_LR_GRID,
  SERVER_OPTIMIZERS,
  SWEEP_CLIENT_LR_GRID,
} from '../../../src/models/fedopt/demo';
import { compare, train } from '../../../src/models/fedopt/train';
import { validateConfig } from '../../../src/shared/config';
import { recordingContext } from '../../helpers/fakeContext';
import { useBackend } from '../../helpers/backends';
import { tensorsAtSteps, withoutLeaks } from '../../helpers/leaks';

/** A small version of the quick preset: fewer clients and rounds, all five optimizers, no sweep. */
const small: FedOptConfig = {
  ...FEDOPT_PRESETS.quick,
  clients: 20,
  examplesPerClient: 20,
  validationPerClient: 5,
  clientsPerRound: 4,
  rounds: 6,
  roundCap: 6,
  lrSweep: false,
};

/** Two optimizers only, for the tests that train many rounds. */
const two: FedOptConfig = {
  ...small,
  optimizers: { fedavg: true, fedavgm: false, fedadagrad: false, fedadam: false, fedyogi: true },
};

describe('fedopt training loop', () => {
  before(() => useBackend('wasm'));

  it('has valid presets and rejects bad cross-field settings', () => {
    for (const [name, preset] of Object.entries(compareDemo.presets)) {
      const result = validateConfig(compareDemo, preset);
      assert.ok(result.ok, `${name}: ${result.errors.join('; ')}`);
    }
    const none = Object.fromEntries(
      Object.keys(compareDemo.presets['quick'] ?? {})
        .filter((k) => k.startsWith('optimizers.'))
        .map((k) => [k, false]),
    );
    assert.ok(!validateConfig(compareDemo, none).ok);
    assert.ok(!validateConfig(compareDemo, { clients: 10, clientsPerRound: 20 }).ok);
  });

  it('reports every optimizer each round and leaks no tensors', async () => {
    const ctx = recordingContext(0, 'wasm');
    const counts = tensorsAtSteps(ctx);
    const results = await withoutLeaks(() => train(small, ctx));
    assert.equal(counts.get(2), counts.get(5), 'tensors alive after round 2 vs round 5');
    assert.equal(ctx.points.length, 6);
    for (const opt of SERVER_OPTIMIZERS) {
      assert.ok(Number.isFinite(ctx.points[5]?.values[`acc/${opt}`]), opt);
      assert.ok(Number.isFinite(results.final[opt]), opt);
      assert.ok(Number.isFinite(results.roundsToTarget[opt]), opt);
    }
    assert.equal(results.rounds, 6);
    assert.ok(ctx.outputs.get('rounds-to-target'));
    const histogram = ctx.outputs.get('label-histogram');
    assert.ok(histogram?.kind === 'bars');
    // Every client shown holds exactly two classes.
    histogram.categories.forEach((_, i) =>
      assert.equal(histogram.series.filter((s) => (s.values[i] ?? 0) > 0).length, 2),
    );
    assert.equal(ctx.lastProgress, 6);
  });

  it('stops at the abort signal and returns partial results', async () => {
    const ctx = recordingContext(1, 'wasm');
    ctx.abortAt = 3;
    const results = await withoutLeaks(() => train(small, ctx));
    assert.equal(results.rounds, 3);
    assert.equal(ctx.points.length, 3);
    // Not reached within 3 rounds → reported as 4, a lower bound.
    assert.ok((results.roundsToTarget.fedavg ?? 0) <= 4);
  });

  it('is reproducible from the seed', async () => {
    const config: FedOptConfig = {
      ...small,
      rounds: 2,
      optimizers: { ...small.optimizers, fedavgm: false, fedadagrad: false },
    };
    const a = await train(config, recordingContext(5, 'wasm'));
    const b = await train(config, recordingContext(5, 'wasm'));
    assert.deepEqual(a, b);
  });

  it('trains an optimizer below the target on, and measures the rounds a longer run would', async () => {
    // FedAvg at a small client rate is slow; a low target keeps the test short.
    const config: FedOptConfig = { ...two, targetAccuracy: 0.4, lr: { ...two.lr, fedavg: { client: 10 } } };
    const long = await train({ ...config, rounds: 60, roundCap: 60 }, recordingContext(4, 'wasm'));
    const avg = long.roundsToTarget.fedavg ?? 0;
    const yogi = long.roundsToTarget.fedyogi ?? 0;
    assert.ok(yogi < avg && avg <= 60, `FedYogi ${yogi}, FedAvg ${avg} rounds in the long run`);

    // Stop the common rounds between the two: FedAvg alone trains on to its target.
    const rounds = yogi + 1;
    const ctx = recordingContext(4, 'wasm');
    const results = await train({ ...config, rounds, roundCap: 60 }, ctx);
    assert.equal(results.roundsToTarget.fedavg, avg, 'the same round as when every optimizer trains that long');
    assert.equal(results.roundsToTarget.fedyogi, yogi);
    assert.equal(results.rounds, rounds);
    assert.equal(results.lastRound, avg);
    assert.equal(ctx.lastProgress, rounds, 'progress counts the common rounds');
    const after = ctx.points.filter((p) => p.step > rounds);
    assert.equal(after.length, avg - rounds);
    assert.ok(after.every((p) => Object.keys(p.values).sort().join() === 'acc/fedavg,loss/fedavg'));

    // With the cap at or below the common rounds, no extra rounds: the count is a lower bound, rounds + 1.
    const capped = await train({ ...config, rounds, roundCap: 1 }, recordingContext(4, 'wasm'));
    assert.equal(capped.roundsToTarget.fedavg, rounds + 1);
    assert.equal(capped.lastRound, rounds);
  });

  it('sweeps FedAvg and FedYogi over client rates, each cell as a run at those rates would', async () => {
    const config: FedOptConfig = { ...two, rounds: 12, roundCap: 12, targetAccuracy: 0.25, lrSweep: true };
    const ctx = recordingContext(6, 'wasm');
    const results = await train(config, ctx);
    const table = ctx.outputs.get('lr-sweep');
    assert.ok(table?.kind === 'table');
    assert.equal(table.rows.length, SWEEP_CLIENT_LR_GRID.length);
    const reached = (col: number): number => table.rows.filter((r) => typeof r[col] === 'number').length;
    assert.equal(results.sweepReached?.fedavg, reached(1));
    assert.equal(results.sweepReached?.fedyogi, reached(2));
    // Both outcomes occur at this seed: FedAvg reaches the target at some rates and not at others.
    assert.ok(reached(1) > 0 && reached(1) < table.rows.length, JSON.stringify(table.rows));

    // Each cell is the round a plain run at that client rate reaches the target (or not in the rounds).
    for (const [i, logClient] of SWEEP_CLIENT_LR_GRID.entries()) {
      if (i % 2 === 1) continue; // every other rate keeps the test short
      const alone = await train(
        {
          ...config,
          lrSweep: false,
          lr: {
            ...config.lr,
            fedavg: { client: 10 ** logClient },
            fedyogi: { ...config.lr.fedyogi, client: 10 ** logClient },
          },
        },
        recordingContext(6, 'wasm'),
      );
      for (const [col, opt] of [
        [1, 'fedavg'],
        [2, 'fedyogi'],
      ] as const) {
        const r = alone.roundsToTarget[opt] ?? 0;
        assert.deepEqual(
          table.rows[i]?.[col],
          r <= config.rounds ? r : `> ${config.rounds}`,
          `${opt} at 10^${logClient}`,
        );
      }
    }
  });

  it('scores the learning-rate grid on the validation examples', async () => {
    const config: FedOptConfig = {
      ...small,
      rounds: 2,
      roundCap: 2,
      lrGrid: true,
      optimizers: { ...small.optimizers, fedavgm: false, fedadagrad: false, fedadam: false },
    };
    const ctx = recordingContext(2, 'wasm');
    const { grid } = await compare(config, ctx);
    assert.equal(grid.length, CLIENT_LR_GRID.length * (1 + SERVER_LR_GRID.length));
    assert.ok(grid.every((c) => c.meanAccuracy >= 0 && c.meanAccuracy <= 1));
    assert.ok(grid.every((c) => c.roundsToTarget === null || (c.roundsToTarget >= 1 && c.roundsToTarget <= 2)));
    const heatmap = ctx.outputs.get('lr-grid');
    assert.ok(heatmap?.kind === 'heatmap');
    assert.equal(heatmap.rowLabels.length, CLIENT_LR_GRID.length);
    assert.equal(heatmap.colLabels.length, 1 + SERVER_LR_GRID.length); // FedAvg (η = 1), FedYogi at each server rate
    const best = ctx.outputs.get('lr-grid-best');
    assert.ok(best?.kind === 'table');
    assert.deepEqual(
      best.rows.map((r) => r[0]),
      ['FedAvg', 'FedYogi'],
    );

    // The FedAvg cell at the compared arm's rates repeats its training, scored on the 20 × 5
    // held-out examples (accuracies in steps of 1/100) instead of the 1000 test documents.
    const cell = grid.find(
      (c) => c.opt === 'fedavg' && Math.abs(c.logClient - Math.log10(config.lr.fedavg.client)) < 1e-9,
    );
    assert.ok(cell);
    const steps = cell.meanAccuracy * 2 * 100;
    assert.ok(Math.abs(steps - Math.round(steps)) < 1e-3, `mean validation accuracy ${cell.meanAccuracy}`);
    const testMean = ctx.points.reduce((s, p) => s + (p.values['acc/fedavg'] ?? 0), 0) / 2;
    assert.ok(Math.abs(cell.meanAccuracy - testMean) > 1e-6, 'scored on other examples than the test set');
    const again = await compare(config, recordingContext(2, 'wasm'));
    assert.deepEqual(again.grid, grid);
  });
});
