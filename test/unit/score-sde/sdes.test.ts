/**
 * The SDEs against their own solutions: for a linear SDE dx = a(t)x dt + g(t) dw the mean obeys
 * dm/dt = a·m and the variance dv/dt = 2a·v + g² (Itô), integrated here by RK4 independently of
 * the closed forms; and against Monte Carlo simulation of the SDE itself.
 */
import { strict as assert } from 'node:assert';
import { Rng } from '../../../src/models/engine/rng';
import { makeSde, type Sde, type SdeName, simulateForward } from '../../../src/models/score-sde/sdes';

const PARAMS = { sigmaMin: 0.01, sigmaMax: 6, betaMin: 0.1, betaMax: 20 };
const NAMES: SdeName[] = ['ve', 'vp', 'subvp'];

/** m(t) and v(t) of the linear SDE from m(0) = 1, v(0) = 0, by RK4 on the moment ODEs. */
function moments(sde: Sde, t: number, steps = 4000): { m: number; v: number } {
  const rhs = (s: number, [m, v]: [number, number]): [number, number] => {
    const a = sde.driftCoef(s);
    return [a * m, 2 * a * v + sde.diffusion(s) ** 2];
  };
  let y: [number, number] = [1, 0];
  const h = t / steps;
  for (let k = 0; k < steps; k++) {
    const s = k * h;
    const k1 = rhs(s, y);
    const k2 = rhs(s + h / 2, [y[0] + (h / 2) * k1[0], y[1] + (h / 2) * k1[1]]);
    const k3 = rhs(s + h / 2, [y[0] + (h / 2) * k2[0], y[1] + (h / 2) * k2[1]]);
    const k4 = rhs(s + h, [y[0] + h * k3[0], y[1] + h * k3[1]]);
    y = [
      y[0] + (h / 6) * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]),
      y[1] + (h / 6) * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]),
    ];
  }
  return { m: y[0], v: y[1] };
}

describe('score-sde: SDEs and perturbation kernels', () => {
  for (const name of NAMES) {
    const sde = makeSde(name, PARAMS);

    it(`${name}: kernel mean and std solve the SDE's moment equations`, () => {
      for (const t of [0.01, 0.1, 0.5, 1]) {
        const { m, v } = moments(sde, t);
        assert.ok(Math.abs(sde.marginalMean(t) - m) < 1e-6 * Math.max(1, m), `${name} mean at t=${t}`);
        const std = sde.marginalStd(t);
        assert.ok(Math.abs(std * std - v) < 1e-6 * Math.max(1, v), `${name} variance at t=${t}: ${std * std} vs ${v}`);
      }
    });

    it(`${name}: kernel matches a Monte Carlo simulation of the SDE`, () => {
      const rng = new Rng(7);
      const paths = 8000;
      const x0 = 1.5;
      for (const t of [0.3, 1]) {
        const x = simulateForward(sde, new Float64Array(paths).fill(x0), t, 400, () => rng.normal());
        let sum = 0;
        let sq = 0;
        for (const v of x) {
          sum += v;
          sq += v * v;
        }
        const mean = sum / paths;
        const variance = sq / paths - mean * mean;
        const expectedStd = sde.marginalStd(t);
        const se = expectedStd / Math.sqrt(paths);
        assert.ok(Math.abs(mean - sde.marginalMean(t) * x0) < 4 * se + 1e-3, `${name} MC mean at t=${t}: ${mean}`);
        // Variance: relative SE √(2/n) ≈ 1%; Euler–Maruyama with 400 steps adds a little bias.
        assert.ok(
          Math.abs(Math.sqrt(variance) / expectedStd - 1) < 0.03,
          `${name} MC std at t=${t}: ${Math.sqrt(variance)} vs ${expectedStd}`,
        );
      }
    });

    it(`${name}: the discretised steps compose to the kernel`, () => {
      // Composing x' = (1 + f)x + G z over a grid gives mean Π(1 + f) and variance Σ G² Π_{later}(1 + f)² (backwards in t).
      const n = 1000;
      let mean = 1;
      let variance = 0;
      for (let i = 0; i < n; i++) {
        const t = (i + 1) / n;
        const { f, G } = sde.discretize(t, 1 / n);
        mean *= 1 + f;
        variance = variance * (1 + f) ** 2 + G * G;
      }
      assert.ok(Math.abs(mean - sde.marginalMean(1)) < 2e-3, `${name} mean ${mean}`);
      assert.ok(
        Math.abs(Math.sqrt(variance) - sde.marginalStd(1)) < 5e-3 * sde.marginalStd(1),
        `${name} std ${Math.sqrt(variance)}`,
      );
    });
  }

  it('VE has unit mean, VP a bounded variance, and sub-VP less variance than VP at every t', () => {
    const ve = makeSde('ve', PARAMS);
    const vp = makeSde('vp', PARAMS);
    const sub = makeSde('subvp', PARAMS);
    for (const t of [0.05, 0.2, 0.5, 0.9]) {
      assert.equal(ve.marginalMean(t), 1);
      assert.ok(Math.abs(vp.marginalMean(t) ** 2 + vp.marginalStd(t) ** 2 - 1) < 1e-12);
      assert.ok(sub.marginalStd(t) < vp.marginalStd(t));
    }
    assert.ok(Math.abs(ve.marginalStd(1) - Math.sqrt(36 - 1e-4)) < 1e-12);
  });
});
