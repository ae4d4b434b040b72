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
 *     argument 2 in call to 'setOutputAtIndex', expected 'f32', got 'i32'"), and so does every
 *     kernel that transposes inside (a Sum or Max over any axis but the last, ArgMax, Cumsum, …),
 *     for int32 and bool tensors alike (both are i32 on the device). Found again, after a first
 *     fix that only relabelled the buffer, on a software Vulkan device
 *     (test/unit/engine/webgpuDevice.test.ts). The overrides give those kernels a float32 copy
 *     and cast the result back; int32 values up to 2^24 (indices, labels, counts) survive the
 *     round trip exactly.
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

/** The kernels the int32 and bool overrides are built from. */
export interface ConversionKernels {
  readonly cast: tf.KernelFunc;
  readonly multiply: tf.KernelFunc;
}

/**
 * A float32 copy of an int32 or bool tensor, held in a float32 buffer. The WebGPU backend's Cast
 * to float32 only relabels the int32 buffer (it counts the cast as lossless), and a program that
 * copies elements raw, as Transpose does, still sees i32 storage; multiplying by 1 goes through
 * the backend's element getters, which convert.
 */
function floatCopy(x: tf.TensorInfo, backend: tf.KernelBackend, kernels: ConversionKernels): tf.TensorInfo {
  const relabelled = single(kernels.cast({ inputs: { x }, backend, attrs: { dtype: 'float32' } }));
  const one: tf.TensorInfo = {
    dataId: backend.write(new Float32Array([1]), [], 'float32'),
    shape: [],
    dtype: 'float32',
  };
  try {
    return single(kernels.multiply({ inputs: { a: relabelled, b: one }, backend, attrs: {} }));
  } finally {
    backend.disposeData(relabelled.dataId);
    backend.disposeData(one.dataId);
  }
}

/**
 * A kernel that takes its int32 or bool input `x` as a float32 copy (see (b) above). With
 * `castBack` the result is cast back to the input's dtype (Transpose, Sum, Max, …); without, it
 * is kept as the kernel returns it for a float32 input (Mean: float32; ArgMax, ArgMin: int32
 * indices; All, Any: bool). Other inputs (UnsortedSegmentSum's segment ids) are passed on as
 * they are.
 */
export function nonFloatsAsFloats(
  original: tf.KernelFunc,
  kernels: ConversionKernels,
  castBack: boolean,
): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const x = inputs['x'];
    if (!x || (x.dtype !== 'int32' && x.dtype !== 'bool')) return original({ inputs, backend, attrs });
    const owner = backend as tf.KernelBackend;
    const asFloat = floatCopy(x, owner, kernels);
    try {
      const out = single(original({ inputs: { ...inputs, x: asFloat }, backend, attrs }));
      if (!castBack || out.dtype === x.dtype) return out;
      try {
        return single(kernels.cast({ inputs: { x: out }, backend, attrs: { dtype: x.dtype } }));
      } finally {
        owner.disposeData(out.dataId);
      }
    } finally {
      owner.disposeData(asFloat.dataId);
    }
  };
}

/**
 * Transpose, and the WebGPU kernels that transpose their input inside (through the backend's own
 * transpose function, not the registered kernel) to bring the reduced or scanned axis last; for
 * each, whether its result is cast back to the input's dtype. RIMs' module mask, a Sum over axis 1
 * of an int32 one-hot, went through Sum's transpose after the Transpose kernel itself was fixed.
 */
export const TRANSPOSING_KERNELS: Readonly<Record<string, boolean>> = {
  Transpose: true,
  All: false,
  Any: false,
  Sum: true,
  Prod: true,
  Max: true,
  Min: true,
  Mean: false,
  ArgMax: false,
  ArgMin: false,
  Cumsum: true,
  Cumprod: true,
  UnsortedSegmentSum: true,
};

let installed: string[] | null = null;

function override(kernelName: string, backendName: string, wrap: (original: tf.KernelFunc) => tf.KernelFunc): boolean {
  const original = tf.getKernel(kernelName, backendName);
  if (!original) return false;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({ ...original, kernelFunc: wrap(original.kernelFunc) });
  return true;
}

/**
 * Installs the overrides once (idempotent), after the WebGPU backend's module is loaded and
 * before it is used. Returns the overridden kernels.
 */
export function installWebgpuFixes(backendName = 'webgpu'): string[] {
  if (installed) return installed;
  const cast = tf.getKernel('Cast', backendName)?.kernelFunc;
  const multiply = tf.getKernel('Multiply', backendName)?.kernelFunc;
  const done: string[] = [];
  if (override('AddN', backendName, (original) => chunkedAddN(original))) done.push('AddN');
  if (cast !== undefined && multiply !== undefined)
    for (const [name, castBack] of Object.entries(TRANSPOSING_KERNELS))
      if (override(name, backendName, (original) => nonFloatsAsFloats(original, { cast, multiply }, castBack)))
        done.push(name);
  installed = done;
  return installed;
}
