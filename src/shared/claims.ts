/**
 * The common shape of a claim: one typed result compared with a threshold. A result that the run
 * did not produce (stopped early, or not applicable) measures as null and fails.
 */
import type { Partially, TypedClaim } from './demo';

export type Comparison = '>=' | '<=' | '>' | '<' | '==';

const SYMBOL: Readonly<Record<Comparison, string>> = { '>=': '≥', '<=': '≤', '>': '>', '<': '<', '==': '=' };

const HOLDS: Readonly<Record<Comparison, (v: number, t: number) => boolean>> = {
  '>=': (v, t) => v >= t,
  '<=': (v, t) => v <= t,
  '>': (v, t) => v > t,
  '<': (v, t) => v < t,
  '==': (v, t) => v === t,
};

export interface Threshold<C, R> {
  readonly id: string;
  readonly text: string;
  /** The result the claim reads; undefined when the run did not produce it. */
  readonly read: (results: Partially<R>) => number | undefined;
  readonly comparison: Comparison;
  readonly value: number;
  readonly unit?: string;
  readonly caveat?: string;
  /** The target as shown; default e.g. "≥ 0.9". */
  readonly target?: string;
  /** Whether the claim is about runs with this config (default: always). */
  readonly appliesTo?: (config: C) => boolean;
}

/** One typed result compared with a threshold (see src/shared/demo.ts). */
export function threshold<C, R>(spec: Threshold<C, R>): TypedClaim<C, R> {
  const { id, text, read, comparison, value } = spec;
  return {
    id,
    text,
    target: spec.target ?? `${SYMBOL[comparison]} ${value}`,
    ...(spec.unit !== undefined ? { unit: spec.unit } : {}),
    ...(spec.caveat !== undefined ? { caveat: spec.caveat } : {}),
    ...(spec.appliesTo !== undefined ? { appliesTo: spec.appliesTo } : {}),
    measure(results) {
      const measured = read(results);
      if (measured === undefined || Number.isNaN(measured)) return { measured: null, pass: false };
      return { measured, pass: HOLDS[comparison](measured, value) };
    },
  };
}
