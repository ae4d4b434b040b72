/**
 * Live line plots with uPlot, one per PlotSpec. Metric points are appended to per-plot column
 * buffers and drawn at most once per animation frame; the chart is re-created with the same
 * data when the theme changes so its colours follow VS Code.
 */
import uPlot from 'uplot';
import type { MetricPoint } from '../shared/runs';
import type { SeriesStyle } from '../shared/runSet';
import type { PlotView } from '../shared/webviewProtocol';
import { clear, h } from './dom';
import { formatNumber, formatWithUnit } from './format';
import { paperFiguresElement } from './paperFigures';
import { SeriesBuffer } from './series';
import { withAlpha } from './seriesColor';
import { onThemeChange, readPalette, seriesColor, type Palette } from './theme';

const HEIGHT = 240;

/**
 * A plot as the panel draws it: a demo's plot, or one derived from several runs, whose series
 * then carry a style each (colour of the demo's series, dash of the run, band edge) and bands
 * to fill between pairs of them.
 */
export type ChartView = PlotView & {
  readonly styles?: readonly SeriesStyle[];
  readonly bands?: readonly (readonly [number, number])[];
};

class LivePlot {
  readonly element: HTMLElement;
  readonly buffer: SeriesBuffer;
  private chart: uPlot | undefined;
  private readonly canvasHost: HTMLElement;
  private readonly summary: HTMLElement;
  /** "Show data": the plot's points as a table (what a screen reader reads instead of the canvas). */
  private readonly dataToggle: HTMLButtonElement;
  private readonly dataHost: HTMLElement;

  constructor(
    readonly spec: ChartView,
    palette: Palette,
  ) {
    this.buffer = new SeriesBuffer(
      spec.series.map((s) => s.metric),
      { positiveOnly: spec.logY === true },
    );
    this.canvasHost = h('div', { class: 'plot-canvas' });
    this.summary = h('p', { class: 'plot-summary muted', 'aria-live': 'off' }, 'No points yet.');
    const titleId = `plot-title-${spec.id}`;
    this.dataToggle = h(
      'button',
      {
        type: 'button',
        class: 'link-button data-toggle',
        'aria-expanded': 'false',
        'aria-controls': `plot-data-${spec.id}`,
      },
      'Show data',
    );
    this.dataHost = h('div', { id: `plot-data-${spec.id}`, class: 'table-wrap plot-data', hidden: true });
    this.dataToggle.addEventListener('click', () => this.toggleData());
    this.element = h(
      'figure',
      { class: 'plot', 'data-plot': spec.id, 'data-points': 0, 'aria-labelledby': titleId },
      h('figcaption', { id: titleId, class: 'plot-title' }, spec.title),
      this.canvasHost,
      this.summary,
      this.dataToggle,
      this.dataHost,
      paperFiguresElement(spec.paperFigures, 'plot-paper-figures'),
    );
    this.create(palette);
  }

  private width(): number {
    return Math.max(240, Math.floor(this.canvasHost.clientWidth || this.element.clientWidth || 600));
  }

  create(palette: Palette): void {
    this.chart?.destroy();
    const spec = this.spec;
    const axis = (label: string): uPlot.Axis => ({
      label,
      stroke: palette.foreground,
      font: palette.font,
      labelFont: palette.font,
      grid: { stroke: palette.grid, width: 1 },
      ticks: { stroke: palette.grid, width: 1 },
    });
    const percent = spec.yUnit === 'accuracy' || spec.yUnit === 'fraction';
    const unitLabel = percent ? '%' : spec.yUnit;
    const yLabel = unitLabel && unitLabel !== spec.yLabel ? `${spec.yLabel} (${unitLabel})` : spec.yLabel;
    const yScale: uPlot.Scale = spec.logY ? { distr: 3 } : {};
    if (spec.yRange) {
      const [lo, hi] = spec.yRange;
      yScale.range = () => [lo, hi];
    }
    const opts: uPlot.Options = {
      width: this.width(),
      height: HEIGHT,
      scales: { x: { time: false }, y: yScale },
      axes: [
        axis(spec.xLabel),
        {
          ...axis(yLabel),
          size: 60,
          // Fractions read as percentages on the axis, as they do in the legend.
          ...(percent ? { values: (_u: uPlot, splits: number[]) => splits.map((v) => formatNumber(v * 100, 3)) } : {}),
        },
      ],
      series: [
        { label: spec.xLabel },
        ...spec.series.map((s, i) => {
          const style = spec.styles?.[i];
          return {
            label: s.label,
            stroke: seriesColor(palette, style?.colour ?? i),
            width: style?.edge ? 1 : 2,
            ...(style && style.dash.length > 0 ? { dash: [...style.dash] } : {}),
            ...(style?.edge ? { alpha: 0.5 } : {}),
            spanGaps: true,
            points: { show: false },
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatWithUnit(v, spec.yUnit)),
          };
        }),
      ],
      ...(spec.bands && spec.bands.length > 0
        ? {
            bands: spec.bands.map(([upper, lower]) => ({
              series: [upper, lower] as [number, number],
              fill: withAlpha(seriesColor(palette, spec.styles?.[upper - 1]?.colour ?? upper - 1), 0.18),
            })),
          }
        : {}),
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false } },
    };
    this.chart = new uPlot(opts, this.buffer.data() as uPlot.AlignedData, this.canvasHost);
    // A band's edges are drawn but not listed: the legend names the mean (its table has them all).
    const rows = this.chart.root.querySelectorAll<HTMLElement>('.u-legend .u-series');
    spec.styles?.forEach((style, i) => {
      const row = rows[i + 1];
      if (style.edge && row) row.classList.add('band-edge');
    });
  }

  redraw(): void {
    this.chart?.setData(this.buffer.data() as uPlot.AlignedData);
    this.element.dataset['points'] = String(this.buffer.length);
    this.renderData();
    const latest = this.buffer.latest();
    const x = this.buffer.x[this.buffer.length - 1];
    this.summary.textContent =
      x === undefined
        ? 'No points yet.'
        : `At ${this.spec.xLabel} ${x}: ` +
          this.spec.series
            .map((s, i) =>
              this.spec.styles?.[i]?.edge ? '' : `${s.label} ${formatWithUnit(latest[i] ?? null, this.spec.yUnit)}`,
            )
            .filter((t) => t !== '')
            .join(', ');
  }

  private toggleData(): void {
    const open = this.dataHost.hidden;
    this.dataHost.hidden = !open;
    this.dataToggle.setAttribute('aria-expanded', String(open));
    this.dataToggle.textContent = open ? 'Hide data' : 'Show data';
    if (open) this.renderData();
  }

  /** The table of points, drawn while it is shown (and again as points arrive). */
  private renderData(): void {
    if (this.dataHost.hidden) return;
    clear(this.dataHost);
    const rows = this.buffer.rows();
    const shown = rows.length < this.buffer.length ? ` (${rows.length} of ${this.buffer.length} points)` : '';
    this.dataHost.appendChild(
      h(
        'table',
        { class: 'data-table' },
        h('caption', { class: 'muted' }, `${this.spec.title}${shown}`),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col', class: 'num' }, this.spec.xLabel),
            ...this.spec.series.map((s) => h('th', { scope: 'col', class: 'num' }, s.label)),
          ),
        ),
        h(
          'tbody',
          {},
          ...rows.map(([x, ...ys]) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row', class: 'num' }, formatNumber(x ?? Number.NaN)),
              ...ys.map((v) => h('td', { class: 'num' }, formatWithUnit(v, this.spec.yUnit))),
            ),
          ),
        ),
      ),
    );
  }

  resize(): void {
    this.chart?.setSize({ width: this.width(), height: HEIGHT });
  }

  destroy(): void {
    this.chart?.destroy();
    this.chart = undefined;
  }
}

export class PlotsView {
  readonly element: HTMLElement;
  private plots: LivePlot[] = [];
  private readonly dirty = new Set<LivePlot>();
  private frame: number | undefined;
  private readonly resizeObserver: ResizeObserver;
  private readonly stopTheme: () => void;

  constructor() {
    this.element = h('div', { class: 'plots' });
    this.stopTheme = onThemeChange((palette) => {
      for (const p of this.plots) {
        p.create(palette);
        p.redraw();
      }
    });
    let resizeFrame: number | undefined;
    this.resizeObserver = new ResizeObserver(() => {
      if (resizeFrame !== undefined) cancelAnimationFrame(resizeFrame);
      resizeFrame = requestAnimationFrame(() => {
        resizeFrame = undefined;
        for (const p of this.plots) p.resize();
      });
    });
    this.resizeObserver.observe(this.element);
  }

  /** Replaces the plots with empty ones for these specs (with the paper's figures under each). */
  reset(specs: readonly ChartView[]): void {
    for (const p of this.plots) p.destroy();
    clear(this.element);
    this.dirty.clear();
    const palette = readPalette();
    this.plots = [];
    for (const spec of specs) {
      // Attach before creating the chart so it can measure its width.
      const plot = new LivePlot(spec, palette);
      this.element.appendChild(plot.element);
      plot.resize();
      this.plots.push(plot);
    }
    // The panel may reset the plots while their container is out of the page (it is cleared and
    // filled again in one go): then they measured nothing, and the container's size, the same before
    // and after, gives the resize observer nothing to report. Measure again once it is laid out.
    requestAnimationFrame(() => {
      for (const p of this.plots) p.resize();
    });
  }

  /** Appends points; drawing waits for the next animation frame. */
  add(points: readonly MetricPoint[]): void {
    for (const p of this.plots) if (p.buffer.add(points)) this.dirty.add(p);
    if (this.dirty.size > 0 && this.frame === undefined) {
      this.frame = requestAnimationFrame(() => this.flush());
    }
  }

  /** Draws pending points now. */
  flush(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = undefined;
    for (const p of this.dirty) p.redraw();
    this.dirty.clear();
  }

  dispose(): void {
    this.stopTheme();
    this.resizeObserver.disconnect();
    for (const p of this.plots) p.destroy();
  }
}
