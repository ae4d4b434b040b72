/** Renders each kind of run output: tables, bars, heat maps, scatter plots, images and text. */
import type { OutputSpec } from '../shared/catalog';
import type {
  BarsOutput,
  HeatmapOutput,
  ImagesOutput,
  RunOutput,
  ScatterOutput,
  TableOutput,
  TextOutput,
} from '../shared/outputs';
import { clear, h, svg } from './dom';
import { formatNumber } from './format';
import { renderOutputSafely } from './outputGuard';
import { onThemeChange, readPalette, seriesColor, type Palette } from './theme';

const HEAT_LEVELS = 10;

function cell(value: string | number | null): string {
  if (value === null) return '—';
  return typeof value === 'number' ? formatNumber(value) : value;
}

function renderTable(out: TableOutput): HTMLElement {
  const numeric = out.columns.map((_, c) => out.rows.some((r) => typeof r[c] === 'number'));
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'data-table' },
      h(
        'thead',
        {},
        h('tr', {}, ...out.columns.map((c, i) => h('th', { scope: 'col', class: numeric[i] ? 'num' : undefined }, c))),
      ),
      h(
        'tbody',
        {},
        ...out.rows.map((row) =>
          h(
            'tr',
            {},
            ...row.map((v, i) =>
              h(
                i === 0 ? 'th' : 'td',
                { scope: i === 0 ? 'row' : undefined, class: numeric[i] ? 'num' : undefined },
                cell(v),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/** The theme's six chart colours come from CSS classes; a seventh series on gets its colour as an attribute. */
const CLASS_COLOURS = 6;

/**
 * Colours an SVG shape as series `index`: by class for the first six (they follow the theme through
 * CSS), by a fill attribute past them, kept in step with the theme by `redraws`.
 */
function colourSeries(el: SVGElement, index: number, redraws: ((p: Palette) => void)[]): SVGElement {
  if (index < CLASS_COLOURS) {
    el.setAttribute('class', `series-${index}`);
    return el;
  }
  const paint = (p: Palette): void => el.setAttribute('fill', seriesColor(p, index));
  paint(readPalette());
  redraws.push(paint);
  return el;
}

function renderBars(out: BarsOutput, redraws: ((p: Palette) => void)[]): HTMLElement {
  const W = 640;
  const H = 240;
  const bottom = 40;
  const top = 10;
  const plotH = H - top - bottom;
  const n = out.categories.length;
  const totals = out.categories.map((_, i) =>
    out.stacked
      ? out.series.reduce((s, ser) => s + Math.max(0, ser.values[i] ?? 0), 0)
      : Math.max(0, ...out.series.map((ser) => ser.values[i] ?? 0)),
  );
  const max = Math.max(1e-12, ...totals);
  const ticks = [0, 0.5, 1].map((t) => ({ value: t * max, text: formatNumber(t * max, 2) }));
  // Room for the longest tick label (about 7 px a character) and the rotated axis title beside it.
  const left = Math.max(48, 26 + 7 * Math.max(...ticks.map((t) => t.text.length)));
  const plotW = W - left - 10;
  const groupW = plotW / Math.max(1, n);
  const barW = out.stacked ? groupW * 0.75 : (groupW * 0.8) / Math.max(1, out.series.length);
  const y = (v: number): number => top + plotH - (v / max) * plotH;
  const chart = svg('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'bars-chart',
    role: 'img',
    'aria-label': `${out.title}: ${out.yLabel} by ${out.xLabel}`,
  });
  // Axes and ticks
  chart.appendChild(svg('line', { x1: left, y1: top + plotH, x2: W - 10, y2: top + plotH, class: 'axis' }));
  chart.appendChild(svg('line', { x1: left, y1: top, x2: left, y2: top + plotH, class: 'axis' }));
  for (const t of ticks) {
    chart.appendChild(svg('text', { x: left - 6, y: y(t.value) + 4, class: 'tick', 'text-anchor': 'end' }, t.text));
  }
  // Label every k-th bar so that labels (about 7 px a character at the tick size) never overlap.
  const longest = Math.max(1, ...out.categories.map((c) => c.length));
  const labelEvery = Math.max(Math.ceil(n / 20), Math.ceil((longest * 7 + 6) / groupW));
  out.categories.forEach((cat, i) => {
    const x0 = left + i * groupW + (groupW - (out.stacked ? barW : barW * out.series.length)) / 2;
    let acc = 0;
    out.series.forEach((ser, s) => {
      const v = Math.max(0, ser.values[i] ?? 0);
      const x = out.stacked ? x0 : x0 + s * barW;
      const y1 = y(out.stacked ? acc + v : v);
      const y0 = y(out.stacked ? acc : 0);
      const rect = colourSeries(
        svg('rect', { x, y: y1, width: Math.max(0.5, barW - 0.5), height: Math.max(0, y0 - y1) }),
        s,
        redraws,
      );
      rect.appendChild(svg('title', {}, `${cat} · ${ser.label}: ${formatNumber(ser.values[i] ?? 0)}`));
      chart.appendChild(rect);
      acc += v;
    });
    if (i % labelEvery === 0) {
      chart.appendChild(
        svg('text', { x: left + (i + 0.5) * groupW, y: top + plotH + 14, class: 'tick', 'text-anchor': 'middle' }, cat),
      );
    }
  });
  chart.appendChild(
    svg('text', { x: left + plotW / 2, y: H - 6, class: 'axis-label', 'text-anchor': 'middle' }, out.xLabel),
  );
  chart.appendChild(
    svg(
      'text',
      {
        x: 12,
        y: top + plotH / 2,
        class: 'axis-label',
        'text-anchor': 'middle',
        transform: `rotate(-90 12 ${top + plotH / 2})`,
      },
      out.yLabel,
    ),
  );
  return h(
    'div',
    { class: 'bars' },
    chart,
    legend(
      out.series.map((s) => s.label),
      redraws,
    ),
  );
}

function legend(labels: readonly string[], redraws: ((p: Palette) => void)[]): HTMLElement {
  return h(
    'ul',
    { class: 'legend' },
    ...labels.map((label, i) =>
      h(
        'li',
        {},
        svg(
          'svg',
          { class: 'swatch', viewBox: '0 0 10 10', 'aria-hidden': 'true' },
          colourSeries(svg('rect', { width: 10, height: 10, rx: 2 }), i, redraws),
        ),
        label,
      ),
    ),
  );
}

function renderHeatmap(out: HeatmapOutput): HTMLElement {
  const finite = out.values.flat().filter((v): v is number => v !== null && Number.isFinite(v));
  const min = finite.length ? Math.min(...finite) : 0;
  const max = finite.length ? Math.max(...finite) : 1;
  const level = (v: number): number =>
    max > min ? Math.min(HEAT_LEVELS - 1, Math.floor(((v - min) / (max - min)) * HEAT_LEVELS)) : HEAT_LEVELS - 1;
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'heatmap' },
      h('caption', { class: 'muted' }, `rows: ${out.rowTitle}; columns: ${out.colTitle}`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col', class: 'corner' }, `${out.rowTitle} \\ ${out.colTitle}`),
          ...out.colLabels.map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        ...out.rowLabels.map((r, ri) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, r),
            ...out.colLabels.map((_, ci) => {
              const v = out.values[ri]?.[ci] ?? null;
              return v === null || !Number.isFinite(v)
                ? h('td', { class: 'heat-none' }, '—')
                : h('td', { class: `heat heat-${level(v)}` }, formatNumber(v));
            }),
          ),
        ),
      ),
    ),
  );
}

/** A canvas sized for the device's pixel ratio; CSS sets its displayed size. */
function hiDpiCanvas(
  width: number,
  height: number,
  className: string,
): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D | null } {
  const ratio = window.devicePixelRatio || 1;
  const canvas = h('canvas', {
    class: className,
    width: Math.round(width * ratio),
    height: Math.round(height * ratio),
  });
  const ctx = canvas.getContext('2d');
  ctx?.scale(ratio, ratio);
  return { canvas, ctx };
}

function renderScatter(out: ScatterOutput, redraws: ((p: Palette) => void)[]): HTMLElement {
  const W = 480;
  const H = 360;
  const pad = 28;
  const { canvas, ctx } = hiDpiCanvas(W, H, 'scatter-canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute(
    'aria-label',
    `${out.title}: ${out.groups.map((g) => `${g.points.length} points of ${g.label}`).join(', ')}`,
  );
  const all = out.groups.flatMap((g) => g.points);
  const xs = all.map((p) => p[0]).filter(Number.isFinite);
  const ys = all.map((p) => p[1]).filter(Number.isFinite);
  const [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  const sx = (x: number): number => pad + ((x - x0) / (x1 - x0 || 1)) * (W - 2 * pad);
  const sy = (y: number): number => H - pad - ((y - y0) / (y1 - y0 || 1)) * (H - 2 * pad);
  const draw = (palette: Palette): void => {
    if (!ctx) return;
    ctx.clearRect(0, 0, W, H);
    ctx.strokeStyle = palette.grid;
    ctx.strokeRect(pad - 6, pad - 6, W - 2 * pad + 12, H - 2 * pad + 12);
    ctx.fillStyle = palette.muted;
    ctx.font = palette.font;
    ctx.fillText(`x ${formatNumber(x0, 2)} … ${formatNumber(x1, 2)}`, pad - 6, H - 6);
    ctx.fillText(`y ${formatNumber(y0, 2)} … ${formatNumber(y1, 2)}`, pad - 6, 16);
    out.groups.forEach((g, gi) => {
      ctx.fillStyle = seriesColor(palette, gi);
      ctx.globalAlpha = 0.75;
      for (const [x, y] of g.points) {
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        ctx.beginPath();
        ctx.arc(sx(x), sy(y), 2.2, 0, 2 * Math.PI);
        ctx.fill();
      }
      ctx.globalAlpha = 1;
    });
  };
  draw(readPalette());
  redraws.push(draw);
  return h(
    'div',
    { class: 'scatter' },
    canvas,
    legend(
      out.groups.map((g) => g.label),
      redraws,
    ),
  );
}

function renderImages(out: ImagesOutput): HTMLElement {
  const grid = h('div', { class: 'image-grid' });
  const w = Math.max(1, Math.floor(out.width));
  const hgt = Math.max(1, Math.floor(out.height));
  for (const img of out.images) {
    const canvas = h('canvas', { class: 'image', width: w, height: hgt, role: 'img', 'aria-label': img.label });
    const ctx = canvas.getContext('2d');
    if (ctx) {
      const data = ctx.createImageData(w, hgt);
      for (let i = 0; i < w * hgt; i++) {
        const v = Math.round(255 * Math.min(1, Math.max(0, img.pixels[i] ?? 0)));
        data.data[4 * i] = v;
        data.data[4 * i + 1] = v;
        data.data[4 * i + 2] = v;
        data.data[4 * i + 3] = 255;
      }
      ctx.putImageData(data, 0, 0);
    }
    grid.appendChild(h('figure', { class: 'image-cell' }, canvas, h('figcaption', {}, img.label)));
  }
  return grid;
}

function renderText(out: TextOutput): HTMLElement {
  return h('pre', { class: 'text-output' }, out.text);
}

/** The note shown in place of an output that cannot be drawn. */
function failedOutput(id: string, reason: string): HTMLElement {
  return h(
    'section',
    { class: 'output output-failed', 'data-output': id },
    h(
      'div',
      { class: 'config-errors', role: 'status' },
      h('p', { class: 'config-error' }, `could not show output ${id}: ${reason}`),
    ),
  );
}

/** The outputs of the shown run, in the order the demo declares them. */
export class OutputsView {
  readonly element: HTMLElement;
  private specs: readonly OutputSpec[] = [];
  private readonly redraws = new Map<string, ((p: Palette) => void)[]>();
  private readonly stopTheme: () => void;

  constructor() {
    this.element = h('div', { class: 'outputs', 'aria-live': 'off' });
    this.stopTheme = onThemeChange((p) => {
      for (const fns of this.redraws.values()) for (const f of fns) f(p);
    });
  }

  reset(specs: readonly OutputSpec[]): void {
    this.specs = specs;
    this.redraws.clear();
    clear(this.element);
  }

  /**
   * Shows one output (replacing an earlier one with its id). A malformed output, or one whose
   * drawing throws, is shown as a "could not show output" note instead; nothing here throws, so
   * a caller showing several goes on to the next.
   */
  show(value: unknown): void {
    const redraws: ((p: Palette) => void)[] = [];
    const { id, section } = renderOutputSafely(
      value,
      (out) => ({ id: out.id, section: this.render(out, redraws) }),
      (failedId, reason) => {
        redraws.length = 0; // a drawing that threw half-way leaves nothing to re-theme
        return { id: failedId, section: failedOutput(failedId, reason) };
      },
    );
    this.redraws.set(id, redraws);
    this.place(id, section);
  }

  private render(out: RunOutput, redraws: ((p: Palette) => void)[]): HTMLElement {
    const spec = this.specs.find((s) => s.id === out.id);
    let body: HTMLElement;
    switch (out.kind) {
      case 'table':
        body = renderTable(out);
        break;
      case 'bars':
        body = renderBars(out, redraws);
        break;
      case 'heatmap':
        body = renderHeatmap(out);
        break;
      case 'scatter':
        body = renderScatter(out, redraws);
        break;
      case 'images':
        body = renderImages(out);
        break;
      case 'text':
        body = renderText(out);
        break;
    }
    const note = 'note' in out ? out.note : undefined;
    return h(
      'section',
      { class: `output output-${out.kind}`, 'data-output': out.id, 'data-kind': out.kind },
      h('h3', {}, out.title || spec?.title || out.id),
      spec?.description ? h('p', { class: 'muted' }, spec.description) : null,
      body,
      note ? h('p', { class: 'note' }, note) : null,
    );
  }

  /** Puts a section in the declared order, or in place of the one shown for the same id. */
  private place(id: string, section: HTMLElement): void {
    const existing = this.element.querySelector(`.output[data-output="${CSS.escape(id)}"]`);
    if (existing) {
      existing.replaceWith(section);
      return;
    }
    // Keep the declared order: insert before the first shown output declared after this one.
    const order = (outputId: string): number => {
      const i = this.specs.findIndex((s) => s.id === outputId);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    const mine = order(id);
    const after = [...this.element.querySelectorAll<HTMLElement>('.output')].find(
      (el) => order(el.dataset['output'] ?? '') > mine,
    );
    this.element.insertBefore(section, after ?? null);
  }

  dispose(): void {
    this.stopTheme();
  }
}
