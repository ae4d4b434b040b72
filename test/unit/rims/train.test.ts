import { strict as assert } from 'node:assert';
import { validateConfig } from '../../../src/shared/config';
import { generalizeDemo, RIMS_PRESETS, type RimsConfig } from '../../../src/models/rims/demo';
import { train } from '../../../src/models/rims/train';
import { recordingContext } from '../../helpers/fakeContext';
import { useBackend } from '../../helpers/backends';
import { tensorsAtSteps, withoutLeaks } from '../../helpers/leaks';

const small: RimsConfig = {
  ...RIMS_PRESETS.quick,
  trainDormant: 3,
  steps: 6,
  batch: 8,
  evalEvery: 2,
  evalBatch: 8,
};

describe('rims training loop', () => {
  before(() => useBackend('wasm'));

  it('has valid presets', () => {
    for (const [name, preset] of Object.entries(generalizeDemo.presets)) {
      const result = validateConfig(generalizeDemo, preset);
      assert.ok(result.ok, `${name}: ${result.errors.join('; ')}`);
    }
    assert.ok(!validateConfig(generalizeDemo, { ...small, active: 5 }).ok);
  });

  it('reports both models, produces every output and leaks no tensors', async () => {
    const ctx = recordingContext(0, 'wasm');
    const counts = tensorsAtSteps(ctx, (values) => 'acc/rim/test' in values);
    const results = await withoutLeaks(() => train(small, ctx));
    assert.equal(counts.get(2), counts.get(6), 'tensors alive after step 2 vs step 6');
    for (const model of ['rim', 'lstm'] as const)
      for (const length of ['train', 'test'] as const)
        assert.ok(Number.isFinite(results.acc[model][length]), `acc.${model}.${length}`);
    assert.ok(Number.isFinite(results.dormantRatio), 'dormantRatio');
    assert.ok(Math.abs(results.params.rim - results.params.lstm) < 0.02 * results.params.rim);
    for (const id of ['examples', 'activation', 'phases', 'parameters', 'throughput', 'paper'])
      assert.ok(ctx.outputs.get(id), id);
    // Each model's steps/s, and the RIM (more, smaller ops per step) slower than the LSTM.
    const rimRate = results.stepsPerSecond.rim ?? NaN;
    const lstmRate = results.stepsPerSecond.lstm ?? NaN;
    assert.ok(rimRate > 0 && lstmRate > 0, `${rimRate}, ${lstmRate}`);
    assert.ok(rimRate < lstmRate, `RIM ${rimRate} steps/s vs LSTM ${lstmRate}`);
    const heat = ctx.outputs.get('activation');
    assert.ok(heat?.kind === 'heatmap');
    // Exactly k_A = 2 modules active at every step.
    heat.colLabels.forEach((_, t) =>
      assert.equal(
        heat.values.reduce((s, row) => s + (row[t] ?? 0), 0),
        2,
      ),
    );
    assert.equal(ctx.lastProgress, 6);
  });

  it('stops at the abort signal and returns partial results', async () => {
    const ctx = recordingContext(1, 'wasm');
    ctx.abortAt = 3;
    const results = await withoutLeaks(() => train(small, ctx));
    assert.equal(results.steps, 3);
    assert.ok(Number.isFinite(results.acc.rim.test));
  });
});
