/**
 * The inferencer of ANCE (equation `async-refresh`): from a snapshot of the encoder's weights it
 * re-encodes the whole corpus, builds the exact inner-product index over it, encodes the training
 * queries with the same snapshot and looks up each query's top-k documents, from which the trainer
 * then draws negatives (as the official `generate_new_ann` does). Pure and synchronous: the refresh
 * worker runs it off the training thread; the in-place builder runs it on the training thread.
 */
import { encodeAll, type EncoderWeights } from './encoder';
import { searchAll } from './search';
import type { GramTable } from './text';

export interface NeighbourIndex {
  /** Training step of the weight snapshot the index was built from. */
  readonly snapshotStep: number;
  /** Sequence number of the refresh that built it. */
  readonly id: number;
  readonly dim: number;
  /** g(d) of every document, row-major `documents × dim`. */
  readonly docVectors: Float32Array;
  /** Top-k documents of every training query, row-major `queries × k`. */
  readonly neighbours: Int32Array;
  readonly k: number;
  /** Seconds spent encoding the corpus, and documents encoded per second. */
  readonly encodeSeconds: number;
  readonly docsPerSecond: number;
  /** Seconds from snapshot to a complete index with every query's neighbours (encoding + search). */
  readonly buildSeconds: number;
}

export interface IndexInputs {
  readonly docGrams: GramTable;
  readonly queryGrams: GramTable;
  readonly k: number;
}

export function documentCount(inputs: IndexInputs): number {
  return inputs.docGrams.offsets.length - 1;
}

export function queryCount(inputs: IndexInputs): number {
  return inputs.queryGrams.offsets.length - 1;
}

/** Builds a complete index from a snapshot; nothing is visible to anyone until it returns. */
export function buildIndex(
  snapshot: EncoderWeights,
  inputs: IndexInputs,
  snapshotStep: number,
  id: number,
  clock: () => number = () => performance.now(),
): NeighbourIndex {
  const t0 = clock();
  // @paper ance async-refresh
  const docVectors = encodeAll(snapshot, inputs.docGrams);
  const t1 = clock();
  const queryVectors = encodeAll(snapshot, inputs.queryGrams);
  const neighbours = searchAll(queryVectors, docVectors, snapshot.dim, inputs.k);
  const t2 = clock();
  const encodeSeconds = (t1 - t0) / 1000;
  return {
    snapshotStep,
    id,
    dim: snapshot.dim,
    docVectors,
    neighbours,
    k: inputs.k,
    encodeSeconds,
    docsPerSecond: encodeSeconds > 0 ? documentCount(inputs) / encodeSeconds : Number.POSITIVE_INFINITY,
    buildSeconds: (t2 - t0) / 1000,
  };
}

/** True when `index` is complete for these inputs (every document encoded, every query's k neighbours in range). */
export function isComplete(index: NeighbourIndex, inputs: IndexInputs): boolean {
  const docs = documentCount(inputs);
  if (index.k !== inputs.k || index.docVectors.length !== docs * index.dim) return false;
  if (index.neighbours.length !== queryCount(inputs) * inputs.k) return false;
  for (const d of index.neighbours) if (d < 0 || d >= docs) return false;
  return true;
}
