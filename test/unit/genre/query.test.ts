import '../../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/models/engine/backends';
import { Rng } from '../../../src/models/engine/rng';
import { buildDataset, EOS } from '../../../src/models/genre/contexts';
import { makeKnowledgeBase } from '../../../src/models/genre/knowledgeBase';
import { createSeq2Seq, disposeSeq2Seq } from '../../../src/models/genre/model';
import {
  beamsQuery,
  isGenreCheckpoint,
  markedContext,
  PlainSeq2Seq,
  retrievePlain,
} from '../../../src/models/genre/query';
import { modelScorer, retrieve } from '../../../src/models/genre/retrieval';
import { modelCheckpoint, trainingStep } from '../../../src/models/genre/train';

const kb = makeKnowledgeBase([
  {
    name: 'Georgia (country)',
    type: 'country',
    mentions: ['Georgia'],
    facts: { continent: 'Asia', capital: 'Tbilisi' },
  },
  { name: 'Georgia (U.S. state)', type: 'state', mentions: ['Georgia'], facts: { capital: 'Atlanta' } },
  { name: 'Ohio', type: 'state', mentions: ['Ohio'], facts: { capital: 'Columbus' } },
  { name: 'Atlanta, Georgia', type: 'state-capital', mentions: ['Atlanta'], facts: { state: 'Georgia' } },
]);

describe('genre query (plain-array model from the checkpoint)', () => {
  before(async () => {
    await selectBackend('wasm');
  });

  it('gives the same next-token log-probabilities and beams as the TensorFlow.js model', async () => {
    const data = buildDataset(kb);
    const model = createSeq2Seq({ vocabulary: data.words.length, embedding: 8, hidden: 6 }, new Rng(4));
    const optimizer = tf.train.adam(0.01);
    for (let step = 0; step < 5; step++) tf.dispose(tf.tidy(() => trainingStep(model, optimizer, data.train)));
    const settings = { beamSize: 3, alpha: 1, maxLength: 8 };
    const checkpoint = JSON.parse(JSON.stringify(await modelCheckpoint(model, kb, data, settings))) as unknown;
    assert.ok(isGenreCheckpoint(checkpoint));
    const example = data.test[0];
    assert.ok(example);
    // Two decoder steps: [BOS], then the first token of the example's name.
    const { scorer, dispose } = modelScorer(model, [example.source]);
    const plain = new PlainSeq2Seq(checkpoint, example.source);
    let state = plain.initial;
    for (const token of [2, example.target[0] as number]) {
      const expected = await scorer(Int32Array.of(0), Int32Array.of(token));
      const step = plain.step(state, token);
      state = step.state;
      const worst = Math.max(...Array.from(expected, (v, i) => Math.abs(v - (step.logProbs[i] as number))));
      assert.ok(worst < 1e-3, `largest difference ${worst}`);
    }
    dispose();
    const [tfBeams] = await retrieve(model, data, [example], settings, true);
    const { constrained } = retrievePlain(checkpoint, example.source);
    assert.deepEqual(
      constrained.map((b) => b.tokens),
      (tfBeams ?? []).map((b) => b.tokens),
    );
    for (const beam of constrained)
      assert.ok(beam.finished && data.trie.has(beam.tokens) && !beam.tokens.includes(EOS));
    optimizer.dispose();
    disposeSeq2Seq(model);
  });

  it('reads the mention between brackets and rejects input without exactly one', async () => {
    const data = buildDataset(kb);
    const model = createSeq2Seq({ vocabulary: data.words.length, embedding: 4, hidden: 3 }, new Rng(1));
    const checkpoint = JSON.parse(
      JSON.stringify(await modelCheckpoint(model, kb, data, { beamSize: 2, alpha: 1, maxLength: 8 })),
    ) as unknown;
    disposeSeq2Seq(model);
    assert.ok(isGenreCheckpoint(checkpoint));
    const { ids, unknown } = markedContext(checkpoint, 'the mayor of [Atlanta] smiled');
    const words = ids.map((id) => checkpoint.words[id]);
    assert.deepEqual(words, ['the', '[UNK]', 'of', '[START_ENT]', 'atlanta', '[END_ENT]', '[UNK]']);
    assert.deepEqual(unknown, ['mayor', 'smiled']);
    assert.throws(() => beamsQuery.answer(checkpoint, 'no mention here'), /square brackets/);
    assert.throws(() => beamsQuery.answer(checkpoint, '[a] and [b]'), /square brackets/);
    assert.throws(() => beamsQuery.answer({ words: [] }, '[Ohio]'), /expected format/);
    const table = beamsQuery.answer(checkpoint, 'she grew up in [Ohio] .');
    assert.equal(table.kind, 'table');
    if (table.kind === 'table') {
      const constrained = table.rows.filter((r) => r[0] === 'constrained (trie)');
      assert.equal(constrained.length, 2);
      for (const row of constrained) assert.equal(row[5], 'yes');
    }
  });
});
