/**
 * The corpus for the FlyVec demo and the sparse inputs built from it.
 *
 * The text is the US State of the Union addresses (public domain), tokenised at build time by
 * `scripts/data/flyvec.mjs` into word ids over the V most frequent words (id 0 is the most
 * frequent); words outside the vocabulary keep their place as `OUT_OF_VOCABULARY`.
 *
 * A training window A is W consecutive tokens inside one address, centred on an in-vocabulary
 * target word. Its projection-neuron input is the binary vector v^A = [c^A ; e_{w^A}] of length
 * 2V (context bag, then one-hot target), but it is never built densely: a window is the short
 * list of its non-zero indices (at most W, after duplicates in the bag are merged), stored for a
 * minibatch in compressed-row form.
 *
 * No TensorFlow.js here: plain typed arrays.
 */
import { readDataFile } from '../engine/dataFiles';

export const TOKENS_FILE = 'media/data/flyvec-sotu-tokens.bin';
export const VOCABULARY_FILE = 'media/data/flyvec-sotu-vocab.json';
const MAGIC = 'PLFV';
export const OUT_OF_VOCABULARY = 0xffff;

export interface Corpus {
  /** Vocabulary in order of decreasing count. */
  readonly words: readonly string[];
  /** Corpus count of every vocabulary word. */
  readonly counts: Float64Array;
  /** Word id of every token (`OUT_OF_VOCABULARY` for words outside the vocabulary). */
  readonly tokens: Uint16Array;
  /** Token offset where each address starts. */
  readonly documents: readonly number[];
  readonly ids: ReadonlyMap<string, number>;
}

interface VocabularyJson {
  readonly words: string[];
  readonly counts: number[];
  readonly documents: number[];
}

/** Decodes the prepared token and vocabulary files. */
export function decodeCorpus(tokenBytes: Uint8Array, vocabularyBytes: Uint8Array): Corpus {
  const magic = String.fromCharCode(...tokenBytes.subarray(0, 4));
  if (magic !== MAGIC) throw new Error(`not a Paper Lab FlyVec token file (magic "${magic}")`);
  const view = new DataView(tokenBytes.buffer, tokenBytes.byteOffset, tokenBytes.byteLength);
  const size = view.getUint32(4, true);
  const count = view.getUint32(8, true);
  if (tokenBytes.byteLength !== 12 + 2 * count) throw new Error('FlyVec token file is truncated');
  const tokens = new Uint16Array(count);
  for (let t = 0; t < count; t++) tokens[t] = view.getUint16(12 + 2 * t, true);
  const vocabulary = JSON.parse(new TextDecoder().decode(vocabularyBytes)) as VocabularyJson;
  if (vocabulary.words.length !== size) throw new Error('FlyVec vocabulary and token file disagree');
  return {
    words: vocabulary.words,
    counts: Float64Array.from(vocabulary.counts),
    tokens,
    documents: vocabulary.documents,
    ids: new Map(vocabulary.words.map((w, i) => [w, i])),
  };
}

export async function loadCorpus(): Promise<Corpus> {
  const [tokens, vocabulary] = await Promise.all([readDataFile(TOKENS_FILE), readDataFile(VOCABULARY_FILE)]);
  return decodeCorpus(tokens, vocabulary);
}

/**
 * The corpus with `words` masked: their tokens become `OUT_OF_VOCABULARY`, so they keep their place
 * in the text (a window still spans W tokens) but are never a target or a context word. The
 * official preprocessing masks its stop-word list the same way before training.
 */
export function maskWords(corpus: Corpus, words: ReadonlySet<string>): Corpus {
  const masked = new Uint8Array(corpus.words.length);
  corpus.words.forEach((w, id) => (masked[id] = words.has(w) ? 1 : 0));
  const tokens = corpus.tokens.map((t) => (t !== OUT_OF_VOCABULARY && masked[t] === 1 ? OUT_OF_VOCABULARY : t));
  return { ...corpus, tokens };
}

/**
 * The inverse-frequency weights 1/p_i of the 2V inputs: p_w = count_w / Σ counts, the same for a
 * word's context input i = w and its target input i = V + w.
 */
export function inverseFrequencies(counts: Float64Array): Float32Array {
  const vocabulary = counts.length;
  const total = counts.reduce((a, b) => a + b, 0);
  const weights = new Float32Array(2 * vocabulary);
  for (let w = 0; w < vocabulary; w++) {
    // a_μ = ⟨W_μ, v ⊘ p⟩ = Σ_{i=1}^{2V} W_{μi} v_i / p_i,   μ = 1, …, K   (Kenyon cell activations)
    // @paper flyvec kc-activation
    const inverse = total / (counts[w] as number);
    weights[w] = inverse;
    weights[vocabulary + w] = inverse;
  }
  return weights;
}

/** Token positions that centre a full window of `width` tokens inside one address on an in-vocabulary word. */
export function windowCentres(corpus: Corpus, width: number): Int32Array {
  const half = Math.floor(width / 2);
  const ends = [...corpus.documents.slice(1), corpus.tokens.length];
  const centres: number[] = [];
  corpus.documents.forEach((start, d) => {
    const end = ends[d] as number;
    for (let t = start + half; t + half < end; t++) if (corpus.tokens[t] !== OUT_OF_VOCABULARY) centres.push(t);
  });
  return Int32Array.from(centres);
}

/** A minibatch of sparse inputs: window b has the non-zero indices `indices[offsets[b] … offsets[b+1])`. */
export interface SparseBatch {
  readonly size: number;
  readonly offsets: Int32Array;
  readonly indices: Int32Array;
}

/**
 * The non-zero indices of v = [c ; e_w] for a context (word ids, duplicates and out-of-vocabulary
 * words allowed) and a target word: each distinct context word w' at index w', the target at V + w.
 */
export function inputIndices(context: Iterable<number>, target: number, vocabulary: number): number[] {
  const bag = new Set<number>();
  // v^A = [c^A ; e_{w^A}] ∈ {0, 1}^{2V}   (input: context bag and target word)
  // @paper flyvec input-vector
  for (const w of context) if (w !== OUT_OF_VOCABULARY && w >= 0 && w < vocabulary) bag.add(w);
  return [...bag, vocabulary + target];
}

/** The sparse inputs of the windows centred at `centres[from … to)` (positions in the token stream). */
export function windowBatch(corpus: Corpus, centres: Int32Array, from: number, to: number, width: number): SparseBatch {
  const vocabulary = corpus.words.length;
  const half = Math.floor(width / 2);
  const size = to - from;
  const offsets = new Int32Array(size + 1);
  const indices = new Int32Array(size * width);
  let n = 0;
  const context: number[] = [];
  for (let b = 0; b < size; b++) {
    const centre = centres[from + b] as number;
    context.length = 0;
    for (let t = centre - half; t <= centre + half; t++) if (t !== centre) context.push(corpus.tokens[t] as number);
    for (const i of inputIndices(context, corpus.tokens[centre] as number, vocabulary)) indices[n++] = i;
    offsets[b + 1] = n;
  }
  return { size, offsets, indices: indices.subarray(0, n) };
}
