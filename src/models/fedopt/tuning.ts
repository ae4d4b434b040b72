/**
 * Choosing learning rates on validation data. Each cell of the learning-rate grid (one server
 * optimizer at one client η_l and server η) is trained on the clients' training examples and
 * scored on the held-out validation examples, never on the test set:
 *
 * - rounds to target: the first round whose validation accuracy reaches the target accuracy
 *   (null when it does not within the round cap);
 * - mean accuracy: validation accuracy averaged over the first `rounds` rounds.
 *
 * The best cell of an optimizer has the fewest rounds to target, averaged over the tuning seeds
 * (a cell that never reaches it counts as cap + 1), which is what the speed claims compare;
 * ties go to the higher mean accuracy. No TensorFlow.js here.
 */
import type { ServerOptimizer } from './demo';

/** One grid cell's validation scores at one seed. Rates are log10 values (FedAvg's server η: 0, i.e. 1). */
export interface GridCell {
  readonly opt: ServerOptimizer;
  readonly logClient: number;
  readonly logServer: number;
  /** First round with validation accuracy ≥ target; null if not reached within the cap. */
  readonly roundsToTarget: number | null;
  /** Validation accuracy averaged over the first `rounds` rounds. */
  readonly meanAccuracy: number;
}

/** A cell's scores averaged over seeds. */
export interface TunedCell {
  readonly opt: ServerOptimizer;
  readonly logClient: number;
  readonly logServer: number;
  /** Mean rounds to target, a cell that never reached it counted as cap + 1. */
  readonly meanRounds: number;
  /** Seeds (of those averaged) at which the cell reached the target. */
  readonly reachedAt: number;
  readonly meanAccuracy: number;
}

const key = (c: { opt: string; logClient: number; logServer: number }): string =>
  `${c.opt} ${c.logClient} ${c.logServer}`;

/** Every cell's scores averaged over the seeds' grids (cells missing at some seed are left out). */
export function averageCells(grids: readonly (readonly GridCell[])[], cap: number): TunedCell[] {
  const groups = new Map<string, GridCell[]>();
  for (const grid of grids)
    for (const cell of grid) {
      const k = key(cell);
      groups.set(k, [...(groups.get(k) ?? []), cell]);
    }
  const out: TunedCell[] = [];
  for (const cells of groups.values()) {
    if (cells.length !== grids.length) continue;
    const first = cells[0] as GridCell;
    const n = cells.length;
    out.push({
      opt: first.opt,
      logClient: first.logClient,
      logServer: first.logServer,
      meanRounds: cells.reduce((s, c) => s + (c.roundsToTarget ?? cap + 1), 0) / n,
      reachedAt: cells.filter((c) => c.roundsToTarget !== null).length,
      meanAccuracy: cells.reduce((s, c) => s + c.meanAccuracy, 0) / n,
    });
  }
  return out;
}

/** True when `a` ranks above `b`: fewer mean rounds to target, then higher mean accuracy. */
export function ranksAbove(a: TunedCell, b: TunedCell): boolean {
  return a.meanRounds !== b.meanRounds ? a.meanRounds < b.meanRounds : a.meanAccuracy > b.meanAccuracy;
}

/** Each optimizer's best cell over the seeds' grids, in the order the optimizers first appear. */
export function bestCells(grids: readonly (readonly GridCell[])[], cap: number): TunedCell[] {
  const best = new Map<ServerOptimizer, TunedCell>();
  for (const cell of averageCells(grids, cap)) {
    const current = best.get(cell.opt);
    if (current === undefined || ranksAbove(cell, current)) best.set(cell.opt, cell);
  }
  return [...best.values()];
}
