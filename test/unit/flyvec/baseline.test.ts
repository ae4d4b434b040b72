/**
 * The PPMI-SVD baseline: co-occurrence counts and PPMI against values computed by hand, the
 * eigen-solver and the randomized SVD against matrices built with known factors, and the
 * binary hash of the vectors against its invariants.
 */
import { strict as assert } from 'node:assert';
import { Rng } from '../../../src/models/engine/rng';
import {
  addCooccurrences,
  cosineNeighbours,
  orthonormalizeColumns,
  ppmiInPlace,
  projectionCodes,
  svdVectors,
  symmetricEigen,
  truncatedSvd,
  unitRows,
} from '../../../src/models/flyvec/baseline';
import { activeCells, hammingDistance } from '../../../src/models/flyvec/hashing';

function close(actual: ArrayLike<number>, expected: readonly number[], tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  for (let j = 0; j < expected.length; j++) {
    assert.ok(Math.abs((actual[j] as number) - (expected[j] as number)) < tol, `[${j}] ${actual[j]} vs ${expected[j]}`);
  }
}

/** An n × l matrix with orthonormal columns, row-major. */
function orthonormal(n: number, l: number, rng: Rng): Float64Array {
  return orthonormalizeColumns({ rows: n, columns: l, data: Float64Array.from({ length: n * l }, () => rng.normal()) })
    .data;
}

describe('flyvec: PPMI-SVD baseline', () => {
  it('counts each context word of a window once against its target', () => {
    // V = 3. Window 1: context {0, 2}, target 1 (index 4). Window 2: context {1}, target 1. Window 3: no context, target 0.
    const batch = { size: 3, offsets: Int32Array.of(0, 3, 5, 6), indices: Int32Array.of(0, 2, 4, 1, 4, 3) };
    const counts = new Float32Array(9);
    addCooccurrences(counts, 3, batch);
    addCooccurrences(counts, 3, batch);
    // Row t = target, column c = context; everything twice.
    assert.deepEqual(Array.from(counts), [0, 0, 0, 2, 2, 2, 0, 0, 0]);
  });

  it('weights counts by positive PMI with smoothed context probabilities, as computed by hand', () => {
    // C = [[2, 1], [1, 0]]: row sums (3, 1), column sums (3, 1), total 4.
    // α = 1: PPMI_01 = log(1·4 / (3·1)) = log(4/3), PPMI_10 = log(4/3), PPMI_00 = max(0, log(8/9)) = 0.
    close(ppmiInPlace(Float32Array.of(2, 1, 1, 0), 2, 1), [0, Math.log(4 / 3), Math.log(4 / 3), 0]);
    // α = 0.75: smoothed column sums (3^0.75, 1) = (2.2795071, 1), total 3.2795071.
    // PPMI_01 = log(3.2795071 / 3) = 0.0890808; PPMI_10 = log(3.2795071 / 2.2795071) = 0.3637339;
    // PPMI_00 = max(0, log(2·3.2795071 / (3·2.2795071))) = max(0, −0.0417312) = 0.
    close(ppmiInPlace(Float32Array.of(2, 1, 1, 0), 2, 0.75), [0, 0.0890808, 0.3637339, 0]);
  });

  it('finds the eigenpairs of a symmetric matrix', () => {
    const rng = new Rng(4);
    const l = 6;
    const a = new Float64Array(l * l);
    for (let i = 0; i < l; i++) {
      for (let j = i; j < l; j++) {
        const x = rng.normal();
        a[i * l + j] = x;
        a[j * l + i] = x;
      }
    }
    const { values, vectors } = symmetricEigen(a, l);
    for (let c = 0; c < l; c++) {
      for (let i = 0; i < l; i++) {
        let av = 0;
        for (let j = 0; j < l; j++) av += (a[i * l + j] as number) * (vectors[j * l + c] as number);
        assert.ok(
          Math.abs(av - (values[c] as number) * (vectors[i * l + c] as number)) < 1e-9,
          `A v = λ v (${c}, ${i})`,
        );
      }
      for (let d = 0; d < l; d++) {
        let dot = 0;
        for (let i = 0; i < l; i++) dot += (vectors[i * l + c] as number) * (vectors[i * l + d] as number);
        assert.ok(Math.abs(dot - (c === d ? 1 : 0)) < 1e-9, 'orthonormal eigenvectors');
      }
    }
  });

  it('recovers the leading singular values and vectors of a matrix built from known factors', () => {
    const rng = new Rng(11);
    const n = 40;
    const sigma = [10, 7, 5, 3, 1];
    const u = orthonormal(n, sigma.length, rng);
    const v = orthonormal(n, sigma.length, rng);
    // A = U diag(σ) Vᵀ, stored as float32 like the PPMI matrix.
    const a = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let x = 0;
        sigma.forEach((s, r) => (x += (u[i * sigma.length + r] as number) * s * (v[j * sigma.length + r] as number)));
        a[i * n + j] = x;
      }
    }
    const rank = 3;
    const svd = truncatedSvd(a, n, { rank, oversampling: 5, iterations: 2 }, new Rng(1));
    close(svd.singularValues, sigma.slice(0, rank), 1e-4);
    for (let r = 0; r < rank; r++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += (svd.u[i * rank + r] as number) * (u[i * sigma.length + r] as number);
      assert.ok(Math.abs(Math.abs(dot) - 1) < 1e-5, `singular vector ${r}: |⟨u, U⟩| = ${Math.abs(dot)}`);
    }
  });

  it('scales the singular vectors by the square roots of the singular values', () => {
    // U = [[1, 0], [0, 1], [0, 0]], σ = (4, 9) → U Σ^{1/2} = [[2, 0], [0, 3], [0, 0]].
    close(svdVectors(Float64Array.of(1, 0, 0, 1, 0, 0), Float64Array.of(4, 9)), [2, 0, 0, 3, 0, 0]);
  });

  it('ranks neighbours by cosine similarity, ignoring length', () => {
    // Word 0 points along x; word 1 is 10× word 0; word 2 is at 45°; word 3 is orthogonal.
    const unit = unitRows(Float32Array.of(1, 0, 10, 0, 1, 1, 0, 1), 2);
    const nearest = cosineNeighbours(unit, 2, 0, [0, 1, 2, 3], 3);
    assert.deepEqual(
      nearest.map((nb) => nb.word),
      [1, 2, 3],
    );
    close(
      nearest.map((nb) => nb.similarity),
      [1, Math.SQRT1_2, 0],
    );
  });

  it('hashes vectors to codes of k active bits, the same for parallel vectors', () => {
    const rng = new Rng(3);
    const d = 8;
    const words = 5;
    const vectors = Float32Array.from({ length: words * d }, () => rng.normal());
    // Word 4 is word 0 scaled by 3: x R scales by 3, so its top k are the same.
    for (let j = 0; j < d; j++) vectors[4 * d + j] = 3 * (vectors[j] as number);
    const codes = projectionCodes(vectors, d, 64, 6, new Rng(9));
    for (const code of codes) assert.equal(activeCells(code).length, 6);
    assert.equal(hammingDistance(codes[0] as Uint32Array, codes[4] as Uint32Array), 0);
    assert.ok(hammingDistance(codes[0] as Uint32Array, codes[1] as Uint32Array) > 0);
  });
});
