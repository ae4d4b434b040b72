/** The demo's descriptor, and a short end-to-end run on the real corpus (outputs, metrics, stopping). */
import { strict as assert } from 'node:assert';
import { validateConfig } from '../../../src/shared/config';
import { flyvec } from '../../../src/models/flyvec/descriptor';
import {
  embeddingsDemo,
  batchesPerEpoch,
  FLYVEC_PRESETS,
  type FlyVecConfig,
  type FlyVecResults,
} from '../../../src/models/flyvec/demo';
import { train } from '../../../src/models/flyvec/train';
import { PROBE_CATEGORIES, SHOWN_PROBES } from '../../../src/models/flyvec/probes';
import { loadCorpus } from '../../../src/models/flyvec/data';
import { useRepositoryData } from '../../helpers/data';
import { recordingContext } from '../../helpers/fakeContext';

/** A tiny setting: two epochs of 6 batches of 2000 windows, 60 cells. */
const tiny: FlyVecConfig = {
  ...FLYVEC_PRESETS.quick,
  kenyonCells: 60,
  hashLength: 8,
  epochs: 2,
  windowShare: 0.018,
  batchSize: 2000,
};

/** FlyVec's results are all top-level: the flat record the claims read has the same keys. */
const flat = (results: FlyVecResults): Record<string, number> =>
  Object.fromEntries(Object.entries(results).filter((e): e is [string, number] => typeof e[1] === 'number'));

describe('flyvec: demo', () => {
  before(useRepositoryData);

  it('has valid presets and counts its steps', () => {
    assert.deepEqual(flyvec.demos, [embeddingsDemo]);
    for (const [name, preset] of Object.entries(embeddingsDemo.presets)) {
      assert.deepEqual(validateConfig(embeddingsDemo, preset).errors, [], name);
    }
    const quick = embeddingsDemo.presets['quick'] ?? {};
    assert.equal(batchesPerEpoch(FLYVEC_PRESETS.quick), 135);
    assert.equal(embeddingsDemo.totalSteps(quick), 8 * 135);
    assert.ok((embeddingsDemo.validate?.({ ...quick, windowWidth: 10 }) ?? []).length > 0);
  });

  it('chooses every probe and shown word from the vocabulary', async () => {
    const corpus = await loadCorpus();
    const words = [...Object.values(PROBE_CATEGORIES).flat(), ...SHOWN_PROBES];
    assert.deepEqual(
      words.filter((w) => !corpus.ids.has(w)),
      [],
    );
    assert.equal(new Set(Object.values(PROBE_CATEGORIES).flat()).size, Object.values(PROBE_CATEGORIES).flat().length);
  });

  it('trains a few batches and reports every output and result', async () => {
    const ctx = recordingContext(0);
    const results = await train(tiny, ctx);
    assert.equal(results.batches, embeddingsDemo.totalSteps(tiny));
    assert.equal(ctx.lastProgress, results.batches);
    assert.equal(ctx.points.length, results.batches);
    for (const id of embeddingsDemo.outputs.map((o) => o.id)) assert.ok(ctx.outputs.has(id), id);
    for (const key of [
      'categoryShare',
      'validationShare',
      'randomShare',
      'categoryRatio',
      'denseShare',
      'hashShare',
      'denseBaselineRatio',
      'senseAccuracy',
      'senseBaseline',
      'topCellShare',
      'effectiveCells',
      'flyvecSeconds',
      'baselineSeconds',
      'energyChange',
    ] as const) {
      assert.ok(Number.isFinite(results[key]), key);
    }
    assert.equal(results.sensePairs, 80);
    assert.equal(results.flyvecBytes, 4 * tiny.kenyonCells * 2 * 3000);
    assert.equal(results.baselineBytes, 4 * 3000 * 3000);
    for (const claim of embeddingsDemo.claims) assert.notEqual(claim.measure(flat(results)).measured, null, claim.id);
    const saved = ctx.checkpoints.get('hash-codes') as { words: string[]; activeCells: number[][] };
    assert.equal(saved.activeCells.length, saved.words.length);
    assert.ok(saved.activeCells.every((cells) => cells.length === tiny.hashLength));
  });

  it('stops early and returns partial results when aborted', async () => {
    const ctx = recordingContext(0);
    ctx.abortAt = 2;
    const results = await train(tiny, ctx);
    assert.equal(results.batches, 2);
    assert.ok(ctx.outputs.has('neighbours') && ctx.outputs.has('context'));
    // The baseline is skipped: its results are absent and its claim measures nothing.
    assert.equal(results.denseBaselineRatio, undefined);
    assert.equal(results.baselineSeconds, undefined);
    assert.ok(!ctx.outputs.has('cost'));
    const ratio = embeddingsDemo.claims.find((c) => c.id === 'dense-baseline-ratio');
    assert.deepEqual(ratio?.measure(flat(results)), { measured: null, pass: false });
  });
});
