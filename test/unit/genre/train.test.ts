import '../../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/models/engine/backends';
import { Rng } from '../../../src/models/engine/rng';
import { buildDataset, detokenize } from '../../../src/models/genre/contexts';
import { GENRE_PRESETS } from '../../../src/models/genre/demo';
import { loadKnowledgeBase, makeKnowledgeBase, tokenize } from '../../../src/models/genre/knowledgeBase';
import { createSeq2Seq, disposeSeq2Seq } from '../../../src/models/genre/model';
import { entityOfBeam, retrieve } from '../../../src/models/genre/retrieval';
import { train, trainingStep } from '../../../src/models/genre/train';
import { useRepositoryData } from '../../helpers/data';
import { recordingContext } from '../../helpers/fakeContext';

describe('genre data, model and training loop', () => {
  before(async () => {
    useRepositoryData();
    await selectBackend('wasm');
  });

  it('knowledge base: 599 unique names that round-trip through the tokeniser, 12 ambiguous mentions', async () => {
    const kb = await loadKnowledgeBase();
    assert.equal(kb.entities.length, 599);
    const data = buildDataset(kb);
    kb.entities.forEach((e, i) => assert.equal(detokenize(data.words, data.names[i] ?? []), e.name.toLowerCase()));
    for (const m of ['georgia', 'kingston', 'georgetown', 'congo', 'korea', 'singapore'])
      assert.ok(kb.ambiguousMentions.has(m), m);
    assert.ok(data.test.some((e) => e.ambiguous));
    // Held-out templates are not training templates.
    const train = new Set(data.train.map((e) => e.text));
    assert.ok(data.test.every((e) => !train.has(e.text)));
  });

  it('resolves an ambiguous mention by its context (Georgia the country vs the US state)', async () => {
    const kb = makeKnowledgeBase([
      {
        name: 'Georgia (country)',
        type: 'country',
        mentions: ['Georgia'],
        facts: { continent: 'Asia', capital: 'Tbilisi' },
      },
      { name: 'Georgia (U.S. state)', type: 'state', mentions: ['Georgia'], facts: { capital: 'Atlanta' } },
      { name: 'Ohio', type: 'state', mentions: ['Ohio'], facts: { capital: 'Columbus' } },
    ]);
    const data = buildDataset(kb);
    const model = createSeq2Seq(
      {
        vocabulary: data.words.length,
        embedding: 16,
        hidden: 16,
      },
      new Rng(0),
    );
    const optimizer = tf.train.adam(0.01);
    for (let step = 0; step < 60; step++) tf.dispose(tf.tidy(() => trainingStep(model, optimizer, data.train)));
    const georgia = data.train.filter((e) => e.ambiguous);
    const beams = await retrieve(model, data, georgia, { beamSize: 5, alpha: 1, maxLength: 8 }, true);
    georgia.forEach((e, i) => assert.equal(entityOfBeam(kb, data, beams[i]?.[0]), e.entity, e.text));
    assert.ok(new Set(georgia.map((e) => e.entity)).size === 2);
    optimizer.dispose();
    disposeSeq2Seq(model);
    assert.deepEqual(tokenize('Atlanta, Georgia (U.S. state)'), ['atlanta', ',', 'georgia', '(', 'u.s.', 'state', ')']);
  });

  it('leaks no tensors across training steps', async () => {
    const data = buildDataset(await loadKnowledgeBase());
    const model = createSeq2Seq(
      {
        vocabulary: data.words.length,
        embedding: 16,
        hidden: 16,
      },
      new Rng(0),
    );
    const optimizer = tf.train.adam(0.01);
    const step = () => tf.dispose(tf.tidy(() => trainingStep(model, optimizer, data.train.slice(0, 16))));
    step();
    const before = tf.memory().numTensors;
    step();
    step();
    assert.equal(tf.memory().numTensors, before);
    await retrieve(model, data, data.test.slice(0, 8), { beamSize: 3, alpha: 1, maxLength: 8 }, false);
    assert.equal(tf.memory().numTensors, before);
    optimizer.dispose();
    disposeSeq2Seq(model);
  });

  it('stops early with partial results and frees everything', async () => {
    const before = tf.memory().numTensors;
    const ctx = recordingContext(0, 'wasm');
    ctx.abortAt = 3;
    const results = await train({ ...GENRE_PRESETS.quick, embedding: 16, hidden: 16 }, ctx);
    assert.equal(results.steps, 3);
    assert.equal(tf.memory().numTensors, before);
    assert.ok(ctx.outputs.has('memory'));
  });
});
