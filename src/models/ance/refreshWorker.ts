/**
 * The refresh worker (bundled as dist/ance-refresh.js; run from source under tsx in tests): a
 * worker_threads Worker that receives a corpus (again for each corpus of a run), then for each
 * weight snapshot builds a complete index (`buildIndex`) and posts it back. It holds no state
 * between refreshes besides the corpus, so an index is either posted whole or not at all.
 *
 * It runs at normal priority. The trainer swaps each index in at a fixed step and waits there if
 * it is not ready, so a starved thread would slow training down rather than change its negatives.
 * With a free core the two threads do not compete; without one they share what the machine gives.
 */
import { parentPort } from 'node:worker_threads';
import { buildIndex, type IndexInputs, type NeighbourIndex } from './inferencer';
import { isToRefreshWorker, type FromRefreshWorker } from './refreshProtocol';

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('ance refresh worker: must run as a worker thread');
  let inputs: IndexInputs | null = null;
  const post = (message: FromRefreshWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  port.on('message', (message: unknown) => {
    if (!isToRefreshWorker(message)) {
      post({ type: 'error', id: null, message: 'refresh worker: malformed message' });
      return;
    }
    if (message.type === 'init') {
      inputs = {
        docGrams: { offsets: message.docOffsets, ids: message.docIds },
        queryGrams: { offsets: message.queryOffsets, ids: message.queryIds },
        k: message.k,
      };
      return;
    }
    if (!inputs) {
      post({ type: 'error', id: message.id, message: 'refresh worker: refresh before init' });
      return;
    }
    try {
      const snapshot = { buckets: message.buckets, dim: message.dim, table: message.table, linear: message.linear };
      const index: NeighbourIndex = buildIndex(snapshot, inputs, message.step, message.id);
      post({ type: 'ready', index }, [index.docVectors.buffer as ArrayBuffer, index.neighbours.buffer as ArrayBuffer]);
    } catch (e) {
      post({ type: 'error', id: message.id, message: e instanceof Error ? e.message : String(e) });
    }
  });
}

main();
