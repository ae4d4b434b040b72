/**
 * Hash codes: the sparse binary word embeddings read out of the trained Kenyon cells.
 *
 * After learning, the APL neuron keeps the k most active of the K cells: H_μ = 1 for the top k of
 * ⟨Ŵ_μ, v⟩ and 0 otherwise, with Ŵ the synapses with every cell's row normalised to unit length.
 * A static word embedding presents only the target half, v = [0 ; e_w], so the activations are
 * the target column Ŵ_{·,V+w}; a context-dependent one also sets the words of its sentence,
 * v = [c ; e_w]. Codes are compared by Hamming distance, stored as bit sets of ⌈K/32⌉ words.
 */
import type { Rng } from '../engine/rng';
import { activations, type KenyonCells, synapseNorms } from './kenyonCells';

/** A copy of the network with every cell's synapses scaled to unit norm, Ŵ_μ = W_μ / ‖W_μ‖. */
export function normalizedCells(net: KenyonCells): KenyonCells {
  const norms = synapseNorms(net);
  const synapses = new Float32Array(net.synapses.length);
  for (let j = 0; j < synapses.length; j++) {
    synapses[j] = (net.synapses[j] as number) / Math.max(norms[j % net.cells] as number, 1e-30);
  }
  return { ...net, synapses };
}

/** Indices of the k largest activations (ties: the lower index first). */
export function topK(activation: Float32Array, k: number): number[] {
  const order = Array.from(activation, (_, mu) => mu);
  order.sort((a, b) => (activation[b] as number) - (activation[a] as number) || a - b);
  return order.slice(0, k);
}

/** Words of 32 bits per code of K cells. */
export function codeWords(cells: number): number {
  return Math.ceil(cells / 32);
}

/** The binary code with the given cells active, as a bit set. */
export function toCode(active: readonly number[], cells: number): Uint32Array {
  const code = new Uint32Array(codeWords(cells));
  for (const mu of active) code[mu >>> 5] = (code[mu >>> 5] as number) | (1 << (mu & 31));
  return code;
}

/** H = top-k of the activations, as a bit set. */
export function hashCode(activation: Float32Array, k: number): Uint32Array {
  // H_μ = 1 if ⟨W_μ, v⟩ is among the top k of ⟨W_1, v⟩, …, ⟨W_K, v⟩, else 0   (sparse binary hash code)
  // @paper flyvec hash-code
  return toCode(topK(activation, k), activation.length);
}

/** Active cells of a code, in increasing order. */
export function activeCells(code: Uint32Array): number[] {
  const cells: number[] = [];
  code.forEach((word, j) => {
    for (let bit = 0; bit < 32; bit++) if ((word >>> bit) & 1) cells.push(32 * j + bit);
  });
  return cells;
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** d_H(a, b) = Σ_μ |a_μ − b_μ|: the number of cells active in exactly one of the codes. */
export function hammingDistance(a: Uint32Array, b: Uint32Array): number {
  let distance = 0;
  // d_H(H^(a), H^(b)) = Σ_{μ=1}^{K} |H^(a)_μ − H^(b)_μ|   (Hamming distance between codes)
  // @paper flyvec hamming-distance
  for (let j = 0; j < a.length; j++) distance += popcount(((a[j] as number) ^ (b[j] as number)) >>> 0);
  return distance;
}

/** The static code of word w: top-k of the target column Ŵ_{·,V+w}, i.e. of ⟨Ŵ_μ, [0 ; e_w]⟩. */
export function staticCode(normalized: KenyonCells, vocabulary: number, word: number, k: number): Uint32Array {
  const activation = new Float32Array(normalized.cells);
  // v_static(w) = [0 ; e_w],   v_context(w, c) = [c ; e_w]   (static and context-dependent inputs)
  // @paper flyvec static-embedding
  activations(normalized, Int32Array.of(vocabulary + word), 0, 1, unitWeights(normalized.inputs), activation);
  return hashCode(activation, k);
}

/** Static codes of every vocabulary word. */
export function staticCodes(normalized: KenyonCells, vocabulary: number, k: number): Uint32Array[] {
  return Array.from({ length: vocabulary }, (_, w) => staticCode(normalized, vocabulary, w, k));
}

/**
 * The context-dependent code of a word in a sentence: top-k of ⟨Ŵ_μ, [c ; e_w]⟩, with `input`
 * the non-zero indices of [c ; e_w] (see `inputIndices`).
 */
export function contextCode(normalized: KenyonCells, input: readonly number[], k: number): Uint32Array {
  const activation = new Float32Array(normalized.cells);
  // v_static(w) = [0 ; e_w],   v_context(w, c) = [c ; e_w]   (static and context-dependent inputs)
  // @paper flyvec static-embedding
  activations(normalized, Int32Array.from(input), 0, input.length, unitWeights(normalized.inputs), activation);
  return hashCode(activation, k);
}

let ones: Float32Array | undefined;
/** Weights of 1 for every input: hashing reads ⟨Ŵ_μ, v⟩ without the frequency weighting. */
function unitWeights(inputs: number): Float32Array {
  if (ones?.length !== inputs) ones = new Float32Array(inputs).fill(1);
  return ones;
}

/** Random codes of the same sparsity: k of the K cells drawn uniformly for every word. */
export function randomCodes(words: number, cells: number, k: number, rng: Rng): Uint32Array[] {
  return Array.from({ length: words }, () => toCode(rng.sample(cells, k), cells));
}

/**
 * The n nearest words to a code by Hamming distance among `candidates` (word ids), excluding
 * `exclude`; ties go to the more frequent word (the lower id).
 */
export function nearestNeighbours(
  query: Uint32Array,
  codes: readonly Uint32Array[],
  candidates: readonly number[],
  n: number,
  exclude = -1,
): { readonly word: number; readonly distance: number }[] {
  return candidates
    .filter((w) => w !== exclude)
    .map((word) => ({ word, distance: hammingDistance(query, codes[word] as Uint32Array) }))
    .sort((a, b) => a.distance - b.distance || a.word - b.word)
    .slice(0, n);
}

/** A probe word and its category. */
export interface Probe {
  readonly word: number;
  readonly category: string;
}

/**
 * The share of the probes' top-n neighbours that are probes of the same category,
 * Σ_probes |{neighbours in its category}| / (n · #probes), with `neighbours(word)` the ids of a
 * word's n nearest words under any similarity (Hamming distance, cosine, …).
 */
export function shareInCategory(
  probes: readonly Probe[],
  n: number,
  neighbours: (word: number) => readonly number[],
): number {
  const category = new Map(probes.map((p) => [p.word, p.category]));
  let hits = 0;
  for (const probe of probes) {
    hits += neighbours(probe.word)
      .slice(0, n)
      .filter((w) => category.get(w) === probe.category).length;
  }
  return probes.length === 0 ? 0 : hits / (n * probes.length);
}

/** `shareInCategory` for hash codes: neighbours by Hamming distance among `candidates`. */
export function categoryShare(
  probes: readonly Probe[],
  codes: readonly Uint32Array[],
  candidates: readonly number[],
  n: number,
): number {
  return shareInCategory(probes, n, (word) =>
    nearestNeighbours(codes[word] as Uint32Array, codes, candidates, n, word).map((nb) => nb.word),
  );
}
