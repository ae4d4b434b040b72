import { strict as assert } from 'node:assert';
import type { PlotSpec } from '../../../src/shared/catalog';
import type { MetricPoint } from '../../../src/shared/runs';
import {
  bandCharts,
  claimsAcross,
  isSeedSet,
  memberLabels,
  overlayCharts,
  seedBand,
  settingRows,
} from '../../../src/shared/runSet';
import { runRecord, runSummary } from '../../helpers/runRecords';

const pts = (rows: readonly [number, number][], metric = 'acc'): MetricPoint[] =>
  rows.map(([step, v]) => ({ step, values: { [metric]: v } }));

/** A plot over rounds with these [metric, label] series. */
function plotOf(...series: [string, string][]): PlotSpec {
  const spec = { id: 'acc', title: 'Accuracy', xLabel: 'round', yLabel: 'accuracy' };
  return { ...spec, series: series.map(([metric, label]) => ({ metric, label })) };
}

const plot = plotOf(['acc', 'FedAvg'], ['loss', 'loss']);

describe('runs side by side', () => {
  const a = runRecord({ seed: 0, config: { rounds: 3, lr: 0.1 } });
  const b = runRecord({ seed: 1, config: { rounds: 3, lr: 0.1 } });
  const c = runRecord({ seed: 1, config: { rounds: 5, lr: 0.1 }, preset: 'paper' });

  it('lists only the fields that differ, after seed, preset, backend and status', () => {
    const rows = settingRows([a, c]);
    assert.deepEqual(
      rows.map((r) => r[0]),
      ['seed', 'preset', 'backend', 'status', 'rounds'],
    );
    assert.deepEqual(rows[4], ['rounds', '3', '5']);
    assert.deepEqual(settingRows([a, b]).length, 4);
  });

  it('labels each run by what sets it apart, and numbers runs that differ in nothing shown', () => {
    assert.deepEqual(memberLabels([a, b]), ['seed 0', 'seed 1']);
    assert.deepEqual(memberLabels([b, c]), ['quick · rounds 3', 'paper · rounds 5']);
    assert.deepEqual(memberLabels([a, a]), ['run 1', 'run 2']);
    const later = { ...a, startedAt: '2025-01-01T00:05:07.000Z' };
    assert.deepEqual(memberLabels([a, later]), ['started 00:00:00', 'started 00:05:07']);
  });

  it('calls runs a seed set only when one config runs at different seeds', () => {
    assert.equal(isSeedSet([a, b]), true);
    assert.equal(isSeedSet([a]), false);
    assert.equal(isSeedSet([a, a]), false, 'the same seed twice');
    assert.equal(isSeedSet([a, c]), false, 'another preset and config');
    assert.equal(isSeedSet([a, runRecord({ seed: 2, config: { rounds: 3, lr: 0.2 } })]), false);
    assert.equal(isSeedSet([a, runRecord({ seed: 2, config: { rounds: 3, lr: 0.1 }, demo: 'other' })]), false);
  });

  it('gives each claim per run, its mean over the runs that measured it, and in how many it holds', () => {
    const fail = runSummary(b, 0.7, {
      claims: [{ id: 'c', text: 'final loss below 0.5', measured: 0.7, target: '< 0.5', pass: false }],
    });
    const across = claimsAcross([runSummary(a, 0.2), fail, null]);
    assert.equal(across.length, 1);
    const claim = across[0];
    assert.ok(claim);
    assert.deepEqual(
      claim.perRun.map((p) => p.pass),
      [true, false, false],
    );
    assert.equal(claim.perRun[2]?.measured, null);
    assert.ok(Math.abs((claim.mean ?? Number.NaN) - 0.45) < 1e-12);
    assert.equal(claim.holds, 1);
    assert.equal(claim.of, 3);
  });
});

describe('curves across seeds', () => {
  it('takes mean, min and max at each step over the seeds that logged it', () => {
    const band = seedBand(
      [
        pts([
          [1, 0.1],
          [2, 0.5],
        ]),
        pts([
          [1, 0.3],
          [2, 0.2],
          [3, 0.9],
        ]),
        pts([[2, 0.8]]),
      ],
      'acc',
    );
    assert.deepEqual(band.steps, [1, 2, 3]);
    assert.deepEqual(band.count, [2, 3, 1]);
    // Step 2: (0.5 + 0.2 + 0.8) / 3 = 0.5.
    assert.ok(Math.abs((band.mean[1] ?? 0) - 0.5) < 1e-12);
    assert.ok(Math.abs((band.mean[0] ?? 0) - 0.2) < 1e-12);
    assert.deepEqual([band.min[1], band.max[1]], [0.2, 0.8]);
    assert.deepEqual([band.min[2], band.max[2]], [0.9, 0.9]);
  });

  it('counts a step a run logged twice once, with its last value', () => {
    const band = seedBand(
      [
        pts([
          [1, 0],
          [1, 1],
        ]),
        pts([[1, 3]]),
      ],
      'acc',
    );
    assert.deepEqual(band.count, [2]);
    assert.equal(band.mean[0], 2);
  });

  it('draws each seed set series as a mean with a band between its max and min', () => {
    const members = [
      { record: runRecord({ seed: 0 }), points: pts([[1, 0.2]]) },
      { record: runRecord({ seed: 1 }), points: pts([[1, 0.4]]) },
    ];
    const [chart] = bandCharts([plot], members);
    assert.ok(chart);
    assert.deepEqual(
      chart.spec.series.map((s) => s.label),
      [
        'FedAvg (mean of 2 seeds)',
        'FedAvg (max)',
        'FedAvg (min)',
        'loss (mean of 2 seeds)',
        'loss (max)',
        'loss (min)',
      ],
    );
    // uPlot counts series from 1 (0 is x): the band of the first series lies between series 2 and 3.
    assert.deepEqual(chart.bands, [
      [2, 3],
      [5, 6],
    ]);
    assert.deepEqual(chart.points, [
      { step: 1, values: { 'mean|acc': 0.30000000000000004, 'max|acc': 0.4, 'min|acc': 0.2 } },
    ]);
    assert.deepEqual(
      chart.styles.map((s) => s.edge ?? 'mean'),
      ['mean', 'max', 'min', 'mean', 'max', 'min'],
    );
  });

  it('lays runs over each other with one dash per run and the series colour', () => {
    const members = [
      { record: runRecord({ seed: 0 }), points: pts([[1, 0.2]]) },
      { record: runRecord({ seed: 1 }), points: [...pts([[2, 0.4]]), ...pts([[2, 1.5]], 'loss')] },
    ];
    const [chart] = overlayCharts([plot], members, ['seed 0', 'seed 1']);
    assert.ok(chart);
    assert.deepEqual(
      chart.spec.series.map((s) => s.label),
      ['FedAvg · seed 0', 'FedAvg · seed 1', 'loss · seed 0', 'loss · seed 1'],
    );
    assert.deepEqual(
      chart.styles.map((s) => s.colour),
      [0, 0, 1, 1],
    );
    assert.notDeepEqual(chart.styles[0]?.dash, chart.styles[1]?.dash);
    assert.deepEqual(chart.points, [
      { step: 1, values: { '0|acc': 0.2 } },
      { step: 2, values: { '1|acc': 0.4 } },
      { step: 2, values: { '1|loss': 1.5 } },
    ]);
  });
});
