/** Small text helpers shared by the panel, the status bar and the CLI. */

/** English plural of a step label: "round" → "rounds", "batch" → "batches", "steps" stays. */
export function plural(label: string): string {
  if (/s$/.test(label)) return label;
  return /(x|z|ch|sh)$/.test(label) ? `${label}es` : `${label}s`;
}
