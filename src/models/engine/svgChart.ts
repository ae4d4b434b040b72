/**
 * A self-contained SVG line chart (no DOM, no libraries) for `paper-lab export`: a title, a
 * legend, axes with ticks and labels, and one polyline per series, clipped to the plot area.
 */
import type { PlotSpec } from '../../shared/catalog';

export interface ChartSeries {
  readonly label: string;
  /** [x, y] points in x order; points that cannot be drawn (not finite, ≤ 0 on a log axis) are left out. */
  readonly points: readonly (readonly [number, number])[];
}

/** A demo's plot (its axes and title; the y range is the data's own when not given) with the points to draw. */
export interface ChartSpec extends Pick<PlotSpec, 'title' | 'xLabel' | 'yLabel' | 'yUnit' | 'yRange' | 'logY'> {
  readonly series: readonly ChartSeries[];
}

/** Colours of the series, in order (repeated past ten series). */
export const SERIES_COLOURS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
] as const;

const WIDTH = 720;
const HEIGHT = 420;
const FONT = 12;
/** Rough width of a character at FONT px, to lay out the legend. */
const CHAR_W = 7;

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Evenly spaced "nice" tick values (steps of 1, 2 or 5 × 10^k) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag) as number;
  const ticks: number[] = [];
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) ticks.push(i * step);
  return ticks;
}

/** A tick's label: few digits, exponent notation for very large or small values. */
export function tickText(value: number): string {
  const v = Number(value.toPrecision(6));
  const abs = Math.abs(v);
  if (abs !== 0 && (abs >= 1e5 || abs < 1e-3)) return v.toExponential().replace(/\.?0+e/, 'e');
  return String(v);
}

interface Axis {
  readonly lo: number;
  readonly hi: number;
  readonly ticks: readonly number[];
  /** Maps a data value to [0, 1] along the axis. */
  readonly frac: (v: number) => number;
}

function linearAxis(values: readonly number[], range?: readonly [number, number]): Axis {
  let lo = range ? range[0] : Math.min(...values);
  let hi = range ? range[1] : Math.max(...values);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (hi === lo) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    [lo, hi] = [lo - pad, hi + pad];
  }
  if (!range) {
    // Widen to the ticks around the data, so the first and last ticks are at the plot's edges.
    const t = niceTicks(lo, hi);
    const step = t.length > 1 ? (t[1] ?? 0) - (t[0] ?? 0) : hi - lo;
    lo = Math.floor(lo / step + 1e-9) * step;
    hi = Math.ceil(hi / step - 1e-9) * step;
  }
  return { lo, hi, ticks: niceTicks(lo, hi), frac: (v) => (v - lo) / (hi - lo) };
}

function logAxis(values: readonly number[], range?: readonly [number, number]): Axis {
  const positive = values.filter((v) => v > 0);
  const lo0 = range && range[0] > 0 ? range[0] : positive.length > 0 ? Math.min(...positive) : 1;
  const hi0 = range && range[1] > 0 ? range[1] : positive.length > 0 ? Math.max(...positive) : 10;
  let lo = Math.floor(Math.log10(lo0));
  let hi = Math.ceil(Math.log10(hi0));
  if (hi === lo) hi = lo + 1;
  if (range && range[0] > 0 && range[1] > 0) [lo, hi] = [Math.log10(range[0]), Math.log10(range[1])];
  // Powers of ten; over fewer than three decades also 2 and 5 times them.
  const steps = hi - lo < 3 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++)
    for (const m of steps) {
      const t = Math.log10(m) + e;
      if (t >= lo - 1e-9 && t <= hi + 1e-9) ticks.push(Number((m * 10 ** e).toPrecision(12)));
    }
  return { lo: 10 ** lo, hi: 10 ** hi, ticks, frac: (v) => (Math.log10(v) - lo) / (hi - lo) };
}

const num = (v: number): string => (Math.round(v * 100) / 100).toString();

/** Where everything of a chart goes, in the chart's pixels: shared by the SVG and the PNG drawing. */
export interface ChartFrame {
  readonly width: number;
  readonly height: number;
  readonly title: string;
  readonly xTitle: string;
  readonly yTitle: string;
  /** The plot area. */
  readonly left: number;
  readonly top: number;
  readonly plotWidth: number;
  readonly plotHeight: number;
  readonly empty: boolean;
  /** Legend items: a line of the series' colour from x to x + 20 at y − 4, its label from x + 26 on baseline y. */
  readonly legend: readonly {
    readonly label: string;
    readonly colour: string;
    readonly x: number;
    readonly y: number;
  }[];
  /** Tick positions (pixels along their axis) and labels. */
  readonly xTicks: readonly { readonly at: number; readonly text: string }[];
  readonly yTicks: readonly { readonly at: number; readonly text: string }[];
  /** Each series' points in pixels, in x order. */
  readonly series: readonly {
    readonly label: string;
    readonly colour: string;
    readonly points: readonly (readonly [number, number])[];
  }[];
}

/** Lays a chart out: legend rows under the title, axes with ticks around the data, series in pixels. */
export function chartFrame(spec: ChartSpec): ChartFrame {
  const drawable = (y: number): boolean => Number.isFinite(y) && (!spec.logY || y > 0);
  const series = spec.series.map((s) => ({
    label: s.label,
    points: s.points.filter(([x, y]) => Number.isFinite(x) && drawable(y)),
  }));
  const xs = series.flatMap((s) => s.points.map(([x]) => x));
  const ys = series.flatMap((s) => s.points.map(([, y]) => y));
  const empty = xs.length === 0;
  const colour = (i: number): string => SERIES_COLOURS[i % SERIES_COLOURS.length] ?? '#000';

  // The legend: items in rows under the title.
  const legend: { label: string; colour: string; x: number; y: number }[] = [];
  let row = 0;
  let cursor = 0;
  const left = 72;
  const right = 24;
  const plotWidth = WIDTH - left - right;
  series.forEach((s, i) => {
    const w = 28 + s.label.length * CHAR_W + 16;
    if (cursor > 0 && cursor + w > plotWidth) {
      row += 1;
      cursor = 0;
    }
    legend.push({ label: s.label, colour: colour(i), x: left + cursor, y: 40 + row * 18 });
    cursor += w;
  });
  const top = 40 + (row + 1) * 18;
  const bottom = 52;
  const plotHeight = HEIGHT - top - bottom;

  const xAxis = linearAxis(empty ? [0, 1] : xs);
  const yAxis = spec.logY ? logAxis(ys, spec.yRange) : linearAxis(empty ? [0, 1] : ys, spec.yRange);
  const px = (x: number): number => left + xAxis.frac(x) * plotWidth;
  const py = (y: number): number => top + (1 - yAxis.frac(y)) * plotHeight;
  return {
    width: WIDTH,
    height: HEIGHT,
    title: spec.title,
    xTitle: spec.xLabel,
    yTitle: spec.yUnit ? `${spec.yLabel} (${spec.yUnit})` : spec.yLabel,
    left,
    top,
    plotWidth,
    plotHeight,
    empty,
    legend,
    xTicks: xAxis.ticks.map((t) => ({ at: px(t), text: tickText(t) })),
    yTicks: yAxis.ticks.map((t) => ({ at: py(t), text: tickText(t) })),
    series: series.map((s, i) => ({
      label: s.label,
      colour: colour(i),
      points: s.points.map(([x, y]) => [px(x), py(y)] as const),
    })),
  };
}

/** The chart as an SVG document. */
export function lineChartSvg(spec: ChartSpec): string {
  const f = chartFrame(spec);
  const { left, top, plotWidth, plotHeight } = f;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ` +
      `font-family="sans-serif" font-size="${FONT}">`,
    `<title>${escapeXml(f.title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<defs><clipPath id="plot-area"><rect x="${left}" y="${top}" width="${plotWidth}" height="${plotHeight}"/></clipPath></defs>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(f.title)}</text>`,
  );
  for (const item of f.legend) {
    const y = item.y;
    parts.push(
      `<line x1="${item.x}" y1="${y - 4}" x2="${item.x + 20}" y2="${y - 4}" stroke="${item.colour}" stroke-width="2"/>`,
      `<text x="${item.x + 26}" y="${y}">${escapeXml(item.label)}</text>`,
    );
  }
  // Grid and ticks.
  parts.push('<g stroke="#e0e0e0" stroke-width="1">');
  for (const t of f.yTicks)
    parts.push(`<line x1="${left}" y1="${num(t.at)}" x2="${left + plotWidth}" y2="${num(t.at)}"/>`);
  for (const t of f.xTicks)
    parts.push(`<line x1="${num(t.at)}" y1="${top}" x2="${num(t.at)}" y2="${top + plotHeight}"/>`);
  parts.push('</g>');
  parts.push('<g fill="#333333">');
  for (const t of f.yTicks)
    parts.push(`<text x="${left - 6}" y="${num(t.at + 4)}" text-anchor="end">${escapeXml(t.text)}</text>`);
  for (const t of f.xTicks)
    parts.push(`<text x="${num(t.at)}" y="${top + plotHeight + 16}" text-anchor="middle">${escapeXml(t.text)}</text>`);
  parts.push('</g>');
  // Axes and their titles.
  parts.push(
    `<path d="M${left} ${top} V${top + plotHeight} H${left + plotWidth}" fill="none" stroke="#333333" stroke-width="1"/>`,
    `<text x="${left + plotWidth / 2}" y="${HEIGHT - 12}" text-anchor="middle">${escapeXml(f.xTitle)}</text>`,
    `<text transform="translate(16 ${top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(f.yTitle)}</text>`,
  );
  if (f.empty)
    parts.push(
      `<text x="${left + plotWidth / 2}" y="${top + plotHeight / 2}" text-anchor="middle" fill="#777777">no data</text>`,
    );
  // The series.
  parts.push('<g clip-path="url(#plot-area)" fill="none" stroke-width="1.5" stroke-linejoin="round">');
  for (const s of f.series) {
    const points = s.points.map(([x, y]) => `${num(x)},${num(y)}`).join(' ');
    parts.push(`<polyline stroke="${s.colour}" points="${points}"><title>${escapeXml(s.label)}</title></polyline>`);
  }
  parts.push('</g>', '</svg>');
  return parts.join('\n') + '\n';
}
