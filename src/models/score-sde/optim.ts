/**
 * Adam with global-norm gradient clipping, a linear warm-up followed by cosine decay of the
 * learning rate, and an exponential moving average (EMA) of the parameters, which is what the
 * samplers and the likelihood use (as in the official code).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface AdamSettings {
  readonly lr: number;
  readonly warmup: number;
  readonly totalSteps: number;
  readonly clip: number;
  readonly emaDecay: number;
  /**
   * Warm the EMA up as the official code's `ExponentialMovingAverage` does with `num_updates`: the
   * decay at update k is min(emaDecay, (1 + k)/(10 + k)), so that the average forgets the random
   * initial weights within a few hundred steps. Matters when emaDecay^steps is not negligible
   * (0.999 over 3000 steps leaves 5% of the initial weights; 0.99 over 2000 steps 2·10⁻⁹).
   */
  readonly emaWarmup?: boolean;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
}

export interface AdamState {
  params: tf.Tensor[];
  ema: tf.Tensor[];
  m: tf.Tensor[];
  v: tf.Tensor[];
  step: number;
}

export function initAdam(params: tf.Tensor[]): AdamState {
  return {
    params,
    ema: params.map((p) => p.clone()),
    m: params.map((p) => tf.zerosLike(p)),
    v: params.map((p) => tf.zerosLike(p)),
    step: 0,
  };
}

/** Learning rate at step k (1-based): linear warm-up to `lr`, then a cosine decay to 0 at `totalSteps`. */
export function learningRate(s: AdamSettings, k: number): number {
  if (k <= s.warmup) return (s.lr * k) / s.warmup;
  const progress = Math.min(1, (k - s.warmup) / Math.max(1, s.totalSteps - s.warmup));
  return 0.5 * s.lr * (1 + Math.cos(Math.PI * progress));
}

/**
 * One Adam step on `grads`, in place on `state` (old tensors are disposed). Gradients are first
 * rescaled so that their global norm is at most `clip`.
 */
export function adamStep(state: AdamState, grads: readonly tf.Tensor[], s: AdamSettings): void {
  const k = state.step + 1;
  const b1 = s.beta1 ?? 0.9;
  const b2 = s.beta2 ?? 0.999;
  const lr = learningRate(s, k);
  const correction1 = 1 - b1 ** k;
  const correction2 = 1 - b2 ** k;
  const decay = s.emaWarmup ? Math.min(s.emaDecay, (1 + k) / (10 + k)) : s.emaDecay;
  const next = tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
    const scale = tf.minimum(1, tf.div(s.clip, tf.add(norm, 1e-12)));
    return state.params.map((p, i) => {
      const g = tf.mul(grads[i] as tf.Tensor, scale);
      const m = tf.add(tf.mul(state.m[i] as tf.Tensor, b1), tf.mul(g, 1 - b1));
      const v = tf.add(tf.mul(state.v[i] as tf.Tensor, b2), tf.mul(tf.square(g), 1 - b2));
      const update = tf.div(tf.div(m, correction1), tf.add(tf.sqrt(tf.div(v, correction2)), s.epsilon ?? 1e-8));
      const param = tf.sub(p, tf.mul(update, lr));
      const ema = tf.add(tf.mul(state.ema[i] as tf.Tensor, decay), tf.mul(param, 1 - decay));
      return { param, ema, m, v };
    });
  });
  tf.dispose([...state.params, ...state.ema, ...state.m, ...state.v]);
  state.params = next.map((n) => n.param);
  state.ema = next.map((n) => n.ema);
  state.m = next.map((n) => n.m);
  state.v = next.map((n) => n.v);
  state.step = k;
}

export function disposeAdam(state: AdamState): void {
  tf.dispose([...state.params, ...state.ema, ...state.m, ...state.v]);
}
