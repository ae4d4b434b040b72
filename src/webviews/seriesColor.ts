/** Series colours for plots and charts. No DOM here (tested in Node). */

export interface SeriesPalette {
  /** The theme's chart colours. */
  readonly series: readonly string[];
  /** A dark theme: light colours read on it. */
  readonly dark: boolean;
  /** Fallback colour. */
  readonly foreground: string;
}

/**
 * The colour of series `index`: the theme's six chart colours first, then colours of their own
 * (hues a golden angle apart, lighter on dark themes, darker on light ones), so that twenty
 * classes get twenty colours instead of the six repeating.
 */
export function seriesColor(palette: SeriesPalette, index: number): string {
  if (index < palette.series.length) return palette.series[index] ?? palette.foreground;
  const extra = index - palette.series.length;
  const hue = Math.round((extra * 137.508 + 15) % 360);
  const step = extra % 3;
  const lightness = palette.dark ? 72 - 10 * step : 30 + 10 * step;
  return `hsl(${hue}, ${palette.dark ? 70 : 65}%, ${lightness}%)`;
}

/**
 * `colour` made translucent (for a band's fill): `#rgb`, `#rrggbb`, `rgb(…)` and `hsl(…)` get the
 * alpha; a colour in another form (a name) is returned as it is.
 */
export function withAlpha(colour: string, alpha: number): string {
  const c = colour.trim();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c)?.[1];
  if (hex) {
    const full = hex.length === 3 ? [...hex].map((d) => d + d).join('') : hex;
    const [r, g, b] = [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const fn = /^(rgb|hsl)a?\(([^)]*)\)$/i.exec(c);
  if (fn) {
    const parts = (fn[2] ?? '')
      .split(/\s*[,/]\s*|\s+/)
      .filter((p) => p !== '')
      .slice(0, 3);
    return `${(fn[1] ?? 'rgb').toLowerCase()}a(${parts.join(', ')}, ${alpha})`;
  }
  return c;
}
