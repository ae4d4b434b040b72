import { strict as assert } from 'node:assert';
import {
  EPISODE_FRAMES,
  OBS_CHANNELS,
  OBS_LENGTH,
  physicsStep,
  pdAction,
  PointMassEnv,
  type PointMassState,
  renderFrame,
  reward,
  SIZE,
} from '../../../src/models/drq/env';
import { Rng } from '../../../src/models/engine/rng';

const state = (s: Partial<PointMassState>): PointMassState => ({
  px: 0,
  py: 0,
  vx: 0,
  vy: 0,
  tx: 0,
  ty: 0,
  frame: 0,
  ...s,
});

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

describe('drq point-mass environment', () => {
  it('integrates v ← 0.85 (v + 0.2 a), p ← p + 0.1 v on fixed actions (hand-computed)', () => {
    const s = state({ px: 0.1, py: -0.2, tx: 0.5, ty: 0.5 });
    physicsStep(s, 1, -0.5);
    // v = 0.85·(0 + 0.2·1) = 0.17, 0.85·(0 − 0.1) = −0.085; p = 0.1 + 0.017, −0.2 − 0.0085.
    close(s.vx, 0.17, 'vx');
    close(s.vy, -0.085, 'vy');
    close(s.px, 0.117, 'px');
    close(s.py, -0.2085, 'py');
    physicsStep(s, 1, -0.5);
    // v = 0.85·(0.17 + 0.2) = 0.3145; p = 0.117 + 0.03145.
    close(s.vx, 0.3145, 'vx2');
    close(s.px, 0.14845, 'px2');
    assert.equal(s.frame, 2);
    // Actions are clipped to [−1, 1].
    const t = state({});
    physicsStep(t, 5, -7);
    close(t.vx, 0.17, 'clipped vx');
    close(t.vy, -0.17, 'clipped vy');
  });

  it('stops at the walls: position clamped, that velocity component zeroed', () => {
    const s = state({ px: 0.99, py: 0, vx: 0.5, vy: 0.3 });
    physicsStep(s, 1, 0);
    assert.equal(s.px, 1);
    assert.equal(s.vx, 0);
    close(s.vy, 0.85 * 0.3, 'vy untouched');
  });

  it('rewards clip(1 − d / 0.5, 0, 1)', () => {
    assert.equal(reward(state({ px: 0.3, py: 0.3, tx: 0.3, ty: 0.3 })), 1);
    close(reward(state({ px: 0, tx: 0.3, py: 0, ty: 0.4 })), 0, 'd = 0.5'); // d = 0.5
    close(reward(state({ px: 0, tx: 0.15, py: 0, ty: 0.2 })), 0.5, 'd = 0.25');
    assert.equal(reward(state({ px: -1, tx: 1 })), 0);
  });

  it('ends episodes after 50 frames by time limit, summing rewards over the action repeat', () => {
    const env = new PointMassEnv(new Rng(1), 2);
    env.reset();
    const shadow = { ...env.state };
    let steps = 0;
    let done = false;
    while (!done) {
      const out = env.step(0.3, -0.2);
      const expected = physicsStep(shadow, 0.3, -0.2) + physicsStep(shadow, 0.3, -0.2);
      close(out.reward, expected, `reward at step ${steps}`);
      done = out.done;
      steps++;
    }
    assert.equal(steps, EPISODE_FRAMES / 2);
    assert.equal(env.state.frame, EPISODE_FRAMES);
  });

  it('is deterministic given the seed, and different seeds give different episodes', () => {
    const run = (seed: number): number[] => {
      const env = new PointMassEnv(new Rng(seed), 2);
      const first = env.reset();
      const out = [first.reduce((a, b) => a + b, 0)];
      for (let t = 0; t < 10; t++) out.push(env.step(0.5, 0.5).reward);
      return [...out, env.state.px, env.state.tx];
    };
    assert.deepEqual(run(3), run(3));
    assert.notDeepEqual(run(3), run(4));
  });

  it('renders the mass and target as discs at their pixel positions, stacking the previous frame', () => {
    const img = new Float32Array(SIZE * SIZE * 2);
    // (−1, −1) maps to the centre of pixel (0, 0)'s corner region; the target at the centre.
    renderFrame(state({ px: -1 + 1 / SIZE, py: -1 + 1 / SIZE, tx: 1 / SIZE, ty: 1 / SIZE }), img);
    assert.equal(img[0], 1); // pixel (0, 0), channel 0: on the mass
    assert.equal(img[(12 * SIZE + 12) * 2 + 1], 1); // pixel (12, 12), channel 1: the target
    assert.equal(img[(12 * SIZE + 12) * 2], 0); // the mass is not there
    const env = new PointMassEnv(new Rng(2), 2);
    const o0 = env.reset();
    assert.equal(o0.length, OBS_LENGTH);
    // At reset both stacked frames are the same picture.
    for (let p = 0; p < SIZE * SIZE; p++) assert.equal(o0[p * OBS_CHANNELS], o0[p * OBS_CHANNELS + 2]);
    const o1 = env.step(1, 1).obs;
    // The previous-frame channels of the new observation are the current-frame channels of the last one.
    for (let p = 0; p < SIZE * SIZE; p++) assert.equal(o1[p * OBS_CHANNELS], o0[p * OBS_CHANNELS + 2]);
  });

  it('is calibrated: random policy ≈ 2.4–3.5 per episode, the PD controller ≈ 38–40', () => {
    const env = new PointMassEnv(new Rng(5), 2);
    const actions = new Rng(6);
    let random = 0;
    let pd = 0;
    const episodes = 200;
    for (let e = 0; e < episodes; e++) {
      env.reset();
      for (let done = false; !done;) {
        const out = env.step(actions.next() * 2 - 1, actions.next() * 2 - 1);
        random += out.reward;
        done = out.done;
      }
      env.reset();
      for (let done = false; !done;) {
        const [ax, ay] = pdAction(env.state);
        const out = env.step(ax, ay);
        pd += out.reward;
        done = out.done;
      }
    }
    random /= episodes;
    pd /= episodes;
    assert.ok(random > 2 && random < 4, `random ${random}`);
    assert.ok(pd > 36 && pd < 42, `pd ${pd}`);
  });
});
