import '../../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/models/engine/backends';
import { buildDataset, EOS } from '../../../src/models/genre/contexts';
import { disposeSeq2Seq, restoreSeq2Seq, variables } from '../../../src/models/genre/model';
import {
  answers,
  isGenreCheckpoint,
  markedContext,
  retrieveFromCheckpoint,
  WEIGHT_NAMES,
} from '../../../src/models/genre/query';
import { retrieve } from '../../../src/models/genre/retrieval';
import { modelCheckpoint, trainingStep } from '../../../src/models/genre/train';
import { georgiaKnowledgeBase, modelFor } from './fixtures';

const kb = georgiaKnowledgeBase();

describe("genre query (the run's model rebuilt from its checkpoint)", () => {
  before(async () => {
    await selectBackend('wasm');
  });

  it('rebuilds every weight from the checkpoint, in the order the model lists them', async () => {
    const data = buildDataset(kb);
    const model = modelFor(data, 8, 6, 4);
    const checkpoint = JSON.parse(
      JSON.stringify(await modelCheckpoint(model, kb, data, { beamSize: 3, alpha: 1, maxLength: 8 })),
    ) as unknown;
    assert.ok(isGenreCheckpoint(checkpoint));
    const restored = restoreSeq2Seq(model.sizes, checkpoint.weights);
    const original = variables(model);
    const rebuilt = variables(restored);
    assert.equal(rebuilt.length, WEIGHT_NAMES.length);
    for (const [i, name] of WEIGHT_NAMES.entries()) {
      assert.deepEqual(rebuilt[i]?.shape, original[i]?.shape, name);
      const a = await (original[i] as tf.Variable).data();
      const b = await (rebuilt[i] as tf.Variable).data();
      // The checkpoint keeps 6 significant digits.
      const worst = Math.max(...Array.from(a, (v, j) => Math.abs(v - (b[j] as number)) / Math.max(1e-6, Math.abs(v))));
      assert.ok(worst < 1e-5, `${name}: relative difference ${worst}`);
    }
    assert.throws(
      () => restoreSeq2Seq({ ...model.sizes, hidden: 5 }, checkpoint.weights),
      /forwardW: \d+ values for a \[8, 15\] weight/,
    );
    disposeSeq2Seq(restored);
    disposeSeq2Seq(model);
  });

  it('gives the beams of the trained model itself, all valid names when constrained', async () => {
    const data = buildDataset(kb);
    const model = modelFor(data, 8, 6, 4);
    const optimizer = tf.train.adam(0.01);
    for (let step = 0; step < 5; step++) tf.dispose(tf.tidy(() => trainingStep(model, optimizer, data.train)));
    const settings = { beamSize: 3, alpha: 1, maxLength: 8 };
    const checkpoint = JSON.parse(JSON.stringify(await modelCheckpoint(model, kb, data, settings))) as unknown;
    assert.ok(isGenreCheckpoint(checkpoint));
    const before = tf.memory().numTensors;
    for (const example of data.test.slice(0, 3)) {
      const [liveConstrained] = await retrieve(model, data, [example], settings, true);
      const [liveFree] = await retrieve(model, data, [example], settings, false);
      const { constrained, free } = await retrieveFromCheckpoint(checkpoint, example.source);
      assert.deepEqual(
        constrained.map((b) => b.tokens),
        (liveConstrained ?? []).map((b) => b.tokens),
      );
      assert.deepEqual(
        free.map((b) => b.tokens),
        (liveFree ?? []).map((b) => b.tokens),
      );
      for (const beam of constrained)
        assert.ok(beam.finished && data.trie.has(beam.tokens) && !beam.tokens.includes(EOS));
    }
    assert.equal(tf.memory().numTensors, before, 'the rebuilt model is freed after each answer');
    optimizer.dispose();
    disposeSeq2Seq(model);
  });

  it('reads the mention between brackets and rejects input without exactly one', async () => {
    const beams = answers['beams'];
    assert.ok(beams);
    const data = buildDataset(kb);
    const model = modelFor(data, 4, 3, 1);
    const checkpoint = JSON.parse(
      JSON.stringify(await modelCheckpoint(model, kb, data, { beamSize: 2, alpha: 1, maxLength: 8 })),
    ) as unknown;
    disposeSeq2Seq(model);
    assert.ok(isGenreCheckpoint(checkpoint));
    const { ids, unknown } = markedContext(checkpoint, 'the mayor of [Atlanta] smiled');
    const words = ids.map((id) => checkpoint.words[id]);
    assert.deepEqual(words, ['the', '[UNK]', 'of', '[START_ENT]', 'atlanta', '[END_ENT]', '[UNK]']);
    assert.deepEqual(unknown, ['mayor', 'smiled']);
    await assert.rejects(() => beams(checkpoint, 'no mention here'), /square brackets/);
    await assert.rejects(() => beams(checkpoint, '[a] and [b]'), /square brackets/);
    await assert.rejects(() => beams({ words: [] }, '[Ohio]'), /expected format/);
    const table = await beams(checkpoint, 'she grew up in [Ohio] .');
    assert.equal(table.kind, 'table');
    if (table.kind === 'table') {
      const constrained = table.rows.filter((r) => r[0] === 'constrained (trie)');
      assert.equal(constrained.length, 2);
      for (const row of constrained) assert.equal(row[5], 'yes');
    }
  });
});
