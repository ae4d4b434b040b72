/**
 * One training step: gradients of the copy-position loss, clipped to a global norm (1.0 in the
 * official copying script), then Adam.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CopyBatch } from './data';
import { copyLoss } from './loss';
import type { CopyModel } from './model';

export interface Trainer {
  readonly model: CopyModel;
  readonly optimizer: tf.AdamOptimizer;
  readonly clip: number;
}

export function makeTrainer(model: CopyModel, lr: number, clip: number): Trainer {
  return { model, optimizer: tf.train.adam(lr), clip };
}

/** The batch as tensors: inputs [L, B, V] and copy targets [S·B]. */
export function batchTensors(batch: CopyBatch): { inputs: tf.Tensor3D; targets: tf.Tensor1D } {
  const { length } = batch.layout;
  return {
    inputs: tf.tensor3d(batch.inputs, [length, batch.batch, batch.inputs.length / (length * batch.batch)]),
    targets: tf.tensor1d(batch.targets, 'int32'),
  };
}

/** One step on `batch`; returns the loss before the update (a scalar the caller disposes). */
export function trainStep(trainer: Trainer, inputs: tf.Tensor3D, targets: tf.Tensor1D, batch: CopyBatch): tf.Scalar {
  return tf.tidy(() => {
    const { model } = trainer;
    const { value, grads } = tf.variableGrads(
      () => copyLoss(model.forward(inputs, batch.layout, true), targets),
      model.variables,
    );
    const list = model.variables.map((v) => grads[v.name] as tf.Tensor);
    const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))));
    const scale = tf.minimum(1, tf.div(trainer.clip, tf.add(norm, 1e-12)));
    trainer.optimizer.applyGradients(
      model.variables.map((v, i) => ({ name: v.name, tensor: tf.mul(list[i] as tf.Tensor, scale) })),
    );
    return value;
  });
}
