import '../../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/models/engine/backends';
import { Rng } from '../../../src/models/engine/rng';
import { createSeq2Seq, disposeSeq2Seq, nameLoss, type Seq2Seq } from '../../../src/models/genre/model';

type Matrix = number[][];

/** Plain-array GRU cell, PyTorch's equations (gates z, r, n in that order along the columns). */
function gruCell(w: Matrix, u: Matrix, b: number[], x: number[], h: number[]): number[] {
  const H = h.length;
  const xw = b.map((bj, j) => bj + x.reduce((s, xi, i) => s + xi * (w[i] as number[])[j]!, 0));
  const hu = b.map((_, j) => h.reduce((s, hi, i) => s + hi * (u[i] as number[])[j]!, 0));
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  return h.map((hj, j) => {
    const z = sigmoid(xw[j]! + hu[j]!);
    const r = sigmoid(xw[H + j]! + hu[H + j]!);
    const n = Math.tanh(xw[2 * H + j]! + r * hu[2 * H + j]!);
    return (1 - z) * n + z * hj;
  });
}

const times = (v: number[], m: Matrix): number[] =>
  (m[0] as number[]).map((_, j) => v.reduce((s, vi, i) => s + vi * (m[i] as number[])[j]!, 0));

/**
 * −log p_θ(y | x) of one context and name, computed with plain arrays from the model's weights:
 * bi-GRU over the real tokens only, s_0 = tanh([h⃗_T ; h⃖_1] W_0), dot attention, tanh(W_c [s ; c]), W_o.
 */
function referenceNll(model: Seq2Seq, source: number[], target: number[], bos: number): number {
  const m = (v: tf.Variable) => v.arraySync() as Matrix;
  const vec = (v: tf.Variable) => v.arraySync() as number[];
  const E = m(model.embedding);
  const Et = m(model.targetEmbedding);
  const H = model.sizes.hidden;
  const fwd: number[][] = [];
  const bwd: number[][] = [];
  let h = new Array<number>(H).fill(0);
  for (const t of source)
    fwd.push((h = gruCell(m(model.forward.w), m(model.forward.u), vec(model.forward.b), E[t]!, h)));
  h = new Array<number>(H).fill(0);
  for (let t = source.length - 1; t >= 0; t--)
    bwd[t] = h = gruCell(m(model.backward.w), m(model.backward.u), vec(model.backward.b), E[source[t]!]!, h);
  const memory = source.map((_, t) => [...fwd[t]!, ...bwd[t]!]);
  let s = times([...fwd[source.length - 1]!, ...bwd[0]!], m(model.bridge)).map(Math.tanh);
  let nll = 0;
  let previous = bos;
  for (const y of target) {
    s = gruCell(m(model.decoder.w), m(model.decoder.u), vec(model.decoder.b), Et[previous]!, s);
    const scores = memory.map((mt) => mt.reduce((acc, v, i) => acc + v * s[i]!, 0));
    const top = Math.max(...scores);
    const weights = scores.map((a) => Math.exp(a - top));
    const z = weights.reduce((a, b) => a + b, 0);
    const context = s.map((_, i) => memory.reduce((acc, mt, t) => acc + (weights[t]! / z) * mt[i]!, 0));
    const features = times([...s, ...context], m(model.combine)).map(Math.tanh);
    const logits = times(features, m(model.output)).map((l, v) => l + vec(model.outputBias)[v]!);
    const max = Math.max(...logits);
    const logZ = max + Math.log(logits.reduce((acc, l) => acc + Math.exp(l - max), 0));
    nll += logZ - logits[y]!;
    previous = y;
  }
  return nll;
}

describe('genre encoder–decoder', () => {
  before(async () => {
    await selectBackend('wasm');
  });

  it('computes the teacher-forced loss of a padded batch as a plain-array reference does', async () => {
    const model = createSeq2Seq({ vocabulary: 12, embedding: 5, hidden: 4 }, new Rng(7));
    const BOS = 2;
    // Two contexts of different lengths (0-padded) and names of different lengths ([EOS] = 3 last).
    const sources = [
      [4, 5, 6, 7, 8],
      [9, 4, 10, 0, 0],
    ];
    const targets = [
      [11, 6, 3],
      [5, 3, 0],
    ];
    const lengths = [3, 2];
    const ids = tf.tensor2d(sources, [2, 5], 'int32');
    const mask = tf.tensor2d(sources.map((r) => r.map((v) => (v > 0 ? 1 : 0))));
    const targetIn = tf.tensor2d(
      targets.map((t) => [BOS, ...t.slice(0, -1)]),
      [2, 3],
      'int32',
    );
    const targetOut = tf.tensor2d(targets, [2, 3], 'int32');
    const targetMask = tf.tensor2d(targets.map((t, b) => t.map((_, i) => (i < (lengths[b] as number) ? 1 : 0))));
    const loss = nameLoss(model, ids, mask, targetIn, targetOut, targetMask);
    const measured = (await loss.data())[0] as number;
    // The loss is the mean over the 5 real name tokens of −log p.
    const reference =
      (referenceNll(model, [4, 5, 6, 7, 8], [11, 6, 3], BOS) + referenceNll(model, [9, 4, 10], [5, 3], BOS)) / 5;
    assert.ok(Math.abs(measured - reference) < 1e-5, `${measured} vs ${reference}`);
    tf.dispose([ids, mask, targetIn, targetOut, targetMask, loss]);
    disposeSeq2Seq(model);
  });

  it('backpropagates into both embedding tables as finite differences do', async () => {
    const model = createSeq2Seq({ vocabulary: 9, embedding: 3, hidden: 2 }, new Rng(3));
    const source = tf.tensor2d(
      [
        [4, 5, 6, 5],
        [7, 4, 0, 0],
      ],
      [2, 4],
      'int32',
    );
    const sourceMask = tf.tensor2d([
      [1, 1, 1, 1],
      [1, 1, 0, 0],
    ]);
    const targetIn = tf.tensor2d(
      [
        [2, 5, 8],
        [2, 6, 0],
      ],
      [2, 3],
      'int32',
    );
    const targetOut = tf.tensor2d(
      [
        [5, 8, 3],
        [6, 3, 0],
      ],
      [2, 3],
      'int32',
    );
    const targetMask = tf.tensor2d([
      [1, 1, 1],
      [1, 1, 0],
    ]);
    const loss = () => nameLoss(model, source, sourceMask, targetIn, targetOut, targetMask);
    const { value, grads } = tf.variableGrads(loss, [model.embedding, model.targetEmbedding]);
    // E_s is read by the encoder (rows 4–7 in the contexts), E_t by the decoder (2 = [BOS], 5, 6, 8); row 1 by neither.
    for (const [variable, label] of [
      [model.embedding, 'E_s'],
      [model.targetEmbedding, 'E_t'],
    ] as const) {
      const gradient = (await grads[variable.name]?.array()) as Matrix;
      const table = (await variable.array()) as Matrix;
      const lossAt = async (row: number, col: number, delta: number): Promise<number> => {
        const moved = table.map((r) => [...r]);
        (moved[row] as number[])[col]! += delta;
        const t = tf.tensor2d(moved);
        variable.assign(t);
        t.dispose();
        const l = loss();
        const out = (await l.data())[0] as number;
        l.dispose();
        return out;
      };
      for (const [row, col] of [
        [4, 0],
        [7, 2],
        [5, 1],
        [6, 1],
        [2, 0],
        [8, 2],
        [1, 0],
      ] as const) {
        const eps = 1e-2;
        const numeric = ((await lossAt(row, col, eps)) - (await lossAt(row, col, -eps))) / (2 * eps);
        assert.ok(Math.abs(numeric - (gradient[row] as number[])[col]!) < 2e-4, `${label}[${row}][${col}]`);
      }
      const restored = tf.tensor2d(table);
      variable.assign(restored);
      restored.dispose();
    }
    tf.dispose([value, ...Object.values(grads), source, sourceMask, targetIn, targetOut, targetMask]);
    disposeSeq2Seq(model);
  });
});
