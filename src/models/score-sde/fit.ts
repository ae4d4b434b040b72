/**
 * The training loop shared by the 2-D and the digit demos: Adam steps on the denoising
 * score-matching loss (Eq. 7 with λ(t) = σ_t²) of batches drawn from the data, with the loss
 * streamed as a metric and a preview of the EMA model every few steps. Returns the EMA parameters.
 *
 * Random stream, in order: the initial weights, then per step the batch (data, t and z), then
 * whatever the preview draws; the same seed gives the same model.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/rng';
import type { RunContext } from '../types';
import type { ScoreSdeConfig } from './demo';
import { disposeBatch, dsmBatch, dsmLoss } from './loss';
import { initMlp, type MlpParams, type MlpShape } from './model';
import type { ScoreNetwork } from './network';
import { type AdamSettings, adamStep, disposeAdam, initAdam } from './optim';
import type { Sde } from './sdes';

/** Steps between loss read-backs (the plotted loss is their mean). */
export const LOSS_EVERY = 20;

export interface FitOptions {
  readonly sde: Sde;
  /** The MLP's shape (its inputs are the data's dimensions, also for another network). */
  readonly shape: MlpShape;
  /** Train this network instead of the MLP of `shape`. */
  readonly network?: ScoreNetwork;
  readonly hp: AdamSettings;
  readonly steps: number;
  readonly batchSize: number;
  /** `n` data points x(0), row-major [n, D] (D = shape.inputs). */
  readonly draw: (n: number, rng: Rng) => Float32Array;
  /** t ~ U[eps, T] per example. */
  readonly eps: number;
  readonly dataVariance: number;
  readonly ctx: RunContext;
  /** Progress units already done before this model (reported as offset + step). */
  readonly progressOffset: number;
  /** Called every `previewEvery` steps (0: never) with the current EMA parameters. */
  readonly previewEvery: number;
  readonly preview?: (ema: MlpParams, step: number, rng: Rng) => Promise<void>;
}

/** The score network of a config (`embedding`, `hidden`, `layers`) on `dims`-dimensional data. */
export function scoreNetShape(config: Pick<ScoreSdeConfig, 'embedding' | 'hidden' | 'layers'>, dims: number): MlpShape {
  return { inputs: dims, embedding: config.embedding, hidden: config.hidden, layers: config.layers, outputs: dims };
}

/** Adam as a config sets it (`lr`, `warmup`, `emaDecay`), over `steps` steps, gradients clipped at norm 1. */
export function adamSettings(config: Pick<ScoreSdeConfig, 'lr' | 'warmup' | 'emaDecay'>, steps: number): AdamSettings {
  return { lr: config.lr, warmup: config.warmup, totalSteps: steps, clip: 1, emaDecay: config.emaDecay };
}

/** Trains one score network; returns its EMA parameters (the caller disposes them) and the steps done. */
export async function fitScoreNetwork(o: FitOptions, rng: Rng): Promise<{ params: MlpParams; steps: number }> {
  const { sde, ctx, steps } = o;
  const dims = o.shape.inputs;
  const network = o.network;
  const state = initAdam(network ? network.init(rng) : initMlp(o.shape, rng));
  const batchOptions = { eps: o.eps, dataVariance: o.dataVariance, embedding: o.shape.embedding };
  let lossSum: tf.Scalar = tf.scalar(0);
  let done = 0;
  let finished = false;
  try {
    for (let step = 1; step <= steps && !ctx.aborted; step++) {
      const batch = dsmBatch(sde, o.draw(o.batchSize, rng), dims, rng, batchOptions);
      const { value, grads } = tf.tidy(() =>
        tf.valueAndGrads((...p: tf.Tensor[]) => dsmLoss(p, batch, network?.output))(state.params),
      );
      disposeBatch(batch);
      adamStep(state, grads, o.hp);
      tf.dispose(grads);
      const sum = tf.add(lossSum, value) as tf.Scalar;
      tf.dispose([lossSum, value]);
      lossSum = sum;
      done = step;
      if (step % LOSS_EVERY === 0 || step === steps) {
        const count = step % LOSS_EVERY === 0 ? LOSS_EVERY : step % LOSS_EVERY;
        const total = (await lossSum.data())[0] ?? NaN;
        lossSum.dispose();
        lossSum = tf.scalar(0);
        ctx.metric(step, { [`loss/${sde.name}`]: total / count });
      }
      if (o.preview && o.previewEvery > 0 && step % o.previewEvery === 0) await o.preview(state.ema, step, rng);
      ctx.progress(o.progressOffset + step);
      await ctx.tick();
    }
    finished = true;
  } finally {
    lossSum.dispose();
    const ema = state.ema;
    state.ema = [];
    disposeAdam(state);
    // The EMA parameters go to the caller, unless training threw (a stop or a crash mid-step).
    if (finished) state.ema = ema;
    else tf.dispose(ema);
  }
  return { params: state.ema, steps: done };
}
