/**
 * Tensor-leak checks for training tests: a run leaves as many tensors alive as it found, and the
 * tensors alive at one step are as many as at a later one.
 */
import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import type { RecordingContext } from './fakeContext';

/** Runs `work` and asserts that it leaves as many tensors alive as there were before it. */
export async function withoutLeaks<T>(work: () => Promise<T>, message = 'tensors alive after the run'): Promise<T> {
  const before = tf.memory().numTensors;
  const value = await work();
  assert.equal(tf.memory().numTensors, before, message);
  return value;
}

/**
 * The tensors alive at each step the run reports metrics at (those for which `when` holds), by
 * step, filled in as the run goes.
 */
export function tensorsAtSteps(
  ctx: RecordingContext,
  when: (values: Readonly<Record<string, number>>) => boolean = () => true,
): Map<number, number> {
  const counts = new Map<number, number>();
  const metric = ctx.metric.bind(ctx);
  ctx.metric = (step, values) => {
    if (when(values)) counts.set(step, tf.memory().numTensors);
    metric(step, values);
  };
  return counts;
}
