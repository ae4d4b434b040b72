/**
 * Run outputs are checked per kind before the panel draws them, and each is drawn on its own: a
 * malformed one becomes a visible "could not show output <id>: <reason>" note and the rest of the
 * run's outputs are still shown.
 */
import { strict as assert } from 'node:assert';
import { outputProblem, type RunOutput } from '../../../src/shared/outputs';
import { renderEachOutput } from '../../../src/webviews/outputGuard';

const table: RunOutput = {
  kind: 'table',
  id: 'final',
  title: 'Final accuracy',
  columns: ['method', 'acc'],
  rows: [
    ['FedAvg', 0.8],
    ['FedYogi', null],
  ],
};
const bars: RunOutput = {
  kind: 'bars',
  id: 'labels',
  title: 'Labels per client',
  categories: ['c0', 'c1'],
  series: [{ label: '0', values: [1, 2] }],
  stacked: true,
  xLabel: 'client',
  yLabel: 'examples',
};
const heatmap: RunOutput = {
  kind: 'heatmap',
  id: 'grid',
  title: 'Grid',
  rowLabels: ['a'],
  colLabels: ['x', 'y'],
  rowTitle: 'r',
  colTitle: 'c',
  values: [[0.1, null]],
};
const scatter: RunOutput = {
  kind: 'scatter',
  id: 'samples',
  title: 'Samples',
  groups: [{ label: 'data', points: [[0, 1]] }],
};
const images: RunOutput = {
  kind: 'images',
  id: 'digits',
  title: 'Digits',
  width: 2,
  height: 1,
  images: [{ label: 'x', pixels: [0, 1] }],
};
const text: RunOutput = { kind: 'text', id: 'log', title: 'Log', text: 'hello' };

describe('run outputs in the panel', () => {
  it('accepts a well-formed output of every kind', () => {
    for (const out of [table, bars, heatmap, scatter, images, text])
      assert.equal(outputProblem(out), undefined, out.kind);
  });

  it('names what is wrong with a malformed output, per kind', () => {
    const cases: [unknown, RegExp][] = [
      [{ ...table, rows: { 0: ['a'] } }, /rows is not an array/],
      [{ ...table, rows: [['a', 1], 'b'] }, /rows\[1\] is not an array/],
      [{ ...table, rows: [['a', {}]] }, /rows\[0\]\[1\]/],
      [{ ...table, columns: 'method' }, /columns/],
      [{ ...bars, series: [{ label: 's', values: 'x' }] }, /series\[0\]\.values/],
      [{ ...bars, stacked: 'yes' }, /stacked/],
      [{ ...heatmap, values: [0.1] }, /values\[0\] is not an array/],
      [{ ...scatter, groups: [{ label: 'g', points: [[1]] }] }, /groups\[0\]\.points\[0\]/],
      [{ ...images, width: -3 }, /width/],
      [{ ...images, images: [{ label: 'x' }] }, /images\[0\]\.pixels/],
      [{ ...text, text: 42 }, /text/],
      [{ ...text, kind: 'video' }, /kind/],
      [{ ...text, id: undefined }, /id/],
      [null, /not an object/],
    ];
    for (const [value, reason] of cases)
      assert.match(outputProblem(value) ?? 'accepted', reason, JSON.stringify(value));
  });

  it('shows the rest of a run when one output is malformed or fails to draw', () => {
    const broken = { ...table, id: 'broken', rows: 'oops' };
    const throws = { ...text, id: 'throws' };
    const shown = renderEachOutput(
      [table, broken, throws, bars],
      (out) => {
        if (out.id === 'throws') throw new Error('canvas unavailable');
        return `drawn ${out.id}`;
      },
      (id, reason) => `could not show output ${id}: ${reason}`,
    );
    assert.deepEqual(shown, [
      'drawn final',
      'could not show output broken: rows is not an array',
      'could not show output throws: canvas unavailable',
      'drawn labels',
    ]);
  });
});
