/** The live score-field panels: grid, arrow geometry, panel layout and the times they show. */
import { strict as assert } from 'node:assert';
import {
  ARROW_DOTS,
  arrowDots,
  FIELD_GRID,
  fieldGrid,
  fieldGroups,
  panelOffset,
  timeAtNoiseRatio,
} from '../../../src/models/score-sde/field';
import { subVpSde, veSde, vpSde } from '../../../src/models/score-sde/sdes';

describe('score-sde: live score field', () => {
  it('the grid spans the panel square, corners included', () => {
    const grid = fieldGrid(2);
    assert.equal(grid.length, 2 * FIELD_GRID * FIELD_GRID);
    assert.deepEqual([grid[0], grid[1]], [-2, 2]);
    const last = FIELD_GRID * FIELD_GRID - 1;
    assert.deepEqual([grid[2 * last], grid[2 * last + 1]], [2, -2]);
  });

  it('arrows start at their grid point, point along the score, and the longest is 0.9 grid spacings', () => {
    // Two arrows: s = (3, 4) (|s| = 5, the largest) at (0, 0), s = (0, −1.25) at (1, 1).
    const grid = Float32Array.from([0, 0, 1, 1]);
    const score = Float32Array.from([3, 4, 0, -1.25]);
    const extent = 2;
    const spacing = (2 * extent) / (FIELD_GRID - 1);
    const dots = arrowDots(grid, score, extent);
    const k = ARROW_DOTS.length;
    assert.equal(dots.length, 2 * k);
    assert.deepEqual(dots[0], [0, 0]);
    const head = dots[k - 1] as [number, number];
    assert.ok(Math.abs(head[0] - 0.9 * spacing * 0.6) < 1e-6 && Math.abs(head[1] - 0.9 * spacing * 0.8) < 1e-6);
    // The second: length 0.9·spacing·√(1.25/5) = 0.45·spacing, straight down.
    assert.deepEqual(dots[k], [1, 1]);
    const head2 = dots[2 * k - 1] as [number, number];
    assert.ok(Math.abs(head2[0] - 1) < 1e-9 && Math.abs(head2[1] - (1 - 0.45 * spacing)) < 1e-6);
    // Dots crowd towards the head: gaps shrink along the arrow.
    const gaps = ARROW_DOTS.slice(1).map((f, i) => f - (ARROW_DOTS[i] as number));
    for (let i = 1; i < gaps.length; i++) assert.ok((gaps[i] as number) <= (gaps[i - 1] as number));
  });

  it('a zero score draws a dot at the grid point', () => {
    const dots = arrowDots(Float32Array.from([0.5, -0.5]), Float32Array.from([0, 0]), 1);
    for (const d of dots) assert.deepEqual(d, [0.5, -0.5]);
  });

  it('finds the time of a noise-to-signal ratio: closed form for VE, the ratio itself for VP and sub-VP', () => {
    // VE: σ_t² = σ(t)² − σ_min², so σ_t = r at t = ln(√(r² + σ_min²)/σ_min) / ln(σ_max/σ_min).
    const ve = veSde(0.01, 6);
    for (const r of [0.05, 0.3, 1.4]) {
      const expected = Math.log(Math.sqrt(r * r + 1e-4) / 0.01) / Math.log(600);
      assert.ok(Math.abs(timeAtNoiseRatio(ve, r, 1e-3) - expected) < 1e-9, `r = ${r}`);
    }
    for (const sde of [vpSde(0.1, 20), subVpSde(0.1, 20)]) {
      const t = timeAtNoiseRatio(sde, 0.5, 1e-3);
      assert.ok(Math.abs(sde.marginalStd(t) / sde.marginalMean(t) - 0.5) < 1e-9);
    }
    // Out of range: clamped to the ends.
    assert.equal(timeAtNoiseRatio(ve, 1e-9, 1e-3), 1e-3);
    assert.equal(timeAtNoiseRatio(ve, 1e9, 1e-3), 1);
  });

  it('lays panels out two per row and draws only the samples inside each panel', () => {
    const extent = 1;
    assert.deepEqual(panelOffset(0, extent), [0, -0]);
    assert.deepEqual(panelOffset(1, extent), [2.3, -0]);
    assert.deepEqual(panelOffset(2, extent), [0, -2.3]);
    const grid = fieldGrid(extent);
    const score = new Float32Array(grid.length).fill(1);
    const panels = [
      { t: 1, score, samples: Float32Array.from([0.5, 0.5, 5, 0]) },
      { t: 0.1, score, samples: Float32Array.from([-0.5, 0.25]) },
      { t: 0.01, score, samples: Float32Array.from([0, -1]) },
    ];
    const groups = fieldGroups(panels, grid, extent, 100);
    assert.equal(groups.length, 4);
    assert.deepEqual(groups[0]?.points, [
      [0.5, 0.5],
      [-0.5 + 2.3, 0.25],
      [0, -1 - 2.3],
    ]);
    assert.match(groups[1]?.label ?? '', /t = 1\.0.*top left/);
    assert.match(groups[2]?.label ?? '', /t = 0\.10.*top right/);
    assert.match(groups[3]?.label ?? '', /bottom left/);
    assert.equal(groups[2]?.points.length, FIELD_GRID * FIELD_GRID * ARROW_DOTS.length);
  });
});
