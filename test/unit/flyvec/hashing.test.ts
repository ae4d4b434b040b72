/** Top-k hashing, Hamming distance, neighbours and the category share, on small hand-made codes. */
import { strict as assert } from 'node:assert';
import { Rng } from '../../../src/models/engine/rng';
import {
  activeCells,
  categoryShare,
  contextCode,
  hammingDistance,
  hashCode,
  nearestNeighbours,
  normalizedCells,
  randomCodes,
  staticCode,
  toCode,
  topK,
} from '../../../src/models/flyvec/hashing';
import type { KenyonCells } from '../../../src/models/flyvec/kenyonCells';

describe('flyvec: hashing', () => {
  it('keeps the top k activations (ties to the lower index)', () => {
    const a = Float32Array.of(0.3, -1, 0.9, 0.3, 0.5, 0.1);
    assert.deepEqual(topK(a, 3), [2, 4, 0]);
    assert.deepEqual(activeCells(hashCode(a, 3)), [0, 2, 4]);
    assert.deepEqual(activeCells(hashCode(a, 1)), [2]);
  });

  it('stores codes as bit sets across 32-bit words', () => {
    const code = toCode([0, 31, 32, 69], 70);
    assert.equal(code.length, 3);
    assert.deepEqual(activeCells(code), [0, 31, 32, 69]);
  });

  it('counts the cells active in exactly one code (Hamming distance)', () => {
    const cells = 70;
    const a = toCode([0, 5, 31, 40, 69], cells);
    const b = toCode([0, 6, 31, 41, 68], cells);
    // differ in 5, 6, 40, 41, 68, 69
    assert.equal(hammingDistance(a, b), 6);
    assert.equal(hammingDistance(a, a), 0);
    const rng = new Rng(2);
    const [x, y] = randomCodes(2, cells, 10, rng) as [Uint32Array, Uint32Array];
    const shared = activeCells(x).filter((mu) => activeCells(y).includes(mu)).length;
    assert.equal(hammingDistance(x, y), 2 * (10 - shared));
  });

  it('draws random codes of exactly k active cells', () => {
    for (const code of randomCodes(20, 100, 7, new Rng(0))) assert.equal(activeCells(code).length, 7);
  });

  it('hashes static and context inputs from the row-normalised synapses', () => {
    // K = 3 cells, V = 2 words; rows W_μ over [c_0, c_1, t_0, t_1].
    const rows = [
      [3, 0, 4, 0], // ‖·‖ = 5 → [0.6, 0, 0.8, 0]
      [0, 1, 0, 0], //        → [0, 1, 0, 0]
      [0, 0, 1, 1], // √2     → [0, 0, 0.7071, 0.7071]
    ];
    const net: KenyonCells = { cells: 3, inputs: 4, synapses: new Float32Array(12) };
    rows.forEach((r, mu) => r.forEach((w, i) => (net.synapses[i * 3 + mu] = w)));
    const normalized = normalizedCells(net);
    // static code of word 0: column t_0 = (0.8, 0, 0.7071) → top 1 = cell 0
    assert.deepEqual(activeCells(staticCode(normalized, 2, 0, 1)), [0]);
    // static code of word 1: column t_1 = (0, 0, 0.7071) → cell 2
    assert.deepEqual(activeCells(staticCode(normalized, 2, 1, 1)), [2]);
    // word 1 in the context of word 1: v = [0, 1, 0, 1] → (0, 1, 0.7071) → cell 1
    assert.deepEqual(activeCells(contextCode(normalized, [1, 3], 1)), [1]);
  });

  it('finds nearest neighbours and the same-category share', () => {
    const cells = 8;
    const codes = [
      toCode([0, 1], cells), // 0: cat A
      toCode([0, 2], cells), // 1: cat A, distance 2 from 0
      toCode([4, 5], cells), // 2: cat B
      toCode([4, 6], cells), // 3: cat B
      toCode([0, 4], cells), // 4: no category, distance 2 from 0, 1, 2, 3
    ];
    const all = [0, 1, 2, 3, 4];
    assert.deepEqual(
      nearestNeighbours(codes[0] as Uint32Array, codes, all, 2, 0).map((n) => [n.word, n.distance]),
      [
        [1, 2],
        [4, 2],
      ],
    );
    const probes = [
      { word: 0, category: 'A' },
      { word: 1, category: 'A' },
      { word: 2, category: 'B' },
      { word: 3, category: 'B' },
    ];
    // top 1 of each probe is its partner (ties broken toward the lower id): share 1
    assert.equal(categoryShare(probes, codes, all, 1), 1);
    // top 2 adds word 4 for each probe: 4 hits of 8
    assert.equal(categoryShare(probes, codes, all, 2), 0.5);
  });
});
