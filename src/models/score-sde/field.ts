/**
 * The learned score field of the 2-D demo as a scatter plot: a few small panels, one per time t,
 * each with the samples x(t) of the reverse process and arrows of s_θ(·, t) on a grid. The
 * scatter output draws only points, so an arrow is a dotted segment from its grid point in the
 * direction of the score whose dots crowd towards the head. Panels sit side by side (two per row)
 * in one coordinate system, each shifted by a fixed offset.
 *
 * Pure numbers, no tensors: the caller evaluates the score on `fieldGrid` and passes the values.
 */
import type { Sde } from './sdes';

/** Fractions along an arrow where its dots sit: spaced out at the tail, crowded at the head. */
export const ARROW_DOTS = [0, 0.3, 0.55, 0.75, 0.88, 0.96, 1] as const;

/** Grid points per side of a panel. */
export const FIELD_GRID = 11;

/** Panels per row. */
const COLUMNS = 2;

export interface FieldPanel {
  readonly t: number;
  /** The score at each grid point, row-major [FIELD_GRID², 2]. */
  readonly score: Float32Array;
  /** Samples x(t) of the reverse process, row-major [n, 2]. */
  readonly samples: Float32Array;
}

/** The grid points of a panel of half-width `extent`, row-major [FIELD_GRID², 2]. */
export function fieldGrid(extent: number): Float32Array {
  const out = new Float32Array(2 * FIELD_GRID * FIELD_GRID);
  for (let i = 0; i < FIELD_GRID; i++) {
    for (let j = 0; j < FIELD_GRID; j++) {
      const k = i * FIELD_GRID + j;
      out[2 * k] = -extent + (2 * extent * j) / (FIELD_GRID - 1);
      out[2 * k + 1] = extent - (2 * extent * i) / (FIELD_GRID - 1);
    }
  }
  return out;
}

/**
 * The time at which the noise-to-signal ratio σ_t/m_t of the kernel equals `ratio` (bisection on
 * [ε, T]; σ_t/m_t increases with t for all three SDEs). Clamped to the ends.
 */
export function timeAtNoiseRatio(sde: Sde, ratio: number, eps: number): number {
  const r = (t: number): number => sde.marginalStd(t) / sde.marginalMean(t);
  let lo = eps;
  let hi = sde.T;
  if (ratio <= r(lo)) return lo;
  if (ratio >= r(hi)) return hi;
  for (let k = 0; k < 60; k++) {
    const mid = 0.5 * (lo + hi);
    if (r(mid) < ratio) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Where panel k's origin sits in the shared coordinates. */
export function panelOffset(k: number, extent: number): [number, number] {
  const step = 2.3 * extent;
  return [(k % COLUMNS) * step, -Math.floor(k / COLUMNS) * step];
}

/** Position words for panel k ("top left", …) for the legend. */
export function panelPosition(k: number, panels: number): string {
  const rows = Math.ceil(panels / COLUMNS);
  const row = Math.floor(k / COLUMNS);
  const vertical = rows === 1 ? '' : row === 0 ? 'top ' : row === rows - 1 ? 'bottom ' : 'middle ';
  return `${vertical}${k % COLUMNS === 0 ? 'left' : 'right'}`;
}

/**
 * The dots of the arrows of one panel, in panel coordinates: each arrow starts at its grid point and
 * has length 0.9·spacing·√(|s|/max|s|) (the square root keeps the weak arrows visible).
 */
export function arrowDots(grid: Float32Array, score: Float32Array, extent: number): [number, number][] {
  const n = grid.length / 2;
  let max = 0;
  for (let i = 0; i < n; i++) max = Math.max(max, Math.hypot(score[2 * i] as number, score[2 * i + 1] as number));
  const spacing = (2 * extent) / (FIELD_GRID - 1);
  const dots: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const sx = score[2 * i] as number;
    const sy = score[2 * i + 1] as number;
    const norm = Math.hypot(sx, sy);
    const length = max > 0 && norm > 0 ? 0.9 * spacing * Math.sqrt(norm / max) : 0;
    const [ux, uy] = norm > 0 ? [sx / norm, sy / norm] : [0, 0];
    for (const f of ARROW_DOTS) {
      dots.push([(grid[2 * i] as number) + f * length * ux, (grid[2 * i + 1] as number) + f * length * uy]);
    }
  }
  return dots;
}

/** The scatter groups of all panels: the samples (inside each panel's square only), then one arrow group per panel. */
export function fieldGroups(
  panels: readonly FieldPanel[],
  grid: Float32Array,
  extent: number,
  sampleLimit: number,
): { label: string; points: [number, number][] }[] {
  const samples: [number, number][] = [];
  const arrows = panels.map((panel, k) => {
    const [ox, oy] = panelOffset(k, extent);
    const n = Math.min(sampleLimit, panel.samples.length / 2);
    for (let i = 0; i < n; i++) {
      const x = panel.samples[2 * i] as number;
      const y = panel.samples[2 * i + 1] as number;
      if (Math.abs(x) <= extent && Math.abs(y) <= extent) samples.push([x + ox, y + oy]);
    }
    return {
      label: `s_θ(x, t = ${panel.t.toPrecision(2)}) (${panelPosition(k, panels.length)})`,
      points: arrowDots(grid, panel.score, extent).map(([x, y]): [number, number] => [x + ox, y + oy]),
    };
  });
  return [{ label: 'samples x(t) of the reverse process', points: samples }, ...arrows];
}
