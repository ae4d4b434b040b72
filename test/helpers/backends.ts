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

/**
 * Makes `name` the current backend the way a run does, through the engine (so the engine's kernel
 * fixes are installed whichever suite ran first), and checks that it is the one chosen.
 */
export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  const report = await selectBackend(name);
  assert.equal(report.chosen, name, `backend ${name} did not start`);
}

export interface CloseOptions {
  /** Relative tolerance: |actual − expected| ≤ atol + rtol·|expected| (default 1e-5). */
  readonly rtol?: number;
  /** Absolute tolerance (default: rtol). */
  readonly atol?: number;
  /** Named in failure messages. */
  readonly what?: string;
}

type Values = tf.Tensor | ArrayLike<number> | number;

async function valuesOf(x: Values): Promise<{ shape?: readonly number[]; dtype?: string; data: ArrayLike<number> }> {
  if (typeof x === 'number') return { data: [x] };
  if (x instanceof tf.Tensor) return { shape: x.shape, dtype: x.dtype, data: await x.data() };
  return { data: x };
}

/**
 * Asserts that `actual` equals `expected` within tolerance, element by element (like TensorFlow.js'
 * own `expectArraysClose`). Tensors on both sides must also agree in shape and dtype.
 */
export async function expectClose(actual: Values, expected: Values, options: CloseOptions = {}): Promise<void> {
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? rtol;
  const what = options.what ? `${options.what}: ` : '';
  const a = await valuesOf(actual);
  const e = await valuesOf(expected);
  if (a.shape && e.shape) assert.deepEqual(a.shape, e.shape, `${what}shape`);
  if (a.dtype && e.dtype) assert.equal(a.dtype, e.dtype, `${what}dtype`);
  assert.equal(a.data.length, e.data.length, `${what}length`);
  for (let i = 0; i < e.data.length; i++) {
    const x = a.data[i] as number;
    const y = e.data[i] as number;
    const ok = Number.isNaN(y) ? Number.isNaN(x) : Math.abs(x - y) <= atol + rtol * Math.abs(y);
    assert.ok(ok, `${what}[${i}]: got ${x}, expected ${y} (rtol ${rtol}, atol ${atol})`);
  }
}
