/**
 * Fixes for two defects of the WebGPU backend (tfjs 4.22), found by running every demo on an
 * NVIDIA H200 through Dawn. Both made kernels fail validation on the device; TensorFlow.js does
 * not throw then, the work is skipped and training goes on with wrong numbers.
 *
 * (a) AddN binds one storage buffer per input plus one for the output, and a WebGPU device
 *     allows 8 storage buffers per shader stage by default. Summing more than 7 tensors (FedOpt
 *     adds 10 clients' updates; autodiff adds the gradients of a tensor used in many places)
 *     failed with "The number of storage buffers (11) in the Compute stage exceeds the maximum
 *     per-stage limit (8)". The override sums at most 7 at a time.
 * (b) Transpose of an int32 tensor generated WGSL that does not compile ("type mismatch for
 *     argument 2 in call to 'setOutputAtIndex', expected 'f32', got 'i32'"). The override
 *     transposes a float32 copy and casts back; int32 values up to 2^24 (indices, labels)
 *     survive the round trip exactly.
 */
import './tfSetup';
import * as tf from '@tensorflow/tfjs-core';

/** Storage buffers per shader stage that every WebGPU device allows (the spec's default limit). */
export const DEFAULT_STORAGE_BUFFERS_PER_STAGE = 8;
/** Inputs one AddN dispatch may take: one buffer is the output. */
export const MAX_ADDN_INPUTS = DEFAULT_STORAGE_BUFFERS_PER_STAGE - 1;

function single(out: tf.TensorInfo | tf.TensorInfo[]): tf.TensorInfo {
  const first = Array.isArray(out) ? out[0] : out;
  if (!first) throw new Error('kernel returned no output');
  return first;
}

/**
 * An AddN kernel that never passes more than `maxInputs` tensors to `original`: it sums groups
 * of at most `maxInputs`, then sums the partial sums the same way. Intermediate sums are freed.
 */
export function chunkedAddN(original: tf.KernelFunc, maxInputs: number = MAX_ADDN_INPUTS): tf.KernelFunc {
  if (maxInputs < 2) throw new Error('chunkedAddN: maxInputs must be at least 2');
  return ({ inputs, backend, attrs }) => {
    // AddN's inputs arrive as an array (the op passes its tensor list as the input map).
    const tensors = inputs as unknown as tf.TensorInfo[];
    if (tensors.length <= maxInputs) return original({ inputs, backend, attrs });
    const owner = backend as tf.KernelBackend;
    let level = tensors.map((t) => ({ t, owned: false }));
    while (level.length > maxInputs) {
      const next: { t: tf.TensorInfo; owned: boolean }[] = [];
      for (let i = 0; i < level.length; i += maxInputs) {
        const group = level.slice(i, i + maxInputs);
        if (group.length === 1 && group[0]) {
          next.push(group[0]); // carried to the next level as is
          continue;
        }
        const sum = single(
          original({ inputs: group.map((g) => g.t) as unknown as tf.NamedTensorInfoMap, backend, attrs }),
        );
        for (const g of group) if (g.owned) owner.disposeData(g.t.dataId);
        next.push({ t: sum, owned: true });
      }
      level = next;
    }
    const out = single(original({ inputs: level.map((g) => g.t) as unknown as tf.NamedTensorInfoMap, backend, attrs }));
    for (const g of level) if (g.owned) owner.disposeData(g.t.dataId);
    return out;
  };
}

/** A Transpose kernel that moves int32 tensors through float32 (see (b) above). */
export function transposeIntsAsFloats(original: tf.KernelFunc, cast: tf.KernelFunc): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const x = inputs['x'];
    if (!x || x.dtype !== 'int32') return original({ inputs, backend, attrs });
    const owner = backend as tf.KernelBackend;
    const asFloat = single(cast({ inputs: { x }, backend, attrs: { dtype: 'float32' } }));
    try {
      const moved = single(original({ inputs: { x: asFloat }, backend, attrs }));
      try {
        return single(cast({ inputs: { x: moved }, backend, attrs: { dtype: 'int32' } }));
      } finally {
        owner.disposeData(moved.dataId);
      }
    } finally {
      owner.disposeData(asFloat.dataId);
    }
  };
}

let installed: string[] | null = null;

function override(kernelName: string, backendName: string, wrap: (original: tf.KernelFunc) => tf.KernelFunc): boolean {
  const original = tf.getKernel(kernelName, backendName);
  if (!original) return false;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ ...original, kernelFunc: wrap(original.kernelFunc) });
  return true;
}

/**
 * Installs both overrides once (idempotent), after the WebGPU backend's module is loaded and
 * before it is used. Returns the overridden kernels.
 */
export function installWebgpuFixes(backendName = 'webgpu'): string[] {
  if (installed) return installed;
  const cast = tf.getKernel('Cast', backendName);
  const done: string[] = [];
  if (override('AddN', backendName, (original) => chunkedAddN(original))) done.push('AddN');
  if (cast && override('Transpose', backendName, (original) => transposeIntsAsFloats(original, cast.kernelFunc)))
    done.push('Transpose');
  installed = done;
  return installed;
}
