/** Helpers for the DrQ tests: a tiny config, backend selection through the engine and a tolerance comparison. */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { DRQ_PRESETS, type DrqConfig, pixelSacDemo } from '../../../src/models/drq/demo';
import { selectBackend } from '../../../src/models/engine/backends';
import type { DemoConfig } from '../../../src/shared/catalog';

const TINY_SIZES = {
  seeds: 2,
  steps: 30,
  seedSteps: 16,
  batch: 8,
  evalEvery: 10,
  evalEpisodes: 2,
  filters: 4,
  featureDim: 8,
  hidden: 16,
} as const;

/** A tiny configuration: every code path of the run, in seconds. */
export const TINY: DrqConfig = { ...DRQ_PRESETS.quick, ...TINY_SIZES };

/** The same as a flat config (dotted keys), as run folders and the command line hold it. */
export const TINY_FLAT: DemoConfig = { ...pixelSacDemo.presets['quick'], ...TINY_SIZES };

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
