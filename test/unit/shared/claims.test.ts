import { strict as assert } from 'node:assert';
import { threshold } from '../../../src/shared/claims';
import { plural } from '../../../src/shared/text';

interface R {
  readonly acc: number;
  readonly gap: number;
  readonly change: number;
}
const claim = (spec: Omit<Parameters<typeof threshold<unknown, R>>[0], 'read'> & { key: keyof R }) =>
  threshold<unknown, R>({ ...spec, read: (r) => r[spec.key] });

describe('threshold claims', () => {
  it('compares the measured result with the threshold', () => {
    const atLeast = claim({ id: 'a', text: 'A', key: 'acc', comparison: '>=', value: 0.9 });
    assert.equal(atLeast.target, '≥ 0.9');
    assert.deepEqual(atLeast.measure({ acc: 0.9 }, {}), { measured: 0.9, pass: true });
    assert.deepEqual(atLeast.measure({ acc: 0.899 }, {}), { measured: 0.899, pass: false });
    const below = claim({ id: 'b', text: 'B', key: 'gap', comparison: '<', value: 0, target: 'negative' });
    assert.equal(below.target, 'negative');
    assert.equal(below.measure({ gap: 0 }, {}).pass, false);
    assert.equal(below.measure({ gap: -1e-9 }, {}).pass, true);
    const exact = claim({ id: 'c', text: 'C', key: 'change', comparison: '==', value: 0 });
    assert.equal(exact.measure({ change: 1e-12 }, {}).pass, false);
  });

  it('fails with no measurement when the result is missing or NaN', () => {
    const c = claim({ id: 'a', text: 'A', key: 'acc', comparison: '<=', value: 1, unit: 'nats' });
    assert.deepEqual(c.measure({}, {}), { measured: null, pass: false });
    assert.deepEqual(c.measure({ acc: Number.NaN }, {}), { measured: null, pass: false });
    assert.equal(c.unit, 'nats');
  });
});

describe('plural', () => {
  it('pluralises step labels', () => {
    assert.deepEqual(['round', 'batch', 'step', 'steps', 'box'].map(plural), [
      'rounds',
      'batches',
      'steps',
      'steps',
      'boxes',
    ]);
  });
});
