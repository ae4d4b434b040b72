/**
 * The point-mass reaching task, rendered to pixels. A mass in the square [−1, 1]² is pushed by a
 * two-dimensional force a ∈ [−1, 1]²; it must reach a target placed at random each episode.
 *
 *   v ← 0.85 · (v + 0.2 · a),   p ← p + DT · v   (walls: a coordinate leaving [−1, 1] is clamped
 *   and its velocity zeroed);   reward per frame r = clip(1 − ‖p − target‖ / 0.5, 0, 1).
 *
 * Episodes last 50 frames and then end by the time limit only: there is no terminal state, so
 * the agent bootstraps through the last transition (as the official code does for time limits).
 * The agent sees two channels per frame (the mass and the target drawn as soft discs on a 24×24
 * grid) and the last two frames stacked: observations are 24 × 24 × 4, values in [0, 1].
 * Everything is deterministic given the seed of the episode's random generator.
 */
import type { Rng } from '../engine/rng';

export const SIZE = 24;
export const CHANNELS_PER_FRAME = 2;
export const FRAME_STACK = 2;
export const OBS_CHANNELS = CHANNELS_PER_FRAME * FRAME_STACK;
export const OBS_LENGTH = SIZE * SIZE * OBS_CHANNELS;
export const ACTION_DIM = 2;
export const EPISODE_FRAMES = 50;
/** Velocity decay and force gain of the dynamics. */
export const DAMPING = 0.85;
export const FORCE = 0.2;
/** Position step per frame per unit velocity (the terminal speed is 1.13 · DT per frame). */
export const DT = 0.1;
/** Distance at which the reward falls to zero. */
export const REWARD_RADIUS = 0.5;
/** Radius of the drawn discs, in pixels. */
const DISC_RADIUS = 1.5;

export interface PointMassState {
  px: number;
  py: number;
  vx: number;
  vy: number;
  tx: number;
  ty: number;
  frame: number;
}

const clip = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** Reward of one frame: 1 on the target, falling linearly to 0 at REWARD_RADIUS. */
export function reward(s: Readonly<PointMassState>): number {
  return clip(1 - Math.hypot(s.px - s.tx, s.py - s.ty) / REWARD_RADIUS, 0, 1);
}

/** One frame of the dynamics, in place; returns the frame's reward. */
export function physicsStep(s: PointMassState, ax: number, ay: number): number {
  s.vx = DAMPING * (s.vx + FORCE * clip(ax, -1, 1));
  s.vy = DAMPING * (s.vy + FORCE * clip(ay, -1, 1));
  s.px += DT * s.vx;
  s.py += DT * s.vy;
  if (s.px < -1 || s.px > 1) {
    s.px = clip(s.px, -1, 1);
    s.vx = 0;
  }
  if (s.py < -1 || s.py > 1) {
    s.py = clip(s.py, -1, 1);
    s.vy = 0;
  }
  s.frame++;
  return reward(s);
}

/** Draws a soft disc of value 1 (anti-aliased edge) at (x, y) ∈ [−1, 1]² into one channel of an HWC image. */
function drawDisc(out: Float32Array, offset: number, channels: number, channel: number, x: number, y: number): void {
  const cx = ((x + 1) / 2) * SIZE - 0.5;
  const cy = ((y + 1) / 2) * SIZE - 0.5;
  // Only pixels within the disc's bounding box can be lit.
  const reach = DISC_RADIUS + 0.5;
  const rows = [Math.max(0, Math.ceil(cy - reach)), Math.min(SIZE - 1, Math.floor(cy + reach))];
  const cols = [Math.max(0, Math.ceil(cx - reach)), Math.min(SIZE - 1, Math.floor(cx + reach))];
  for (let row = rows[0] as number; row <= (rows[1] as number); row++) {
    for (let col = cols[0] as number; col <= (cols[1] as number); col++) {
      const v = clip(DISC_RADIUS + 0.5 - Math.hypot(col - cx, row - cy), 0, 1);
      if (v > 0) out[offset + (row * SIZE + col) * channels + channel] = v;
    }
  }
}

/** Renders one frame (mass, target) into channels `first`, `first + 1` of an HWC image with `channels` channels. */
export function renderFrame(
  s: Readonly<PointMassState>,
  out: Float32Array,
  offset = 0,
  channels = CHANNELS_PER_FRAME,
  first = 0,
): void {
  drawDisc(out, offset, channels, first, s.px, s.py);
  drawDisc(out, offset, channels, first + 1, s.tx, s.ty);
}

/** A point-mass episode with frame stacking and action repeat. */
export class PointMassEnv {
  readonly state: PointMassState = { px: 0, py: 0, vx: 0, vy: 0, tx: 0, ty: 0, frame: 0 };
  private previous: PointMassState = { ...this.state };

  constructor(
    private readonly rng: Rng,
    /** Frames per agent step: the action is held and the frames' rewards summed. */
    readonly actionRepeat: number,
  ) {}

  /** Starts an episode: mass and target uniform in [−0.9, 0.9]², at rest. Returns the first observation. */
  reset(): Float32Array {
    const u = (): number => (this.rng.next() * 2 - 1) * 0.9;
    Object.assign(this.state, { px: u(), py: u(), vx: 0, vy: 0, tx: u(), ty: u(), frame: 0 });
    this.previous = { ...this.state };
    return this.observe();
  }

  /** The stacked observation: [previous frame's 2 channels, current frame's 2 channels] per pixel. */
  observe(): Float32Array {
    const obs = new Float32Array(OBS_LENGTH);
    renderFrame(this.previous, obs, 0, OBS_CHANNELS, 0);
    renderFrame(this.state, obs, 0, OBS_CHANNELS, CHANNELS_PER_FRAME);
    return obs;
  }

  /** Holds the action for `actionRepeat` frames (or until the time limit); returns the summed reward. */
  step(ax: number, ay: number): { obs: Float32Array; reward: number; done: boolean } {
    // The stack holds the last two frames the agent has seen, one agent step apart.
    this.previous = { ...this.state };
    let total = 0;
    for (let k = 0; k < this.actionRepeat && this.state.frame < EPISODE_FRAMES; k++) {
      total += physicsStep(this.state, ax, ay);
    }
    return { obs: this.observe(), reward: total, done: this.state.frame >= EPISODE_FRAMES };
  }
}

/** A hand-written proportional-derivative controller: the reference for a good return. */
export function pdAction(s: Readonly<PointMassState>): [number, number] {
  const kp = 4;
  const kd = 2;
  return [clip(kp * (s.tx - s.px) - kd * s.vx, -1, 1), clip(kp * (s.ty - s.py) - kd * s.vy, -1, 1)];
}
