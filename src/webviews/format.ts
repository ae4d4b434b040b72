/**
 * Number formatting for what a person reads in the panel: values with units, rates, durations.
 * Pure functions, no DOM.
 *
 * Unit conventions (from the catalog's `unit`/`yUnit` hints):
 *   `accuracy`, `fraction`  a value in [0, 1], shown as a percentage ("93.4 %")
 *   `%`                     already a percentage ("12.5 %")
 *   `s`, `seconds`          a duration ("12.3 s", "2 min 05 s")
 *   anything else           appended after the number ("3.21 nats", "12 rounds")
 */
import { plural } from '../shared/text';

const EM_DASH = '—';

/** A number with about `digits` significant digits; integers stay exact, very large or small use e-notation. */
export function formatNumber(value: number, digits = 3): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  const sign = value < 0 ? '−' : '';
  if (Number.isInteger(value) && abs < 1e7) return sign + groupThousands(String(abs));
  if (abs >= 1e6 || abs < 1e-3) {
    const [mantissa = '0', exponent = '0'] = abs.toExponential(Math.max(0, digits - 1)).split('e');
    return `${sign}${trimZeros(mantissa)}e${exponent.replace('+', '')}`;
  }
  const fixed = abs.toPrecision(digits);
  const plain = fixed.includes('e') ? String(Number(fixed)) : fixed;
  return sign + groupThousands(trimZeros(plain));
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

function groupThousands(s: string): string {
  const [int = '', frac] = s.split('.');
  const grouped = int.length > 4 ? int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : int;
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** A measured value with its unit; null (not measured) is an em dash. */
export function formatWithUnit(value: number | null | undefined, unit?: string): string {
  if (value === null || value === undefined) return EM_DASH;
  switch (unit) {
    case undefined:
    case '':
      return formatNumber(value);
    case 'accuracy':
    case 'fraction':
      return formatPercent(value * 100);
    case '%':
    case 'percent':
      return formatPercent(value);
    case 's':
    case 'seconds':
      return formatDuration(value);
    default:
      return `${formatNumber(value)} ${unit}`;
  }
}

/** Units that are fractions of one: shown as percentages in plots, but never as a word after a number. */
const FRACTION_UNITS: ReadonlySet<string> = new Set(['accuracy', 'fraction', 'share']);

/**
 * A claim's measured value written the way its target is: as a percentage when the target is one
 * ("= 100%"), as a plain number when the target is a plain fraction ("≥ 0.9": 0.995, not 99.5 %),
 * and otherwise with its unit. So the two columns of a row can be compared at a glance.
 */
export function formatMeasured(value: number | null | undefined, unit: string | undefined, target: string): string {
  if (value === null || value === undefined) return EM_DASH;
  if (unit !== undefined && FRACTION_UNITS.has(unit))
    return target.includes('%') ? formatPercent(value * 100) : formatNumber(value);
  return formatWithUnit(value, unit);
}

function formatPercent(percent: number): string {
  if (!Number.isFinite(percent)) return `${formatNumber(percent)} %`;
  const abs = Math.abs(percent);
  const digits = abs >= 10 || abs === 0 ? 1 : abs >= 1 ? 2 : 3;
  const text = Number.isInteger(percent) ? String(abs) : trimZeros(abs.toFixed(digits));
  return `${percent < 0 ? '−' : ''}${text} %`;
}

/** Seconds as "0.42 s", "12.3 s", "2 min 05 s" or "1 h 02 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return EM_DASH;
  if (seconds < 10) return `${trimZeros(seconds.toFixed(2))} s`;
  if (seconds < 60) return `${trimZeros(seconds.toFixed(1))} s`;
  const total = Math.round(seconds);
  if (total < 3600) return `${Math.floor(total / 60)} min ${String(total % 60).padStart(2, '0')} s`;
  const minutes = Math.round(total / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** "round" → "rounds"; labels that already end in s are left alone. */
/** Steps per second with the demo's step label: "12.3 rounds/s", or "4.2 s/round" when slower than one a second. */

export function formatRate(stepsPerSecond: number, stepLabel = 'step'): string {
  if (!Number.isFinite(stepsPerSecond) || stepsPerSecond <= 0) return EM_DASH;
  if (stepsPerSecond < 1) return `${formatNumber(1 / stepsPerSecond)} s/${stepLabel}`;
  return `${formatNumber(stepsPerSecond)} ${plural(stepLabel)}/s`;
}

export interface ProgressInfo {
  readonly step: number;
  readonly total: number;
  readonly stepsPerSecond: number;
  readonly backend?: string;
  readonly stepLabel: string;
}

/** "round 40 / 100 (40 %) · 12.3 rounds/s · about 5 s left · backend wasm". */
export function formatProgress(p: ProgressInfo): string {
  const parts: string[] = [];
  const total = p.total > 0 ? p.total : 0;
  const percent = total > 0 ? Math.min(100, Math.round((100 * p.step) / total)) : null;
  parts.push(
    `${p.stepLabel} ${formatNumber(p.step)}${total > 0 ? ` / ${formatNumber(total)}` : ''}${
      percent === null ? '' : ` (${percent} %)`
    }`,
  );
  if (p.stepsPerSecond > 0) {
    parts.push(formatRate(p.stepsPerSecond, p.stepLabel));
    if (total > p.step) parts.push(`about ${formatDuration((total - p.step) / p.stepsPerSecond)} left`);
  }
  if (p.backend) parts.push(`backend ${p.backend}`);
  return parts.join(' · ');
}

/** An ISO timestamp as "2026-11-28 08:15:00 UTC" (stable, locale-free). */
export function formatTimestamp(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  if (!m) return iso;
  return `${m[1] ?? ''} ${m[2] ?? ''}${iso.endsWith('Z') ? ' UTC' : ''}`;
}

/** Values for a log10 slider and back. */
export function toLog10(value: number): number {
  return Math.log10(value);
}

export function fromLog10(position: number): number {
  // Round to 4 significant digits so slider positions give readable values (3.162e-3, not 3.1622776601683794e-3).
  return Number((10 ** position).toPrecision(4));
}
