import '../../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/models/engine/backends';
import { Rng } from '../../../src/models/engine/rng';
import {
  buildDataset,
  detokenize,
  dropContextWords,
  MENTION_END_ID,
  MENTION_START_ID,
  PAD,
  TRAINING_TEMPLATES,
  UNK,
} from '../../../src/models/genre/contexts';
import { GENRE_PRESETS } from '../../../src/models/genre/demo';
import { loadKnowledgeBase, tokenize } from '../../../src/models/genre/knowledgeBase';
import { disposeSeq2Seq } from '../../../src/models/genre/model';
import { entityOfBeam, retrieve } from '../../../src/models/genre/retrieval';
import { train, trainingStep, unknownShare, withWordDropout } from '../../../src/models/genre/train';
import { useRepositoryData } from '../../helpers/data';
import { recordingContext } from '../../helpers/fakeContext';
import { georgiaKnowledgeBase, modelFor } from './fixtures';

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
    const kb = georgiaKnowledgeBase();
    const data = buildDataset(kb);
    const model = modelFor(data, 16);
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
    const model = modelFor(data, 16);
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

  it('word dropout replaces only context words outside the mention, at rate p', () => {
    const data = buildDataset(georgiaKnowledgeBase());
    const example = data.train.find((e) => e.ambiguous);
    assert.ok(example);
    const source = [...example.source, PAD, PAD];
    const start = source.indexOf(MENTION_START_ID);
    const end = source.indexOf(MENTION_END_ID);
    assert.ok(start >= 0 && end > start + 1, 'the markers are special tokens');
    const inside = (t: number) => t >= start && t <= end;
    const outside = source.filter((id, t) => !inside(t) && id !== PAD).length;
    assert.ok(outside >= 3);
    assert.deepEqual(dropContextWords(source, 0, new Rng(1)), source);
    // p = 1: every word outside the mention is [UNK]; markers, mention words and padding stay.
    assert.deepEqual(
      dropContextWords(source, 1, new Rng(1)),
      source.map((id, t) => (inside(t) || id === PAD ? id : UNK)),
    );
    // p = 0.3 over many draws: the count of dropped words is binomial(n, 0.3); allow 5 standard deviations.
    const rng = new Rng(2);
    const draws = 2000;
    let dropped = 0;
    for (let k = 0; k < draws; k++) {
      const out = dropContextWords(source, 0.3, rng);
      out.forEach((id, t) => {
        if (inside(t) || source[t] === PAD) assert.equal(id, source[t]);
        else if (id === UNK) dropped++;
        else assert.equal(id, source[t]);
      });
    }
    const n = draws * outside;
    assert.ok(Math.abs(dropped - 0.3 * n) < 5 * Math.sqrt(n * 0.3 * 0.7), `${dropped} of ${n}`);
    // The example keeps its target and entity; without dropout it is the same object.
    const noisy = withWordDropout(example, 0.5, new Rng(3));
    assert.deepEqual([noisy.target, noisy.entity], [example.target, example.entity]);
    assert.equal(withWordDropout(example, 0, new Rng(3)), example);
  });

  it('trains the [UNK] embedding only with word dropout (training contexts contain no [UNK] otherwise)', async () => {
    const data = buildDataset(await loadKnowledgeBase());
    assert.equal(unknownShare(data.train), 0);
    const unkRow = async (p: number): Promise<number> => {
      const model = modelFor(data, 8, 8, 5);
      const before = tf.tidy(() => tf.gather(model.embedding, [UNK]));
      const optimizer = tf.train.adam(0.01);
      const rng = new Rng(6);
      const batch = data.train.slice(0, 32).map((e) => withWordDropout(e, p, rng));
      for (let step = 0; step < 2; step++) tf.dispose(tf.tidy(() => trainingStep(model, optimizer, batch)));
      const moved = tf.tidy(() => tf.max(tf.abs(tf.sub(tf.gather(model.embedding, [UNK]), before))));
      const value = (await moved.data())[0] as number;
      tf.dispose([before, moved]);
      optimizer.dispose();
      disposeSeq2Seq(model);
      return value;
    };
    assert.equal(await unkRow(0), 0);
    assert.ok((await unkRow(0.2)) > 1e-4);
  });

  it('measures the share of [UNK] context tokens, and a validation fold leaves one training template out', async () => {
    const kb = await loadKnowledgeBase();
    const data = buildDataset(kb);
    // Counted directly from the words: a held-out token is [UNK] when no training context or name has it.
    const known = new Set(data.words);
    const words = data.test.flatMap((e) => e.source.map((id) => data.words[id] ?? '?'));
    const texts = data.test.flatMap((e) =>
      e.text.split(/(\[START_ENT\]|\[END_ENT\])/).flatMap((part) => (part.startsWith('[') ? [part] : tokenize(part))),
    );
    assert.equal(words.length, texts.length);
    const expected = texts.filter((w) => !known.has(w)).length / texts.length;
    assert.ok(Math.abs(unknownShare(data.test) - expected) < 1e-12);
    assert.ok(expected > 0.1, 'held-out wordings bring many words training never saw');
    for (let fold = 1; fold <= TRAINING_TEMPLATES; fold++) {
      const folded = buildDataset(kb, { validationTemplate: fold });
      const left = new Set(folded.test.map((e) => e.template));
      assert.equal(left.size, 4, 'one training template per entity type');
      // Validation contexts are exactly the full data set's training contexts of those templates.
      assert.deepEqual(
        folded.test.map((e) => e.text),
        data.train.filter((e) => left.has(e.template)).map((e) => e.text),
      );
      assert.deepEqual(
        folded.train.map((e) => e.text),
        data.train.filter((e) => !left.has(e.template)).map((e) => e.text),
      );
      // Held-out templates play no part: neither their contexts nor their words.
      const heldOut = new Set(data.test.map((e) => e.template));
      assert.ok([...folded.train, ...folded.test].every((e) => !heldOut.has(e.template)));
      assert.ok(folded.words.every((w) => known.has(w)));
    }
    assert.throws(() => buildDataset(kb, { validationTemplate: TRAINING_TEMPLATES + 1 }), RangeError);
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
