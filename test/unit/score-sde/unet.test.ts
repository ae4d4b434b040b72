/**
 * The U-Net score network: its layers against plain-array computations, its gradients against
 * finite differences and tf.conv2d's own gradients, its time conditioning, its memory, and the
 * divergence the likelihood takes through it.
 */
import '../../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/models/engine/backends';
import { Rng } from '../../../src/models/engine/rng';
import { disposeBatch, dsmBatch, dsmLoss } from '../../../src/models/score-sde/loss';
import { timeEmbedding, timeFeatures } from '../../../src/models/score-sde/model';
import { unetNetwork } from '../../../src/models/score-sde/network';
import { exactDivergence, hutchinsonDivergence, rademacher } from '../../../src/models/score-sde/ode';
import { adamStep, disposeAdam, initAdam } from '../../../src/models/score-sde/optim';
import { makeSde } from '../../../src/models/score-sde/sdes';
import {
  conv3x3,
  groupNorm,
  groupsOf,
  initUnet,
  unetOutput,
  unetParameterCount,
  unetScore,
  unetSpecs,
  unetTimeEmbedding,
  type UnetShape,
} from '../../../src/models/score-sde/unet';

const sde = makeSde('subvp', { sigmaMin: 0.01, sigmaMax: 10, betaMin: 0.1, betaMax: 20 });
const VARIANCE = 0.5;

/** Parameters with every bias, gain and weight moved away from its initial value, so that each one matters. */
function perturbed(shape: UnetShape, seed: number): tf.Tensor[] {
  const rng = new Rng(seed);
  return initUnet(shape, rng).map((p) => {
    const moved = tf.add(p, tf.tensor(rng.normals(p.size, 0.2), p.shape));
    p.dispose();
    return moved;
  });
}

async function values(t: tf.Tensor): Promise<number[]> {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

describe('score-sde U-Net (wasm)', () => {
  before(async () => {
    await selectBackend('wasm');
  });
  const small: UnetShape = { side: 4, channels: 8, embedding: 8 };

  it('maps a batch of 14×14 images to 196 outputs; the parameter count matches the tensors', () => {
    const shape: UnetShape = { side: 14, channels: 8, embedding: 16 };
    const params = initUnet(shape, new Rng(0));
    const x = tf.randomNormal([3, 196]) as tf.Tensor2D;
    const f = timeFeatures(sde, VARIANCE, [0.1, 0.5, 0.9], 16);
    const out = unetOutput(shape, params, x, f);
    assert.deepEqual(out.shape, [3, 196]);
    assert.equal(
      params.reduce((n, p) => n + p.size, 0),
      unetParameterCount(shape),
    );
    assert.equal(params.length, unetSpecs(shape).length);
    tf.dispose([...params, x, out, f.cIn, f.invStd, f.emb]);
  });

  it('rejects an odd side or channels that are not a multiple of 4', () => {
    assert.throws(() => initUnet({ side: 7, channels: 8, embedding: 8 }, new Rng(0)), /even/);
    assert.throws(() => initUnet({ side: 8, channels: 6, embedding: 8 }, new Rng(0)), /multiple of 4/);
  });

  it('GroupNorm equals a plain computation of each example’s group moments', async () => {
    const [b, h, w, c, groups] = [2, 3, 3, 8, 2];
    const rng = new Rng(3);
    const xs = rng.normals(b * h * w * c, 2);
    const gamma = rng.normals(c);
    const beta = rng.normals(c);
    const got = await values(groupNorm(tf.tensor4d(xs, [b, h, w, c]), groups, tf.tensor1d(gamma), tf.tensor1d(beta)));
    const per = c / groups;
    for (let n = 0; n < b; n++) {
      for (let g = 0; g < groups; g++) {
        const idx: number[] = [];
        for (let p = 0; p < h * w; p++) for (let k = 0; k < per; k++) idx.push((n * h * w + p) * c + g * per + k);
        const mean = idx.reduce((s, i) => s + (xs[i] as number), 0) / idx.length;
        const variance = idx.reduce((s, i) => s + ((xs[i] as number) - mean) ** 2, 0) / idx.length;
        for (const i of idx) {
          const ch = i % c;
          const want =
            (((xs[i] as number) - mean) / Math.sqrt(variance + 1e-6)) * (gamma[ch] as number) + (beta[ch] as number);
          assert.ok(Math.abs((got[i] as number) - want) < 1e-4, `element ${i}: ${got[i]} vs ${want}`);
        }
      }
    }
    assert.equal(groupsOf(32), 8);
    assert.equal(groupsOf(256), 32);
  });

  it('the time embedding equals Dense → SiLU → Dense of the sines and cosines of 1000·t, computed by hand', async () => {
    const shape = small;
    const params = perturbed(shape, 5);
    const t = 0.37;
    const f = timeFeatures(sde, VARIANCE, [t], shape.embedding);
    const got = await values(unetTimeEmbedding(shape, params, f));
    // φ(t) by hand: half sines, half cosines of 1000·t at frequencies 10000^(−k/(half − 1)).
    const half = shape.embedding / 2;
    const phi = [
      ...Array.from({ length: half }, (_, k) => Math.sin(1000 * t * 10000 ** (-k / (half - 1)))),
      ...Array.from({ length: half }, (_, k) => Math.cos(1000 * t * 10000 ** (-k / (half - 1)))),
    ];
    const [w0, b0, w1, b1] = await Promise.all(params.slice(0, 4).map((p) => p.data()));
    const width = 4 * shape.channels;
    const dense = (v: number[], w: ArrayLike<number>, bias: ArrayLike<number>, n: number): number[] =>
      Array.from({ length: n }, (_, j) => v.reduce((s, vi, i) => s + vi * (w[i * n + j] as number), bias[j] as number));
    const silu = (a: number): number => a / (1 + Math.exp(-a));
    const hidden = dense(phi, w0 as Float32Array, b0 as Float32Array, width).map(silu);
    const want = dense(hidden, w1 as Float32Array, b1 as Float32Array, width);
    assert.equal(got.length, width);
    for (let j = 0; j < width; j++) assert.ok(Math.abs((got[j] as number) - (want[j] as number)) < 1e-3, `unit ${j}`);
    // The embedding's sinusoids are the MLP's.
    const shared = timeEmbedding([t], shape.embedding);
    for (let k = 0; k < shape.embedding; k++) assert.ok(Math.abs((shared[k] as number) - (phi[k] as number)) < 1e-4);
    tf.dispose([...params, f.cIn, f.invStd, f.emb]);
  });

  it('its 3×3 convolution has the values and gradients of tf.conv2d', async () => {
    const rng = new Rng(8);
    const x = tf.tensor4d(rng.normals(2 * 5 * 5 * 3), [2, 5, 5, 3]);
    const w = tf.tensor4d(rng.normals(3 * 3 * 3 * 4), [3, 3, 3, 4]);
    const probe = tf.tensor4d(rng.normals(2 * 5 * 5 * 4), [2, 5, 5, 4]);
    const own = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(conv3x3(a as tf.Tensor4D, b as tf.Tensor4D), probe)),
    )([x, w]);
    const ref = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), probe)),
    )([x, w]);
    const pairs: [tf.Tensor, tf.Tensor][] = [
      [conv3x3(x, w), tf.conv2d(x, w, 1, 'same')],
      [own[0] as tf.Tensor, ref[0] as tf.Tensor],
      [own[1] as tf.Tensor, ref[1] as tf.Tensor],
    ];
    for (const [a, b] of pairs) {
      assert.deepEqual(a.shape, b.shape);
      const [va, vb] = [await values(a), await values(b)];
      for (let i = 0; i < va.length; i++) assert.ok(Math.abs((va[i] as number) - (vb[i] as number)) < 1e-4);
    }
    tf.dispose([x, w, probe]);
  });

  it('the gradient of a scalar of the output with respect to a weight matches a central finite difference', async () => {
    const shape = small;
    const params = perturbed(shape, 11);
    const rng = new Rng(12);
    const x = tf.tensor2d(rng.normals(2 * 16), [2, 16]);
    const f = timeFeatures(sde, VARIANCE, [0.2, 0.7], shape.embedding);
    const probe = tf.tensor2d(rng.normals(2 * 16), [2, 16]);
    const objective = (p: tf.Tensor[]): tf.Scalar => tf.sum(tf.mul(unetOutput(shape, p, x, f), probe));
    const grads = tf.grads((...p: tf.Tensor[]) => objective(p))(params);
    // A weight of each kind: the first block's first convolution, its time projection, a GroupNorm gain, the skip of a widening block.
    const names = unetSpecs(shape).map((s) => s.name);
    const h = 1e-2;
    for (const [name, at] of [
      ['down0.conv1.w', 17],
      ['down0.temb.w', 5],
      ['up0a.gn1.gamma', 3],
      ['down1.skip.w', 9],
      ['time0.w', 2],
    ] as const) {
      const index = names.indexOf(name);
      assert.ok(index >= 0, name);
      const analytic = ((await (grads[index] as tf.Tensor).data())[at] ?? NaN) as number;
      const shifted = async (delta: number): Promise<number> => {
        const p = params.slice();
        const base = await (params[index] as tf.Tensor).data();
        const moved = Float32Array.from(base);
        moved[at] = (moved[at] as number) + delta;
        p[index] = tf.tensor(moved, (params[index] as tf.Tensor).shape);
        const v = (await values(tf.tidy(() => objective(p))))[0] as number;
        (p[index] as tf.Tensor).dispose();
        return v;
      };
      const numeric = ((await shifted(h)) - (await shifted(-h))) / (2 * h);
      assert.ok(
        Math.abs(analytic - numeric) < 0.02 * Math.max(1, Math.abs(numeric)),
        `${name}[${at}]: analytic ${analytic}, finite difference ${numeric}`,
      );
    }
    tf.dispose([...params, ...grads, x, probe, f.cIn, f.invStd, f.emb]);
  });

  it('the output depends on t', async () => {
    const shape = small;
    const params = perturbed(shape, 2);
    const x = tf.tensor2d(new Rng(4).normals(16), [1, 16]);
    const at = async (t: number): Promise<number[]> => {
      const f = timeFeatures(sde, VARIANCE, [t], shape.embedding);
      const v = await values(unetOutput(shape, params, x, f));
      tf.dispose([f.cIn, f.invStd, f.emb]);
      return v;
    };
    // The same input scale at both times isolates the embedding: compare with c_in held fixed.
    const [a, b] = [await at(0.3), await at(0.6)];
    const fixedScale = async (t: number): Promise<number[]> => {
      const f = timeFeatures(sde, VARIANCE, [t], shape.embedding);
      const g = { ...f, cIn: tf.onesLike(f.cIn) };
      const v = await values(unetOutput(shape, params, x, g));
      tf.dispose([f.cIn, f.invStd, f.emb, g.cIn]);
      return v;
    };
    const [c, d] = [await fixedScale(0.3), await fixedScale(0.6)];
    const diff = (u: number[], v: number[]): number => Math.max(...u.map((ui, i) => Math.abs(ui - (v[i] as number))));
    assert.ok(diff(a, b) > 1e-2, `output barely moves with t: ${diff(a, b)}`);
    assert.ok(diff(c, d) > 1e-2, `the time embedding barely moves the output: ${diff(c, d)}`);
    tf.dispose([...params, x]);
  });

  it('a training step and a likelihood step leave no tensors behind', async () => {
    const shape = small;
    const network = unetNetwork(shape);
    const rng = new Rng(6);
    const state = initAdam(network.init(rng));
    const hp = { lr: 1e-3, warmup: 1, totalSteps: 10, clip: 1, emaDecay: 0.9 };
    const step = (): void => {
      const batch = dsmBatch(sde, rng.normals(4 * 16), 16, rng, { eps: 1e-5, dataVariance: VARIANCE, embedding: 8 });
      const { value, grads } = tf.tidy(() =>
        tf.valueAndGrads((...p: tf.Tensor[]) => dsmLoss(p, batch, network.output))(state.params),
      );
      disposeBatch(batch);
      adamStep(state, grads, hp);
      tf.dispose([value, ...grads]);
    };
    step();
    const before = tf.memory().numTensors;
    step();
    step();
    assert.equal(tf.memory().numTensors, before);
    const model = network.model(state.ema, (t) => timeFeatures(sde, VARIANCE, [t], 8), 16);
    const x = tf.tensor2d(rng.normals(3 * 16), [3, 16]);
    const eps = rademacher(3, 16, rng);
    const around = tf.memory().numTensors;
    const { score, div } = tf.tidy(() => hutchinsonDivergence(model, x, 0.4, eps));
    tf.dispose([score, div]);
    assert.equal(tf.memory().numTensors, around);
    tf.dispose([x, eps]);
    disposeAdam(state);
  });

  describe('divergence through the U-Net', () => {
    const shape = small;
    let params: tf.Tensor[] = [];
    before(() => {
      params = perturbed(shape, 9);
    });
    after(() => tf.dispose(params));
    const t = 0.3;
    const model = () => unetNetwork(shape).model(params, (s) => timeFeatures(sde, VARIANCE, [s], 8), 16);
    const scoreAt = async (x: number[]): Promise<number[]> =>
      values(
        tf.tidy(() => {
          const f = timeFeatures(sde, VARIANCE, [t], 8);
          return unetScore(shape, params, tf.tensor2d(x, [1, 16]), f);
        }),
      );
    /** vᵀ (s(x + hv) − s(x − hv)) / 2h: the directional derivative, projected on v. */
    const quadratic = async (x: number[], v: number[], h: number): Promise<number> => {
      const plus = await scoreAt(x.map((xi, i) => xi + h * (v[i] as number)));
      const minus = await scoreAt(x.map((xi, i) => xi - h * (v[i] as number)));
      return v.reduce((s, vi, i) => s + (vi * ((plus[i] as number) - (minus[i] as number))) / (2 * h), 0);
    };

    it('Hutchinson’s εᵀJε for a fixed ε equals a finite-difference εᵀJε', async () => {
      const rng = new Rng(21);
      const x = Array.from(rng.normals(16, 0.7));
      for (let trial = 0; trial < 3; trial++) {
        const eps = Array.from({ length: 16 }, () => (rng.next() < 0.5 ? -1 : 1));
        const got = await values(
          tf.tidy(() => hutchinsonDivergence(model(), tf.tensor2d(x, [1, 16]), t, tf.tensor2d(eps, [1, 16])).div),
        );
        const want = await quadratic(x, eps, 1e-2);
        assert.ok(
          Math.abs((got[0] as number) - want) < 0.02 * Math.max(1, Math.abs(want)),
          `probe ${trial}: ${got[0]} vs ${want}`,
        );
      }
    });

    it('the exact trace equals the sum of finite-difference diagonal entries, and the mean of Hutchinson probes approaches it', async () => {
      const rng = new Rng(22);
      const x = Array.from(rng.normals(16, 0.7));
      const exact = (
        await values(tf.tidy(() => exactDivergence(model(), tf.tensor2d(x, [1, 16]), t).div))
      )[0] as number;
      let trace = 0;
      for (let i = 0; i < 16; i++) {
        const e = Array.from({ length: 16 }, (_, j) => (j === i ? 1 : 0));
        trace += await quadratic(x, e, 1e-2);
      }
      assert.ok(
        Math.abs(exact - trace) < 0.02 * Math.max(1, Math.abs(trace)),
        `exact ${exact}, finite differences ${trace}`,
      );
      // 256 probes at once (the same x in every row): their mean is within a few standard errors of the trace.
      const n = 256;
      const xs = tf.tile(tf.tensor2d(x, [1, 16]), [n, 1]) as tf.Tensor2D;
      const eps = rademacher(n, 16, rng);
      const estimates = await values(tf.tidy(() => hutchinsonDivergence(model(), xs, t, eps).div));
      tf.dispose([xs, eps]);
      const mean = estimates.reduce((s, v) => s + v, 0) / n;
      const sd = Math.sqrt(estimates.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
      assert.ok(sd > 0, 'the probes all agree: the Jacobian is diagonal or zero');
      assert.ok(
        Math.abs(mean - exact) < 4 * (sd / Math.sqrt(n)) + 1e-3,
        `mean ${mean} ± ${sd / Math.sqrt(n)}, trace ${exact}`,
      );
    });
  });
});
