/**
 * Watches a run on a CPU backend for what would break it on WebGPU in Node: a synchronous read
 * (`dataSync`, `arraySync`: the WebGPU backend needs an OffscreenCanvas for those, which Node does
 * not have) and a kernel the WebGPU backend does not implement. Lets machines without a GPU catch
 * both before a GPU run does. Only this thread's tensor work is seen (not worker threads').
 */
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_CELL_KERNELS } from '../../src/models/engine/recurrentCells';
import { SOFTMAX_XENT_GRAD } from '../../src/models/engine/softmaxCrossEntropy';

export interface WebgpuReadiness {
  /** Where each synchronous read came from (the first frame outside TensorFlow.js), deduplicated. */
  readonly syncReads: readonly string[];
  /** Kernels the run used that the WebGPU backend does not register. */
  readonly missingKernels: readonly string[];
  /** Every kernel the run used. */
  readonly kernels: readonly string[];
}

type Engine = ReturnType<typeof tf.engine>;

function caller(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(2);
  const ours = frames.find((f) => !f.includes('node_modules') && !f.includes('webgpuReadiness'));
  return (ours ?? frames[0] ?? 'unknown').trim();
}

/** Starts watching; `stop()` restores the engine and reports. */
export async function watchForWebgpu(): Promise<{ stop(): WebgpuReadiness }> {
  // Registering the WebGPU kernels needs no GPU: the backend itself is only created on use.
  await import('@tensorflow/tfjs-backend-webgpu');
  const webgpu = new Set(tf.getKernelsForBackend('webgpu').map((k) => k.kernelName));
  // Fused kernels that only the cpu and wasm backends have: elsewhere the same op runs as plain ops.
  for (const name of [...FUSED_CELL_KERNELS, SOFTMAX_XENT_GRAD]) webgpu.add(name);
  const engine: Engine = tf.engine();
  const readSync = engine.readSync;
  const runKernel = engine.runKernel;
  const reads = new Set<string>();
  const kernels = new Set<string>();
  engine.readSync = function (this: Engine, dataId) {
    reads.add(caller());
    return readSync.call(this, dataId);
  };
  engine.runKernel = function <T extends tf.Tensor | tf.Tensor[]>(
    this: Engine,
    name: string,
    inputs: tf.NamedTensorMap,
    attrs?: tf.NamedAttrMap,
  ): T {
    kernels.add(name);
    return runKernel.call(this, name, inputs, attrs) as T;
  };
  return {
    stop() {
      engine.readSync = readSync;
      engine.runKernel = runKernel;
      const used = [...kernels].sort();
      return { syncReads: [...reads], kernels: used, missingKernels: used.filter((k) => !webgpu.has(k)) };
    },
  };
}
