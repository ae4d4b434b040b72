/** Small text helpers shared by the panel, the status bar and the CLI. */

/** English plural of a step label: "round" → "rounds", "batch" → "batches", "steps" stays. */
export function plural(label: string): string {
  if (/s$/.test(label)) return label;
  return /(x|z|ch|sh)$/.test(label) ? `${label}es` : `${label}s`;
}

/** A number for text output: integers as they are, others to four significant digits (e-notation when tiny or huge). */
export function formatNumber(value: number | null, unit?: string): string {
  if (value === null) return '—';
  const abs = Math.abs(value);
  const text =
    Number.isInteger(value) && abs < 1e6
      ? String(value)
      : abs !== 0 && (abs < 1e-3 || abs >= 1e6)
        ? value.toExponential(3)
        : value.toPrecision(4);
  return unit ? `${text} ${unit}` : text;
}
