import { strict as assert } from 'node:assert';
import { ProgressMeter } from '../../../src/models/engine/context';

describe('progress rate and the time left', () => {
  /** Steps at the given times (seconds); returns the rates reported, one per report. */
  function rates(steadyFrom: number, times: readonly number[]): number[] {
    let now = 0;
    const out: number[] = [];
    const meter = new ProgressMeter(
      times.length,
      (_s, _t, r) => out.push(r),
      0,
      () => now * 1000,
      steadyFrom,
    );
    times.forEach((t, i) => {
      now = t;
      meter.report(i + 1);
    });
    return out;
  }

  // 100 seed steps at 100 steps/s, then training steps at 2 steps/s.
  const times = [
    ...Array.from({ length: 100 }, (_, i) => (i + 1) / 100),
    ...Array.from({ length: 20 }, (_, i) => 1 + (i + 1) / 2),
  ];

  it('measures the training step from the first steady step, not the cheap steps before it', () => {
    const steady = rates(100, times);
    assert.ok(
      steady.slice(0, 99).every((r) => r === 0),
      'no rate (no time left) before the steady steps',
    );
    const last = steady.at(-1) ?? 0;
    assert.ok(Math.abs(last - 2) < 0.05, `training rate ${last}, expected 2 steps/s`);
  });

  it('without a steady step, an early rate is the seed steps’ (what the steady step avoids)', () => {
    const plain = rates(0, times);
    assert.ok((plain[98] ?? 0) > 50, `rate during the seed steps ${plain[98]}`);
  });
});
