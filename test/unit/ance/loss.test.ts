import { strict as assert } from 'node:assert';
import { copyWeights, encodeAll, initEncoder, type EncoderWeights } from '../../../src/models/ance/encoder';
import { batchLoss, Gradient, type Batch } from '../../../src/models/ance/loss';
import { Adam } from '../../../src/models/ance/optim';
import { gramTable } from '../../../src/models/ance/text';
import { Rng } from '../../../src/models/engine/rng';

const BUCKETS = 64;
const DIM = 5;
const TAU = 0.2;
const queries = gramTable(['big dog', 'red car', 'old tree'], BUCKETS);
const docs = gramTable(
  ['a large canine', 'a crimson automobile', 'an ancient oak', 'a small cat', 'blue sky'],
  BUCKETS,
);
const batch: Batch = {
  queries: [0, 1, 2],
  candidates: [
    [0, 3, 4],
    [1, 0, 2],
    [2, 4, 1],
  ],
};

/** The loss written independently: encode with encodeAll, then softmax cross-entropy per query. */
function referenceLoss(w: EncoderWeights): number {
  const q = encodeAll(w, queries);
  const d = encodeAll(w, docs);
  let total = 0;
  batch.queries.forEach((qi, i) => {
    const scores = (batch.candidates[i] ?? []).map((di) => {
      let s = 0;
      for (let l = 0; l < DIM; l++) s += (q[qi * DIM + l] as number) * (d[di * DIM + l] as number);
      return s / TAU;
    });
    const logZ = Math.log(scores.reduce((a, s) => a + Math.exp(s), 0));
    total += logZ - (scores[0] as number);
  });
  return total / batch.queries.length;
}

describe('ance: contrastive loss and its hand-written gradient', () => {
  const w = initEncoder(BUCKETS, DIM, new Rng(1));

  it('matches a reference loss computed another way', () => {
    assert.ok(Math.abs(batchLoss(w, queries, docs, batch, TAU) - referenceLoss(w)) < 1e-5);
  });

  it('has the gradient of finite differences, for W and for every touched row of E', () => {
    const grad = new Gradient(w);
    batchLoss(w, queries, docs, batch, TAU, grad);
    const probe = copyWeights(w);
    const eps = 1e-2;
    const numeric = (array: Float32Array, i: number): number => {
      const original = array[i] as number;
      array[i] = original + eps;
      const up = referenceLoss(probe);
      array[i] = original - eps;
      const down = referenceLoss(probe);
      array[i] = original;
      return (up - down) / (2 * eps);
    };
    let checked = 0;
    for (let i = 0; i < DIM * DIM; i++) {
      const expected = numeric(probe.linear, i);
      assert.ok(Math.abs((grad.linear[i] as number) - expected) < 2e-3 + 2e-2 * Math.abs(expected), `W[${i}]`);
      checked++;
    }
    assert.ok(grad.rows.length > 5);
    for (const row of grad.rows.slice(0, 12)) {
      for (let l = 0; l < DIM; l++) {
        const i = row * DIM + l;
        const expected = numeric(probe.table, i);
        assert.ok(Math.abs((grad.table[i] as number) - expected) < 2e-3 + 2e-2 * Math.abs(expected), `E[${row}][${l}]`);
        checked++;
      }
    }
    // Rows no text uses have no gradient.
    const used = new Set([...queries.ids, ...docs.ids]);
    for (let row = 0; row < BUCKETS; row++) if (!used.has(row)) assert.equal(grad.rows.includes(row), false);
    assert.ok(checked > DIM * DIM);
  });

  it('reports the gradient norm over W and the touched rows, and clears to zero', () => {
    const grad = new Gradient(w);
    batchLoss(w, queries, docs, batch, TAU, grad);
    let sum = 0;
    for (const v of grad.linear) sum += v * v;
    for (const v of grad.table) sum += v * v;
    assert.ok(Math.abs(grad.norm() - Math.sqrt(sum)) < 1e-6);
    grad.clear();
    assert.equal(grad.norm(), 0);
    assert.ok(grad.table.every((v) => v === 0));
  });

  it('lazy Adam moves only the rows with a gradient, and lowers the loss', () => {
    const trained = copyWeights(w);
    const adam = new Adam(trained, 0.05);
    const grad = new Gradient(trained);
    const before = referenceLoss(trained);
    for (let step = 0; step < 20; step++) {
      grad.clear();
      batchLoss(trained, queries, docs, batch, TAU, grad);
      adam.step(grad);
    }
    assert.ok(referenceLoss(trained) < before / 2);
    const used = new Set([...queries.ids, ...docs.ids]);
    for (let row = 0; row < BUCKETS; row++) {
      if (used.has(row)) continue;
      for (let l = 0; l < DIM; l++) assert.equal(trained.table[row * DIM + l], w.table[row * DIM + l]);
    }
  });
});
