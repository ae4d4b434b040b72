/**
 * The sample-quality measures against values computed another way: the nearest-neighbour KL
 * estimate against the closed-form KL of two Gaussians, the MMD² estimate against a direct double
 * sum and against the closed form for Gaussians, and both on the ring against the failure the mean
 * true log-density misses (over-concentration).
 */
import { strict as assert } from 'node:assert';
import { Rng } from '../../../src/models/engine/rng';
import { gaussianRing, meanSe } from '../../../src/models/score-sde/data';
import {
  harmonic,
  JACKKNIFE_GROUPS,
  klTerms,
  MMD_BANDWIDTHS,
  MmdEstimates,
  sampleKl,
} from '../../../src/models/score-sde/quality';

/** n points of N(0, s²I) in 2-D, row-major. */
function gaussian(n: number, s: number, rng: Rng): Float32Array {
  return Float32Array.from(rng.normals(2 * n, s));
}

/** log N(x; 0, s²I) in 2-D. */
const logGaussian =
  (s: number) =>
  (x: number, y: number): number =>
    -Math.log(2 * Math.PI * s * s) - (x * x + y * y) / (2 * s * s);

/** The kernel of MmdEstimates written out: the mean over bandwidths h₀/2^k of exp(−d²/(2h²)). */
function kernel(d2: number, h0: number): number {
  let sum = 0;
  for (let k = 0; k < MMD_BANDWIDTHS; k++) sum += Math.exp(-d2 / (2 * (h0 / 2 ** k) ** 2));
  return sum / MMD_BANDWIDTHS;
}

describe('score-sde: sample quality', () => {
  it('ψ(n) − ψ(1) is the harmonic number H_{n−1}', () => {
    assert.equal(harmonic(0), 0);
    assert.ok(Math.abs(harmonic(3) - 11 / 6) < 1e-15);
    // ψ(n) ≈ ln n − 1/(2n) for large n, and ψ(1) = −γ.
    const n = 5000;
    assert.ok(Math.abs(harmonic(n - 1) - (Math.log(n) - 1 / (2 * n) + 0.5772156649)) < 1e-7);
  });

  it('the nearest-neighbour KL(q ‖ p) estimate matches the closed form for two Gaussians', () => {
    // KL(N(0, a²I) ‖ N(0, b²I)) in 2-D = a²/b² − 1 − ln(a²/b²).
    const rng = new Rng(1);
    for (const [a, b] of [
      [1, 1],
      [1, 1.5],
      [1, 0.7],
    ] as const) {
      const r = (a * a) / (b * b);
      const exact = r - 1 - Math.log(r);
      const { value, se } = sampleKl(gaussian(3000, a, rng), logGaussian(b));
      assert.ok(Math.abs(value - exact) < 4 * se, `a ${a}, b ${b}: ${value} ± ${se}, exact ${exact}`);
      assert.ok(se < 0.05, `se ${se}`);
    }
  });

  it('the KL terms are the nearest-neighbour formula, point by point', () => {
    const points = Float32Array.of(0, 0, 3, 4, 0, 1);
    const logP = (x: number, y: number): number => -x - y;
    const terms = klTerms(points, logP);
    // Nearest distances²: 1 (to (0, 1)), 18 (from (3, 4) to (0, 1)), 1; ψ(3) − ψ(1) = 1.5.
    const expected = [
      [1, 0],
      [18, 7],
      [1, 1],
    ].map(([d2 = 0, sum = 0]) => -1.5 - Math.log(Math.PI * d2) + sum);
    expected.forEach((e, i) => assert.ok(Math.abs((terms[i] as number) - e) < 1e-12, `${terms[i]} vs ${e}`));
  });

  it('on the ring, over-concentration raises the mean true log-density but also the KL estimate', () => {
    const ring = gaussianRing();
    const rng = new Rng(2);
    const exact = ring.sample(2000, rng);
    // The same points pulled towards their mode centres: each mode's variance × 0.3.
    const shrunk = Float32Array.from(exact.points);
    for (let i = 0; i < 2000; i++) {
      const angle = (2 * Math.PI * (exact.labels[i] as number)) / 8;
      const centre = [2 * Math.cos(angle), 2 * Math.sin(angle)];
      for (let d = 0; d < 2; d++) {
        const c = centre[d] as number;
        shrunk[2 * i + d] = c + Math.sqrt(0.3) * ((shrunk[2 * i + d] as number) - c);
      }
    }
    const logP = (pts: Float32Array) =>
      meanSe(
        Array.from({ length: pts.length / 2 }, (_, i) =>
          ring.logDensity(pts[2 * i] as number, pts[2 * i + 1] as number),
        ),
      );
    assert.ok(logP(shrunk).mean > logP(exact.points).mean + 0.5, 'the mean log-density rewards shrinking');
    const density = (x: number, y: number): number => ring.logDensity(x, y);
    const klExact = sampleKl(exact.points, density);
    const klShrunk = sampleKl(shrunk, density);
    // KL of a shrunk mode: 0.3 − 1 − ln 0.3 ≈ 0.50 nats; exact draws sit near 0.
    assert.ok(Math.abs(klExact.value) < 4 * klExact.se, `exact draws: ${klExact.value} ± ${klExact.se}`);
    assert.ok(Math.abs(klShrunk.value - 0.504) < 0.15, `shrunk: ${klShrunk.value} ± ${klShrunk.se}`);
  });

  it('MMD² is the unbiased double sum, and its difference the difference of the two', () => {
    const rng = new Rng(3);
    const ref = gaussian(60, 1, rng);
    const a = gaussian(50, 1.2, rng);
    const b = gaussian(45, 0.6, rng);
    const direct = (x: Float32Array, y: Float32Array): number => {
      const pairs = (u: Float32Array, v: Float32Array, same: boolean): number => {
        let sum = 0;
        let count = 0;
        for (let i = 0; i < u.length / 2; i++) {
          for (let j = 0; j < v.length / 2; j++) {
            if (same && i === j) continue;
            const d2 =
              ((u[2 * i] as number) - (v[2 * j] as number)) ** 2 +
              ((u[2 * i + 1] as number) - (v[2 * j + 1] as number)) ** 2;
            sum += kernel(d2, 0.9);
            count++;
          }
        }
        return sum / count;
      };
      return pairs(x, x, true) + pairs(y, y, true) - 2 * pairs(x, y, false);
    };
    const mmd = new MmdEstimates(ref, 0.9);
    mmd.add('a', a);
    mmd.add('b', b);
    assert.ok(Math.abs(mmd.mmd('a').value - direct(a, ref)) < 1e-12);
    assert.ok(Math.abs(mmd.mmd('b').value - direct(b, ref)) < 1e-12);
    const d = mmd.difference('a', 'b');
    assert.ok(Math.abs(d.value - (direct(a, ref) - direct(b, ref))) < 1e-12);
    assert.ok(d.se > 0 && Number.isFinite(d.se));
    assert.throws(() => mmd.add('few', gaussian(2 * JACKKNIFE_GROUPS - 1, 1, rng)), /jackknife groups/);
  });

  it('MMD² matches the closed form for two Gaussians, and is 0 on average for the same one', () => {
    // For a Gaussian kernel of bandwidth h in 2-D: E k(x, x′) = h²/(h² + 2a²) for x, x′ ~ N(0, a²I),
    // and E k(x, y) = h²/(h² + a² + b²) for x ~ N(0, a²I), y ~ N(0, b²I).
    const h0 = 1;
    const closed = (a: number, b: number): number => {
      let sum = 0;
      for (let k = 0; k < MMD_BANDWIDTHS; k++) {
        const h2 = (h0 / 2 ** k) ** 2;
        sum += h2 / (h2 + 2 * a * a) + h2 / (h2 + 2 * b * b) - (2 * h2) / (h2 + a * a + b * b);
      }
      return sum / MMD_BANDWIDTHS;
    };
    const rng = new Rng(4);
    const mmd = new MmdEstimates(gaussian(1500, 1, rng), h0);
    mmd.add('wider', gaussian(1500, 1.4, rng));
    mmd.add('same', gaussian(1500, 1, rng));
    const wider = mmd.mmd('wider');
    const same = mmd.mmd('same');
    assert.ok(
      Math.abs(wider.value - closed(1.4, 1)) < 4 * wider.se,
      `${wider.value} ± ${wider.se} vs ${closed(1.4, 1)}`,
    );
    assert.ok(wider.value > 4 * wider.se);
    assert.ok(Math.abs(same.value) < 4 * same.se, `${same.value} ± ${same.se}`);
  });
});
