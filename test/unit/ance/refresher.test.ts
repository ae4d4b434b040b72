import { strict as assert } from 'node:assert';
import { copyWeights, encodeAll, initEncoder } from '../../../src/models/ance/encoder';
import { buildIndex, isComplete, type IndexInputs, type NeighbourIndex } from '../../../src/models/ance/inferencer';
import {
  AsyncRefresher,
  BlockingRefresher,
  startAsyncRefresher,
  yieldToEvents,
  type RefreshPort,
} from '../../../src/models/ance/refresher';
import { searchAll } from '../../../src/models/ance/search';
import { gramTable } from '../../../src/models/ance/text';
import { Rng } from '../../../src/models/engine/rng';

const BUCKETS = 1 << 12;
const DIM = 16;
const rng = new Rng(4);
const word = (): string => Array.from({ length: 3 + rng.int(5) }, () => String.fromCharCode(97 + rng.int(26))).join('');
const docTexts = Array.from({ length: 3000 }, () => Array.from({ length: 8 }, word).join(' '));
const queryTexts = Array.from({ length: 400 }, () => Array.from({ length: 3 }, word).join(' '));
const inputs: IndexInputs = {
  docGrams: gramTable(docTexts, BUCKETS),
  queryGrams: gramTable(queryTexts, BUCKETS),
  k: 10,
};

/** Reads the index in use (a call, so that earlier assertions do not narrow its type). */
function currentOf(refresher: { readonly current: NeighbourIndex | null }): NeighbourIndex | null {
  return refresher.current;
}

describe('ance: index refresh', function () {
  this.timeout(120_000);

  it('the inferencer encodes the corpus and finds every query’s exact top k', () => {
    const w = initEncoder(BUCKETS, DIM, new Rng(1));
    const index = buildIndex(w, inputs, 7, 1);
    assert.ok(isComplete(index, inputs));
    assert.equal(index.snapshotStep, 7);
    assert.deepEqual(index.docVectors, encodeAll(w, inputs.docGrams));
    assert.deepEqual(index.neighbours, searchAll(encodeAll(w, inputs.queryGrams), index.docVectors, DIM, 10));
    assert.ok(index.docsPerSecond > 0 && index.buildSeconds >= index.encodeSeconds);
  });

  it('a worker thread builds the index from the snapshot while training goes on, and swaps in only whole indices', async () => {
    const w = initEncoder(BUCKETS, DIM, new Rng(2));
    const refresher = await startAsyncRefresher(inputs);
    const seen: NeighbourIndex[] = [];
    refresher.onSwap((index) => seen.push(index));
    try {
      for (const step of [5, 9]) {
        const snapshot = copyWeights(w);
        const previous = refresher.current;
        assert.equal(refresher.request(step, w), true);
        assert.equal(refresher.request(step + 1, w), false, 'one refresh at a time');
        // Training goes on: the weights change while the worker encodes the snapshot.
        let stepsWhileBusy = 0;
        while (refresher.busy) {
          for (let i = 0; i < w.linear.length; i++) w.linear[i] = (w.linear[i] as number) * 1.01 + 1e-3;
          // Until the swap, the sampler sees the previous index, whole, or none.
          assert.equal(refresher.current, previous);
          if (previous) assert.ok(isComplete(previous, inputs));
          stepsWhileBusy++;
          await yieldToEvents();
          // Leave the refresh thread some CPU on a busy machine.
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        assert.equal(refresher.error, null);
        assert.ok(stepsWhileBusy > 0, 'training continued while the index was built');
        const index = refresher.current;
        assert.ok(index && isComplete(index, inputs));
        assert.equal(index.snapshotStep, step);
        // Built from the snapshot taken at the request, not from the weights that kept changing.
        const expected = buildIndex(snapshot, inputs, step, index.id);
        assert.deepEqual(index.docVectors, expected.docVectors);
        assert.deepEqual(index.neighbours, expected.neighbours);
      }
      assert.deepEqual(
        seen.map((i) => [i.id, i.snapshotStep]),
        [
          [1, 5],
          [2, 9],
        ],
      );
    } finally {
      await refresher.close();
    }
  });

  it('drops an incomplete or stale index instead of exposing it', () => {
    const listeners: ((message: unknown) => void)[] = [];
    const port: RefreshPort = {
      postMessage: () => undefined,
      on: (event: string, listener: (arg: never) => void) => {
        if (event === 'message') listeners.push(listener as (message: unknown) => void);
      },
      terminate: () => Promise.resolve(0),
    };
    const refresher = new AsyncRefresher(inputs, port);
    const deliver = (index: NeighbourIndex): void => listeners.forEach((l) => l({ type: 'ready', index }));
    const w = initEncoder(BUCKETS, DIM, new Rng(3));
    const whole = buildIndex(w, inputs, 1, 1);

    assert.equal(refresher.request(1, w), true);
    deliver({ ...whole, neighbours: whole.neighbours.subarray(0, 100) });
    assert.equal(refresher.current, null);
    assert.match(refresher.error ?? '', /incomplete/);
    assert.equal(refresher.busy, false);

    assert.equal(refresher.request(2, w), true);
    const second = buildIndex(w, inputs, 2, 2);
    deliver(second);
    assert.equal(refresher.current, second);
    deliver(whole); // id 1 arrives late: older than the index in use
    assert.equal(refresher.current, second);
  });

  it('the blocking refresher has the new index in use when request returns', () => {
    const refresher = new BlockingRefresher(inputs);
    const w = initEncoder(BUCKETS, DIM, new Rng(5));
    assert.equal(refresher.current, null);
    refresher.request(3, w);
    const index = currentOf(refresher);
    assert.ok(index && isComplete(index, inputs));
    assert.equal(index.snapshotStep, 3);
    assert.equal(refresher.busy, false);
  });
});
