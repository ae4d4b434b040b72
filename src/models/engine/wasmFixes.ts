/**
 * Fixes for two gaps of the wasm backend (tfjs 4.22), installed before it is used.
 *
 * (a) BatchMatMul / _FusedMatMul with a transposed operand take a slow path in the wasm
 *     kernel; every backward pass of a dense layer hits it (dA = dY·Bᵀ, dB = Aᵀ·dY). The override
 *     materialises the transpose with the wasm Transpose kernel and multiplies untransposed.
 *     Measured on a 2-core laptop-class CPU, 1 thread with SIMD, mean of 20:
 *       [512,256]·[256,256]   no transpose           3.3 ms
 *       [512,256]·[256,256]ᵀ  before 40.6 ms, after  3.6 ms
 *       [256,512]ᵀ·[256,256]  before 94.0 ms, after  3.9 ms
 * (b) Kernels registered for `cpu` but not for `wasm` (Conv2DBackpropFilter, the depthwise
 *     gradients, UnsortedSegmentSum — the gradient of gather, i.e. of embeddings — Einsum, …).
 *     They are registered on wasm as borrowers: inputs are copied to the cpu backend, the cpu
 *     kernel runs, and its outputs are copied back.
 */
import './tfSetup';
import * as tf from '@tensorflow/tfjs-core';

/** Kernels that cannot be borrowed this way (complex numbers, strings, canvas). */
const NOT_BORROWABLE = new Set(['Complex', 'ComplexAbs', 'FFT', 'IFFT', 'Imag', 'Real', 'Draw', 'StaticRegexReplace']);

let installed: { borrowed: string[]; matmul: string[] } | null = null;

/** Kernel names present on `cpu` but missing on `wasm`. */
export function missingWasmKernels(): string[] {
  const wasm = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  return tf
    .getKernelsForBackend('cpu')
    .map((k) => k.kernelName)
    .filter((name) => !wasm.has(name));
}

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

function asList(out: tf.TensorInfo | tf.TensorInfo[]): tf.TensorInfo[] {
  return Array.isArray(out) ? out : [out];
}

function firstOf(out: tf.TensorInfo | tf.TensorInfo[]): tf.TensorInfo {
  const first = asList(out)[0];
  if (!first) throw new Error('kernel returned no output');
  return first;
}

/** Wraps a wasm matmul kernel so that transposed operands are materialised first. */
function overrideMatMul(kernelName: string): boolean {
  const original = tf.getKernel(kernelName, 'wasm');
  const transposeKernel = tf.getKernel('Transpose', 'wasm');
  if (!original || !transposeKernel) return false;
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const transposeA = attrs?.['transposeA'] === true;
    const transposeB = attrs?.['transposeB'] === true;
    if (!transposeA && !transposeB) return original.kernelFunc({ inputs, backend, attrs });
    const temps: tf.TensorInfo[] = [];
    const materialise = (x: tf.TensorInfo): tf.TensorInfo => {
      const t = firstOf(
        transposeKernel.kernelFunc({ inputs: { x }, backend, attrs: { perm: swapLastTwo(x.shape.length) } }),
      );
      temps.push(t);
      return t;
    };
    const a = inputs['a'];
    const b = inputs['b'];
    if (!a || !b) return original.kernelFunc({ inputs, backend, attrs });
    const newInputs: tf.NamedTensorInfoMap = {
      ...inputs,
      a: transposeA ? materialise(a) : a,
      b: transposeB ? materialise(b) : b,
    };
    try {
      return original.kernelFunc({
        inputs: newInputs,
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    } finally {
      const owner = backend as tf.KernelBackend;
      for (const t of temps) owner.disposeData(t.dataId);
    }
  };
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
  return true;
}

/** Registers a wasm kernel that runs the cpu kernel of the same name on copies of its inputs. */
function borrowCpuKernel(kernelName: string): boolean {
  const cpuKernel = tf.getKernel(kernelName, 'cpu');
  if (!cpuKernel || tf.getKernel(kernelName, 'wasm')) return false;
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const wasm = backend as tf.KernelBackend;
    const cpu = tf.engine().findBackend('cpu');
    if (!cpu) throw new Error(`${kernelName} on wasm needs the cpu backend`);
    const cpuInputs: tf.NamedTensorInfoMap = {};
    for (const [key, t] of Object.entries(inputs)) {
      if (!t) continue;
      const values = wasm.readSync(t.dataId);
      cpuInputs[key] = { dataId: cpu.write(values, t.shape, t.dtype), shape: t.shape, dtype: t.dtype };
    }
    try {
      const out = cpuKernel.kernelFunc({ inputs: cpuInputs, backend: cpu, attrs });
      const results = asList(out).map((o): tf.TensorInfo => {
        const values = cpu.readSync(o.dataId);
        cpu.disposeData(o.dataId);
        return { dataId: wasm.write(values, o.shape, o.dtype), shape: o.shape, dtype: o.dtype };
      });
      return Array.isArray(out) ? results : firstOf(results);
    } finally {
      for (const t of Object.values(cpuInputs)) if (t) cpu.disposeData(t.dataId);
    }
  };
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  return true;
}

/**
 * Installs both fixes once (idempotent). Call before `tf.setBackend('wasm')`; returns the names of
 * the overridden and borrowed kernels.
 */
export function installWasmFixes(): { borrowed: string[]; matmul: string[] } {
  if (installed) return installed;
  const matmul = ['BatchMatMul', '_FusedMatMul'].filter(overrideMatMul);
  const borrowed = missingWasmKernels()
    .filter((name) => !NOT_BORROWABLE.has(name))
    .filter(borrowCpuKernel);
  installed = { borrowed, matmul };
  return installed;
}
