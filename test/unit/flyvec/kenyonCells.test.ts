/**
 * The learning rule against a step computed by hand, winner selection, the energy computed two
 * ways, and the inverse-frequency weighting. The training code is plain JavaScript over typed
 * arrays (no TensorFlow.js), so there are no tensors to leak.
 */
import { strict as assert } from 'node:assert';
import { Rng } from '../../../src/models/engine/rng';
import {
  type Corpus,
  inputIndices,
  inverseFrequencies,
  maskWords,
  OUT_OF_VOCABULARY,
  windowBatch,
  windowCentres,
} from '../../../src/models/flyvec/data';
import {
  activations,
  compete,
  energy,
  type KenyonCells,
  kenyonCells,
  learningRate,
  learningStep,
  applyScaledStep,
  stepScratch,
  synapseNorms,
  synapseUpdate,
  winnerTakeAll,
} from '../../../src/models/flyvec/kenyonCells';

function close(actual: ArrayLike<number>, expected: readonly number[], tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  for (let j = 0; j < expected.length; j++) {
    assert.ok(Math.abs((actual[j] as number) - (expected[j] as number)) < tol, `[${j}] ${actual[j]} vs ${expected[j]}`);
  }
}

/** Builds the input-major storage from the rows W_μ of the K × 2V matrix. */
function fromRows(rows: readonly (readonly number[])[]): KenyonCells {
  const cells = rows.length;
  const inputs = (rows[0] as readonly number[]).length;
  const synapses = new Float32Array(cells * inputs);
  rows.forEach((row, mu) => row.forEach((w, i) => (synapses[i * cells + mu] = w)));
  return { cells, inputs, synapses };
}

function row(net: KenyonCells, mu: number): number[] {
  return Array.from({ length: net.inputs }, (_, i) => net.synapses[i * net.cells + mu] as number);
}

/** A two-word corpus: word 0 seen once, word 1 three times. */
const counts = Float64Array.of(1, 3);

describe('flyvec: Kenyon cells', () => {
  it('weights inputs by inverse word frequency, the same for context and target halves', () => {
    // p = counts / Σ counts = [1/4, 3/4] → 1/p = [4, 4/3], repeated for both halves.
    close(inverseFrequencies(counts), [4, 4 / 3, 4, 4 / 3]);
  });

  it('builds sparse inputs [c ; e_w]: distinct in-vocabulary context words, target at V + w', () => {
    assert.deepEqual(inputIndices([1, 1, OUT_OF_VOCABULARY, 0], 1, 2), [1, 0, 3]);
    assert.deepEqual(inputIndices([], 0, 2), [2]);
  });

  it('cuts windows inside each address, centred on in-vocabulary words', () => {
    const O = OUT_OF_VOCABULARY;
    const corpus: Corpus = {
      words: ['a', 'b', 'c'],
      counts: Float64Array.of(1, 1, 1),
      tokens: Uint16Array.of(0, 1, 2, O, 1, /* second address */ 2, 0, 1),
      documents: [0, 5],
      ids: new Map([
        ['a', 0],
        ['b', 1],
        ['c', 2],
      ]),
    };
    // Width 3: centres need a neighbour on both sides in the same address and a known word.
    const centres = windowCentres(corpus, 3);
    assert.deepEqual(Array.from(centres), [1, 2, 6]);
    const batch = windowBatch(corpus, centres, 0, 3, 3);
    assert.deepEqual(Array.from(batch.offsets), [0, 3, 3 + 2, 5 + 3]);
    // centre 1 (b): context a, c → [0, 2, 3+1]; centre 2 (c): context b, OOV → [1, 3+2]; centre 6 (a): c, b → [2, 1, 3]
    assert.deepEqual(Array.from(batch.indices), [0, 2, 4, 1, 5, 2, 1, 3]);
  });

  it('masks words in place: they keep their position but never centre or join a window', () => {
    const O = OUT_OF_VOCABULARY;
    const corpus: Corpus = {
      words: ['the', 'war', 'navy'],
      counts: Float64Array.of(5, 2, 1),
      tokens: Uint16Array.of(1, 0, 2, 0, 1, O, 2),
      documents: [0],
      ids: new Map([
        ['the', 0],
        ['war', 1],
        ['navy', 2],
      ]),
    };
    const masked = maskWords(corpus, new Set(['the']));
    assert.deepEqual(Array.from(masked.tokens), [1, O, 2, O, 1, O, 2]);
    assert.deepEqual(Array.from(corpus.tokens), [1, 0, 2, 0, 1, O, 2], 'the original is untouched');
    // Width 3: centres 2 (navy) and 4 (war) remain; their contexts hold no "the".
    const centres = windowCentres(masked, 3);
    assert.deepEqual(Array.from(centres), [2, 4]);
    assert.deepEqual(Array.from(windowBatch(masked, centres, 0, 2, 3).indices), [3 + 2, 3 + 1]);
  });

  it('computes activations a_μ = ⟨W_μ, v ⊘ p⟩ from the non-zero inputs only, and picks the winner', () => {
    const net = fromRows([
      [0.1, 0.2, 0.3, 0.4],
      [0.4, 0.1, 0.2, 0.1],
    ]);
    const inv = inverseFrequencies(counts);
    // v ⊘ p = [0, 4/3, 4, 0]: a_0 = 0.2·4/3 + 0.3·4 = 1.46667, a_1 = 0.1·4/3 + 0.2·4 = 0.93333
    const a = activations(net, Int32Array.of(1, 2), 0, 2, inv, new Float32Array(2));
    close(a, [1.4666667, 0.9333333]);
    assert.equal(winnerTakeAll(a), 0);
    assert.equal(winnerTakeAll(Float32Array.of(0.1, 0.7, -1, 0.7)), 1, 'first of tied maxima');
  });

  it('picks the winner by the unweighted activation ⟨W_μ, v⟩ and reports its weighted one', () => {
    // Inputs 1 (word 1, p = 3/4, weight 4/3) and 2 (target word 0, p = 1/4, weight 4).
    // Cell 0: ⟨W_0, v⟩ = 0.9 + 0.1 = 1.0, ⟨W_0, v ⊘ p⟩ = 0.9·4/3 + 0.1·4 = 1.6.
    // Cell 1: ⟨W_1, v⟩ = 0.1 + 0.5 = 0.6, ⟨W_1, v ⊘ p⟩ = 0.1·4/3 + 0.5·4 = 2.13333.
    // The official rule picks cell 0; picking by the weighted activation would pick cell 1.
    const net = fromRows([
      [0, 0.9, 0.1, 0],
      [0, 0.1, 0.5, 0],
    ]);
    const batch = { size: 1, offsets: Int32Array.of(0, 2), indices: Int32Array.of(1, 2) };
    const { winners, winningActivations } = compete(net, batch, inverseFrequencies(counts));
    assert.deepEqual(Array.from(winners), [0]);
    close(winningActivations, [1.6]);
  });

  it('takes one scaled learning step as computed by hand', () => {
    const net = fromRows([
      [0.1, 0.2, 0.3, 0.4],
      [0.5, 0.1, 0.2, 0.1],
    ]);
    const inv = inverseFrequencies(counts);
    // Window A: context {1}, target 0 → v = [0, 1, 1, 0], v ⊘ p = [0, 4/3, 4, 0];
    //   ⟨W, v⟩ = (0.5, 0.3): cell 0 wins, a = 0.2·4/3 + 0.3·4 = 1.46667.
    // Window B: context {0}, target 1 → v = [1, 0, 0, 1], v ⊘ p = [4, 0, 0, 4/3];
    //   ⟨W, v⟩ = (0.5, 0.6): cell 1 wins, a = 0.5·4 + 0.1·4/3 = 2.13333.
    const batch = { size: 2, offsets: Int32Array.of(0, 2, 4), indices: Int32Array.of(1, 2, 0, 3) };
    // ΔW_0 = [0, 4/3, 4, 0] − 1.46667·W_0 = [−0.146667, 1.04, 3.56, −0.586667]
    // ΔW_1 = [4, 0, 0, 4/3] − 2.13333·W_1 = [2.933333, −0.213333, −0.426667, 1.12]
    // max |ΔW| = 3.56; with ε = 0.1: W ← W + 0.1 ΔW / 3.56.
    // E = −(1.46667 / ‖W_0‖ + 2.13333 / ‖W_1‖) = −(1.46667/√0.3 + 2.13333/√0.31) = −6.509335
    const { energy: e, winners } = learningStep(net, batch, inv, 0.1, stepScratch(net));
    assert.deepEqual(Array.from(winners), [0, 1]);
    assert.ok(Math.abs(e - -6.509335) < 1e-5, String(e));
    close(row(net, 0), [0.0958801, 0.2292135, 0.4, 0.3835206]);
    close(row(net, 1), [0.582397, 0.0940075, 0.188015, 0.1314607]);
  });

  it('initialises the synapses from N(0, 0.02²), as the official training script does', () => {
    const net = kenyonCells(50, 400, new Rng(2));
    const values = Array.from(net.synapses);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    assert.ok(Math.abs(mean) < 0.001, String(mean));
    assert.ok(Math.abs(sd - 0.02) < 0.001, String(sd));
  });

  it('computes the energy from the competition as from its definition with dense inputs', () => {
    const rng = new Rng(3);
    const vocabulary = 6;
    const net = kenyonCells(5, 2 * vocabulary, rng, 1);
    const inv = inverseFrequencies(Float64Array.of(9, 5, 4, 3, 2, 1));
    const windows = [
      inputIndices([1, 2], 0, vocabulary),
      inputIndices([0, 5, 4], 3, vocabulary),
      inputIndices([], 5, vocabulary),
    ];
    const offsets = Int32Array.from([0, ...windows.map((_, b) => windows.slice(0, b + 1).flat().length)]);
    const batch = { size: windows.length, offsets, indices: Int32Array.from(windows.flat()) };
    const fromCompetition = energy(compete(net, batch, inv), synapseNorms(net));
    // E = −Σ_A ⟨W_μ̂, v^A ⊘ p⟩ / ‖W_μ̂‖, μ̂ = argmax_μ ⟨W_μ, v^A⟩, with dense vectors v^A of length 2V.
    let dense = 0;
    for (const window of windows) {
      const v = new Array<number>(2 * vocabulary).fill(0);
      for (const i of window) v[i] = 1;
      const rows = Array.from({ length: net.cells }, (_, mu) => row(net, mu));
      const raw = rows.map((w) => w.reduce((s, wi, i) => s + wi * (v[i] as number), 0));
      const winner = raw.indexOf(Math.max(...raw));
      const weighted = (rows[winner] as number[]).reduce(
        (s, wi, i) => s + wi * (v[i] as number) * (inv[i] as number),
        0,
      );
      const norm = Math.sqrt((rows[winner] as number[]).reduce((s, wi) => s + wi * wi, 0));
      dense -= weighted / norm;
    }
    assert.ok(Math.abs(fromCompetition - dense) < 1e-4 * Math.abs(dense), `${fromCompetition} vs ${dense}`);
  });

  it('finds the same winners and weighted activations with the fast competition as with one activation vector per window', () => {
    // Window lengths 1 … 13 exercise both the four-row blocks and the remainder of the fast sum.
    const rng = new Rng(7);
    const vocabulary = 40;
    const net = kenyonCells(23, 2 * vocabulary, rng, 1);
    const inv = inverseFrequencies(Float64Array.from({ length: vocabulary }, () => 1 + rng.int(50)));
    const windows = Array.from({ length: 13 }, (_, b) => Array.from({ length: b + 1 }, () => rng.int(2 * vocabulary)));
    const offsets = Int32Array.from([0, ...windows.map((_, b) => windows.slice(0, b + 1).flat().length)]);
    const batch = { size: windows.length, offsets, indices: Int32Array.from(windows.flat()) };
    const fast = compete(net, batch, inv);
    const ones = new Float32Array(2 * vocabulary).fill(1);
    const raw = new Float32Array(net.cells);
    const weighted = new Float32Array(net.cells);
    windows.forEach((_, b) => {
      activations(net, batch.indices, offsets[b] as number, offsets[b + 1] as number, ones, raw);
      activations(net, batch.indices, offsets[b] as number, offsets[b + 1] as number, inv, weighted);
      const winner = winnerTakeAll(raw);
      assert.equal(fast.winners[b], winner, `window ${b}`);
      const a = weighted[winner] as number;
      assert.ok(Math.abs((fast.winningActivations[b] as number) - a) < 1e-5 * Math.abs(a), `window ${b}`);
    });
  });

  it('takes the same steps without storing ΔW as with the dense ΔW of the definition', () => {
    const rng = new Rng(5);
    const vocabulary = 30;
    const fast = kenyonCells(9, 2 * vocabulary, rng, 1);
    // Some negative synapses, so that |·| in max|ΔW| matters.
    fast.synapses.forEach((w, j) => (fast.synapses[j] = j % 7 === 0 ? -w : w));
    const reference: KenyonCells = { ...fast, synapses: fast.synapses.slice() };
    const inv = inverseFrequencies(Float64Array.from({ length: vocabulary }, () => 1 + rng.int(20)));
    const scratch = stepScratch(fast);
    const delta = new Float32Array(fast.synapses.length);
    for (let step = 0; step < 5; step++) {
      // Repeated words inside a window and windows sharing a winner both add up in S.
      const windows = Array.from({ length: 12 }, () =>
        Array.from({ length: 1 + rng.int(8) }, () => rng.int(2 * vocabulary)),
      );
      const offsets = Int32Array.from([0, ...windows.map((_, b) => windows.slice(0, b + 1).flat().length)]);
      const batch = { size: windows.length, offsets, indices: Int32Array.from(windows.flat()) };
      const competition = compete(reference, batch, inv);
      const expectedEnergy = energy(competition, synapseNorms(reference));
      synapseUpdate(reference, batch, inv, competition, delta);
      applyScaledStep(reference, delta, 0.05);
      const got = learningStep(fast, batch, inv, 0.05, scratch);
      assert.deepEqual(Array.from(got.winners), Array.from(competition.winners));
      assert.ok(Math.abs(got.energy - expectedEnergy) < 1e-5 * Math.abs(expectedEnergy));
      close(fast.synapses, Array.from(reference.synapses), 1e-6);
    }
    assert.ok(scratch.hebbian.every((x) => x === 0) && scratch.touched.every((x) => x === 0), 'scratch left zero');
  });

  it('decays the learning rate linearly over the epochs', () => {
    close(
      [0, 1, 2, 3].map((e) => learningRate(0.05, e, 4)),
      [0.05, 0.0375, 0.025, 0.0125],
      1e-12,
    );
  });

  it('lowers the energy of a fixed batch when trained on it', () => {
    const vocabulary = 20;
    const rng = new Rng(1);
    const net = kenyonCells(8, 2 * vocabulary, rng);
    const inv = inverseFrequencies(Float64Array.from({ length: vocabulary }, (_, w) => 20 - w));
    const windows = Array.from({ length: 40 }, () =>
      inputIndices(
        Array.from({ length: 4 }, () => rng.int(vocabulary)),
        rng.int(vocabulary),
        vocabulary,
      ),
    );
    const offsets = Int32Array.from([0, ...windows.map((_, b) => windows.slice(0, b + 1).flat().length)]);
    const batch = { size: windows.length, offsets, indices: Int32Array.from(windows.flat()) };
    const scratch = stepScratch(net);
    const first = learningStep(net, batch, inv, 0.05, scratch).energy;
    let last = first;
    for (let s = 0; s < 50; s++) last = learningStep(net, batch, inv, 0.05, scratch).energy;
    assert.ok(last < first, `${last} < ${first}`);
  });
});
