/**
 * Training data: 2-D densities whose log-density is known in closed form (or by 1-D
 * quadrature), so that likelihoods and sample quality can be measured against the truth.
 * Points are stored row-major, [x₀, y₀, x₁, y₁, …].
 */
import type { Rng } from '../engine/rng';

export const DATASETS_2D = ['ring', 'checkerboard', 'moons'] as const;
export type Dataset2D = (typeof DATASETS_2D)[number];

export const DATASET_LABELS: Readonly<Record<Dataset2D, string>> = {
  ring: '8 Gaussians on a ring',
  checkerboard: 'checkerboard',
  moons: 'two moons',
};

/** A Gaussian component of p(y | x) for one fixed x: weight, mean and standard deviation. */
export interface ConditionalMode {
  readonly weight: number;
  readonly mean: number;
  readonly std: number;
}

export interface Density2D {
  readonly name: Dataset2D;
  /** n points, row-major [n, 2]; `labels` gets the mixture component of each point where the data has classes. */
  sample(n: number, rng: Rng): { points: Float32Array; labels: Int32Array };
  /** log p(x, y), natural log. */
  logDensity(x: number, y: number): number;
  /** Number of classes (mixture components) for class-conditional sampling; 0 when the data has none. */
  readonly classes: number;
  /** The Gaussian components of p(y | x) at a fixed x, where they are Gaussian (the ring). */
  conditionalModes?(x: number): ConditionalMode[];
  /** Where the density is an equal-weight mixture of isotropic Gaussians (the ring): their means and std. */
  readonly mixture?: GaussianMixture;
}

/** An equal-weight mixture of isotropic 2-D Gaussians N(μ_k, s²I). */
export interface GaussianMixture {
  readonly means: readonly (readonly [number, number])[];
  readonly std: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** log Σ exp(v) without overflow. */
export function logSumExp(values: readonly number[]): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

/**
 * A mixture of K equal-weight isotropic Gaussians with std s at radius r, angles 2πk/K:
 * log p(x) = log (1/K) Σ_k N(x; μ_k, s²I).
 */
export function gaussianRing(components = 8, radius = 2, std = 0.1): Density2D {
  const means = Array.from({ length: components }, (_, k) => {
    const angle = (2 * Math.PI * k) / components;
    return [radius * Math.cos(angle), radius * Math.sin(angle)] as const;
  });
  const logNormal1 = (v: number, mean: number): number =>
    -0.5 * LOG_2PI - Math.log(std) - ((v - mean) * (v - mean)) / (2 * std * std);
  return {
    name: 'ring',
    classes: components,
    mixture: { means, std },
    sample(n, rng) {
      const points = new Float32Array(2 * n);
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const k = rng.int(components);
        const [mx, my] = means[k] as readonly [number, number];
        labels[i] = k;
        points[2 * i] = mx + std * rng.normal();
        points[2 * i + 1] = my + std * rng.normal();
      }
      return { points, labels };
    },
    logDensity: (x, y) =>
      logSumExp(means.map(([mx, my]) => logNormal1(x, mx) + logNormal1(y, my))) - Math.log(components),
    conditionalModes(x) {
      // p(y | x) ∝ Σ_k N(x; μ_kx, s²) N(y; μ_ky, s²): Gaussians in y weighted by how well x fits.
      const logW = means.map(([mx]) => logNormal1(x, mx));
      const total = logSumExp(logW);
      return means.map(([, my], k) => ({ weight: Math.exp((logW[k] as number) - total), mean: my, std }));
    },
  };
}

/** Standard normal CDF, by the Abramowitz–Stegun 7.1.26 erf approximation (error < 1.5·10⁻⁷). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/**
 * Eight unit squares of a 4 × 4 checkerboard on [−2, 2]², blurred by a Gaussian of std s so that
 * the density is smooth: p(x) = (1/8) Σ_squares Π_d [Φ((hi_d − x_d)/s) − Φ((lo_d − x_d)/s)].
 */
export function checkerboard(blur = 0.05): Density2D {
  const squares: [number, number][] = [];
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if ((i + j) % 2 === 0) squares.push([i - 2, j - 2]);
  const mass1 = (v: number, lo: number): number => normalCdf((lo + 1 - v) / blur) - normalCdf((lo - v) / blur);
  return {
    name: 'checkerboard',
    classes: 0,
    sample(n, rng) {
      const points = new Float32Array(2 * n);
      for (let i = 0; i < n; i++) {
        const [lx, ly] = squares[rng.int(squares.length)] as [number, number];
        points[2 * i] = lx + rng.next() + blur * rng.normal();
        points[2 * i + 1] = ly + rng.next() + blur * rng.normal();
      }
      return { points, labels: new Int32Array(n) };
    },
    logDensity(x, y) {
      let p = 0;
      for (const [lx, ly] of squares) p += mass1(x, lx) * mass1(y, ly);
      return Math.log(Math.max(p / squares.length, 1e-300));
    },
  };
}

/**
 * Two interleaved half circles (centred), each point on a moon blurred by N(0, s²I):
 * p(x) = ½ Σ_moons (1/π) ∫₀^π N(x; c(θ), s²I) dθ, the θ-integral by the midpoint rule.
 */
export function twoMoons(noise = 0.08, quadrature = 256): Density2D {
  const centre = (moon: number, theta: number): [number, number] =>
    moon === 0
      ? [Math.cos(theta) - 0.5, Math.sin(theta) - 0.25]
      : [1 - Math.cos(theta) - 0.5, 0.5 - Math.sin(theta) - 0.25];
  const nodes: [number, number][] = [];
  for (let moon = 0; moon < 2; moon++) {
    for (let q = 0; q < quadrature; q++) nodes.push(centre(moon, (Math.PI * (q + 0.5)) / quadrature));
  }
  return {
    name: 'moons',
    classes: 2,
    sample(n, rng) {
      const points = new Float32Array(2 * n);
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const moon = rng.int(2);
        const [cx, cy] = centre(moon, Math.PI * rng.next());
        labels[i] = moon;
        points[2 * i] = cx + noise * rng.normal();
        points[2 * i + 1] = cy + noise * rng.normal();
      }
      return { points, labels };
    },
    logDensity(x, y) {
      const logs = nodes.map(([cx, cy]) => -((x - cx) ** 2 + (y - cy) ** 2) / (2 * noise * noise));
      return logSumExp(logs) - Math.log(nodes.length) - LOG_2PI - 2 * Math.log(noise);
    },
  };
}

export function makeDensity(name: Dataset2D): Density2D {
  if (name === 'ring') return gaussianRing();
  if (name === 'checkerboard') return checkerboard();
  return twoMoons();
}

/** Per-coordinate variance of row-major points, pooled over coordinates (for the network's input scaling). */
export function pooledVariance(points: Float32Array): number {
  let sum = 0;
  let sq = 0;
  for (const v of points) {
    sum += v;
    sq += v * v;
  }
  const mean = sum / points.length;
  return sq / points.length - mean * mean;
}

/** Mean and standard error of the mean. */
export function meanSe(values: ArrayLike<number>): { mean: number; se: number } {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += ((values[i] as number) - mean) ** 2;
  return { mean, se: Math.sqrt(sq / Math.max(1, n - 1) / n) };
}
