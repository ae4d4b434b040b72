/**
 * What the run status bar item shows, and what clicking it does, as a pure function of the live
 * runs. With several runs at once it shows the newest still running (saying how many others
 * run), and the command it carries is recomputed with every update, so it always names the run it
 * shows: clicking opens that run in its paper's panel. Stopping stays the explicit Stop Run command.
 */
import { plural } from '../shared/text';

export interface StatusRunInfo {
  readonly runId: string;
  readonly paper: string;
  /** e.g. "FedOpt quick". */
  readonly name: string;
  /** The demo's step label, e.g. "round". */
  readonly unit: string;
}

interface StatusRun extends StatusRunInfo {
  readonly progress?: { readonly step: number; readonly total: number; readonly stepsPerSecond: number };
  /** What it does before its first step. */
  readonly stage?: string;
}

export type RunStatusEvent =
  | { readonly kind: 'started'; readonly run: StatusRunInfo }
  | {
      readonly kind: 'progress';
      readonly runId: string;
      readonly step: number;
      readonly total: number;
      readonly stepsPerSecond: number;
    }
  | { readonly kind: 'stage'; readonly runId: string; readonly text: string }
  | { readonly kind: 'ended'; readonly runId: string };

export interface RunStatusState {
  /** Live runs, oldest first. */
  readonly runs: readonly StatusRun[];
}

export const EMPTY_RUN_STATUS: RunStatusState = { runs: [] };

export function reduceRunStatus(state: RunStatusState, event: RunStatusEvent): RunStatusState {
  switch (event.kind) {
    case 'started':
      return { runs: [...state.runs.filter((r) => r.runId !== event.run.runId), event.run] };
    case 'progress': {
      const { runId, step, total, stepsPerSecond } = event;
      if (!state.runs.some((r) => r.runId === runId)) return state;
      return {
        runs: state.runs.map((r) => (r.runId === runId ? { ...r, progress: { step, total, stepsPerSecond } } : r)),
      };
    }
    case 'stage':
      return { runs: state.runs.map((r) => (r.runId === event.runId ? { ...r, stage: event.text } : r)) };
    case 'ended':
      return { runs: state.runs.filter((r) => r.runId !== event.runId) };
  }
}

export const OPEN_RUN_COMMAND = 'paperLab.openRun';

export interface RunStatusView {
  /** The run shown (and carried by the command). */
  readonly runId: string;
  readonly text: string;
  readonly tooltip: string;
  readonly command: {
    readonly command: typeof OPEN_RUN_COMMAND;
    readonly title: string;
    /** `paperLab.openRun`'s arguments: paper id, run id. */
    readonly arguments: readonly [paper: string, runId: string];
  };
}

/** The item for the current live runs; undefined when none runs (the item hides). */
export function runStatusView(state: RunStatusState): RunStatusView | undefined {
  const run = state.runs[state.runs.length - 1];
  if (!run) return undefined;
  const others = state.runs.length - 1;
  const more = others > 0 ? ` (+${others} more)` : '';
  let detail = run.stage?.startsWith('Measuring backends') ? 'measuring backends' : 'starting';
  if (run.progress) {
    const { step, total, stepsPerSecond } = run.progress;
    const remaining = stepsPerSecond > 0 ? (total - step) / stepsPerSecond : NaN;
    const eta = Number.isFinite(remaining) ? ` · ETA ${formatSeconds(remaining)}` : '';
    const speed = stepsPerSecond > 0 ? ` · ${stepsPerSecond.toFixed(1)} ${plural(run.unit)}/s` : '';
    detail = `${run.unit} ${step}/${total}${speed}${eta}`;
  }
  const also = state.runs
    .slice(0, -1)
    .map((r) => `${r.name} · ${r.progress ? `${r.unit} ${r.progress.step}/${r.progress.total}` : 'starting'}`)
    .join('; ');
  const tooltip = [
    `Paper Lab: ${run.runId}`,
    ...(run.progress === undefined && run.stage !== undefined ? [run.stage] : []),
    'Click to show the run. To stop it, use "Paper Lab: Stop Run" (or Stop in the panel).',
    ...(others > 0 ? [`Also running: ${also}`] : []),
  ].join('\n');
  return {
    runId: run.runId,
    text: `$(sync~spin) ${run.name} · ${detail}${more}`,
    tooltip,
    command: { command: OPEN_RUN_COMMAND, title: 'Open Run', arguments: [run.paper, run.runId] },
  };
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${Math.max(0, Math.round(s))} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
