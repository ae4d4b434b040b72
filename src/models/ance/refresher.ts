/**
 * Builds the indices the ANCE sampler reads, from weight snapshots (equation `async-refresh`). Two
 * builders behind one interface, which give the same index for the same snapshot:
 *
 *   ThreadBuilder   the paper's setup: a second worker thread re-encodes the corpus and searches it
 *                   while training goes on; `build` returns at once and its promise resolves with
 *                   the index when the thread posts it back, after a completeness check.
 *   InPlaceBuilder  the same work done on the training thread: `build` returns once the index is
 *                   built, and training waits for it (the synchronous refresh, the reference for the
 *                   time the thread saves).
 *
 * When an index is swapped in is the trainer's business (see `AnceIndex` in ./train.ts), not the
 * builders': the builders only decide which thread does the work.
 *
 * The thread is a Node worker_threads Worker, imported on demand (training code keeps no static Node
 * imports): `dist/ance-refresh.js` beside the bundle, or the TypeScript source under tsx.
 */
import { startThread } from '../engine/threads';
import { copyWeights, type EncoderWeights } from './encoder';
import { buildIndex, isComplete, type IndexInputs, type NeighbourIndex } from './inferencer';
import { isFromRefreshWorker, type InitMessage, type RefreshMessage } from './refreshProtocol';

export const BUILDER_KINDS = ['thread', 'in-place'] as const;
export type BuilderKind = (typeof BUILDER_KINDS)[number];

export interface IndexBuilder {
  readonly kind: BuilderKind;
  /**
   * Starts building index `id` from a snapshot of `weights` taken now (labelled with `step`); the
   * promise resolves with the complete index, or rejects if none could be built.
   */
  build(id: number, step: number, weights: EncoderWeights): Promise<NeighbourIndex>;
  close(): Promise<void>;
}

/** Builds the index on the calling thread: `build` returns after the work is done. */
export class InPlaceBuilder implements IndexBuilder {
  readonly kind = 'in-place';

  constructor(private readonly inputs: IndexInputs) {}

  build(id: number, step: number, weights: EncoderWeights): Promise<NeighbourIndex> {
    return Promise.resolve(buildIndex(weights, this.inputs, step, id));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** What the thread builder needs of a worker thread (a Node Worker; a fake in tests). */
export interface RefreshPort {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  on(event: 'message', listener: (message: unknown) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  terminate(): Promise<number>;
}

interface Pending {
  readonly resolve: (index: NeighbourIndex) => void;
  readonly reject: (error: Error) => void;
}

/** Builds indices in a second thread while the caller goes on. */
export class ThreadBuilder implements IndexBuilder {
  readonly kind = 'thread';
  private readonly pending = new Map<number, Pending>();
  private inputs: IndexInputs;
  private failure: Error | null = null;

  constructor(
    inputs: IndexInputs,
    private readonly port: RefreshPort,
  ) {
    this.inputs = inputs;
    port.on('message', (message: unknown) => this.receive(message));
    port.on('error', (error: Error) => this.failAll(error));
    this.send(inputs);
  }

  /** Number of builds in flight. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Hands the thread another corpus (or other queries); only between builds. */
  reset(inputs: IndexInputs): void {
    if (this.pending.size > 0) throw new Error('ThreadBuilder.reset: builds are in flight');
    this.inputs = inputs;
    this.send(inputs);
  }

  build(id: number, step: number, weights: EncoderWeights): Promise<NeighbourIndex> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending.has(id)) return Promise.reject(new Error(`index ${id} is already being built`));
    // The snapshot: a copy of the weights at this step, handed over to the thread.
    const snapshot = copyWeights(weights);
    const message: RefreshMessage = {
      type: 'refresh',
      id,
      step,
      buckets: snapshot.buckets,
      dim: snapshot.dim,
      table: snapshot.table,
      linear: snapshot.linear,
    };
    const done = new Promise<NeighbourIndex>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.port.postMessage(message, [snapshot.table.buffer as ArrayBuffer, snapshot.linear.buffer as ArrayBuffer]);
    return done;
  }

  private send(inputs: IndexInputs): void {
    const init: InitMessage = {
      type: 'init',
      docOffsets: inputs.docGrams.offsets,
      docIds: inputs.docGrams.ids,
      queryOffsets: inputs.queryGrams.offsets,
      queryIds: inputs.queryGrams.ids,
      k: inputs.k,
    };
    this.port.postMessage(init);
  }

  private receive(message: unknown): void {
    if (!isFromRefreshWorker(message)) {
      this.failAll(new Error('malformed message from the refresh worker'));
      return;
    }
    const id = message.type === 'error' ? message.id : message.index.id;
    const pending = id === null ? undefined : this.pending.get(id);
    if (message.type === 'error') {
      if (!pending) this.failAll(new Error(message.message));
      else {
        this.pending.delete(id as number);
        pending.reject(new Error(message.message));
      }
      return;
    }
    if (!pending) return; // not asked for (or asked for before a reset): dropped
    this.pending.delete(message.index.id);
    if (isComplete(message.index, this.inputs)) pending.resolve(message.index);
    else pending.reject(new Error(`index ${message.index.id} came back incomplete`));
  }

  private failAll(error: Error): void {
    this.failure = error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  async close(): Promise<void> {
    await this.port.terminate();
  }
}

/**
 * Starts the refresh worker thread and a ThreadBuilder on it. Bundled (dist/worker.js,
 * dist/cli.js), the worker is `ance-refresh.js` in the same folder; run from TypeScript sources
 * (tests under tsx), a small bootstrap registers tsx's require hook in the new thread first.
 */
export async function startThreadBuilder(inputs: IndexInputs): Promise<ThreadBuilder> {
  const path = await import('node:path');
  const worker = await startThread({
    source: path.join(__dirname, 'refreshWorker.ts'),
    bundle: path.join(__dirname, 'ance-refresh.js'),
  });
  worker.unref();
  return new ThreadBuilder(inputs, worker);
}
