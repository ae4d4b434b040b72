/**
 * The score networks a config can train: the MLP of ./model.ts (2-D data and digits) and the
 * U-Net of ./unet.ts (digits). Both predict −z from the scaled input and the time features, so the
 * loss, the optimiser, the samplers and the ODE see only this interface.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/rng';
import { initMlp, mlpOutput, type MlpShape, score, scoreJvp, type TimeFeatures } from './model';
import type { ScoreModel } from './ode';
import { initUnet, unetOutput, unetParameterCount, unetScore, unetScoreVjp, type UnetShape } from './unet';

export interface ScoreNetwork {
  /** How tables name the network, e.g. 'MLP 3 × 512' or 'U-Net 32/64 channels'. */
  readonly label: string;
  readonly parameters: number;
  init(rng: Rng): tf.Tensor[];
  /** The raw output n_θ (predicted −z) for a batch [B, D]. */
  output(params: tf.Tensor[], x: tf.Tensor2D, f: TimeFeatures): tf.Tensor2D;
  /** The score model of trained parameters, with time features from `features`. */
  model(params: tf.Tensor[], features: (t: number) => TimeFeatures, dims: number): ScoreModel;
}

export function mlpNetwork(shape: MlpShape): ScoreNetwork {
  const { inputs: d, embedding: e, hidden: h, layers, outputs } = shape;
  return {
    label: `MLP ${layers} × ${h}`,
    parameters: (d + e + 1) * h + (layers - 1) * (h + 1) * h + (h + 1) * outputs,
    init: (rng) => initMlp(shape, rng),
    output: mlpOutput,
    model: (params, features, dims) => ({
      dims,
      score: (x, t) => score(params, x, features(t)),
      jvp: (x, t, tangents) => scoreJvp(params, x, features(t), tangents),
    }),
  };
}

export function unetNetwork(shape: UnetShape): ScoreNetwork {
  return {
    label: `U-Net ${shape.channels}/${2 * shape.channels} channels`,
    parameters: unetParameterCount(shape),
    init: (rng) => initUnet(shape, rng),
    output: (params, x, f) => unetOutput(shape, params, x, f),
    model: (params, features, dims) => ({
      dims,
      score: (x, t) => unetScore(shape, params, x, features(t)),
      vjp: (x, t, cotangents) => unetScoreVjp(shape, params, x, features(t), cotangents),
    }),
  };
}
