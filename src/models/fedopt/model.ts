/**
 * The client models: softmax regression for the synthetic bag-of-words task, a small MLP for
 * MNIST. Each client trains its own copy of the parameters with plain 2-D ops (one small matMul
 * per client and step is faster on the wasm backend than one batched matMul over all clients).
 *
 * The wasm backend packs the second operand of a matMul for XNNPACK (a cost proportional to its
 * size) once per tensor, and reuses the packed copy while the tensor lives. The softmax
 * regression therefore puts the batch, not the weights, second: the batch is the same tensor for
 * every server optimizer compared in a round and is packed once for all of them, where a client's
 * weights are new after every local step.
 *
 * Loss: the client's mean cross-entropy over its batch, ℓ = −(1/B) Σ_b log softmax(z_b)[y_b].
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/rng';
import { softmaxCrossEntropyGrad } from '../engine/softmaxCrossEntropy';

/** One local step's examples of one client. */
export interface Batch {
  /** [B, P] model inputs: bag-of-words vectors or pixels. */
  readonly features: tf.Tensor2D;
  /** [P, B], the same inputs transposed: the second operand of the logits zᵀ = Wᵀ xᵀ. */
  readonly featuresT: tf.Tensor2D;
  /** [B] int32 labels. */
  readonly labels: tf.Tensor1D;
}

export interface FederatedModel {
  readonly numClasses: number;
  /** The initial global model x_0. */
  init(rng: Rng): tf.Tensor[];
  /** Logits [B, K] of a batch. */
  logits(params: readonly tf.Tensor[], batch: Batch): tf.Tensor2D;
  /**
   * scale·∇ℓ for one client's batch, one tensor per parameter (the scale is the learning rate,
   * applied to the small factor before the product with x).
   */
  gradients(params: readonly tf.Tensor[], batch: Batch, scale?: number): tf.Tensor[];
}

/** Mean cross-entropy of a batch. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const logProbs = tf.logSoftmax(logits);
  const onehot = tf.cast(tf.oneHot(labels, logits.shape[1]), 'float32');
  return tf.neg(tf.mean(tf.sum(tf.mul(onehot, logProbs), 1))) as tf.Scalar;
}

/**
 * Softmax regression: z = x W + b, with x the bag-of-words vector (word counts / L). The weight is
 * stored as Wᵀ, [K, P] (the layout of a linear layer's weight in PyTorch), and the logits are
 * computed as zᵀ = Wᵀ xᵀ.
 *
 * Gradient, by hand: with G = (softmax(z) − onehot(y)) / B, one row per example,
 *   ∂ℓ/∂Wᵀ = Gᵀ x,   ∂ℓ/∂b = Σ_examples G,
 * where Gᵀ and its sum come from one kernel on cpu and wasm (`softmaxCrossEntropyGrad`).
 */
export function softmaxRegression(vocabulary: number, numClasses: number): FederatedModel {
  const logits = (params: readonly tf.Tensor[], { featuresT }: Batch): tf.Tensor2D => {
    const [wT, b] = params as [tf.Tensor2D, tf.Tensor1D];
    return tf.add(tf.transpose(tf.matMul(wT, featuresT)), b);
  };
  return {
    numClasses,
    init: () => [tf.zeros([numClasses, vocabulary]), tf.zeros([numClasses])],
    logits,
    gradients(params, batch, scale = 1) {
      const [wT, b] = params as [tf.Tensor2D, tf.Tensor1D];
      const { features, featuresT, labels } = batch;
      const { gT, gSum } = softmaxCrossEntropyGrad(tf.matMul(wT, featuresT), b, labels, scale / features.shape[0]);
      return [tf.matMul(gT, features), gSum];
    },
  };
}

/** A one-hidden-layer ReLU network for images: z = relu(x W₁ + b₁) W₂ + b₂; gradients by autodiff. */
export function mlp(inputSize: number, hidden: number, numClasses: number): FederatedModel {
  const logits = (params: readonly tf.Tensor[], { features }: Batch): tf.Tensor2D => {
    const [w1, b1, w2, b2] = params as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];
    const h = tf.relu(tf.add(tf.matMul(features, w1), b1));
    return tf.add(tf.matMul(h, w2), b2);
  };
  return {
    numClasses,
    init: (rng) => [
      // He initialisation for the ReLU layer, Glorot for the output layer.
      tf.tensor2d(rng.normals(inputSize * hidden, Math.sqrt(2 / inputSize)), [inputSize, hidden]),
      tf.zeros([hidden]),
      tf.tensor2d(rng.normals(hidden * numClasses, Math.sqrt(2 / (hidden + numClasses))), [hidden, numClasses]),
      tf.zeros([numClasses]),
    ],
    logits,
    gradients(params, batch, scale = 1) {
      const loss = (...p: tf.Tensor[]): tf.Scalar => tf.mul(scale, crossEntropy(logits(p, batch), batch.labels));
      return tf.grads(loss)([...params]);
    },
  };
}

/** Test loss and accuracy of a global model on the test set given as one batch. */
export function evaluate(
  model: FederatedModel,
  params: readonly tf.Tensor[],
  test: Batch,
): { loss: tf.Scalar; accuracy: tf.Scalar } {
  return tf.tidy(() => {
    const z = model.logits(params, test);
    const loss = crossEntropy(z, test.labels);
    const correct = tf.cast(tf.equal(tf.argMax(z, 1), test.labels), 'float32');
    return { loss, accuracy: tf.mean(correct) };
  });
}
