/**
 * Text output of the CLI: tables, a progress line (a bar on a terminal, plain lines otherwise).
 */
import { formatNumber, plural } from '../shared/text';

export { formatNumber };
import type { ClaimResult } from '../shared/runs';

/** Left-aligned text table with a header rule. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export function claimsTable(claims: readonly ClaimResult[]): string {
  if (claims.length === 0) return '(this demo declares no claims)';
  return table(
    ['claim', 'measured', 'target', 'result'],
    claims.map((c) => [
      c.text + (c.caveat ? ' (*)' : ''),
      formatNumber(c.measured, c.unit),
      c.target,
      c.pass ? 'PASS' : 'FAIL',
    ]),
  );
}

interface Output {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): boolean;
}

/** Progress on one rewritten line on a terminal; otherwise a plain line every 10 %. */
export class ProgressLine {
  private shown = false;
  private lastDecile = -1;

  constructor(
    private readonly out: Output,
    private readonly stepLabel: string,
  ) {}

  update(step: number, total: number, stepsPerSecond: number): void {
    const frac = total > 0 ? Math.min(1, step / total) : 0;
    const rate =
      stepsPerSecond > 0 ? `${stepsPerSecond.toFixed(stepsPerSecond < 10 ? 2 : 1)} ${plural(this.stepLabel)}/s` : '';
    const eta = stepsPerSecond > 0 && total > step ? `ETA ${formatSeconds((total - step) / stepsPerSecond)}` : '';
    const text = `${this.stepLabel} ${step}/${total} ${rate} ${eta}`.trim();
    if (this.out.isTTY) {
      const width = 24;
      const filled = Math.round(frac * width);
      const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${text}`;
      this.out.write(`\r${bar.slice(0, (this.out.columns ?? 100) - 1)}\x1b[K`);
      this.shown = true;
    } else {
      const decile = Math.floor(frac * 10);
      if (decile > this.lastDecile) {
        this.lastDecile = decile;
        this.out.write(`${(frac * 100).toFixed(0)}% ${text}\n`);
      }
    }
  }

  clear(): void {
    if (this.shown && this.out.isTTY) this.out.write('\r\x1b[K');
    this.shown = false;
  }

  done(): void {
    if (this.shown && this.out.isTTY) this.out.write('\n');
    this.shown = false;
  }
}
