/**
 * What the kernels written in JavaScript share: float32 tensors of the cpu backend (JavaScript
 * arrays) and of wasm (views of its heap) read and written in place, and the backend's own
 * kernels called directly for what JavaScript does slowly (Sigmoid).
 */
import * as tf from '@tensorflow/tfjs-core';

/** The backends whose tensors JavaScript can read and write in place. */
export const HOST_BACKENDS = ['cpu', 'wasm'] as const;
export type HostBackend = (typeof HOST_BACKENDS)[number];

/** Float32 storage of a backend's tensors that JavaScript can read and write in place. */
export interface HostMemory {
  alloc(shape: number[]): tf.TensorInfo;
  /** A view of the tensor's values; take it after the last allocation (wasm's heap can move). */
  view(t: tf.TensorInfo): Float32Array;
  /** The same for an int32 tensor (labels, indices). */
  viewInt32(t: tf.TensorInfo): Int32Array;
  free(t: tf.TensorInfo): void;
  /** Runs one of the backend's own unary kernels (Sigmoid). */
  unary(kernelName: string, x: tf.TensorInfo): tf.TensorInfo;
}

/** The parts of the wasm backend (`BackendWasm`) that kernels written in JavaScript use. */
export interface WasmBackend extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.TypedArray;
  incRef(dataId: tf.DataId): void;
  readonly wasm: { readonly HEAPU8: Uint8Array };
  readonly dataIdMap: { get(dataId: tf.DataId): { readonly memoryOffset: number } | undefined };
}

interface CpuMemory extends tf.KernelBackend {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.TypedArray): tf.TensorInfo;
  data: { get(dataId: tf.DataId): { values?: tf.TypedArray } | undefined };
}

export function hostMemory(backendName: HostBackend, backend: tf.KernelBackend): HostMemory {
  const unary = (kernelName: string, x: tf.TensorInfo): tf.TensorInfo => {
    const kernel = tf.getKernel(kernelName, backendName);
    if (!kernel) throw new Error(`no ${kernelName} kernel on ${backendName}`);
    return kernel.kernelFunc({ inputs: { x }, backend, attrs: {} }) as tf.TensorInfo;
  };
  const float32 = (values: tf.TypedArray | undefined): Float32Array => {
    if (!(values instanceof Float32Array)) throw new Error('host kernels: float32 tensors only');
    return values;
  };
  const int32 = (values: tf.TypedArray | undefined): Int32Array => {
    if (!(values instanceof Int32Array)) throw new Error('host kernels: an int32 tensor expected');
    return values;
  };
  if (backendName === 'wasm') {
    const wasm = backend as WasmBackend;
    return {
      alloc: (shape) => wasm.makeOutput(shape, 'float32'),
      view: (t) => float32(wasm.typedArrayFromHeap(t)),
      viewInt32: (t) => int32(wasm.typedArrayFromHeap(t)),
      free: (t) => wasm.disposeData(t.dataId),
      unary,
    };
  }
  const cpu = backend as CpuMemory;
  return {
    alloc: (shape) => cpu.makeTensorInfo(shape, 'float32', new Float32Array(tf.util.sizeFromShape(shape))),
    // The cpu backend's int32 → float32 cast shares the Int32Array: such inputs are read as a copy.
    view: (t) => {
      const values = cpu.data.get(t.dataId)?.values;
      return values instanceof Int32Array || values instanceof Uint8Array ? Float32Array.from(values) : float32(values);
    },
    viewInt32: (t) => int32(cpu.data.get(t.dataId)?.values),
    free: (t) => cpu.disposeData(t.dataId),
    unary,
  };
}

/** Views of several tensors at once, in order. */
export function views<T extends readonly tf.TensorInfo[]>(
  memory: HostMemory,
  ...tensors: T
): { [K in keyof T]: Float32Array } {
  return tensors.map((t) => memory.view(t)) as { [K in keyof T]: Float32Array };
}

/** The named float32 inputs, in order. */
export function required<N extends readonly string[]>(
  kernelName: string,
  inputs: tf.NamedTensorInfoMap,
  ...names: N
): { [K in keyof N]: tf.TensorInfo } {
  return names.map((name) => {
    const t = inputs[name];
    if (!t) throw new Error(`${kernelName}: no input ${name}`);
    if (t.dtype !== 'float32') throw new Error(`${kernelName}: ${name} is ${t.dtype}, not float32`);
    return t;
  }) as { [K in keyof N]: tf.TensorInfo };
}
