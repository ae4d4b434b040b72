import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import {
  CLIENT_LR_GRID,
  compareDemo,
  FEDOPT_PRESETS,
  type FedOptConfig,
  SERVER_LR_GRID,
  SERVER_OPTIMIZERS,
} from '../../../src/models/fedopt/demo';
import { train } from '../../../src/models/fedopt/train';
import { validateConfig } from '../../../src/shared/config';
import { recordingContext } from '../../helpers/fakeContext';
import { useBackend } from '../../helpers/backends';

/** A small version of the quick preset: fewer clients and rounds, all five optimizers. */
const small: FedOptConfig = {
  ...FEDOPT_PRESETS.quick,
  clients: 20,
  examplesPerClient: 20,
  clientsPerRound: 4,
  rounds: 6,
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
    const counts = new Map<number, number>();
    const metric = ctx.metric.bind(ctx);
    ctx.metric = (step, values) => {
      counts.set(step, tf.memory().numTensors);
      metric(step, values);
    };
    const before = tf.memory().numTensors;
    const results = await train(small, ctx);
    assert.equal(counts.get(2), counts.get(5), 'tensors alive after round 2 vs round 5');
    assert.equal(tf.memory().numTensors, before, 'tensors alive after the run');
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
    const before = tf.memory().numTensors;
    const results = await train(small, ctx);
    assert.equal(results.rounds, 3);
    assert.equal(ctx.points.length, 3);
    assert.equal(tf.memory().numTensors, before);
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

  it('fills the learning-rate grid heat map', async () => {
    const ctx = recordingContext(2, 'wasm');
    await train(
      {
        ...small,
        rounds: 1,
        lrGrid: true,
        optimizers: { ...small.optimizers, fedavgm: false, fedadagrad: false, fedadam: false },
      },
      ctx,
    );
    const grid = ctx.outputs.get('lr-grid');
    assert.ok(grid?.kind === 'heatmap');
    assert.equal(grid.rowLabels.length, CLIENT_LR_GRID.length);
    assert.equal(grid.colLabels.length, 1 + SERVER_LR_GRID.length); // FedAvg (η = 1), FedYogi at each server rate
    assert.ok(grid.values.every((row) => row.every((v) => v !== null && v >= 0 && v <= 1)));
  });
});
