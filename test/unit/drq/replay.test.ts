import { strict as assert } from 'node:assert';
import { ReplayBuffer } from '../../../src/models/drq/replay';
import { Rng } from '../../../src/models/engine/rng';

/** An observation whose pixels all equal i/255 (exactly representable after quantisation). */
const obsOf = (i: number, n: number): Float32Array => new Float32Array(n).fill(i / 255);

describe('drq replay buffer', () => {
  it('returns stored transitions intact, each field from the same transition', () => {
    const buffer = new ReplayBuffer(50, 6, 2);
    for (let i = 0; i < 20; i++) buffer.add(obsOf(i, 6), [i / 10, -i / 10], i * 2, obsOf(i + 1, 6), i % 7 === 0);
    const t = buffer.sample(64, new Rng(1));
    for (let b = 0; b < 64; b++) {
      const i = Math.round((t.obs[b * 6] as number) * 255);
      assert.ok(i >= 0 && i < 20);
      for (let j = 0; j < 6; j++) {
        assert.ok(Math.abs((t.obs[b * 6 + j] as number) - i / 255) < 1e-7);
        assert.ok(Math.abs((t.nextObs[b * 6 + j] as number) - (i + 1) / 255) < 1e-7);
      }
      assert.ok(Math.abs((t.actions[2 * b] as number) - i / 10) < 1e-6);
      assert.ok(Math.abs((t.actions[2 * b + 1] as number) + i / 10) < 1e-6);
      assert.equal(t.rewards[b], i * 2);
      assert.equal(t.notDones[b], i % 7 === 0 ? 0 : 1);
    }
  });

  it('samples uniformly over what it holds, overwriting the oldest once full', () => {
    const buffer = new ReplayBuffer(10, 1, 2);
    for (let i = 0; i < 25; i++) buffer.add(obsOf(i, 1), [0, 0], i, obsOf(i, 1), false);
    assert.equal(buffer.size, 10);
    const counts = new Map<number, number>();
    const t = buffer.sample(20000, new Rng(2));
    for (const r of t.rewards) counts.set(r, (counts.get(r) ?? 0) + 1);
    // Only the last 10 transitions (rewards 15…24) remain, each drawn about 2000 times.
    assert.deepEqual(
      [...counts.keys()].sort((a, b) => a - b),
      Array.from({ length: 10 }, (_, i) => 15 + i),
    );
    for (const c of counts.values()) assert.ok(Math.abs(c - 2000) < 200, `count ${c}`);
  });

  it('refuses to sample when empty', () => {
    assert.throws(() => new ReplayBuffer(4, 1, 2).sample(1, new Rng(0)), /empty/);
  });
});
