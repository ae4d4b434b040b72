/** Mocha helpers for suites that compare the cpu and wasm backends. */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/models/engine/backends';

/** Hooks: wasm is started (and checked to be the one chosen) before the suite; the previous backend is restored after. */
export function useWasmBackend(): void {
  let previous = 'cpu';
  before(async () => {
    previous = tf.getBackend() ?? 'cpu';
    const report = await selectBackend('wasm');
    assert.equal(report.chosen, 'wasm');
  });
  after(async () => {
    await tf.setBackend(previous);
  });
}

/** The largest absolute difference between two arrays of the same length. */
export function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}
