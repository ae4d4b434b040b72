/**
 * The gradient of the mean softmax cross-entropy with respect to the logits, in one kernel, for
 * logits laid out one column per example (zᵀ = Wᵀ xᵀ, as a linear layer stored [K, P] computes
 * them without a transpose):
 *
 *   Gᵀ[:, n] = s · (softmax(zᵀ[:, n] + b) − onehot(y_n)),   Σ_n Gᵀ[:, n],
 *
 * the two things a hand-written gradient of a linear softmax classifier needs (∂ℓ/∂Wᵀ = Gᵀ x and
 * ∂ℓ/∂b = Σ_n G). As ops this is about eight kernels (transpose, bias, softmax, one-hot, cast,
 * subtract, scale, sum) on a tensor of a few hundred elements, where each kernel's fixed cost is
 * the whole of its time; FedOpt's clients take hundreds of such steps a round. On cpu and wasm,
 * whose tensors JavaScript reads in place, it is one kernel of plain loops (the exponentials in
 * float64, rounded once); other backends (WebGPU) run the ops (`softmaxCrossEntropyGradOps`),
 * which are also what the tests compare the kernel with.
 */
import * as tf from '@tensorflow/tfjs-core';
import { HOST_BACKENDS, type HostBackend, hostMemory, required } from './hostKernels';

export const SOFTMAX_XENT_GRAD = 'SoftmaxCrossEntropyGradT';

export interface SoftmaxGradient {
  /** [K, N]: the scaled gradient with respect to the logits, one column per example. */
  readonly gT: tf.Tensor2D;
  /** [K]: its sum over the examples (the bias gradient). */
  readonly gSum: tf.Tensor1D;
}

function kernelFunc(backendName: HostBackend): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const [logitsT, bias] = required(SOFTMAX_XENT_GRAD, inputs, 'logitsT', 'bias');
    const labels = inputs['labels'];
    const scale = attrs?.['scale'];
    const [classes = 0, examples = 0] = logitsT.shape;
    if (logitsT.shape.length !== 2 || bias.shape.length !== 1 || bias.shape[0] !== classes)
      throw new Error(`${SOFTMAX_XENT_GRAD}: logitsT [K, N] and bias [K], got ${logitsT.shape} and ${bias.shape}`);
    if (!labels || labels.dtype !== 'int32' || tf.util.sizeFromShape(labels.shape) !== examples)
      throw new Error(`${SOFTMAX_XENT_GRAD}: ${examples} int32 labels, got ${labels?.dtype} ${labels?.shape}`);
    if (typeof scale !== 'number') throw new Error(`${SOFTMAX_XENT_GRAD}: a number scale, got ${String(scale)}`);
    const memory = hostMemory(backendName, backend as tf.KernelBackend);
    const bad = memory.viewInt32(labels).find((label) => !(label >= 0 && label < classes));
    if (bad !== undefined) throw new Error(`${SOFTMAX_XENT_GRAD}: label ${bad} not in [0, ${classes})`);
    const gT = memory.alloc([classes, examples]);
    const gSum = memory.alloc([classes]);
    // Views after the last allocation (wasm's heap can move).
    const Z = memory.view(logitsT);
    const b = memory.view(bias);
    const y = memory.viewInt32(labels);
    const G = memory.view(gT);
    const S = memory.view(gSum);
    S.fill(0);
    const p = new Float64Array(classes);
    for (let n = 0; n < examples; n++) {
      const label = y[n] as number;
      let max = -Infinity;
      for (let k = 0; k < classes; k++) {
        p[k] = (Z[k * examples + n] as number) + (b[k] as number);
        if ((p[k] as number) > max) max = p[k] as number;
      }
      let total = 0;
      for (let k = 0; k < classes; k++) {
        p[k] = Math.exp((p[k] as number) - max);
        total += p[k] as number;
      }
      for (let k = 0; k < classes; k++) {
        const g = Math.fround(scale * ((p[k] as number) / total - (k === label ? 1 : 0)));
        G[k * examples + n] = g;
        S[k] = (S[k] as number) + g;
      }
    }
    return [gT, gSum];
  };
}

let registered = false;

/** Registers the kernel on cpu and wasm (idempotent). It has no gradient: it is one. */
export function registerSoftmaxCrossEntropyKernel(): void {
  if (registered) return;
  registered = true;
  for (const backendName of HOST_BACKENDS)
    tf.registerKernel({ kernelName: SOFTMAX_XENT_GRAD, backendName, kernelFunc: kernelFunc(backendName) });
}

/** The same as TensorFlow.js ops (any backend). */
export function softmaxCrossEntropyGradOps(
  logitsT: tf.Tensor2D,
  bias: tf.Tensor1D,
  labels: tf.Tensor1D,
  scale: number,
): SoftmaxGradient {
  return tf.tidy(() => {
    const probs = tf.softmax(tf.add(tf.transpose(logitsT), bias));
    const g = tf.mul(tf.sub(probs, tf.cast(tf.oneHot(labels, logitsT.shape[0]), 'float32')), scale);
    return { gT: tf.transpose(g) as tf.Tensor2D, gSum: tf.sum(g, 0) as tf.Tensor1D };
  });
}

/**
 * s · (softmax(zᵀ + b) − onehot(y)) for logits zᵀ [K, N] (one column per example), a bias [K] and
 * int32 labels [N], with its sum over the examples. One kernel where the backend has it.
 */
export function softmaxCrossEntropyGrad(
  logitsT: tf.Tensor2D,
  bias: tf.Tensor1D,
  labels: tf.Tensor1D,
  scale: number,
): SoftmaxGradient {
  if (!tf.getKernel(SOFTMAX_XENT_GRAD, tf.getBackend()))
    return softmaxCrossEntropyGradOps(logitsT, bias, labels, scale);
  const [gT, gSum] = tf.engine().runKernel(SOFTMAX_XENT_GRAD, { logitsT, bias, labels }, { scale }) as [
    tf.Tensor2D,
    tf.Tensor1D,
  ];
  return { gT, gSum };
}
