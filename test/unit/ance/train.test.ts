import '../../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { validateConfig } from '../../../src/shared/config';
import { allQueries, loadCorpus } from '../../../src/models/ance/data';
import { ANCE_PRESETS, type AnceConfig, type AnceResults, negativesDemo } from '../../../src/models/ance/demo';
import { initEncoder } from '../../../src/models/ance/encoder';
import { evaluateEncoder } from '../../../src/models/ance/evaluate';
import { gramTable } from '../../../src/models/ance/text';
import { train } from '../../../src/models/ance/train';
import { Rng } from '../../../src/models/engine/rng';
import type { TableOutput } from '../../../src/shared/outputs';
import { useRepositoryData } from '../../helpers/data';
import { recordingContext } from '../../helpers/fakeContext';

const quick = negativesDemo.presets['quick'] ?? {};
/**
 * A short run on the countries only, in two folds: a warm start of 10 steps, then 40 steps per
 * sampler with a refresh asked for after steps 10, 20 and 30 (swapped in 10 steps later).
 */
const small: AnceConfig = {
  ...ANCE_PRESETS.quick,
  steps: { countries: 40, wordnet: 0 },
  folds: { countries: 2, wordnet: 1 },
  batchSize: 16,
  dim: 16,
  hashBits: 12,
  warmupSteps: 10,
  refreshEvery: 10,
  evalEvery: 20,
};

/** The results that depend on the thread doing the work (wall times), left out of comparisons. */
const TIMING = /^(refreshCpu|refreshSpeedup|refreshWaitRatio|waitShare|periodSeconds|docsPerSecond|indexBuildSeconds)/;
function untimed(results: AnceResults): Record<string, unknown> {
  return Object.fromEntries(Object.entries(results).filter(([k]) => !TIMING.test(k)));
}

describe('ance: training runs', function () {
  this.timeout(600_000);
  before(async () => {
    useRepositoryData();
    await tf.setBackend('cpu');
  });

  it('rejects invalid configs before a run starts', () => {
    assert.equal(validateConfig(negativesDemo, {}, quick).ok, true);
    assert.equal(validateConfig(negativesDemo, { 'steps.countries': 0, 'steps.wordnet': 0 }, quick).ok, false);
    assert.equal(validateConfig(negativesDemo, { refreshMode: 'sometimes' }, quick).ok, false);
    assert.equal(validateConfig(negativesDemo, { batchSize: 0 }, quick).ok, false);
    assert.equal(validateConfig(negativesDemo, { evalEvery: 30 }, quick).ok, false, 'not a multiple of m = 20');
    assert.equal(validateConfig(negativesDemo, { 'folds.countries': 0 }, quick).ok, false);
  });

  it('evaluation leaves no tensors behind', async () => {
    const corpus = await loadCorpus('countries');
    const w = initEncoder(1 << 12, 16, new Rng(0));
    const docs = gramTable(corpus.docs, 1 << 12);
    const held = gramTable(
      corpus.heldOut.map((p) => p.text),
      1 << 12,
    );
    const relevant = corpus.heldOut.map((p) => p.relevant);
    await evaluateEncoder(w, docs, held, relevant, 3, 5);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await evaluateEncoder(w, docs, held, relevant, 3, 5);
    assert.equal(tf.memory().numTensors, before);
  });

  let interleaved: AnceResults | null = null;

  it('warm-starts with BM25 negatives, continues three learners in lockstep, and pools the folds', async () => {
    const ctx = recordingContext(0);
    const before = tf.memory().numTensors;
    const results = await train(small, ctx);
    interleaved = results;
    assert.equal(tf.memory().numTensors, before);
    assert.equal(ctx.lastProgress, 2 * (10 + 40));
    // Every query is held out by one of the two folds.
    const countries = await loadCorpus('countries');
    assert.equal(results.heldOutQueries.countries, allQueries(countries).length);
    for (const ranker of ['random', 'bm25', 'ance', 'warm-start', 'bm25-ranking', 'untrained'] as const) {
      const v = results.mrr.countries[ranker];
      assert.ok(v !== undefined && v >= 0 && v <= 1, `mrr.countries.${ranker}`);
    }
    assert.equal(results.mrrVsBm25.countries, (results.mrr.countries.ance ?? 0) / (results.mrr.countries.bm25 ?? 1));
    assert.equal(
      results.mrrVsRandom.countries,
      (results.mrr.countries.ance ?? 0) / (results.mrr.countries.random ?? 1),
    );
    // Three refreshes per fold, alternating between the thread and in place, each fold starting in the thread.
    assert.equal(results.refreshes, 6);
    const table = ctx.outputs.get('refreshes') as TableOutput;
    assert.deepEqual(
      table.rows.map((r) => [r[1], r[3], r[4], r[5]]),
      [1, 2].flatMap((fold) => [
        [fold, 'in the second thread', 10, 20],
        [fold, 'in place (training waits)', 20, 30],
        [fold, 'in the second thread', 30, 40],
      ]),
    );
    assert.ok(Number.isFinite(results.refreshSpeedup.countries));
    // The warm start is BM25's: its loss is recorded as BM25's before the others start.
    const stepsOf = (name: string): number[] => ctx.points.filter((p) => name in p.values).map((p) => p.step);
    assert.deepEqual(stepsOf('loss/countries/random').slice(0, 2), [11, 12]);
    assert.deepEqual(stepsOf('loss/countries/bm25').slice(0, 2), [1, 2]);
    assert.equal(stepsOf('loss/countries/bm25').length, 2 * 50);
    assert.deepEqual(stepsOf('mrr/countries/ance'), [10, 30, 50, 60, 80, 100]);
    // The index in use lags m to 2m steps behind (after the first, built from the warm start).
    for (const p of ctx.points.filter((q) => 'index/countries' in q.values)) {
      const fold = p.step > 50 ? 1 : 0;
      const step = p.step - 50 * fold - 10;
      const snapshot = (p.values['index/countries'] as number) - 50 * fold - 10;
      assert.equal(snapshot, step < 20 ? 0 : 10 * Math.floor(step / 10) - 10, `step ${step}`);
    }
    // ANCE's negatives, from a recent ranking, rank above the random ones.
    for (const s of ['random', 'bm25', 'ance'] as const) {
      const r = results.negRank.countries[s] ?? Number.NaN;
      assert.ok(r >= 1 && r <= countries.docs.length - 1, `negRank.countries.${s} = ${r}`);
    }
    assert.ok((results.negRank.countries.ance as number) < (results.negRank.countries.random as number));
    for (const id of ['retrieval', 'ratios', 'top5-countries', 'refreshes', 'gradients'])
      assert.ok(ctx.outputs.has(id), id);
  });

  it('gives the same numbers whichever thread builds the index', async () => {
    assert.ok(interleaved, 'the interleaved run ran');
    for (const refreshMode of ['async', 'blocking'] as const) {
      const results = await train({ ...small, refreshMode }, recordingContext(0));
      assert.deepEqual(untimed(results), untimed(interleaved), refreshMode);
    }
  });

  it('stops early when aborted', async () => {
    const ctx = recordingContext(2);
    ctx.abortAt = 27;
    await train(small, ctx);
    assert.equal(ctx.lastProgress, 27);
  });
});
