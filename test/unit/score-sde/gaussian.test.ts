/** The Gaussian reference density of the digits: fit and exact NLL against hand-computed values. */
import { strict as assert } from 'node:assert';
import { cholesky, fitGaussian, gaussianNll } from '../../../src/models/score-sde/gaussian';

describe('score-sde: Gaussian reference density', () => {
  it('fits the maximum-likelihood mean and covariance', () => {
    // Points (0, 0), (2, 0), (0, 2), (2, 2): mean (1, 1), covariance I (divided by n).
    const g = fitGaussian(Float32Array.from([0, 0, 2, 0, 0, 2, 2, 2]), 2, 0);
    assert.deepEqual(Array.from(g.mean), [1, 1]);
    assert.deepEqual(Array.from(g.chol), [1, 0, 0, 1]);
  });

  it('factors a 3 × 3 matrix so that L Lᵀ gives it back', () => {
    const a = [4, 2, 0.4, 2, 5, 1, 0.4, 1, 3];
    const l = cholesky(Float64Array.from(a), 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let v = 0;
        for (let k = 0; k < 3; k++) v += (l[i * 3 + k] as number) * (l[j * 3 + k] as number);
        assert.ok(Math.abs(v - (a[i * 3 + j] as number)) < 1e-12);
      }
      for (let j = i + 1; j < 3; j++) assert.equal(l[i * 3 + j], 0);
    }
    assert.throws(() => cholesky(Float64Array.from([1, 0, 2, -1]), 2), /positive definite/);
  });

  it('gives the exact NLL of a correlated 2-D Gaussian (closed-form inverse and determinant)', () => {
    // Σ = [[2, 0.6], [0.6, 1]], μ = (0.5, −1): det = 1.64, Σ⁻¹ = [[1, −0.6], [−0.6, 2]] / 1.64.
    const mean = Float64Array.from([0.5, -1]);
    const chol = cholesky(Float64Array.from([2, 0, 0.6, 1]), 2);
    const x = Float32Array.from([1, 0, -2, 0.5]);
    const nll = gaussianNll({ dims: 2, mean, chol }, x);
    for (let r = 0; r < 2; r++) {
      const dx = (x[2 * r] as number) - 0.5;
      const dy = (x[2 * r + 1] as number) + 1;
      const quad = (dx * dx - 1.2 * dx * dy + 2 * dy * dy) / 1.64;
      const expected = 0.5 * quad + 0.5 * Math.log(1.64) + Math.log(2 * Math.PI);
      assert.ok(Math.abs((nll[r] as number) - expected) < 1e-6, `row ${r}`);
    }
  });
});
