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
