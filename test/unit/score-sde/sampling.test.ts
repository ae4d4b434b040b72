/**
 * The samplers' building blocks and the score network on problems with known answers: the
 * Langevin step rule, the reverse-diffusion step, the order of PC steps and its noise-free last
 * step, the samplers with the exact score of a Gaussian and of the ring, imputation, the analytic
 * score of a Gaussian mixture, and a network trained on a single Gaussian against that Gaussian's
 * exact score.
 */
import '../../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../../src/models/engine/backends';
import { Rng } from '../../../src/models/engine/rng';
import { gaussianRing } from '../../../src/models/score-sde/data';
import { mixtureScore } from '../../../src/models/score-sde/exactScore';
import { disposeBatch, dsmBatch, dsmLoss } from '../../../src/models/score-sde/loss';
import { initMlp, score, timeFeatures } from '../../../src/models/score-sde/model';
import { adamStep, disposeAdam, initAdam } from '../../../src/models/score-sde/optim';
import {
  langevinCorrector,
  langevinStepSize,
  pcInpaint,
  pcSample,
  reverseDiffusionPredictor,
  samplingTimes,
  type ScoreFn,
} from '../../../src/models/score-sde/samplers';
import { sampleKl } from '../../../src/models/score-sde/quality';
import { makeSde } from '../../../src/models/score-sde/sdes';

const PARAMS = { sigmaMin: 0.01, sigmaMax: 6, betaMin: 0.1, betaMax: 20 };

/**
 * ∇ log p_t of the ring under the VE SDE, analytically: p_t = (1/K) Σ_k N(μ_k, (s² + σ_t²)I), so
 * ∇ log p_t(x) = Σ_k w_k(x)·(μ_k − x)/(s² + σ_t²) with w_k the posterior weights of the components.
 */
function ringScore(x: [number, number], variance: number): [number, number] {
  const means = Array.from({ length: 8 }, (_, k) => [2 * Math.cos((Math.PI * k) / 4), 2 * Math.sin((Math.PI * k) / 4)]);
  const logW = means.map(([a = 0, b = 0]) => -((x[0] - a) ** 2 + (x[1] - b) ** 2) / (2 * variance));
  const max = Math.max(...logW);
  const w = logW.map((l) => Math.exp(l - max));
  const total = w.reduce((p, q) => p + q, 0);
  const out: [number, number] = [0, 0];
  means.forEach(([a = 0, b = 0], k) => {
    out[0] += ((w[k] as number) / total) * ((a - x[0]) / variance);
    out[1] += ((w[k] as number) / total) * ((b - x[1]) / variance);
  });
  return out;
}

describe('score-sde: samplers and the score network', () => {
  before(async () => {
    await selectBackend('wasm');
  });

  it('the Langevin step size follows ε = 2α(r‖z‖/‖s‖)², so the update has signal-to-noise ratio r√α', async () => {
    assert.ok(Math.abs(langevinStepSize(0.16, 1, 2, 4) - 2 * (0.16 * 0.5) ** 2) < 1e-15);
    assert.ok(Math.abs(langevinStepSize(0.1, 0.5, 3, 1) - 2 * 0.5 * 0.09) < 1e-15);
    const s = tf.tensor2d([
      [3, 4],
      [0, 5],
    ]);
    const z = tf.tensor2d([
      [1, 0],
      [0, -1],
    ]);
    const x = tf.zeros([2, 2]) as tf.Tensor2D;
    const { mean, x: next } = tf.tidy(() => {
      const u = langevinCorrector(() => s.clone(), x, 0.5, 0.16, 0.8, z);
      return { mean: u.mean, x: u.x };
    });
    const eps = langevinStepSize(0.16, 0.8, 1, 5);
    const m = Array.from(await mean.data());
    const n = Array.from(await next.data());
    assert.deepEqual(
      Array.from(m, (v) => Number(v.toFixed(6))),
      [3, 4, 0, 5].map((v) => Number((v * eps).toFixed(6))),
    );
    const noise = Math.sqrt(2 * eps);
    assert.ok(Math.abs((n[0] as number) - (3 * eps + noise)) < 1e-6);
    // ‖ε s‖ / ‖√(2ε) z‖ = √(ε/2)·‖s‖/‖z‖ = r√α.
    assert.ok(Math.abs((Math.sqrt(eps / 2) * 5) / 1 - 0.16 * Math.sqrt(0.8)) < 1e-9);
    tf.dispose([s, z, x, mean, next]);
  });

  it('the reverse-diffusion step with the exact score keeps a Gaussian at its marginals (VE)', async () => {
    // Data N(0, s₀²): p_t = N(0, s₀² + σ_t²), score −x/(s₀² + σ_t²).
    const sde = makeSde('ve', PARAMS);
    const s0 = 0.5;
    const n = 20000;
    const rng = new Rng(4);
    const t = 0.6;
    const dt = 0.01;
    const v = s0 * s0 + sde.marginalStd(t) ** 2;
    const x = tf.tensor2d(rng.normals(n, Math.sqrt(v)), [n, 1]);
    const z = tf.tensor2d(rng.normals(n), [n, 1]);
    const out = tf.tidy(
      () => reverseDiffusionPredictor(sde, (y, u) => tf.div(y, -(s0 * s0 + sde.marginalStd(u) ** 2)), x, t, dt, z).x,
    );
    const values = Array.from(await out.data());
    tf.dispose([x, z, out]);
    const variance = values.reduce((a, b) => a + b * b, 0) / n;
    const expected = s0 * s0 + sde.marginalStd(t - dt) ** 2;
    assert.ok(Math.abs(variance / expected - 1) < 0.03, `${variance} vs ${expected}`);
  });

  it('samples at N equally spaced times from T to ε, and the last step lands at 0', () => {
    const times = samplingTimes(1, 1e-3, 4);
    assert.equal(times.length, 5);
    [1, 1 - 0.999 / 3, 1 - (2 * 0.999) / 3, 1e-3, 0].forEach((t, i) =>
      assert.ok(Math.abs((times[i] as number) - t) < 1e-15, `${times[i]} vs ${t}`),
    );
    assert.deepEqual(samplingTimes(1, 1e-3, 1), [1, 0]);
  });

  it('each step is M corrector steps then the predictor; the last predictor step returns its mean', async () => {
    // Written out with the same normals: prior, then per step the corrector's z and the predictor's z.
    const sde = makeSde('ve', PARAMS);
    const score: ScoreFn = (x, t) => tf.div(x, -(sde.marginalStd(t) ** 2 + 0.25)) as tf.Tensor2D;
    const n = 4;
    const { samples, nfe } = await pcSample(sde, score, n, 1, {
      steps: 2,
      correctorSteps: 1,
      snr: 0.16,
      eps: 1e-3,
      rng: new Rng(9),
    });
    const rng = new Rng(9);
    let x = rng.normals(n, sde.priorStd);
    const times = [1, 1e-3, 0];
    for (let i = 0; i < 2; i++) {
      const t = times[i] as number;
      const dt = t - (times[i + 1] as number);
      const s = (v: number): number => -v / (sde.marginalStd(t) ** 2 + 0.25);
      // Langevin: ε = 2α(r‖z‖/‖s‖)², norms of 1-D rows are absolute values, averaged over the batch.
      const z = rng.normals(n);
      const zNorm = z.reduce((a, v) => a + Math.abs(v), 0) / n;
      const sNorm = x.reduce((a, v) => a + Math.abs(s(v)), 0) / n;
      const eps = 2 * ((0.16 * zNorm) / sNorm) ** 2;
      x = x.map((v, k) => v + eps * s(v) + Math.sqrt(2 * eps) * (z[k] as number));
      const { f, G } = sde.discretize(t, dt);
      const zp = rng.normals(n);
      x = x.map((v, k) => v - f * v + G * G * s(v) + (i === 1 ? 0 : G * (zp[k] as number)));
    }
    assert.equal(nfe, 4);
    x.forEach((v, k) =>
      assert.ok(Math.abs((samples[k] as number) - v) < 1e-4 * Math.max(1, Math.abs(v)), `${samples[k]} vs ${v}`),
    );
  });

  for (const name of ['ve', 'vp'] as const) {
    it(`${name}: with the exact score of a Gaussian, PC and predictor-only at N = 100 keep its variance`, async () => {
      // Data N(0, 1): p_t = N(0, m_t² + σ_t²). Before the noise-free last step was the predictor's, PC left 0.93 of it.
      const sde = makeSde(name, PARAMS);
      const score: ScoreFn = (x, t) =>
        tf.mul(x, -1 / (sde.marginalMean(t) ** 2 + sde.marginalStd(t) ** 2)) as tf.Tensor2D;
      for (const correctorSteps of [0, 1]) {
        const { samples } = await pcSample(sde, score, 20000, 1, {
          steps: 100,
          correctorSteps,
          snr: 0.16,
          eps: 1e-3,
          rng: new Rng(1),
        });
        const variance = samples.reduce((a, v) => a + v * v, 0) / samples.length;
        // 20000 draws: the variance's own standard error is 0.01.
        assert.ok(variance > 0.97 && variance < 1.08, `M = ${correctorSteps}: variance ${variance}`);
      }
    });
  }

  it('PC with the exact score of the ring draws samples as close to it as exact draws', async function () {
    this.timeout(60000);
    const ring = gaussianRing();
    const sde = makeSde('ve', PARAMS);
    const { mixture } = ring;
    assert.ok(mixture);
    const density = (x: number, y: number): number => ring.logDensity(x, y);
    const { samples } = await pcSample(sde, mixtureScore(sde, mixture), 1000, 2, {
      steps: 100,
      correctorSteps: 1,
      snr: 0.16,
      eps: 1e-3,
      rng: new Rng(3),
    });
    const pc = sampleKl(samples, density);
    const exact = sampleKl(ring.sample(1000, new Rng(4)).points, density);
    assert.ok(
      Math.abs(pc.value - exact.value) < 3 * Math.hypot(pc.se, exact.se),
      `PC ${pc.value}, exact ${exact.value}`,
    );
  });

  it('the exact mixture score matches finite differences of log p_t (VE and VP)', async () => {
    const ring = gaussianRing();
    const { mixture } = ring;
    assert.ok(mixture);
    for (const name of ['ve', 'vp'] as const) {
      const sde = makeSde(name, PARAMS);
      for (const t of [0.05, 0.3]) {
        const m = sde.marginalMean(t);
        // p_t is the ring scaled by m_t with std √(m_t² s² + σ_t²).
        const blurred = gaussianRing(8, 2 * m, Math.sqrt(m * m * 0.01 + sde.marginalStd(t) ** 2));
        const pts: [number, number][] = [
          [1.9 * m, 0.2],
          [0.5, 0.5],
          [-1.2 * m, 1.6 * m],
        ];
        const s = await tf.tidy(() => mixtureScore(sde, mixture)(tf.tensor2d(pts), t)).data();
        pts.forEach(([x, y], i) => {
          const h = 1e-4;
          const fd = [
            (blurred.logDensity(x + h, y) - blurred.logDensity(x - h, y)) / (2 * h),
            (blurred.logDensity(x, y + h) - blurred.logDensity(x, y - h)) / (2 * h),
          ];
          for (let d = 0; d < 2; d++) {
            const got = s[2 * i + d] as number;
            const want = fd[d] as number;
            assert.ok(
              Math.abs(got - want) < 1e-3 * Math.max(1, Math.abs(want)),
              `${name} t ${t} ${pts[i]}: ${got} vs ${want}`,
            );
          }
        });
      }
    }
  });

  it('imputation keeps the known coordinate exactly and leaves no tensors behind', async () => {
    const sde = makeSde('vp', PARAMS);
    const before = tf.memory().numTensors;
    const mask = tf.tensor2d([[1, 0]]);
    const known = tf.tensor2d([
      [0.3, 9],
      [-1.7, 9],
      [2.25, 9],
    ]);
    const { samples } = await pcSample(
      sde,
      (x, t) => tf.mul(x, -1 / (sde.marginalMean(t) ** 2 + sde.marginalStd(t) ** 2)) as tf.Tensor2D,
      3,
      2,
      {
        steps: 20,
        correctorSteps: 1,
        snr: 0.16,
        eps: 1e-3,
        rng: new Rng(2),
        impute: { mask, known },
      },
    );
    tf.dispose([mask, known]);
    assert.deepEqual([samples[0], samples[2], samples[4]], [Math.fround(0.3), Math.fround(-1.7), Math.fround(2.25)]);
    assert.ok(samples.every((v) => Number.isFinite(v)));
    assert.equal(tf.memory().numTensors, before);
  });

  it('pcInpaint is pcSample with that imputation, and frees its tensors even when the score throws', async () => {
    const sde = makeSde('ve', PARAMS);
    const score = (x: tf.Tensor2D, t: number): tf.Tensor2D => tf.div(x, -(sde.marginalStd(t) ** 2 + 1)) as tf.Tensor2D;
    const known = Float32Array.of(0.3, 0, -0.4, 9, 1.1, 0.5, 9, 9, 9);
    const mask = Float32Array.of(1, 0, 1);
    const options = { steps: 10, correctorSteps: 1, snr: 0.16, eps: 1e-3 };
    const before = tf.memory().numTensors;
    const inpainted = await pcInpaint(sde, score, known, mask, 2, { ...options, rng: new Rng(5) });
    assert.equal(tf.memory().numTensors, before);
    const impute = { mask: tf.tensor2d([[1, 0, 1]]), known: tf.tensor2d(known.slice(0, 6), [2, 3]) };
    const { samples } = await pcSample(sde, score, 2, 3, { ...options, rng: new Rng(5), impute });
    tf.dispose([impute.mask, impute.known]);
    assert.deepEqual(Array.from(inpainted), Array.from(samples));
    assert.deepEqual(
      [inpainted[0], inpainted[2], inpainted[3], inpainted[5]],
      Array.from(Float32Array.of(0.3, -0.4, 9, 0.5)),
    );
    const failing = (): tf.Tensor2D => {
      throw new Error('score failed');
    };
    await assert.rejects(pcInpaint(sde, failing, known, mask, 2, { ...options, rng: new Rng(5) }), /score failed/);
    assert.equal(tf.memory().numTensors, before);
  });

  it('the analytic Gaussian-mixture score matches finite differences of log p_t', () => {
    const ring = gaussianRing();
    const variance = 0.01 + 0.3 ** 2;
    // log p_t of the ring at noise 0.3 is a ring of std √variance: reuse the density with that std.
    const blurred = gaussianRing(8, 2, Math.sqrt(variance));
    for (const x of [
      [1.9, 0.2],
      [0.5, 0.5],
      [-1.2, 1.6],
    ] as [number, number][]) {
      const h = 1e-5;
      const fd = [
        (blurred.logDensity(x[0] + h, x[1]) - blurred.logDensity(x[0] - h, x[1])) / (2 * h),
        (blurred.logDensity(x[0], x[1] + h) - blurred.logDensity(x[0], x[1] - h)) / (2 * h),
      ];
      const an = ringScore(x, variance);
      assert.ok(
        Math.abs((fd[0] as number) - an[0]) < 1e-4 && Math.abs((fd[1] as number) - an[1]) < 1e-4,
        `${x}: ${an} vs ${fd}`,
      );
    }
    assert.equal(ring.classes, 8);
  });

  it('a network trained on a single Gaussian learns its exact score', async function () {
    this.timeout(120000);
    // Data N(μ, s₀²I) under VP: p_t = N(m_t μ, v_t I), v_t = m_t² s₀² + σ_t², score −(x − m_t μ)/v_t.
    const sde = makeSde('vp', PARAMS);
    const mu = [1, -0.5];
    const s0 = 0.3;
    const rng = new Rng(11);
    const embedding = 16;
    const dataVariance = s0 * s0 + 0.625;
    const state = initAdam(initMlp({ inputs: 2, embedding, hidden: 64, layers: 2, outputs: 2 }, rng));
    const steps = 600;
    const hp = { lr: 3e-3, warmup: 20, totalSteps: steps, clip: 1, emaDecay: 0.95 };
    for (let k = 0; k < steps; k++) {
      const x0 = Float32Array.from({ length: 2 * 256 }, (_, i) => (mu[i % 2] as number) + s0 * rng.normal());
      const batch = dsmBatch(sde, x0, 2, rng, { eps: 1e-5, dataVariance, embedding });
      const grads = tf.tidy(() => tf.grads((...p: tf.Tensor[]) => dsmLoss(p, batch))(state.params));
      disposeBatch(batch);
      adamStep(state, grads, hp);
      tf.dispose(grads);
    }
    let worst = 0;
    for (const t of [0.05, 0.2, 0.5, 0.9]) {
      const m = sde.marginalMean(t);
      const v = m * m * s0 * s0 + sde.marginalStd(t) ** 2;
      const pts = [
        [m * 1, m * -0.5],
        [m * 1 + Math.sqrt(v), m * -0.5],
        [m * 1, m * -0.5 - Math.sqrt(v)],
      ];
      const learned = await tf
        .tidy(() => score(state.ema, tf.tensor2d(pts), timeFeatures(sde, dataVariance, [t], embedding)))
        .data();
      pts.forEach((p, i) => {
        for (let d = 0; d < 2; d++) {
          const exact = -((p[d] as number) - m * (mu[d] as number)) / v;
          // Error relative to the score's scale at t, 1/√v_t.
          worst = Math.max(worst, Math.abs((learned[2 * i + d] as number) - exact) * Math.sqrt(v));
        }
      });
    }
    disposeAdam(state);
    assert.ok(worst < 0.15, `largest error ${worst} (in units of 1/σ)`);
  });
});
