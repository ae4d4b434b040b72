import { strict as assert } from 'node:assert';
import type { RunStatus } from '../../../src/shared/runs';
import { claimsVerdict, verdictLine } from '../../../src/shared/verdict';

describe('claims verdict of a run', () => {
  const claims = (...passes: boolean[]) => passes.map((pass) => ({ pass }));

  it('judges a completed run: held only when every claim passes', () => {
    assert.deepEqual(claimsVerdict('completed', claims(true, true, true)), { kind: 'held', passed: 3, total: 3 });
    assert.deepEqual(claimsVerdict('completed', claims(true, false, true)), { kind: 'failed', passed: 2, total: 3 });
    assert.deepEqual(claimsVerdict('completed', claims(false)), { kind: 'failed', passed: 0, total: 1 });
  });

  it('does not judge a run that did not finish, whatever its partial numbers say', () => {
    for (const status of ['stopped', 'failed', 'interrupted', 'running'] as RunStatus[]) {
      assert.deepEqual(claimsVerdict(status, claims(false, true)), { kind: 'not-evaluated', total: 2 }, status);
      assert.deepEqual(claimsVerdict(status, claims(true)), { kind: 'not-evaluated', total: 1 }, status);
    }
  });

  it('has nothing to say for a demo without claims', () => {
    assert.deepEqual(claimsVerdict('completed', []), { kind: 'none' });
    assert.equal(verdictLine(claimsVerdict('stopped', []), 'stopped'), '');
  });

  it('reads as a short line with the right number', () => {
    assert.equal(verdictLine(claimsVerdict('completed', claims(true, false, true)), 'completed'), '2 of 3 claims hold');
    assert.equal(verdictLine(claimsVerdict('completed', claims(true)), 'completed'), '1 of 1 claim holds');
    assert.equal(verdictLine(claimsVerdict('stopped', claims(true)), 'stopped'), 'claims not evaluated (run stopped)');
  });
});
