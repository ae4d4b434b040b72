/**
 * The replay buffer: a ring of transitions (s, a, r, s′, not-done) with observations stored as
 * bytes (pixels quantised to 0…255, as the official code stores uint8 frames), sampled
 * uniformly with replacement.
 */
import type { Rng } from '../engine/rng';

export interface Transitions {
  readonly size: number;
  /** Observations and next observations, values in [0, 1], `size × obsLength`. */
  readonly obs: Float32Array;
  readonly nextObs: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  /** 0 where the transition ended in a terminal state (never here: episodes end by time limit). */
  readonly notDones: Float32Array;
}

export class ReplayBuffer {
  private readonly obs: Uint8Array;
  private readonly nextObs: Uint8Array;
  private readonly actions: Float32Array;
  private readonly rewards: Float32Array;
  private readonly notDones: Float32Array;
  private next = 0;
  private filled = 0;

  constructor(
    readonly capacity: number,
    readonly obsLength: number,
    readonly actionDim: number,
  ) {
    this.obs = new Uint8Array(capacity * obsLength);
    this.nextObs = new Uint8Array(capacity * obsLength);
    this.actions = new Float32Array(capacity * actionDim);
    this.rewards = new Float32Array(capacity);
    this.notDones = new Float32Array(capacity);
  }

  get size(): number {
    return this.filled;
  }

  add(obs: Float32Array, action: readonly number[], reward: number, nextObs: Float32Array, done: boolean): void {
    const i = this.next;
    const o = i * this.obsLength;
    for (let j = 0; j < this.obsLength; j++) {
      this.obs[o + j] = Math.round((obs[j] as number) * 255);
      this.nextObs[o + j] = Math.round((nextObs[j] as number) * 255);
    }
    for (let j = 0; j < this.actionDim; j++) this.actions[i * this.actionDim + j] = action[j] as number;
    this.rewards[i] = reward;
    this.notDones[i] = done ? 0 : 1;
    this.next = (i + 1) % this.capacity;
    this.filled = Math.min(this.filled + 1, this.capacity);
  }

  /** `size` transitions drawn uniformly with replacement from those stored. */
  sample(size: number, rng: Rng): Transitions {
    if (this.filled === 0) throw new Error('cannot sample an empty replay buffer');
    const n = this.obsLength;
    const out = {
      size,
      obs: new Float32Array(size * n),
      nextObs: new Float32Array(size * n),
      actions: new Float32Array(size * this.actionDim),
      rewards: new Float32Array(size),
      notDones: new Float32Array(size),
    };
    for (let b = 0; b < size; b++) {
      const i = rng.int(this.filled);
      for (let j = 0; j < n; j++) {
        out.obs[b * n + j] = (this.obs[i * n + j] as number) / 255;
        out.nextObs[b * n + j] = (this.nextObs[i * n + j] as number) / 255;
      }
      for (let j = 0; j < this.actionDim; j++) {
        out.actions[b * this.actionDim + j] = this.actions[i * this.actionDim + j] as number;
      }
      out.rewards[b] = this.rewards[i] as number;
      out.notDones[b] = this.notDones[i] as number;
    }
    return out;
  }
}
