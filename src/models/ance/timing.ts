/**
 * How much wall time the second thread saves: refresh periods (m training steps and one index
 * build each) alternate between the index built in place and in the second thread, and each
 * in-place period is compared with the mean of the thread-built periods on either side of it. A
 * load on the machine that rises or falls through the run slows neighbouring periods alike, so it
 * cancels out of the comparison (to first order), where a plain ratio of means would take it in.
 */
import type { BuilderKind } from './refresher';

export interface Period {
  readonly builtBy: BuilderKind;
  readonly seconds: number;
}

/**
 * Σ in-place period times ÷ Σ, over the same in-place periods, of the mean of their thread-built
 * neighbours (the periods just before and after in the same sequence). Sequences are independent
 * (one per fold). NaN when no in-place period has a thread-built neighbour.
 */
export function interleavedSpeedup(sequences: readonly (readonly Period[])[]): number {
  let inPlace = 0;
  let thread = 0;
  for (const periods of sequences) {
    periods.forEach((p, i) => {
      if (p.builtBy !== 'in-place') return;
      const neighbours = [periods[i - 1], periods[i + 1]].filter((n): n is Period => n?.builtBy === 'thread');
      if (neighbours.length === 0) return;
      inPlace += p.seconds;
      thread += neighbours.reduce((a, n) => a + n.seconds, 0) / neighbours.length;
    });
  }
  return thread > 0 ? inPlace / thread : Number.NaN;
}
