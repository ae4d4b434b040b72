/**
 * Accumulates streamed metric points into the column arrays a line plot draws: one x array
 * (steps, ascending) and one y array per series (null where a metric has no value at that step).
 * Points are appended as they arrive, never re-sent whole. Pure, no DOM.
 */
import type { MetricPoint } from '../shared/runs';

export interface SeriesOptions {
  /** Drop values ≤ 0 (they cannot be drawn on a log axis). */
  readonly positiveOnly?: boolean;
}

export class SeriesBuffer {
  readonly x: number[] = [];
  readonly ys: (number | null)[][];

  constructor(
    readonly metrics: readonly string[],
    private readonly options: SeriesOptions = {},
  ) {
    this.ys = metrics.map(() => []);
  }

  get length(): number {
    return this.x.length;
  }

  /** Adds points; returns true when anything this plot draws changed. */
  add(points: readonly MetricPoint[]): boolean {
    let changed = false;
    for (const point of points) {
      if (!Number.isFinite(point.step)) continue;
      const row = this.metrics.map((m) => this.clean(point.values[m]));
      if (row.every((v) => v === null)) continue;
      this.insert(point.step, row);
      changed = true;
    }
    return changed;
  }

  clear(): void {
    this.x.length = 0;
    for (const y of this.ys) y.length = 0;
  }

  /** The arrays in the layout uPlot expects: `[x, y1, y2, …]`. */
  data(): [number[], ...(number | null)[][]] {
    return [this.x, ...this.ys];
  }

  /**
   * The points as table rows, `[x, y1, y2, …]`, thinned to at most `limit` rows (every k-th point,
   * the last always kept) so that a long run's table stays readable.
   */
  rows(limit = 200): (number | null)[][] {
    const n = this.x.length;
    const every = Math.max(1, Math.ceil(n / limit));
    const out: (number | null)[][] = [];
    for (let i = 0; i < n; i++) {
      if (i % every !== 0 && i !== n - 1) continue;
      out.push([this.x[i] ?? null, ...this.ys.map((y) => y[i] ?? null)]);
    }
    return out;
  }

  /** The last value of each series, or null if it has none. */
  latest(): (number | null)[] {
    return this.ys.map((y) => {
      for (let i = y.length - 1; i >= 0; i--) {
        const v = y[i];
        if (v !== null && v !== undefined) return v;
      }
      return null;
    });
  }

  private clean(value: number | undefined): number | null {
    if (value === undefined || !Number.isFinite(value)) return null;
    if (this.options.positiveOnly && value <= 0) return null;
    return value;
  }

  private insert(step: number, row: (number | null)[]): void {
    const n = this.x.length;
    const last = this.x[n - 1];
    if (n === 0 || (last !== undefined && step > last)) {
      this.x.push(step);
      row.forEach((v, s) => this.ys[s]?.push(v));
      return;
    }
    const index = lowerBound(this.x, step);
    if (this.x[index] === step) {
      // Same step reported again (e.g. evaluation metrics after training metrics): merge.
      row.forEach((v, s) => {
        const y = this.ys[s];
        if (v !== null && y) y[index] = v;
      });
      return;
    }
    this.x.splice(index, 0, step);
    row.forEach((v, s) => this.ys[s]?.splice(index, 0, v));
  }
}

/** First index whose value is ≥ target in an ascending array. */
function lowerBound(values: readonly number[], target: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] ?? Infinity) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
