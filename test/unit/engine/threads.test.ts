import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { Rng } from '../../../src/models/engine/rng';
import { runningFromSource, startThread } from '../../../src/models/engine/threads';

const entry = {
  source: path.join(__dirname, 'fixtures', 'threadEcho.ts'),
  bundle: path.join(__dirname, 'fixtures', 'no-such-bundle.js'),
};

function reply(worker: Worker): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

describe('engine/threads: helper threads started from a training worker', () => {
  it('knows that the tests run from the TypeScript sources', () => {
    assert.equal(runningFromSource(), true);
  });

  it('starts the TypeScript entry in a new thread, with its own imports resolved', async () => {
    const worker = await startThread(entry);
    try {
      const answer = reply(worker);
      worker.postMessage(42);
      // The thread loaded the TypeScript Rng: its first draw is the one computed here.
      assert.equal(await answer, new Rng(42).next());
    } finally {
      await worker.terminate();
    }
  });

  it('surfaces an error thrown in the thread as an error event', async () => {
    const worker = await startThread(entry);
    try {
      const answer = reply(worker);
      worker.postMessage('not a seed');
      let caught: unknown;
      try {
        await answer;
      } catch (e) {
        caught = e;
      }
      assert.ok(caught instanceof Error, 'an error event');
      assert.match(caught.message, /expected a seed/);
    } finally {
      await worker.terminate();
    }
  });
});
