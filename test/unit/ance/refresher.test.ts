import { strict as assert } from 'node:assert';
import { copyWeights, encodeAll, initEncoder } from '../../../src/models/ance/encoder';
import { buildIndex, isComplete, type IndexInputs, type NeighbourIndex } from '../../../src/models/ance/inferencer';
import {
  InPlaceBuilder,
  startThreadBuilder,
  ThreadBuilder,
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

/** A port that records what is posted and delivers what the test says the thread answered. */
function fakePort(): { port: RefreshPort; posted: unknown[]; answer: (message: unknown) => void } {
  const listeners: ((message: unknown) => void)[] = [];
  const posted: unknown[] = [];
  const port: RefreshPort = {
    postMessage: (message: unknown) => void posted.push(message),
    on: (event: string, listener: (arg: never) => void) => {
      if (event === 'message') listeners.push(listener as (message: unknown) => void);
    },
    terminate: () => Promise.resolve(0),
  };
  return { port, posted, answer: (message) => listeners.forEach((l) => l(message)) };
}

describe('ance: index builders', function () {
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

  it('the thread builds the index of the snapshot while the caller goes on, identical to the one built in place', async () => {
    const w = initEncoder(BUCKETS, DIM, new Rng(2));
    const builder = await startThreadBuilder(inputs);
    try {
      for (const [id, step] of [
        [1, 5],
        [2, 9],
      ] as const) {
        const snapshot = copyWeights(w);
        let settled = false;
        const building = builder.build(id, step, w).finally(() => (settled = true));
        assert.equal(builder.inFlight, 1);
        // The caller goes on: the weights change while the thread encodes the snapshot.
        let stepsWhileBuilding = 0;
        while (!settled) {
          for (let i = 0; i < w.linear.length; i++) w.linear[i] = (w.linear[i] as number) * 1.01 + 1e-3;
          stepsWhileBuilding++;
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        const index = await building;
        assert.ok(stepsWhileBuilding > 0, 'the caller ran while the index was built');
        assert.equal(builder.inFlight, 0);
        assert.ok(isComplete(index, inputs));
        assert.deepEqual([index.id, index.snapshotStep], [id, step]);
        // Built from the snapshot taken at the request, exactly as the in-place builder builds it.
        const expected = await new InPlaceBuilder(inputs).build(id, step, snapshot);
        assert.deepEqual(index.docVectors, expected.docVectors);
        assert.deepEqual(index.neighbours, expected.neighbours);
      }
      // Another corpus for the same thread.
      const smaller: IndexInputs = { ...inputs, docGrams: gramTable(docTexts.slice(0, 500), BUCKETS), k: 5 };
      builder.reset(smaller);
      const index = await builder.build(3, 11, w);
      assert.ok(isComplete(index, smaller));
      assert.deepEqual(index.neighbours, buildIndex(w, smaller, 11, 3).neighbours);
    } finally {
      await builder.close();
    }
  });

  it('rejects an incomplete index and a failed build, and drops an index nobody asked for', async () => {
    const { port, posted, answer } = fakePort();
    const builder = new ThreadBuilder(inputs, port);
    assert.equal((posted[0] as { type: string }).type, 'init');
    const w = initEncoder(BUCKETS, DIM, new Rng(3));
    const whole = buildIndex(w, inputs, 1, 1);

    const first = builder.build(1, 1, w);
    assert.equal((posted[1] as { type: string; id: number }).id, 1);
    answer({ type: 'ready', index: { ...whole, neighbours: whole.neighbours.subarray(0, 100) } });
    await assert.rejects(first, /incomplete/);

    const second = builder.build(2, 2, w);
    answer({ type: 'ready', index: whole }); // id 1 again: not in flight, dropped
    answer({ type: 'error', id: 2, message: 'out of memory' });
    await assert.rejects(second, /out of memory/);

    const third = builder.build(3, 3, w);
    const good = buildIndex(w, inputs, 3, 3);
    answer({ type: 'ready', index: good });
    assert.equal(await third, good);
    assert.equal(builder.inFlight, 0);
    assert.throws(() => {
      void builder.build(4, 4, w);
      builder.reset(inputs);
    }, /in flight/);
  });

  it('the in-place builder has the index built when build returns', async () => {
    const builder = new InPlaceBuilder(inputs);
    const w = initEncoder(BUCKETS, DIM, new Rng(5));
    let built: NeighbourIndex | null = null;
    const promise = builder.build(1, 3, w).then((index) => (built = index));
    assert.equal(built, null, 'resolves on a later turn');
    const index = await promise;
    assert.ok(isComplete(index, inputs));
    assert.equal(index.snapshotStep, 3);
    assert.deepEqual(index.neighbours, buildIndex(w, inputs, 3, 1).neighbours);
  });
});
