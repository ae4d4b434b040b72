/**
 * A run's claims in one word, as the tree, the panel and the run lists show it. Only a completed
 * run is judged: a run that stopped, failed or was interrupted measured its claims on part of a
 * run, so it is "not evaluated", whatever those partial numbers say.
 */
import type { ClaimResult, RunStatus } from './runs';

export type ClaimsVerdict =
  | { readonly kind: 'none' }
  | { readonly kind: 'not-evaluated'; readonly total: number }
  | { readonly kind: 'held' | 'failed'; readonly passed: number; readonly total: number };

export function claimsVerdict(status: RunStatus, claims: readonly Pick<ClaimResult, 'pass'>[]): ClaimsVerdict {
  if (claims.length === 0) return { kind: 'none' };
  if (status !== 'completed') return { kind: 'not-evaluated', total: claims.length };
  const passed = claims.filter((c) => c.pass).length;
  return { kind: passed === claims.length ? 'held' : 'failed', passed, total: claims.length };
}

/** "3 of 4 claims hold", "claims not evaluated (run stopped)", or "" for a demo without claims. */
export function verdictLine(verdict: ClaimsVerdict, status: RunStatus): string {
  switch (verdict.kind) {
    case 'none':
      return '';
    case 'not-evaluated':
      return `claims not evaluated (run ${status})`;
    default:
      return `${verdict.passed} of ${verdict.total} claim${verdict.total === 1 ? '' : 's'} hold${verdict.total === 1 ? 's' : ''}`;
  }
}
