/**
 * Runs of one demo side by side, for the panel's comparison and seeds views and `paper-lab
 * compare`: what tells the runs apart, their claims across runs, and their curves laid over each
 * other (one style per run) or, for the seeds of one config, as a mean with a min–max band.
 * Pure, no DOM.
 */
import type { ConfigValue, PlotSpec } from './catalog';
import type { MetricPoint, RunRecord, RunSummary } from './runs';

/** A run as the comparison reads it: its record, its metric points and its summary (absent when it has none). */
export interface RunSetMember {
  readonly record: RunRecord;
  readonly points: readonly MetricPoint[];
  readonly summary?: RunSummary | null;
}

function valueText(value: ConfigValue | undefined): string {
  return value === undefined ? '—' : String(value);
}

/** Config keys whose values differ between the runs, in first-seen order. */
export function differingFields(records: readonly RunRecord[]): string[] {
  const keys: string[] = [];
  for (const r of records) for (const k of Object.keys(r.config)) if (!keys.includes(k)) keys.push(k);
  return keys.filter((key) => {
    const values = records.map((r) => (Object.hasOwn(r.config, key) ? JSON.stringify(r.config[key]) : '(missing)'));
    return new Set(values).size > 1;
  });
}

/**
 * The settings table: seed, preset, backend and status of every run, then each config field
 * whose value differs, then the Paper Lab and TensorFlow.js versions where they differ.
 */
export function settingRows(records: readonly RunRecord[]): string[][] {
  const rows: string[][] = [
    ['seed', ...records.map((r) => String(r.seed))],
    ['preset', ...records.map((r) => r.preset)],
    ['backend', ...records.map((r) => r.backend?.chosen ?? '—')],
    ['status', ...records.map((r) => r.status)],
  ];
  for (const key of differingFields(records))
    rows.push([key, ...records.map((r) => valueText(Object.hasOwn(r.config, key) ? r.config[key] : undefined))]);
  const versions: [string, (r: RunRecord) => string | undefined][] = [
    ['Paper Lab version', (r) => r.paperLabVersion],
    ['TensorFlow.js version', (r) => r.tfjsVersion ?? r.versions['tfjs-core']],
  ];
  for (const [name, of] of versions) {
    const values = records.map((r) => of(r) ?? '—');
    if (new Set(values).size > 1) rows.push([name, ...values]);
  }
  return rows;
}

/**
 * A short name per run that says what sets it apart from the others: its seed, preset, backend
 * and up to two differing fields, in that order, leaving out what all runs share. Runs that
 * differ in nothing shown are named by their start time (UTC), or numbered.
 */
export function memberLabels(records: readonly RunRecord[]): string[] {
  const differs = (of: (r: RunRecord) => string): boolean => new Set(records.map(of)).size > 1;
  const parts: ((r: RunRecord) => string)[] = [];
  if (differs((r) => r.preset)) parts.push((r) => r.preset);
  if (differs((r) => String(r.seed))) parts.push((r) => `seed ${r.seed}`);
  if (differs((r) => r.backend?.chosen ?? '—')) parts.push((r) => r.backend?.chosen ?? 'no backend');
  for (const key of differingFields(records).slice(0, 2))
    parts.push((r) => `${key} ${valueText(Object.hasOwn(r.config, key) ? r.config[key] : undefined)}`);
  const distinct = (xs: readonly string[]): boolean => xs.every((l) => l !== '') && new Set(xs).size === xs.length;
  const labels = records.map((r) => parts.map((p) => p(r)).join(' · '));
  if (distinct(labels)) return labels;
  // Otherwise by when each started (UTC, to the second), or by number.
  const started = labels.map((l, i) =>
    [l, `started ${records[i]?.startedAt.slice(11, 19) ?? '?'}`].filter((x) => x !== '').join(' · '),
  );
  if (distinct(started)) return started;
  return labels.map((l, i) => (l === '' ? `run ${i + 1}` : `${l} (run ${i + 1})`));
}

/** Whether the runs are one config at different seeds: same paper, demo, preset and config, no seed twice. */
export function isSeedSet(records: readonly RunRecord[]): boolean {
  const first = records[0];
  if (first === undefined || records.length < 2) return false;
  const same = (r: RunRecord): boolean =>
    r.paper === first.paper &&
    r.demo === first.demo &&
    r.preset === first.preset &&
    differingFields([first, r]).length === 0;
  return records.every(same) && new Set(records.map((r) => r.seed)).size === records.length;
}

/** One claim across the runs: its value and verdict in each run, the mean of the measured values, and how many runs it holds in. */
export interface ClaimAcross {
  readonly id: string;
  readonly text: string;
  readonly target: string;
  readonly unit?: string;
  /** Per run, in order; `measured: null, pass: false` where the run did not measure it or has no summary. */
  readonly perRun: readonly { readonly measured: number | null; readonly pass: boolean }[];
  /** Mean of the runs that measured it; null when none did. */
  readonly mean: number | null;
  readonly holds: number;
  readonly of: number;
}

/** Every claim any run measured, in the order the runs report them. */
export function claimsAcross(summaries: readonly (RunSummary | null | undefined)[]): ClaimAcross[] {
  const specs: { id: string; text: string; target: string; unit?: string }[] = [];
  for (const s of summaries)
    for (const c of s?.claims ?? [])
      if (!specs.some((x) => x.id === c.id))
        specs.push({ id: c.id, text: c.text, target: c.target, ...(c.unit !== undefined ? { unit: c.unit } : {}) });
  return specs.map((spec) => {
    const perRun = summaries.map((s) => {
      const c = s?.claims.find((x) => x.id === spec.id);
      return { measured: c?.measured ?? null, pass: c?.pass ?? false };
    });
    const measured = perRun.map((p) => p.measured).filter((m): m is number => m !== null && Number.isFinite(m));
    return {
      ...spec,
      perRun,
      mean: measured.length > 0 ? measured.reduce((a, b) => a + b, 0) / measured.length : null,
      holds: perRun.filter((p) => p.pass).length,
      of: perRun.length,
    };
  });
}

/** A metric across seeds: at each step any run logged it, the mean, min and max over the runs that did, and how many did. */
export interface Band {
  readonly steps: readonly number[];
  readonly mean: readonly number[];
  readonly min: readonly number[];
  readonly max: readonly number[];
  readonly count: readonly number[];
}

export function seedBand(runs: readonly (readonly MetricPoint[])[], metric: string): Band {
  const byStep = new Map<number, number[]>();
  for (const points of runs) {
    // A run that logged a step twice counts once there, with its last value.
    const own = new Map<number, number>();
    for (const p of points) {
      const v = p.values[metric];
      if (v !== undefined && Number.isFinite(v) && Number.isFinite(p.step)) own.set(p.step, v);
    }
    for (const [step, v] of own) byStep.set(step, [...(byStep.get(step) ?? []), v]);
  }
  const steps = [...byStep.keys()].sort((a, b) => a - b);
  const values = steps.map((s) => byStep.get(s) ?? []);
  return {
    steps,
    mean: values.map((vs) => vs.reduce((a, b) => a + b, 0) / vs.length),
    min: values.map((vs) => Math.min(...vs)),
    max: values.map((vs) => Math.max(...vs)),
    count: values.map((vs) => vs.length),
  };
}

/** How a derived series is drawn: the demo series' colour, dashed per run, or a band's edge. */
export interface SeriesStyle {
  /** Index of the demo's series (its colour). */
  readonly colour: number;
  /** Dash pattern (empty for solid): each run of a comparison gets its own. */
  readonly dash: readonly number[];
  /** A band's lower or upper edge: drawn thin, filled between, left out of the legend's values. */
  readonly edge?: 'min' | 'max';
}

/** A chart of a comparison: the demo's plot with derived series, their styles, bands and points. */
export interface RunSetChart {
  readonly spec: PlotSpec;
  readonly styles: readonly SeriesStyle[];
  /** Pairs of series indices (1-based, as uPlot counts them after x): [upper, lower] filled between. */
  readonly bands: readonly (readonly [number, number])[];
  readonly points: readonly MetricPoint[];
}

/** Dash patterns of the runs of a comparison, in order (repeated past six runs), and their names for a legend. */
export const RUN_DASHES: readonly (readonly number[])[] = [[], [6, 4], [2, 3], [10, 3, 2, 3], [12, 6], [1, 5]];
export const RUN_DASH_NAMES = ['solid', 'dashed', 'dotted', 'dash-dot', 'long dashes', 'sparse dots'] as const;

/** The runs laid over each other: per demo series, one line per run, its colour the series', its dash the run's. */
export function overlayCharts(
  plots: readonly PlotSpec[],
  members: readonly RunSetMember[],
  labels: readonly string[],
): RunSetChart[] {
  return plots.map((plot) => {
    const series: { metric: string; label: string }[] = [];
    const styles: SeriesStyle[] = [];
    plot.series.forEach((s, si) =>
      members.forEach((_m, ri) => {
        series.push({ metric: `${ri}|${s.metric}`, label: `${s.label} · ${labels[ri] ?? `run ${ri + 1}`}` });
        styles.push({ colour: si, dash: RUN_DASHES[ri % RUN_DASHES.length] ?? [] });
      }),
    );
    const points: MetricPoint[] = [];
    members.forEach((m, ri) => {
      for (const p of m.points) {
        const values: Record<string, number> = {};
        for (const s of plot.series) {
          const v = p.values[s.metric];
          if (v !== undefined) values[`${ri}|${s.metric}`] = v;
        }
        if (Object.keys(values).length > 0) points.push({ step: p.step, values });
      }
    });
    return { spec: { ...plot, series }, styles, bands: [], points };
  });
}

/** The seeds of one config: per demo series, the mean over seeds and a min–max band around it. */
export function bandCharts(plots: readonly PlotSpec[], members: readonly RunSetMember[]): RunSetChart[] {
  const n = members.length;
  return plots.map((plot) => {
    const series: { metric: string; label: string }[] = [];
    const styles: SeriesStyle[] = [];
    const bands: [number, number][] = [];
    const byStep = new Map<number, Record<string, number>>();
    const put = (step: number, key: string, v: number): void => {
      const row = byStep.get(step) ?? {};
      row[key] = v;
      byStep.set(step, row);
    };
    plot.series.forEach((s, si) => {
      const band = seedBand(
        members.map((m) => m.points),
        s.metric,
      );
      const base = series.length + 1;
      series.push({ metric: `mean|${s.metric}`, label: `${s.label} (mean of ${n} seeds)` });
      series.push({ metric: `max|${s.metric}`, label: `${s.label} (max)` });
      series.push({ metric: `min|${s.metric}`, label: `${s.label} (min)` });
      styles.push(
        { colour: si, dash: [] },
        { colour: si, dash: [], edge: 'max' },
        { colour: si, dash: [], edge: 'min' },
      );
      bands.push([base + 1, base + 2]);
      band.steps.forEach((step, i) => {
        put(step, `mean|${s.metric}`, band.mean[i] ?? Number.NaN);
        put(step, `max|${s.metric}`, band.max[i] ?? Number.NaN);
        put(step, `min|${s.metric}`, band.min[i] ?? Number.NaN);
      });
    });
    const points = [...byStep.entries()].sort(([a], [b]) => a - b).map(([step, values]) => ({ step, values }));
    return { spec: { ...plot, series }, styles, bands, points };
  });
}
