/**
 * The options of the RIM cell that follow the official code: the gated communication output,
 * dropout in training only, zero initial state, the input-attention sizes, and communication that
 * reads every module's update; each against values computed another way.
 */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import '../../../src/models/engine/tfSetup';
import { Rng } from '../../../src/models/engine/rng';
import {
  communicationUpdate,
  disposeRim,
  independentDynamics,
  initialRimState,
  initRim,
  inputAttention,
  inputRows,
  maybeDropout,
  rimParameterCount,
  rimStep,
  rimVariables,
  rimWeights,
  type RimSize,
  type RimWeights,
  selectActiveModules,
} from '../../../src/models/rims/rim';
import { rimModel } from '../../../src/models/rims/model';
import { copyingBatch } from '../../../src/models/rims/data';
import { batchTensors } from '../../../src/models/rims/optim';
import { RIMS_PRESETS } from '../../../src/models/rims/demo';
import { expectClose, useBackend } from '../../helpers/backends';

const UNITS = 3;
const OFFICIAL: RimSize = {
  modules: 4,
  active: 2,
  units: UNITS,
  inputKey: 8,
  inputValue: 4 * UNITS,
  commHeads: 2,
  commKey: 2,
  commGated: true,
  dropout: 0.1,
  learnedInitialState: false,
  commReadsUpdates: true,
};
const VOCAB = 6;

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const matVec = (v: readonly number[], W: readonly (readonly number[])[], col0: number, cols: number): number[] =>
  Array.from({ length: cols }, (_, j) => v.reduce((s, x, i) => s + x * (W[i]?.[col0 + j] ?? NaN), 0));

/** Plain-array communication update u [B][K][H] of the gated form, from the weights' values. */
async function referenceUpdate(w: RimWeights, h: number[][][]): Promise<number[][][]> {
  const { units, commHeads: heads, commKey: d } = w.params.size;
  const width = heads * d;
  const qkv = (await w.commQkv.array()) as number[][]; // block-diagonal [K·H, K·3·width]
  const fc = w.params.commFc;
  const gate = w.params.commGate;
  if (!fc || !gate) throw new Error('gated weights missing');
  const [Wf, bf, Wg, bg] = (await Promise.all([fc.w.array(), fc.b.array(), gate.w.array(), gate.b.array()])) as [
    number[][],
    number[],
    number[][],
    number[],
  ];
  return h.map((hb) => {
    // Module k's own block: rows k·H…, columns k·3·width + (0 | width | 2·width).
    const proj = (k: number, part: number): number[] =>
      matVec(hb[k] as number[], qkv.slice(k * units, (k + 1) * units), k * 3 * width + part * width, width);
    const q = hb.map((_, k) => proj(k, 0));
    const key = hb.map((_, k) => proj(k, 1));
    const v = hb.map((_, k) => proj(k, 2));
    return hb.map((_, i) => {
      const o = new Array<number>(width).fill(0);
      for (let head = 0; head < heads; head++) {
        const cols = Array.from({ length: d }, (_, c) => head * d + c);
        const scores = key.map(
          (kj) => cols.reduce((s, c) => s + (q[i]?.[c] ?? NaN) * (kj[c] ?? NaN), 0) / Math.sqrt(d),
        );
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (const c of cols) o[c] = e.reduce((s, ej, j) => s + (ej / z) * (v[j]?.[c] ?? NaN), 0);
      }
      const f = matVec(o, Wf, 0, units).map((x, j) => x + (bf[j] ?? NaN));
      const g = matVec(o, Wg, 0, units).map((x, j) => x + (bg[j] ?? NaN));
      return f.map((x, j) => sigmoid(g[j] ?? NaN) * Math.tanh(x));
    });
  });
}

describe('rims cell: official options', () => {
  before(() => useBackend('cpu'));

  it('computes the gated communication output σ(gate_fc(o)) ⊙ tanh(fc(o)) like a plain-array reference', async () => {
    const p = initRim(OFFICIAL, VOCAB, new Rng(7));
    // Non-zero biases, so that they are checked too.
    p.commFc?.b.assign(tf.tensor1d([0.3, -0.2, 0.5]));
    p.commGate?.b.assign(tf.tensor1d([-0.4, 0.1, 0.7]));
    const w = rimWeights(p);
    const hValues = Array.from(new Rng(8).normals(2 * 4 * UNITS));
    const h = tf.tensor3d(hValues, [2, 4, UNITS]);
    const u = communicationUpdate(w, h);
    assert.deepEqual(u.shape, [2, 4, UNITS]);
    const expected = await referenceUpdate(w, (await h.array()) as number[][][]);
    await expectClose(await u.data(), expected.flat(2), { rtol: 1e-5, what: 'u' });
    // The gate bounds each entry by 1 in magnitude (tanh), unlike a linear output.
    assert.ok(Array.from(await u.data()).every((x) => Math.abs(x) < 1));
    tf.dispose([h, u, ...Object.values(w).filter((x) => x instanceof tf.Tensor)]);
    disposeRim(p);
  });

  it('applies dropout in training only: evaluation is deterministic and equals the cell without dropout', async () => {
    const p = initRim(OFFICIAL, VOCAB, new Rng(9));
    const x = tf.tensor3d(new Rng(10).normals(2 * 4 * 5), [2, 4, 5]);
    const evalW = rimWeights(p);
    assert.equal(evalW.dropout, null);
    assert.equal(maybeDropout(evalW, x), x, 'identity at evaluation');
    const noRate = rimWeights(p, { rate: 0, rng: new Rng(1) });
    assert.equal(noRate.dropout, null, 'rate 0 is no dropout');
    const rate = 0.25;
    const trainW = rimWeights(p, { rate, rng: new Rng(11) });
    const big = tf.ones([64, 4, 64]);
    const dropped = await maybeDropout(trainW, big).data();
    // Inverted dropout: every entry is 0 or 1/(1 − rate), about `rate` of them 0.
    assert.ok(dropped.every((v) => v === 0 || Math.abs(v - 1 / (1 - rate)) < 1e-6));
    const zeros = dropped.filter((v) => v === 0).length / dropped.length;
    assert.ok(Math.abs(zeros - rate) < 0.02, `dropped share ${zeros}`);
    // A fresh mask each use.
    const again = await maybeDropout(trainW, big).data();
    assert.ok(again.some((v, i) => v !== dropped[i]));
    tf.dispose([
      x,
      big,
      ...[evalW, noRate, trainW].flatMap((w) => Object.values(w).filter((v) => v instanceof tf.Tensor)),
    ]);
    disposeRim(p);
  });

  it('the model is deterministic at evaluation and drops out in training', async () => {
    const model = rimModel(OFFICIAL, new Rng(12));
    const batch = copyingBatch(new Rng(13), 4, 3);
    const { inputs, targets } = batchTensors(batch);
    const run = (training: boolean) => tf.tidy(() => model.forward(inputs, batch.layout, training));
    const [a, b, t] = [run(false), run(false), run(true)];
    const [av, bv, tv] = await Promise.all([a.data(), b.data(), t.data()]);
    assert.deepEqual(Array.from(av), Array.from(bv), 'evaluation is deterministic');
    assert.ok(
      tv.some((v, i) => Math.abs(v - (av[i] ?? NaN)) > 1e-6),
      'training differs (dropout)',
    );
    tf.dispose([a, b, t, inputs, targets]);
    model.dispose();
  });

  it('starts from zeros without a learned initial state, and from h₀ with one', async () => {
    const p = initRim(OFFICIAL, VOCAB, new Rng(14));
    assert.equal(p.h0, null);
    const s = initialRimState(p, 3);
    assert.deepEqual(s.h.shape, [3, 4, UNITS]);
    assert.ok((await s.h.data()).every((v) => v === 0));
    assert.ok((await s.c.data()).every((v) => v === 0));
    const learned = initRim({ ...OFFICIAL, learnedInitialState: true }, VOCAB, new Rng(14));
    const s2 = initialRimState(learned, 2);
    const h0 = await learned.h0?.data();
    const h = await s2.h.data();
    assert.ok(h0 && h.every((v, i) => v === h0[i % (4 * UNITS)]));
    tf.dispose([s.h, s.c, s2.h, s2.c]);
    disposeRim(p);
    disposeRim(learned);
  });

  it('has input-attention keys of size d_e and values of size 4H, and counts its parameters', () => {
    const p = initRim(OFFICIAL, VOCAB, new Rng(15));
    const w = rimWeights(p);
    const h = tf.zeros([2, 4, UNITS]) as tf.Tensor3D;
    const x = tf.tensor3d([
      [
        [0, 1, 0, 0, 0, 0],
        [0, 0, 0, 1, 0, 0],
      ],
    ]);
    const rows = inputRows(p, x);
    assert.deepEqual(rows.keys[0]?.shape, [2, 8]);
    assert.deepEqual(rows.values[0]?.shape, [2, 4 * UNITS]);
    const { attended, nullWeight } = inputAttention(w, h, rows.keys[0] as tf.Tensor2D, rows.values[0] as tf.Tensor2D);
    assert.deepEqual(attended.shape, [2, 4, 4 * UNITS]);
    assert.deepEqual(p.cellInput.w.shape, [4 * 4 * UNITS, 4 * 4 * UNITS]);
    assert.deepEqual(nullWeight.shape, [2, 4]);
    // The count: every variable, its block-diagonal ones counted by their blocks only.
    const blocks = new Map(
      [p.inputQuery, p.cellInput, p.cellRecurrent, p.commQkv].map((b) => [b.w, b.blocks.size / 4] as const),
    );
    const counted = rimVariables(p).reduce((s, v) => s + (blocks.get(v) !== undefined ? v.size / 4 : v.size), 0);
    assert.equal(rimParameterCount(OFFICIAL, VOCAB), counted);
    assert.equal(
      rimParameterCount({ ...OFFICIAL, commGated: undefined, learnedInitialState: undefined }, VOCAB),
      counted,
    );
    const linear = initRim({ ...OFFICIAL, commGated: false, learnedInitialState: true }, VOCAB, new Rng(15));
    const linearCount = rimVariables(linear).reduce(
      (s, v) =>
        s +
        ([linear.inputQuery, linear.cellInput, linear.cellRecurrent, linear.commQkv, linear.commOut].some(
          (b) => b?.w === v,
        )
          ? v.size / 4
          : v.size),
      0,
    );
    assert.equal(rimParameterCount({ ...OFFICIAL, commGated: false, learnedInitialState: true }, VOCAB), linearCount);
    tf.dispose([h, x, attended, nullWeight, ...rows.keys, ...rows.values]);
    tf.dispose(Object.values(w).filter((v) => v instanceof tf.Tensor));
    disposeRim(p);
    disposeRim(linear);
  });

  it('communication reads every module’s update: active modules take h_new + u(h_new), inactive keep (h, c)', async () => {
    const p = initRim(OFFICIAL, VOCAB, new Rng(16));
    const w = rimWeights(p);
    const state = {
      h: tf.tensor3d(new Rng(17).normals(2 * 4 * UNITS), [2, 4, UNITS]),
      c: tf.tensor3d(new Rng(18).normals(2 * 4 * UNITS), [2, 4, UNITS]),
    };
    const x = tf.tensor3d([
      [
        [0, 0, 1, 0, 0, 0],
        [0, 0, 0, 0, 1, 0],
      ],
    ]);
    const rows = inputRows(p, x);
    const key = rows.keys[0] as tf.Tensor2D;
    const value = rows.values[0] as tf.Tensor2D;
    const step = rimStep(w, state, key, value);
    // Reference from the parts: every module's new state, then the update read from all of them.
    const { attended, nullWeight } = inputAttention(w, state.h, key, value);
    const mask = await selectActiveModules(nullWeight, OFFICIAL.active).data();
    const fresh = independentDynamics(w, state, attended, null);
    const u = communicationUpdate(w, fresh.h);
    const [hNew, cNew, uv, hOld, cOld, hOut, cOut] = (await Promise.all(
      [fresh.h, fresh.c, u, state.h, state.c, step.state.h, step.state.c].map((t) => t.data()),
    )) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
    const expectedH: number[] = [];
    const expectedC: number[] = [];
    for (let n = 0; n < 2 * 4; n++)
      for (let j = 0; j < UNITS; j++) {
        const i = n * UNITS + j;
        const active = mask[n] === 1;
        expectedH.push(active ? (hNew[i] ?? NaN) + (uv[i] ?? NaN) : (hOld[i] ?? NaN));
        expectedC.push(active ? (cNew[i] ?? NaN) : (cOld[i] ?? NaN));
      }
    await expectClose(hOut, expectedH, { rtol: 1e-5, what: 'h' });
    await expectClose(cOut, expectedC, { rtol: 1e-5, what: 'c' });
    // Inactive modules' own updates were read: reading the kept states instead gives another result.
    const keptW = rimWeights({ ...p, size: { ...p.size, commReadsUpdates: false } });
    const kept = rimStep(keptW, state, key, value);
    assert.ok((await kept.state.h.data()).some((v, i) => Math.abs(v - (hOut[i] ?? NaN)) > 1e-6));
    tf.dispose([x, ...rows.keys, ...rows.values]);
    disposeRim(p);
  });

  it('leaks no tensor per step, in training and in evaluation', () => {
    const p = initRim(OFFICIAL, VOCAB, new Rng(19));
    const x = tf.tensor3d([[[0, 1, 0, 0, 0, 0]]]);
    for (const dropout of [null, { rate: 0.1, rng: new Rng(20) }]) {
      const before = tf.memory().numTensors;
      const out = tf.tidy(() => {
        const w = rimWeights(p, dropout);
        const rows = inputRows(p, x);
        let s = initialRimState(p, 1);
        for (let t = 0; t < 3; t++) s = rimStep(w, s, rows.keys[0] as tf.Tensor2D, rows.values[0] as tf.Tensor2D).state;
        return s.h;
      });
      assert.equal(tf.memory().numTensors, before + 1, 'only the kept output remains');
      out.dispose();
    }
    x.dispose();
    disposeRim(p);
  });

  it('the quick preset uses the official cell (d_e = 64, value 4H, gated output, dropout 0.1) with a learned h₀, and the paper preset the same cell without dropout', () => {
    const q = RIMS_PRESETS.quick;
    assert.equal(q.inputKey, 64);
    assert.equal(q.inputValue, 4 * q.units);
    assert.equal(q.commGated, true);
    assert.equal(q.dropout, 0.1);
    assert.equal(q.learnedInitialState, true);
    assert.equal(q.commReadsUpdates, true);
    // The paper preset keeps the quick preset's cell but for dropout, which the ablation set to 0.
    const paper = RIMS_PRESETS.paper;
    const { trainDormant, steps, evalEvery, evalBatch } = paper;
    assert.deepEqual(paper, { ...q, dropout: 0, trainDormant, steps, evalEvery, evalBatch });
  });
});
