/**
 * The FedOpt claims as functions of a run's results (hand-written results; no training). The
 * quick preset's claims at real seeds: test/unit/quickClaims.test.ts (seed 0) and
 * test/claims/fedopt.claims.ts (seeds 0–4).
 */
import { strict as assert } from 'node:assert';
import { compareDemo } from '../../../src/models/fedopt/demo';
import type { RunResults } from '../../../src/shared/catalog';

const quick = compareDemo.presets['quick'] ?? {};
const paper = compareDemo.presets['paper'] ?? {};

function measure(id: string, results: RunResults, config = quick): { measured: number | null; pass: boolean } {
  const claim = compareDemo.claims.find((c) => c.id === id);
  assert.ok(claim, id);
  return claim.measure(results, config);
}

/** Results of a run in which every optimizer trained 60 rounds and FedAvg on to round `last`. */
function run(fedavg: number, fedyogi: number, last = 100): RunResults {
  return {
    rounds: 60,
    lastRound: last,
    'roundsToTarget.fedavg': fedavg,
    'roundsToTarget.fedyogi': fedyogi,
    'roundsToTarget.fedadam': fedyogi,
  };
}

describe('fedopt claims', () => {
  it('compares rounds to target with the rounds FedAvg took', () => {
    assert.deepEqual(measure('fedyogi-half-rounds', run(66, 9)), { measured: 9 / 66, pass: true });
    assert.deepEqual(measure('fedyogi-half-rounds', run(30, 16)), { measured: 16 / 30, pass: false });
    assert.equal(measure('fedadam-half-rounds', run(30, 15)).pass, true);
  });

  it('takes a FedAvg that never reached the target as a lower bound, and fails an optimizer that never did', () => {
    // FedAvg still below the target after the cap (300): 301 is a lower bound, the ratio an upper bound.
    assert.deepEqual(measure('fedyogi-half-rounds', run(301, 20, 300)), { measured: 20 / 301, pass: true });
    // FedYogi not reached: nothing to compare.
    assert.deepEqual(measure('fedyogi-half-rounds', run(50, 101, 100)), { measured: null, pass: false });
    assert.deepEqual(measure('fedyogi-half-rounds', { rounds: 60, lastRound: 60 }), { measured: null, pass: false });
  });

  it('counts the sweep rates FedYogi reaches the target at beyond FedAvg', () => {
    assert.deepEqual(measure('lr-robustness', { 'sweepReached.fedavg': 1, 'sweepReached.fedyogi': 5 }), {
      measured: 4,
      pass: true,
    });
    assert.equal(measure('lr-robustness', { 'sweepReached.fedavg': 4, 'sweepReached.fedyogi': 5 }).pass, false);
    assert.deepEqual(measure('lr-robustness', { 'sweepReached.fedavg': 1 }), { measured: null, pass: false });
  });

  it('shows the synthetic-task claims only where they apply', () => {
    const applies = (id: string, config: typeof quick): boolean =>
      compareDemo.claims.find((c) => c.id === id)?.appliesTo?.(config) ?? true;
    assert.ok(applies('lr-robustness', quick));
    assert.ok(applies('fedyogi-at-20', quick));
    assert.ok(!applies('lr-robustness', paper));
    assert.ok(!applies('fedyogi-at-20', paper));
    assert.ok(applies('fedyogi-half-rounds', paper));
    assert.ok(!applies('lr-robustness', { ...quick, lrSweep: false }));
  });
});
