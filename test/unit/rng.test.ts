import { strict as assert } from 'node:assert';
import { Rng } from '../../src/models/engine/rng';

describe('Rng', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const c = new Rng(8);
    const xs = Array.from({ length: 5 }, () => a.next());
    assert.deepEqual(
      xs,
      Array.from({ length: 5 }, () => b.next()),
    );
    assert.notDeepEqual(
      xs,
      Array.from({ length: 5 }, () => c.next()),
    );
  });

  it('draws normals with mean 0 and variance 1', () => {
    const r = new Rng(1);
    const n = 20000;
    const xs = r.normals(n);
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.05, `variance ${variance}`);
  });

  it('samples k distinct indices below n', () => {
    const r = new Rng(3);
    const s = r.sample(50, 10);
    assert.equal(new Set(s).size, 10);
    assert.ok(s.every((i) => i >= 0 && i < 50));
    assert.throws(() => r.sample(3, 4), RangeError);
  });
});
