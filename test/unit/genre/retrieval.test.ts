/**
 * Scoring decoded names: a beam counts as an entity only when it is finished and its detokenised
 * string is exactly one of the knowledge base's names (looked up, not assumed from the trie); a miss
 * is a search error when the gold name scores higher than the returned one.
 */
import '../../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/models/engine/backends';
import { BOS, buildDataset } from '../../../src/models/genre/contexts';
import { loadKnowledgeBase } from '../../../src/models/genre/knowledgeBase';
import { disposeSeq2Seq, nameLoss } from '../../../src/models/genre/model';
import { entityOfBeam, goldLogProbs, padBatch, score, searchErrors } from '../../../src/models/genre/retrieval';
import { useRepositoryData } from '../../helpers/data';
import { georgiaKnowledgeBase, modelFor } from './fixtures';

describe('genre retrieval scoring', () => {
  before(async () => {
    useRepositoryData();
    await selectBackend('wasm');
  });

  it('finds every entity from its own name tokens, and nothing from prefixes or unfinished beams', async () => {
    const kb = await loadKnowledgeBase();
    const data = buildDataset(kb);
    const beam = (tokens: readonly number[], finished = true) => ({ tokens, logProb: -1, score: -1, finished });
    data.names.forEach((tokens, e) => {
      assert.equal(entityOfBeam(kb, data, beam(tokens)), e, kb.entities[e]?.name);
      assert.equal(entityOfBeam(kb, data, beam(tokens, false)), -1);
      // A proper prefix is a name only when the knowledge base has that shorter name ("georgia" is not one).
      const prefix = tokens.slice(0, -1);
      const shorter = data.names.findIndex((n) => n.length === prefix.length && n.every((t, i) => t === prefix[i]));
      assert.equal(entityOfBeam(kb, data, beam(prefix)), shorter);
    });
    assert.equal(entityOfBeam(kb, data, undefined), -1);
  });

  it('scores exact match, invalid names and the ambiguous subset by counting', async () => {
    const kb = await loadKnowledgeBase();
    const data = buildDataset(kb);
    const examples = [
      ...data.test.filter((e) => e.ambiguous).slice(0, 2),
      ...data.test.filter((e) => !e.ambiguous).slice(0, 3),
    ];
    const name = (e: number) => ({ tokens: data.names[e] ?? [], logProb: -1, score: -1, finished: true });
    const other = (e: number) => (e + 1) % kb.entities.length;
    // Ambiguous: one right, one wrong name; unambiguous: right, not a name, unfinished.
    const beams = [
      [name(examples[0]?.entity ?? 0)],
      [name(other(examples[1]?.entity ?? 0))],
      [name(examples[2]?.entity ?? 0)],
      [{ tokens: [data.words.indexOf('.')], logProb: -1, score: -1, finished: true }],
      [{ ...name(examples[4]?.entity ?? 0), finished: false }],
    ];
    const s = score(kb, data, examples, beams);
    assert.equal(s.accuracy, 2 / 5);
    assert.equal(s.invalid, 2 / 5);
    assert.equal(s.ambiguousAccuracy, 1 / 2);
    assert.equal(s.unambiguousAccuracy, 1 / 3);
  });

  it('reads the gold name’s log-likelihood step by step as the teacher-forced loss gives it', async () => {
    const data = buildDataset(georgiaKnowledgeBase());
    const model = modelFor(data, 6, 5, 2);
    const examples = [...data.train.slice(0, 3), ...data.test.slice(0, 2)];
    // Chunks of 2 contexts: the answer does not depend on how the examples are batched.
    const stepwise = await goldLogProbs(model, examples, 2);
    for (const [i, e] of examples.entries()) {
      const source = padBatch([e.source]);
      const targetIn = padBatch([[BOS, ...e.target.slice(0, -1)]]);
      const targetOut = padBatch([e.target]);
      const loss = nameLoss(model, source.ids, source.mask, targetIn.ids, targetOut.ids, targetOut.mask);
      // The loss is the mean over the name's tokens of −log p: times the length, −log p_θ(y | x).
      const expected = -((await loss.data())[0] as number) * e.target.length;
      assert.ok(Math.abs((stepwise[i] as number) - expected) < 1e-4, `${stepwise[i]} vs ${expected}`);
      tf.dispose([source.ids, source.mask, targetIn.ids, targetIn.mask, targetOut.ids, targetOut.mask, loss]);
    }
    disposeSeq2Seq(model);
  });

  it('counts a miss as a search error only when the gold name scores higher than the returned one', async () => {
    const kb = await loadKnowledgeBase();
    const data = buildDataset(kb);
    const examples = data.test.slice(0, 5);
    const other = (e: number) => (e + 1) % kb.entities.length;
    const beamOf = (entity: number, score: number) => ({
      tokens: data.names[entity] ?? [],
      logProb: score,
      score,
      finished: true,
    });
    // Gold log-likelihoods chosen so that the gold's length-normalised score (α = 1) is −0.5 for every example.
    const gold = examples.map((e) => -0.5 * e.target.length);
    const beams = [
      [beamOf(examples[0]?.entity ?? 0, -0.9)], // right: not a miss
      [beamOf(other(examples[1]?.entity ?? 0), -0.8)], // wrong, scores below the gold: a search error
      [beamOf(other(examples[2]?.entity ?? 0), -0.2)], // wrong, scores above the gold: a model error
      [], // nothing returned: a search error
      [beamOf(other(examples[4]?.entity ?? 0), -0.5)], // a tie is not a search error
    ];
    assert.equal(searchErrors(kb, data, examples, beams, gold, 1), 2);
    // With α = 0 the gold's score is its raw log-likelihood (below −0.9 for every name of 2+ tokens).
    const long = examples.map((e) => e.target.length >= 2);
    assert.ok(long.every(Boolean));
    assert.equal(searchErrors(kb, data, examples, beams, gold, 0), 1);
  });
});
