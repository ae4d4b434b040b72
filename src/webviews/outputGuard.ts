/**
 * Draws run outputs one at a time, each on its own: an output that is malformed (see
 * `outputProblem`) or whose drawing throws becomes a failure note, and the others are still drawn.
 * No DOM here, so the rule is unit-tested; outputs.ts passes its renderer and its note.
 */
import { outputIdOf, outputProblem, type RunOutput } from '../shared/outputs';

/** Draws one output, or its failure: `fail(id, reason)` when it is malformed or `render` throws. */
export function renderOutputSafely<T>(
  value: unknown,
  render: (output: RunOutput) => T,
  fail: (id: string, reason: string) => T,
): T {
  const problem = outputProblem(value);
  if (problem !== undefined) return fail(outputIdOf(value), problem);
  try {
    return render(value as RunOutput);
  } catch (error) {
    return fail(outputIdOf(value), error instanceof Error ? error.message : String(error));
  }
}

/** Draws every output in order; one failing never keeps the next from being drawn. */
export function renderEachOutput<T>(
  values: readonly unknown[],
  render: (output: RunOutput) => T,
  fail: (id: string, reason: string) => T,
): T[] {
  return values.map((value) => renderOutputSafely(value, render, fail));
}
