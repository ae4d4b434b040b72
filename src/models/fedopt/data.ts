/**
 * Non-IID federated data for the FedOpt demo.
 *
 * Every client holds examples from two classes: a share `majorFraction` from its main class and
 * the rest from a second one (80/20 in the synthetic task, 50/50 for MNIST, as in the
 * "two labels per client" split of McMahan et al.). All clients hold the same number of
 * examples, so the pseudo-gradient is the plain mean over the sampled clients.
 *
 * Every client also holds out a few examples of its own two classes (same main-class share),
 * never trained on: pooled over all clients they form the validation set that the learning rates
 * are tuned on. The test set is separate (synthetic: balanced over the classes; MNIST: the
 * digits' own test split) and is what the claims read. Held-out examples are drawn after the
 * training and test examples, so they leave those unchanged for a given seed.
 *
 * Two tasks:
 * - `synthetic`: bag-of-words documents for softmax regression. A Zipf vocabulary of V words;
 *   class c draws words from p_c(w) ∝ zipf(w) · exp(σ·g_{c,w}) with g ~ N(0, 1). A document is
 *   stored as its L word ids; the model input is the vector of word counts divided by L.
 * - `mnist`: 14×14 digits (downsampled from the `mnist` package at build time into a small
 *   binary file). The bytes come through the engine's data reader (`readDataFile`), so this code
 *   never touches the file system.
 *
 * No TensorFlow.js here: plain typed arrays, generated from the seed.
 */
import { readDataFile } from '../engine/dataFiles';
import { Rng } from '../engine/rng';

/** Examples stored row-major: `features` has `featureSize` entries per example. */
export interface Examples {
  /** Word ids (synthetic) or pixel intensities in [0, 1] (MNIST). */
  readonly features: Int32Array | Float32Array;
  readonly featureSize: number;
  readonly labels: Int32Array;
}

export interface FederatedData {
  readonly dataset: 'synthetic' | 'mnist';
  readonly numClasses: number;
  /** Vocabulary size (synthetic) or pixels per image (MNIST): the model's input dimension. */
  readonly inputSize: number;
  readonly clients: readonly Examples[];
  /** Writes the model input of example `row` (length `inputSize`) at `into[offset…]`. */
  readonly input: (examples: Examples, row: number, into: Float32Array, offset: number) => void;
  /** Each client's [main class, second class]. */
  readonly clientClasses: readonly (readonly [number, number])[];
  /** Every client's held-out examples, pooled (client by client): the validation set. */
  readonly validation: Examples;
  readonly test: Examples;
}

export interface SplitOptions {
  readonly clients: number;
  readonly examplesPerClient: number;
  /** Share of each client's examples drawn from its main class, e.g. 0.8. */
  readonly majorFraction: number;
  /** Examples each client holds out for validation, beside its `examplesPerClient` (default 0). */
  readonly validationPerClient?: number;
}

/** The two classes of every client: main classes spread evenly, the second class chosen at random. */
export function assignClasses(numClients: number, numClasses: number, rng: Rng): [number, number][] {
  const order = rng.shuffle(Array.from({ length: numClients }, (_, i) => i));
  const pairs: [number, number][] = new Array<[number, number]>(numClients);
  order.forEach((client, i) => {
    const major = i % numClasses;
    const minor = (major + 1 + rng.int(numClasses - 1)) % numClasses;
    pairs[client] = [major, minor];
  });
  return pairs;
}

/** How many of a client's `n` examples come from its main class. */
export function majorCount(n: number, majorFraction: number): number {
  return Math.round(n * majorFraction);
}

/** Label counts per class, e.g. for the label histogram. */
export function labelCounts(labels: Int32Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const y of labels) counts[y] = (counts[y] ?? 0) + 1;
  return counts;
}

/**
 * Builds every client's examples from a per-class example source: `draw(c, into, offset)` writes
 * one example of class c at `features[offset…]`. Examples inside a client are shuffled.
 */
function splitClients(
  split: SplitOptions,
  pairs: readonly (readonly [number, number])[],
  featureSize: number,
  makeFeatures: (length: number) => Int32Array | Float32Array,
  draw: (label: number, into: Int32Array | Float32Array, offset: number) => void,
  rng: Rng,
): Examples[] {
  const n = split.examplesPerClient;
  const nMajor = majorCount(n, split.majorFraction);
  return pairs.map(([major, minor]) => {
    const order = rng.shuffle(Array.from({ length: n }, (_, i) => (i < nMajor ? major : minor)));
    const labels = Int32Array.from(order);
    const features = makeFeatures(n * featureSize);
    labels.forEach((y, i) => draw(y, features, i * featureSize));
    return { features, featureSize, labels };
  });
}

/**
 * Every client's held-out examples, pooled client by client: `validationPerClient` each, with the
 * same main-class share as its training examples (main-class examples first).
 */
function holdOut(
  split: SplitOptions,
  pairs: readonly (readonly [number, number])[],
  featureSize: number,
  makeFeatures: (length: number) => Int32Array | Float32Array,
  draw: (label: number, into: Int32Array | Float32Array, offset: number) => void,
): Examples {
  const h = split.validationPerClient ?? 0;
  const hMajor = majorCount(h, split.majorFraction);
  const labels = Int32Array.from({ length: pairs.length * h }, (_, i) => {
    const [major, minor] = pairs[Math.floor(i / h)] as readonly [number, number];
    return i % h < hMajor ? major : minor;
  });
  const features = makeFeatures(labels.length * featureSize);
  labels.forEach((y, i) => draw(y, features, i * featureSize));
  return { features, featureSize, labels };
}

// ---------------------------------------------------------------------------------------------
// Synthetic bag-of-words task

export const SYNTHETIC = {
  vocabulary: 2000,
  classes: 20,
  /** Words per document. */
  documentLength: 20,
  /** Zipf exponent of the background word frequencies. */
  zipfExponent: 1,
  /**
   * σ: how strongly each class tilts the word frequencies. With σ = 2 and 20 words a document,
   * the Bayes classifier is right on nearly every test document (≈ 1.0; 0.98 with σ = 1), so
   * accuracy differences measure optimisation, not label noise.
   */
  topicStrength: 2,
  testExamples: 1000,
} as const;

/** Cumulative word distribution of every class: p_c(w) ∝ (w+1)^(−s) · exp(σ·g_{c,w}). */
function classWordCdfs(rng: Rng): Float64Array[] {
  const { vocabulary, classes, zipfExponent, topicStrength } = SYNTHETIC;
  return Array.from({ length: classes }, () => {
    const cdf = new Float64Array(vocabulary);
    let total = 0;
    for (let w = 0; w < vocabulary; w++) {
      total += Math.pow(w + 1, -zipfExponent) * Math.exp(topicStrength * rng.normal());
      cdf[w] = total;
    }
    for (let w = 0; w < vocabulary; w++) cdf[w] = (cdf[w] as number) / total;
    return cdf;
  });
}

/** Inverse-CDF sampling by binary search. */
function sampleWord(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cdf[mid] as number) < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** x_w = (count of word w in the document) / L, written into a zeroed vector of length V. */
export function bagOfWords(examples: Examples, row: number, into: Float32Array, offset: number): void {
  const length = examples.featureSize;
  for (let l = 0; l < length; l++) {
    const w = offset + (examples.features[row * length + l] as number);
    into[w] = (into[w] as number) + 1 / length;
  }
}

/** The synthetic task: class word distributions, non-IID clients and a balanced test set, all from `seed`. */
export function syntheticData(split: SplitOptions, seed: number): FederatedData {
  const rng = new Rng(seed);
  const { classes, documentLength, testExamples, vocabulary } = SYNTHETIC;
  const cdfs = classWordCdfs(rng);
  const draw = (label: number, into: Int32Array | Float32Array, offset: number): void => {
    const cdf = cdfs[label] as Float64Array;
    for (let l = 0; l < documentLength; l++) into[offset + l] = sampleWord(cdf, rng.next());
  };
  const pairs = assignClasses(split.clients, classes, rng);
  const clients = splitClients(split, pairs, documentLength, (n) => new Int32Array(n), draw, rng);
  const testLabels = Int32Array.from({ length: testExamples }, (_, i) => i % classes);
  const testFeatures = new Int32Array(testExamples * documentLength);
  testLabels.forEach((y, i) => draw(y, testFeatures, i * documentLength));
  const validation = holdOut(split, pairs, documentLength, (n) => new Int32Array(n), draw);
  return {
    dataset: 'synthetic',
    numClasses: classes,
    inputSize: vocabulary,
    clients,
    input: bagOfWords,
    clientClasses: pairs,
    validation,
    test: { features: testFeatures, featureSize: documentLength, labels: testLabels },
  };
}

// ---------------------------------------------------------------------------------------------
// MNIST

/** Where `npm run data` writes the digits, relative to the extension root. */
export const MNIST_FILE = 'media/data/mnist-14x14.bin';

/**
 * File layout (little-endian): "PLMN", u32 side, u32 train count, u32 test count, then train
 * labels (u8), train pixels (u8, side² per digit), test labels, test pixels.
 */
export const MNIST_MAGIC = 'PLMN';

export interface MnistDigits {
  readonly side: number;
  readonly train: Examples;
  readonly test: Examples;
}

/** Decodes the prepared binary file. */
export function decodeMnist(bytes: Uint8Array): MnistDigits {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== MNIST_MAGIC) throw new Error(`not a Paper Lab MNIST file (magic "${magic}")`);
  const side = view.getUint32(4, true);
  const nTrain = view.getUint32(8, true);
  const nTest = view.getUint32(12, true);
  const pixels = side * side;
  const expected = 16 + (nTrain + nTest) * (1 + pixels);
  if (bytes.byteLength !== expected) throw new Error(`MNIST file has ${bytes.byteLength} bytes, expected ${expected}`);
  let offset = 16;
  const read = (n: number): Examples => {
    const labels = Int32Array.from(bytes.subarray(offset, offset + n));
    offset += n;
    const features = Float32Array.from(bytes.subarray(offset, offset + n * pixels), (v) => v / 255);
    offset += n * pixels;
    return { features, featureSize: pixels, labels };
  };
  const train = read(nTrain);
  const test = read(nTest);
  return { side, train, test };
}

/** Reads and decodes the prepared digits through the engine's data reader (no fs here). */
export async function loadMnist(): Promise<MnistDigits> {
  return decodeMnist(await readDataFile(MNIST_FILE));
}

/**
 * MNIST split over clients: each client's digits, training and held out, come from its two
 * classes, drawn without replacement from the training digits.
 */
export function mnistData(digits: MnistDigits, split: SplitOptions, seed: number): FederatedData {
  const rng = new Rng(seed);
  const numClasses = 10;
  const pools = Array.from({ length: numClasses }, () => [] as number[]);
  digits.train.labels.forEach((y, i) => pools[y]?.push(i));
  pools.forEach((pool) => rng.shuffle(pool));
  const next = new Array<number>(numClasses).fill(0);
  const size = digits.train.featureSize;
  const draw = (label: number, into: Int32Array | Float32Array, offset: number): void => {
    const pool = pools[label] as number[];
    // Wraps around if a class runs out (the demo's validation keeps the total within the file).
    const k = (next[label] = (next[label] ?? 0) + 1) - 1;
    const source = pool[k % pool.length] as number;
    into.set(digits.train.features.subarray(source * size, (source + 1) * size), offset);
  };
  const pairs = assignClasses(split.clients, numClasses, rng);
  const clients = splitClients(split, pairs, size, (n) => new Float32Array(n), draw, rng);
  const validation = holdOut(split, pairs, size, (n) => new Float32Array(n), draw);
  const input = (examples: Examples, row: number, into: Float32Array, offset: number): void =>
    into.set(examples.features.subarray(row * size, (row + 1) * size), offset);
  return {
    dataset: 'mnist',
    numClasses,
    inputSize: size,
    clients,
    input,
    clientClasses: pairs,
    validation,
    test: digits.test,
  };
}
