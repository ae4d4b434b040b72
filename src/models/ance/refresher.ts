/**
 * Keeps the index the ANCE sampler reads, and refreshes it from weight snapshots (equation
 * `async-refresh`). Two implementations behind one interface:
 *
 *   AsyncRefresher     the paper's setup: a second worker thread re-encodes the corpus and builds the
 *                      index while training goes on with the previous index; the finished index is
 *                      swapped in by one assignment when its message arrives, after a completeness
 *                      check, so the sampler only ever sees a whole index.
 *   BlockingRefresher  the same work done in place, stopping training (a reference for the throughput
 *                      the asynchronous refresh saves).
 *
 * The async refresher starts its worker through Node's worker_threads, imported on demand (training
 * code keeps no static Node imports): `dist/ance-refresh.js` beside the bundle, or the TypeScript
 * source when running under tsx.
 */
import { startThread } from '../engine/threads';
import { copyWeights, type EncoderWeights } from './encoder';
import { buildIndex, isComplete, type IndexInputs, type NeighbourIndex } from './inferencer';
import { isFromRefreshWorker, type InitMessage, type RefreshMessage } from './refreshProtocol';

export interface IndexRefresher {
  /** The index in use: the latest complete one, or null before the first is ready. */
  readonly current: NeighbourIndex | null;
  /** True while a refresh is in flight. */
  readonly busy: boolean;
  /**
   * Starts a refresh from a snapshot of `weights` taken now, labelled with `step`. Returns false,
   * starting nothing, while another refresh is in flight.
   */
  request(step: number, weights: EncoderWeights): boolean;
  /** Called with each index as it is swapped in. */
  onSwap(listener: (index: NeighbourIndex) => void): void;
  close(): Promise<void>;
}

abstract class RefresherBase implements IndexRefresher {
  private index: NeighbourIndex | null = null;
  private readonly listeners: ((index: NeighbourIndex) => void)[] = [];
  protected nextId = 1;

  constructor(protected readonly inputs: IndexInputs) {}

  get current(): NeighbourIndex | null {
    return this.index;
  }

  abstract get busy(): boolean;
  abstract request(step: number, weights: EncoderWeights): boolean;
  abstract close(): Promise<void>;

  onSwap(listener: (index: NeighbourIndex) => void): void {
    this.listeners.push(listener);
  }

  /** Swaps in a finished index if it is complete and newer than the one in use; returns whether it did. */
  protected swap(next: NeighbourIndex): boolean {
    if (!isComplete(next, this.inputs)) return false;
    if (this.index && next.id <= this.index.id) return false;
    this.index = next;
    for (const listener of this.listeners) listener(next);
    return true;
  }
}

/** Rebuilds the index in place: `request` returns after the new index is in use. */
export class BlockingRefresher extends RefresherBase {
  get busy(): boolean {
    return false;
  }

  request(step: number, weights: EncoderWeights): boolean {
    this.swap(buildIndex(weights, this.inputs, step, this.nextId++));
    return true;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** What the async refresher needs of a worker thread (a Node Worker; a fake in tests). */
export interface RefreshPort {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  on(event: 'message', listener: (message: unknown) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  terminate(): Promise<number>;
}

/** Rebuilds the index in a second thread while training continues. */
export class AsyncRefresher extends RefresherBase {
  private inFlight: number | null = null;
  private failure: string | null = null;

  constructor(
    inputs: IndexInputs,
    private readonly port: RefreshPort,
  ) {
    super(inputs);
    port.on('message', (message: unknown) => this.receive(message));
    port.on('error', (error: Error) => {
      this.failure = error.message;
      this.inFlight = null;
    });
    const init: InitMessage = {
      type: 'init',
      docOffsets: inputs.docGrams.offsets,
      docIds: inputs.docGrams.ids,
      queryOffsets: inputs.queryGrams.offsets,
      queryIds: inputs.queryGrams.ids,
      k: inputs.k,
    };
    port.postMessage(init);
  }

  get busy(): boolean {
    return this.inFlight !== null;
  }

  /** The worker's last error, if any (the trainer reports it and goes on with the index it has). */
  get error(): string | null {
    return this.failure;
  }

  request(step: number, weights: EncoderWeights): boolean {
    if (this.inFlight !== null) return false;
    // The snapshot: a copy of the weights at this step, handed over to the worker.
    const snapshot = copyWeights(weights);
    const message: RefreshMessage = {
      type: 'refresh',
      id: this.nextId++,
      step,
      buckets: snapshot.buckets,
      dim: snapshot.dim,
      table: snapshot.table,
      linear: snapshot.linear,
    };
    this.inFlight = message.id;
    this.port.postMessage(message, [snapshot.table.buffer as ArrayBuffer, snapshot.linear.buffer as ArrayBuffer]);
    return true;
  }

  private receive(message: unknown): void {
    if (!isFromRefreshWorker(message)) {
      this.failure = 'malformed message from the refresh worker';
      return;
    }
    if (message.type === 'error') {
      this.failure = message.message;
      this.inFlight = null;
      return;
    }
    if (message.index.id === this.inFlight) this.inFlight = null;
    if (!this.swap(message.index)) this.failure = `refresh ${message.index.id} came back incomplete and was dropped`;
  }

  async close(): Promise<void> {
    await this.port.terminate();
  }
}

/**
 * Starts the refresh worker thread and an AsyncRefresher on it. Bundled (dist/worker.js,
 * dist/cli.js), the worker is `ance-refresh.js` in the same folder; run from TypeScript sources
 * (tests under tsx), a small bootstrap registers tsx's require hook in the new thread first.
 */
export async function startAsyncRefresher(inputs: IndexInputs): Promise<AsyncRefresher> {
  const path = await import('node:path');
  const worker = await startThread({
    source: path.join(__dirname, 'refreshWorker.ts'),
    bundle: path.join(__dirname, 'ance-refresh.js'),
  });
  worker.unref();
  return new AsyncRefresher(inputs, worker);
}

/** Lets queued messages (a finished index) through: one turn of the event loop. */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}
