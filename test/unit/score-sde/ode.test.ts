/**
 * The probability-flow ODE and its likelihood with an exact score. For data N(μ, s₀²I) every
 * marginal is Gaussian, p_t = N(m_t μ, v_t I) with v_t = m_t² s₀² + σ_t², so the score is
 * −(x − m_t μ)/v_t and log p_ε(x) is known exactly: the ODE must reproduce it.
 */
import '../../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../../src/models/engine/rng';
import { initMlp, score, scoreJvp, timeFeatures } from '../../../src/models/score-sde/model';
import {
  exactDivergence,
  hutchinsonDivergence,
  negativeLogLikelihood,
  probabilityFlowSample,
  rademacher,
  rk45,
  type ScoreModel,
} from '../../../src/models/score-sde/ode';
import { makeSde, type Sde } from '../../../src/models/score-sde/sdes';

const S0 = 0.5;

/** The exact score model of Gaussian data N(μ, s₀²I) under `sde` (tensors made inside the caller's tidy). */
function gaussianScore(sde: Sde, MU: readonly number[]): ScoreModel {
  const center = (t: number): tf.Tensor => tf.mul(tf.tensor2d([[...MU]], [1, 2]), sde.marginalMean(t));
  const variance = (t: number): number => sde.marginalMean(t) ** 2 * S0 * S0 + sde.marginalStd(t) ** 2;
  return {
    dims: 2,
    score: (x, t) => tf.div(tf.sub(center(t), x), variance(t)),
    jvp: (x, t, tangents) => ({
      score: tf.div(tf.sub(center(t), x), variance(t)),
      jv: tf.div(tangents, -variance(t)),
    }),
  };
}

function gaussianLogDensity(sde: Sde, MU: readonly number[], t: number, x: number[]): number {
  const m = sde.marginalMean(t);
  const v = m * m * S0 * S0 + sde.marginalStd(t) ** 2;
  const sq = x.reduce((acc, xi, i) => acc + (xi - m * (MU[i] as number)) ** 2, 0);
  return -Math.log(2 * Math.PI * v) - sq / (2 * v);
}

describe('score-sde: probability-flow ODE and likelihood', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  const points = [
    [0.5, -0.3],
    [1.2, 0.4],
    [-0.6, -1.1],
  ];
  const eps = 1e-5;

  for (const name of ['vp', 'subvp'] as const) {
    for (const solver of ['rk45', 'rk4'] as const) {
      it(`${name}, ${solver}: the exact Gaussian score gives the exact Gaussian log-likelihood`, async () => {
        const sde = makeSde(name, { sigmaMin: 0.01, sigmaMax: 6, betaMin: 0.1, betaMax: 20 });
        const before = tf.memory().numTensors;
        const x = tf.tensor2d(points);
        // Zero-mean data: the prior N(0, I) then differs from p_T only by a variance error m_T²(1 − s₀²) ≈ 3·10⁻⁵.
        const { nll } = await negativeLogLikelihood(sde, gaussianScore(sde, [0, 0]), x, { eps, solver, steps: 40 });
        x.dispose();
        const tol = solver === 'rk45' ? 2e-3 : 1e-2;
        points.forEach((p, i) => {
          const exact = -gaussianLogDensity(sde, [0, 0], eps, p);
          assert.ok(Math.abs((nll[i] as number) - exact) < tol, `${p}: ${nll[i]} vs ${exact}`);
        });
        assert.equal(tf.memory().numTensors, before, 'no tensors leak');
      });
    }
  }

  it('VE with the exact score: NLL matches up to the prior mismatch at T', async () => {
    // p_T = N(μ, (s₀² + σ_T²)I) vs the prior N(0, σ_max² I): with σ_max = 50 and |x(T)| ≈ 50 their log-densities
    // differ by about x(T)·μ/σ_max² ≈ 0.01.
    const MU = [0.5, -0.3];
    const sde = makeSde('ve', { sigmaMin: 0.01, sigmaMax: 50, betaMin: 0.1, betaMax: 20 });
    const x = tf.tensor2d(points);
    const { nll } = await negativeLogLikelihood(sde, gaussianScore(sde, MU), x, { eps, solver: 'rk45' });
    x.dispose();
    points.forEach((p, i) => {
      const exact = -gaussianLogDensity(sde, MU, eps, p);
      assert.ok(Math.abs((nll[i] as number) - exact) < 3e-2, `${p}: ${nll[i]} vs ${exact}`);
    });
  });

  it('probability-flow ODE samples of the exact Gaussian score have the data mean and std', async () => {
    const MU = [0.5, -0.3];
    const sde = makeSde('vp', { sigmaMin: 0.01, sigmaMax: 6, betaMin: 0.1, betaMax: 20 });
    const { samples } = await probabilityFlowSample(sde, gaussianScore(sde, MU), 4000, new Rng(3), {
      eps: 1e-3,
      solver: 'rk45',
    });
    for (let d = 0; d < 2; d++) {
      const xs = Array.from({ length: 4000 }, (_, i) => samples[2 * i + d] as number);
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
      assert.ok(Math.abs(mean - (MU[d] as number)) < 0.03, `mean ${mean}`);
      assert.ok(Math.abs(std - S0) < 0.03, `std ${std}`);
    }
  });

  it('RK45 meets its tolerance on dy/dt = −2ty (y = e^{−t²})', async () => {
    const y0 = tf.tensor2d([[1, 2]]);
    const { y, nfe } = await rk45((v, t) => tf.mul(v, -2 * t) as tf.Tensor2D, y0, 0, 2, { rtol: 1e-6, atol: 1e-8 });
    const out = await y.data();
    tf.dispose([y0, y]);
    assert.ok(Math.abs((out[0] as number) - Math.exp(-4)) < 1e-5);
    assert.ok(Math.abs((out[1] as number) - 2 * Math.exp(-4)) < 2e-5);
    assert.ok(nfe < 500, `nfe ${nfe}`);
  });

  describe('divergence of a network score', () => {
    const sde = makeSde('ve', { sigmaMin: 0.01, sigmaMax: 6, betaMin: 0.1, betaMax: 20 });
    let params: tf.Tensor[] = [];
    before(() => {
      params = initMlp({ inputs: 2, embedding: 8, hidden: 16, layers: 2, outputs: 2 }, new Rng(1));
      // A larger output layer than the initial one, so that the Jacobian is far from zero.
      const last = params.length - 2;
      const scaled = tf.mul(params[last] as tf.Tensor, 20);
      (params[last] as tf.Tensor).dispose();
      params[last] = scaled;
    });
    const jvp = (x: tf.Tensor2D, t: number, v: tf.Tensor3D): { score: tf.Tensor2D; jv: tf.Tensor3D } =>
      scoreJvp(params, x, timeFeatures(sde, 2, [t], 8), v);
    const model: ScoreModel = {
      dims: 2,
      score: (x, t) => score(params, x, timeFeatures(sde, 2, [t], 8)),
      jvp,
    };
    after(() => tf.dispose(params));

    it('the forward-mode Jacobian matches central finite differences', async () => {
      const x = [0.7, -1.3];
      const t = 0.3;
      const h = 1e-3;
      const eye = tf.tensor3d([[[1, 0]], [[0, 1]]]);
      const { jv } = tf.tidy(() => jvp(tf.tensor2d([x]), t, eye));
      const jac = await jv.data();
      tf.dispose([eye, jv]);
      for (let j = 0; j < 2; j++) {
        const plus = [...x];
        const minus = [...x];
        plus[j] = (plus[j] as number) + h;
        minus[j] = (minus[j] as number) - h;
        const sp = await tf.tidy(() => model.score(tf.tensor2d([plus]), t)).data();
        const sm = await tf.tidy(() => model.score(tf.tensor2d([minus]), t)).data();
        for (let i = 0; i < 2; i++) {
          const fd = ((sp[i] as number) - (sm[i] as number)) / (2 * h);
          const an = jac[j * 2 + i] as number;
          assert.ok(Math.abs(fd - an) < 1e-2 * Math.max(1, Math.abs(fd)), `∂s_${i}/∂x_${j}: ${an} vs ${fd}`);
        }
      }
    });

    it("Hutchinson's estimator is unbiased for the exact divergence", async () => {
      const draws = 20000;
      const x = tf.tidy(() => tf.tile(tf.tensor2d([[0.4, 1.1]]), [draws, 1]) as tf.Tensor2D);
      const e = rademacher(draws, 2, new Rng(5));
      const t = 0.2;
      const exact = tf.tidy(() => exactDivergence(model, tf.slice(x, [0, 0], [1, 2]), t).div);
      const estimate = tf.tidy(() => hutchinsonDivergence(model, x, t, e).div);
      const exactValue = (await exact.data())[0] as number;
      const values = Array.from(await estimate.data());
      tf.dispose([x, e, exact, estimate]);
      const mean = values.reduce((a, b) => a + b, 0) / draws;
      const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (draws - 1));
      assert.ok(sd > 0, 'the estimate varies (off-diagonal terms)');
      assert.ok(
        Math.abs(mean - exactValue) < 4 * (sd / Math.sqrt(draws)),
        `${mean} ± ${sd / Math.sqrt(draws)} vs ${exactValue}`,
      );
    });
  });
});
