import '../../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { validateConfig } from '../../../src/shared/config';
import { loadCorpus } from '../../../src/models/ance/data';
import { ANCE_PRESETS, type AnceConfig, negativesDemo } from '../../../src/models/ance/demo';
import { initEncoder } from '../../../src/models/ance/encoder';
import { evaluateEncoder } from '../../../src/models/ance/evaluate';
import { gramTable } from '../../../src/models/ance/text';
import { train } from '../../../src/models/ance/train';
import { Rng } from '../../../src/models/engine/rng';
import { useRepositoryData } from '../../helpers/data';
import { recordingContext } from '../../helpers/fakeContext';

const quick = negativesDemo.presets['quick'] ?? {};
/** A short run on the countries only: 40 steps, the first index asked for at step 10, then every 10. */
const small: AnceConfig = {
  ...ANCE_PRESETS.quick,
  steps: { countries: 40, wordnet: 0 },
  batchSize: 16,
  dim: 16,
  hashBits: 12,
  warmupSteps: 10,
  refreshEvery: 10,
  evalEvery: 20,
};

describe('ance: corpora and training run', function () {
  this.timeout(600_000);
  before(async () => {
    useRepositoryData();
    await tf.setBackend('cpu');
  });

  it('loads both corpora with one valid relevant document per query', async () => {
    const countries = await loadCorpus('countries');
    const wordnet = await loadCorpus('wordnet');
    assert.equal(wordnet.docs.length, 5000);
    assert.equal(wordnet.train.length, 4000);
    assert.equal(wordnet.heldOut.length, 1000);
    assert.ok(countries.docs.length >= 10 * (countries.train.length + countries.heldOut.length));
    // No WordNet lemma appears verbatim (as whole words) in its own gloss.
    for (const pair of [...wordnet.train, ...wordnet.heldOut]) {
      const doc = ` ${(wordnet.docs[pair.positive] ?? '').toLowerCase().replace(/[^a-z0-9]+/g, ' ')} `;
      for (const lemma of pair.text.split(', ')) {
        assert.ok(
          !doc.includes(
            ` ${lemma
              .toLowerCase()
              .replace(/[^a-z0-9]+/g, ' ')
              .trim()} `,
          ),
          `${lemma} in ${doc}`,
        );
      }
    }
    // Every country query's true record is among near-duplicates sharing its capital.
    for (const pair of countries.train.slice(0, 20)) {
      const capital = (countries.docs[pair.positive] ?? '').split(' | ')[0] ?? '';
      assert.ok(pair.text.startsWith(`capital ${capital},`));
      assert.ok(countries.docs.filter((d) => d.startsWith(`${capital} | `)).length >= 10);
    }
    // Held-out queries are not training queries.
    const trained = new Set(countries.train.map((p) => p.positive));
    assert.ok(countries.heldOut.every((p) => !trained.has(p.positive)));
  });

  it('rejects invalid configs before a run starts', () => {
    assert.equal(validateConfig(negativesDemo, {}, quick).ok, true);
    const tooLong = validateConfig(negativesDemo, { warmupSteps: 5000 }, quick);
    assert.equal(tooLong.ok, false);
    assert.equal(validateConfig(negativesDemo, { 'steps.countries': 0, 'steps.wordnet': 0 }, quick).ok, false);
    assert.equal(validateConfig(negativesDemo, { refreshMode: 'sometimes' }, quick).ok, false);
    assert.equal(validateConfig(negativesDemo, { batchSize: 0 }, quick).ok, false);
  });

  it('evaluation leaves no tensors behind', async () => {
    const corpus = await loadCorpus('countries');
    const w = initEncoder(1 << 12, 16, new Rng(0));
    const docs = gramTable(corpus.docs, 1 << 12);
    const held = gramTable(
      corpus.heldOut.map((p) => p.text),
      1 << 12,
    );
    const positives = corpus.heldOut.map((p) => p.positive);
    await evaluateEncoder(w, docs, held, positives, 3, 5);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await evaluateEncoder(w, docs, held, positives, 3, 5);
    assert.equal(tf.memory().numTensors, before);
  });

  it('trains three samplers in lockstep with asynchronous refreshes, without leaking tensors', async () => {
    const ctx = recordingContext(0);
    const before = tf.memory().numTensors;
    const results = await train(small, ctx);
    assert.equal(tf.memory().numTensors, before);
    assert.ok(results.refreshes >= 1, 'at least one index swapped in');
    for (const ranker of ['random', 'bm25', 'ance', 'bm25-ranking'] as const) {
      const v = results.mrr.countries[ranker];
      assert.ok(v !== undefined && v >= 0 && v <= 1, `mrr.countries.${ranker}`);
    }
    for (const [key, value] of Object.entries({
      'gradCheckpointRatio.countries': results.gradCheckpointRatio.countries,
      'gradTrainingRatio.countries': results.gradTrainingRatio.countries,
      throughputRatio: results.throughputRatio,
      docsPerSecond: results.docsPerSecond,
    })) {
      assert.ok(Number.isFinite(value), key);
    }
    const steps = (name: string): number[] => ctx.points.filter((p) => name in p.values).map((p) => p.step);
    assert.deepEqual(steps('mrr/countries/ance'), [0, 20, 40]);
    assert.equal(steps('grad/countries/random').length, 40);
    assert.deepEqual(steps('negRank/countries/ance'), [20, 40]);
    // Ranks of sampled negatives are ranks among the other documents; once ANCE has an index, its
    // negatives (taken from the top of a recent ranking) rank above the random ones.
    const size = (await loadCorpus('countries')).docs.length;
    for (const s of ['random', 'bm25', 'ance'] as const) {
      const r = results.negRank.countries[s] ?? Number.NaN;
      assert.ok(r >= 1 && r <= size - 1, `negRank.countries.${s} = ${r}`);
    }
    assert.ok((results.negRank.countries.ance as number) < (results.negRank.countries.random as number));
    const inUse = ctx.points.filter((p) => 'index/countries' in p.values);
    assert.ok(inUse.length >= 1);
    // The index in use was always built from weights of an earlier (or the same) step, and never goes back.
    let last = 0;
    for (const p of inUse) {
      const snapshot = p.values['index/countries'] as number;
      assert.ok(snapshot <= p.step && snapshot >= last);
      last = snapshot;
    }
    for (const id of ['retrieval', 'top5-countries', 'refreshes', 'gradients']) assert.ok(ctx.outputs.has(id), id);
    assert.equal(ctx.lastProgress, 40);
  });

  it('the blocking refresh gives the same kind of run, each index in use from the step that asked for it', async () => {
    const ctx = recordingContext(1);
    const results = await train({ ...small, steps: { countries: 25, wordnet: 0 }, refreshMode: 'blocking' }, ctx);
    const inUse = new Map(
      ctx.points.filter((p) => 'index/countries' in p.values).map((p) => [p.step, p.values['index/countries']]),
    );
    for (let step = 1; step <= 25; step++) assert.equal(inUse.get(step), step < 10 ? undefined : step < 20 ? 10 : 20);
    assert.equal(results.refreshes, 2);
  });

  it('stops early when aborted', async () => {
    const ctx = recordingContext(2);
    ctx.abortAt = 7;
    await train(small, ctx);
    assert.equal(ctx.lastProgress, 7);
  });
});
