/** Test helpers for the FedOpt tests: backend setup and a tensor comparison with tolerance. */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// The engine's setup: every gradient registered, cpu and wasm backends loaded.
import '../../../src/models/engine/tfSetup';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** Selects a backend: `cpu` for exact small checks, `wasm` for the training runs (several times faster). */
export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  if (name === 'wasm') setWasmPaths(path.join(__dirname, '../../../node_modules/@tensorflow/tfjs-backend-wasm/dist/'));
  assert.ok(await tf.setBackend(name), `backend ${name} did not start`);
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5, what = ''): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `${what}[${i}]: got ${a}, expected ${e} (tol ${tol})`);
  }
}
