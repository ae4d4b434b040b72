/**
 * A reference density for the digits' bits/dim: the full-covariance Gaussian fitted to the
 * (dequantised, scaled) training digits by maximum likelihood. Its exact NLL on held-out digits
 * says what a linear model of the pixels already reaches, beside the score model's NLL.
 *
 *   −log N(x; μ, Σ) = ½‖L⁻¹(x − μ)‖² + Σ_i log L_ii + (D/2) log 2π,   Σ = L Lᵀ (Cholesky)
 *
 * Plain arrays in float64, no tensors.
 */

export interface Gaussian {
  readonly dims: number;
  readonly mean: Float64Array;
  /** Lower-triangular Cholesky factor of the covariance, row-major [D, D]. */
  readonly chol: Float64Array;
}

/**
 * Fits mean and covariance to rows of `x` (row-major [n, D]); `ridge` is added to the diagonal
 * (keeps the factor well conditioned where a pixel barely varies).
 */
export function fitGaussian(x: Float32Array, dims: number, ridge: number): Gaussian {
  const n = x.length / dims;
  const mean = new Float64Array(dims);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < dims; j++) mean[j] = (mean[j] as number) + (x[i * dims + j] as number);
  for (let j = 0; j < dims; j++) mean[j] = (mean[j] as number) / n;
  const cov = new Float64Array(dims * dims);
  const centred = new Float64Array(dims);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dims; j++) centred[j] = (x[i * dims + j] as number) - (mean[j] as number);
    for (let a = 0; a < dims; a++) {
      const ca = centred[a] as number;
      if (ca === 0) continue;
      for (let b = 0; b <= a; b++) cov[a * dims + b] = (cov[a * dims + b] as number) + ca * (centred[b] as number);
    }
  }
  for (let a = 0; a < dims; a++) {
    for (let b = 0; b <= a; b++) cov[a * dims + b] = (cov[a * dims + b] as number) / n + (a === b ? ridge : 0);
  }
  return { dims, mean, chol: cholesky(cov, dims) };
}

/** The Cholesky factor L (Σ = L Lᵀ) of a symmetric positive-definite matrix given by its lower triangle. */
export function cholesky(lower: Float64Array, dims: number): Float64Array {
  const l = new Float64Array(dims * dims);
  for (let i = 0; i < dims; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = lower[i * dims + j] as number;
      for (let k = 0; k < j; k++) sum -= (l[i * dims + k] as number) * (l[j * dims + k] as number);
      if (i === j) {
        if (sum <= 0) throw new Error(`covariance not positive definite at row ${i}`);
        l[i * dims + i] = Math.sqrt(sum);
      } else {
        l[i * dims + j] = sum / (l[j * dims + j] as number);
      }
    }
  }
  return l;
}

/** −log N(x; μ, Σ) in nats for each row of x. */
export function gaussianNll(g: Gaussian, x: Float32Array): Float64Array {
  const { dims, mean, chol } = g;
  let logDet = 0;
  for (let i = 0; i < dims; i++) logDet += Math.log(chol[i * dims + i] as number);
  const n = x.length / dims;
  const out = new Float64Array(n);
  const y = new Float64Array(dims);
  for (let r = 0; r < n; r++) {
    // Forward substitution L y = x − μ.
    let sq = 0;
    for (let i = 0; i < dims; i++) {
      let v = (x[r * dims + i] as number) - (mean[i] as number);
      for (let k = 0; k < i; k++) v -= (chol[i * dims + k] as number) * (y[k] as number);
      const yi = v / (chol[i * dims + i] as number);
      y[i] = yi;
      sq += yi * yi;
    }
    out[r] = 0.5 * sq + logDet + 0.5 * dims * Math.log(2 * Math.PI);
  }
  return out;
}
