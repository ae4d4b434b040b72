/** Helpers for the DrQ tests: a tiny config, backend selection through the engine and a tolerance comparison. */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { pixelSacDemo } from '../../../src/models/drq/demo';
import { selectBackend } from '../../../src/models/engine/backends';
import type { DemoConfig } from '../../../src/shared/catalog';

/** A tiny configuration: every code path of the run, in seconds. */
export const TINY: DemoConfig = {
  ...pixelSacDemo.presets['quick'],
  seeds: 2,
  steps: 30,
  seedSteps: 16,
  batch: 8,
  evalEvery: 10,
  evalEpisodes: 2,
  filters: 4,
  featureDim: 8,
  hidden: 16,
};

/** Selects a backend the way the engine does (wasm with its kernel fixes installed). */
export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  const report = await selectBackend(name);
  assert.equal(report.chosen, name);
  assert.equal(tf.getBackend(), name);
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5, what = ''): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `${what}[${i}]: got ${a}, expected ${e} (tol ${tol})`);
  }
}
