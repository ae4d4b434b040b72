import { strict as assert } from 'node:assert';
import { Worker } from 'node:worker_threads';
import { hasThreadCpuClock, threadCpuSeconds } from '../../../src/models/engine/threadClock';

/** Spins the calling thread for `ms` of wall time. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}

/** Blocks the calling thread for `ms` without using a CPU. */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('the per-thread CPU clock', function () {
  before(function () {
    if (!hasThreadCpuClock()) this.skip();
  });

  it('counts what the thread computes and not the time it sleeps', () => {
    const t0 = threadCpuSeconds() as number;
    spin(300);
    const t1 = threadCpuSeconds() as number;
    sleep(300);
    const t2 = threadCpuSeconds() as number;
    // Spinning 300 ms of wall time: at least 0.1 s of CPU even with another process on the core.
    assert.ok(t1 - t0 >= 0.1, `spinning used ${t1 - t0} s`);
    assert.ok(t2 - t1 <= 0.03, `sleeping used ${t2 - t1} s`);
  });

  it('is the calling thread’s: another thread spinning does not add to it', async () => {
    const source = `
      const { parentPort } = require('node:worker_threads');
      const end = performance.now() + 400;
      while (performance.now() < end) {}
      parentPort.postMessage('done');`;
    const t0 = threadCpuSeconds() as number;
    const worker = new Worker(source, { eval: true });
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    const t1 = threadCpuSeconds() as number;
    await worker.terminate();
    // The process spent ~0.4 s of CPU in the worker; this thread only waited (and started it).
    assert.ok(t1 - t0 <= 0.15, `the waiting thread used ${t1 - t0} s`);
  });
});
