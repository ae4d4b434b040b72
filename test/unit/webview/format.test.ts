import assert from 'node:assert/strict';
import {
  formatDuration,
  formatNumber,
  formatProgress,
  formatRate,
  formatTimestamp,
  formatMeasured,
  formatWithUnit,
  fromLog10,
  toLog10,
} from '../../../src/webviews/format';

describe('webview format', () => {
  it('formats numbers to about three significant digits', () => {
    assert.equal(formatNumber(0), '0');
    assert.equal(formatNumber(42), '42');
    assert.equal(formatNumber(12345), '12,345');
    assert.equal(formatNumber(0.123456), '0.123');
    assert.equal(formatNumber(3.1), '3.1');
    assert.equal(formatNumber(-2.5), '−2.5');
    assert.equal(formatNumber(0.00031623), '3.16e-4');
    assert.equal(formatNumber(2.5e7), '2.5e7');
    assert.equal(formatNumber(Number.NaN), 'NaN');
    assert.equal(formatNumber(Infinity), '∞');
  });

  it('shows accuracies as percentages and other units after the number', () => {
    assert.equal(formatWithUnit(0.9634, 'accuracy'), '96.3 %');
    assert.equal(formatWithUnit(1, 'accuracy'), '100 %');
    assert.equal(formatWithUnit(0.05, 'fraction'), '5 %');
    assert.equal(formatWithUnit(12.5, '%'), '12.5 %');
    assert.equal(formatWithUnit(3.2109, 'nats'), '3.21 nats');
    assert.equal(formatWithUnit(14, 'rounds'), '14 rounds');
    assert.equal(formatWithUnit(75, 's'), '1 min 15 s');
    assert.equal(formatWithUnit(0.5), '0.5');
    assert.equal(formatWithUnit(null, 'accuracy'), '—');
  });

  it('formats durations', () => {
    assert.equal(formatDuration(0.42), '0.42 s');
    assert.equal(formatDuration(12.34), '12.3 s');
    assert.equal(formatDuration(125), '2 min 05 s');
    assert.equal(formatDuration(3725), '1 h 02 min');
    assert.equal(formatDuration(-1), '—');
  });

  it('formats rates with the step label', () => {
    assert.equal(formatRate(33.33, 'round'), '33.3 rounds/s');
    assert.equal(formatRate(0.25, 'episode'), '4 s/episode');
    assert.equal(formatRate(0, 'step'), '—');
  });

  it('formats a progress line with the ETA and backend', () => {
    assert.equal(
      formatProgress({ step: 40, total: 100, stepsPerSecond: 12, backend: 'wasm', stepLabel: 'round' }),
      'round 40 / 100 (40 %) · 12 rounds/s · about 5 s left · backend wasm',
    );
    assert.equal(formatProgress({ step: 3, total: 0, stepsPerSecond: 0, stepLabel: 'step' }), 'step 3');
  });

  it('formats timestamps without depending on the locale', () => {
    assert.equal(formatTimestamp('2026-11-28T08:15:00.000Z'), '2026-11-28 08:15:00 UTC');
    assert.equal(formatTimestamp('not a date'), 'not a date');
  });

  it('converts log10 slider positions to readable values and back', () => {
    assert.equal(fromLog10(-2.5), 0.003162);
    assert.equal(fromLog10(0), 1);
    assert.ok(Math.abs(toLog10(fromLog10(-1.5)) + 1.5) < 1e-4);
  });

  it('writes a claim’s measured value the way its target is written', () => {
    assert.equal(formatMeasured(0.995, 'accuracy', '≥ 0.9'), '0.995', 'a fraction target: a fraction');
    assert.equal(formatMeasured(1, 'share', '= 100%'), '100 %', 'a percent target: a percentage');
    assert.equal(formatMeasured(0.0587, 'share', '> 0'), '0.0587');
    assert.doesNotMatch(formatMeasured(1, 'share', '= 1'), /share/, 'no unit word after a fraction');
    assert.equal(formatMeasured(14, 'rounds', '≤ 30'), '14 rounds');
    assert.equal(formatMeasured(null, 'accuracy', '≥ 0.9'), '—');
  });
});
