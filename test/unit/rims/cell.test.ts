/**
 * The RIM cell against its defining properties: top-k by least null attention, frozen inactive
 * modules (state and gradient), and input attention against a plain-array reference.
 */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import '../../../src/models/engine/tfSetup';
import { Rng } from '../../../src/models/engine/rng';
import {
  initRim,
  inputAttention,
  inputRows,
  rimStep,
  rimWeights,
  type RimSize,
  type RimState,
  disposeRim,
  selectActiveModules,
} from '../../../src/models/rims/rim';
import { expectClose, useBackend } from '../../helpers/backends';

const SIZE: RimSize = {
  modules: 4,
  active: 2,
  units: 3,
  inputKey: 5,
  inputValue: 2,
  commHeads: 2,
  commKey: 3,
  commGated: false,
  dropout: 0,
  learnedInitialState: true,
  commReadsUpdates: false,
};
/** The official cell's options at small sizes. */
const OFFICIAL: RimSize = {
  ...SIZE,
  inputKey: 8,
  inputValue: 4 * SIZE.units,
  commGated: true,
  dropout: 0.1,
  learnedInitialState: false,
  commReadsUpdates: true,
};
const VOCAB = 6;

describe('rims cell', () => {
  before(() => useBackend('cpu'));

  it('selects the k_A modules with the least null attention', async () => {
    // Hand-built null weights, two sequences: least null weight → active.
    const nullWeight = tf.tensor2d([
      [0.9, 0.1, 0.5, 0.3], // active: modules 1 and 3
      [0.2, 0.8, 0.05, 0.7], // active: modules 0 and 2
    ]);
    const mask = selectActiveModules(nullWeight, 2);
    assert.deepEqual(mask.shape, [2, 4, 1]);
    assert.deepEqual(Array.from(await mask.data()), [0, 1, 0, 1, 1, 0, 1, 0]);
    tf.dispose([nullWeight, mask]);
  });

  it('computes input attention like a plain-array softmax over the null row and the input', async () => {
    const p = initRim(SIZE, VOCAB, new Rng(1));
    const w = rimWeights(p);
    const h = tf.tensor3d(new Rng(2).normals(2 * 4 * 3), [2, 4, 3]);
    const x = tf.tensor3d([
      [
        [0, 0, 1, 0, 0, 0],
        [0, 0, 0, 0, 0, 1],
      ],
    ]); // [L = 1, B = 2, V]
    const rows = inputRows(p, x);
    const { attended, nullWeight } = inputAttention(w, h, rows.keys[0] as tf.Tensor2D, rows.values[0] as tf.Tensor2D);
    // Reference: X = [0; x], keys X W^e, values X W^v, q_k = h_k W^q_k, α = softmax(q Kᵀ / √d_e), A = α V.
    const We = (await p.inputKeyW.array()) as number[][];
    const Wv = (await p.inputValueW.array()) as number[][];
    const Wq = (await w.inputQuery.array()) as number[][]; // block-diagonal [K·H, K·d_e]
    const hs = (await h.array()) as number[][][];
    const xs = ((await x.array()) as number[][][])[0] as number[][];
    const expectedA: number[] = [];
    const expectedNull: number[] = [];
    for (let b = 0; b < 2; b++) {
      const rowsX = [new Array<number>(VOCAB).fill(0), xs[b] as number[]];
      const proj = (row: number[], W: number[][], cols: number) =>
        Array.from({ length: cols }, (_, j) => row.reduce((s, v, i) => s + v * ((W[i] as number[])[j] as number), 0));
      const keys = rowsX.map((r) => proj(r, We, SIZE.inputKey));
      const values = rowsX.map((r) => proj(r, Wv, SIZE.inputValue));
      for (let k = 0; k < 4; k++) {
        const hk = hs[b]?.[k] as number[];
        const q = Array.from({ length: SIZE.inputKey }, (_, j) =>
          hk.reduce((s, v, i) => s + v * ((Wq[k * 3 + i] as number[])[k * SIZE.inputKey + j] as number), 0),
        );
        const scores = keys.map(
          (key) => key.reduce((s, v, j) => s + v * (q[j] as number), 0) / Math.sqrt(SIZE.inputKey),
        );
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const alpha = e.map((v) => v / (e[0]! + e[1]!));
        expectedNull.push(alpha[0]!);
        for (let j = 0; j < SIZE.inputValue; j++)
          expectedA.push(alpha[0]! * values[0]![j]! + alpha[1]! * values[1]![j]!);
      }
    }
    await expectClose(attended, expectedA, { rtol: 1e-5, what: 'A' });
    await expectClose(await nullWeight.data(), expectedNull, { rtol: 1e-5, what: 'α_∅' });
    tf.dispose([
      h,
      x,
      attended,
      nullWeight,
      ...rows.keys,
      ...rows.values,
      ...Object.values(w).filter((v) => v instanceof tf.Tensor),
    ]);
  });

  for (const [variant, size] of [
    ['communication reads the kept states', SIZE],
    ['official: communication reads every update, gated output', { ...OFFICIAL, inputKey: 5, inputValue: 2 }],
  ] as [string, RimSize][])
    it(`keeps inactive modules bit-identical and sends no gradient into their cells (${variant})`, async () => {
      const p = initRim(size, VOCAB, new Rng(3));
      const x = tf.tensor3d([[[0, 1, 0, 0, 0, 0]]]); // one step, one sequence
      const start = (): RimState => ({
        h: tf.tensor3d(new Rng(4).normals(4 * 3), [1, 4, 3]),
        c: tf.tensor3d(new Rng(5).normals(4 * 3), [1, 4, 3]),
      });
      const state = start();
      const w = rimWeights(p);
      const rows = inputRows(p, x);
      const step = rimStep(w, state, rows.keys[0] as tf.Tensor2D, rows.values[0] as tf.Tensor2D);
      const mask = Array.from(await step.mask.data());
      const inactive = mask.flatMap((m, k) => (m === 0 ? [k] : []));
      assert.equal(inactive.length, 2);
      const [before, after, cBefore, cAfter] = await Promise.all([
        state.h.data(),
        step.state.h.data(),
        state.c.data(),
        step.state.c.data(),
      ]);
      for (const k of inactive)
        for (let j = 0; j < SIZE.units; j++) {
          const i = k * SIZE.units + j;
          assert.ok(Object.is(after[i], before[i]), `h of inactive module ${k}`);
          assert.ok(Object.is(cAfter[i], cBefore[i]), `c of inactive module ${k}`);
        }
      // Gradient of every output of the step with respect to the cell weights: zero on inactive blocks.
      const { grads } = tf.variableGrads(() => {
        const ww = rimWeights(p);
        const r = inputRows(p, x);
        const s = rimStep(ww, start(), r.keys[0] as tf.Tensor2D, r.values[0] as tf.Tensor2D);
        return tf.add(tf.sum(tf.square(s.state.h)), tf.sum(tf.square(s.state.c))) as tf.Scalar;
      }, [p.cellInput.w, p.cellRecurrent.w, p.cellBias, p.inputQuery.w]);
      const blockCols = (name: string, cols: number) => async (k: number) => {
        const g = (await (grads[name] as tf.Tensor).array()) as number[][] | number[];
        const rowsOf = Array.isArray(g[0]) ? (g as number[][]) : [g as number[]];
        return rowsOf.flatMap((row) => row.slice(k * cols, (k + 1) * cols));
      };
      for (const k of inactive) {
        for (const [name, cols] of [
          [p.cellInput.w.name, 4 * SIZE.units],
          [p.cellRecurrent.w.name, 4 * SIZE.units],
          [p.cellBias.name, 4 * SIZE.units],
          [p.inputQuery.w.name, SIZE.inputKey],
        ] as [string, number][]) {
          const g = await blockCols(name, cols)(k);
          assert.ok(
            g.every((v) => v === 0),
            `${name} gradient reaches inactive module ${k}`,
          );
        }
      }
      const active = mask.findIndex((m) => m === 1);
      assert.ok(
        (await blockCols(p.cellRecurrent.w.name, 4 * SIZE.units)(active)).some((v) => v !== 0),
        'active module learns',
      );
      tf.dispose([x, ...Object.values(grads)]);
      disposeRim(p);
    });
});
