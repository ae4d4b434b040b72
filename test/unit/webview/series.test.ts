import assert from 'node:assert/strict';
import type { MetricPoint } from '../../../src/shared/runs';
import { SeriesBuffer } from '../../../src/webviews/series';

describe('webview series buffer', () => {
  it('appends points in step order, with null where a metric is missing', () => {
    const b = new SeriesBuffer(['a', 'b']);
    assert.equal(b.add([{ step: 1, values: { a: 0.1 } }]), true);
    b.add([
      { step: 2, values: { a: 0.2, b: 2 } },
      { step: 3, values: { b: 3 } },
    ]);
    assert.deepEqual(b.data(), [
      [1, 2, 3],
      [0.1, 0.2, null],
      [null, 2, 3],
    ]);
    assert.equal(b.length, 3);
    assert.deepEqual(b.latest(), [0.2, 3]);
  });

  it('ignores points that carry none of its metrics', () => {
    const b = new SeriesBuffer(['a']);
    assert.equal(b.add([{ step: 1, values: { other: 1 } }]), false);
    assert.equal(b.length, 0);
  });

  it('merges a repeated step and inserts a late one in order', () => {
    const b = new SeriesBuffer(['train', 'eval']);
    b.add([
      { step: 10, values: { train: 1 } },
      { step: 30, values: { train: 3 } },
    ]);
    b.add([{ step: 10, values: { eval: 0.5 } }]);
    b.add([{ step: 20, values: { train: 2 } }]);
    assert.deepEqual(b.data(), [
      [10, 20, 30],
      [1, 2, 3],
      [0.5, null, null],
    ]);
  });

  it('drops non-finite values, and non-positive ones for log axes', () => {
    const b = new SeriesBuffer(['loss'], { positiveOnly: true });
    b.add([
      { step: 1, values: { loss: Number.NaN } },
      { step: 2, values: { loss: 0 } },
      { step: 3, values: { loss: 0.5 } },
      { step: 4, values: { loss: Infinity } },
    ]);
    assert.deepEqual(b.data(), [[3], [0.5]]);
  });

  it('grows the same arrays it hands out (points are appended, not re-sent)', () => {
    const b = new SeriesBuffer(['a']);
    const [x] = b.data();
    b.add([{ step: 1, values: { a: 1 } }]);
    assert.equal(x.length, 1);
    b.clear();
    assert.equal(x.length, 0);
  });

  it('gives its points as table rows, thinned to a limit with the last point kept', () => {
    const b = new SeriesBuffer(['a', 'b']);
    const points: MetricPoint[] = Array.from({ length: 10 }, (_, i) => {
      const values: Record<string, number> = { a: i };
      if (i % 2 === 0) values['b'] = -i;
      return { step: i + 1, values };
    });
    b.add(points);
    const all = b.rows();
    assert.equal(all.length, 10);
    assert.deepEqual(all[0], [1, 0, -0]);
    assert.deepEqual(all[1], [2, 1, null], 'a missing value is null');
    const thin = b.rows(4);
    assert.deepEqual(
      thin.map((r) => r[0]),
      [1, 4, 7, 10],
    );
  });
});
