/**
 * Messages between the training thread and the refresh worker (`refreshWorker.ts`). Typed arrays
 * travel by structured clone; the weight snapshot's buffers are transferred.
 */
import type { NeighbourIndex } from './inferencer';

/** Training → worker, once: the corpus and training queries as hashed units, and k. */
export interface InitMessage {
  readonly type: 'init';
  readonly docOffsets: Int32Array;
  readonly docIds: Int32Array;
  readonly queryOffsets: Int32Array;
  readonly queryIds: Int32Array;
  readonly k: number;
}

/** Training → worker: rebuild the index from this snapshot. */
export interface RefreshMessage {
  readonly type: 'refresh';
  readonly id: number;
  readonly step: number;
  readonly buckets: number;
  readonly dim: number;
  readonly table: Float32Array;
  readonly linear: Float32Array;
}

export type ToRefreshWorker = InitMessage | RefreshMessage;

/** Worker → training: a complete index, or why none could be built (`id`: the refresh, null for a bad message). */
export type FromRefreshWorker =
  | { readonly type: 'ready'; readonly index: NeighbourIndex }
  | { readonly type: 'error'; readonly id: number | null; readonly message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isToRefreshWorker(value: unknown): value is ToRefreshWorker {
  if (!isRecord(value)) return false;
  if (value['type'] === 'init') {
    return (
      value['docOffsets'] instanceof Int32Array &&
      value['docIds'] instanceof Int32Array &&
      value['queryOffsets'] instanceof Int32Array &&
      value['queryIds'] instanceof Int32Array &&
      typeof value['k'] === 'number'
    );
  }
  return (
    value['type'] === 'refresh' &&
    typeof value['id'] === 'number' &&
    typeof value['step'] === 'number' &&
    typeof value['buckets'] === 'number' &&
    typeof value['dim'] === 'number' &&
    value['table'] instanceof Float32Array &&
    value['linear'] instanceof Float32Array
  );
}

export function isFromRefreshWorker(value: unknown): value is FromRefreshWorker {
  if (!isRecord(value)) return false;
  if (value['type'] === 'error') {
    return typeof value['message'] === 'string' && (value['id'] === null || typeof value['id'] === 'number');
  }
  if (value['type'] !== 'ready' || !isRecord(value['index'])) return false;
  const index = value['index'];
  return (
    index['docVectors'] instanceof Float32Array &&
    index['neighbours'] instanceof Int32Array &&
    typeof index['snapshotStep'] === 'number' &&
    typeof index['id'] === 'number' &&
    typeof index['k'] === 'number' &&
    typeof index['dim'] === 'number'
  );
}
