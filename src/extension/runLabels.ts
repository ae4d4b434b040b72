/**
 * How a run is named to people: by paper, preset, seed and progress, never by its bare id. Used by
 * the Stop picker, the second-run question and the status bar. No VS Code API here.
 */
import type { RunRecord } from '../shared/runs';

export interface RunProgress {
  readonly step: number;
  readonly total: number;
}

/** "FedOpt · quick · seed 0 · round 12 of 80" (the step label is the demo's own). */
export function runLabel(
  record: Pick<RunRecord, 'preset' | 'seed'>,
  paperName: string,
  progress: RunProgress | undefined,
  stepLabel = 'step',
): string {
  const parts = [paperName, record.preset, `seed ${record.seed}`];
  parts.push(progress && progress.total > 0 ? `${stepLabel} ${progress.step} of ${progress.total}` : 'starting');
  return parts.join(' · ');
}

/** The question asked before a run starts while others train, and its choices. */
export function secondRunQuestion(liveLabels: readonly string[], cores: number): { message: string; detail: string } {
  const one = liveLabels.length === 1;
  return {
    message: one
      ? `A run is already training: ${liveLabels[0] ?? ''}.`
      : `${liveLabels.length} runs are already training.`,
    detail:
      (one ? '' : `${liveLabels.join('\n')}\n\n`) +
      `This machine has ${cores} CPU core${cores === 1 ? '' : 's'}: runs side by side share them and each slows down. ` +
      'Queue the new run to start when the others end, or run it in parallel.',
  };
}
