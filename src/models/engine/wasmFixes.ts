/**
 * Fixes for gaps of the wasm backend (tfjs 4.22), installed before it is used.
 *
 * (a) BatchMatMul / _FusedMatMul with a transposed operand take a slow path in the wasm
 *     kernel; every backward pass of a dense layer hits it (dA = dY·Bᵀ, dB = Aᵀ·dY). The override
 *     materialises the transpose with the wasm Transpose kernel and multiplies untransposed.
 *     Measured on a 2-core laptop-class CPU, 1 thread with SIMD, mean of 20:
 *       [512,256]·[256,256]   no transpose           3.3 ms
 *       [512,256]·[256,256]ᵀ  before 40.6 ms, after  3.6 ms
 *       [256,512]ᵀ·[256,256]  before 94.0 ms, after  3.9 ms
 *     The kernel packs its second operand for XNNPACK once per tensor and keeps the packed copy
 *     while that tensor lives. A materialised Bᵀ is therefore kept with B (freed when B is), so a
 *     recurrent weight's backward product dH = dY·Uᵀ, taken at every time step, transposes and
 *     packs Uᵀ once per training step instead of once per time step. A weight gradient Xᵀ·dY
 *     over a long batch is computed as (dYᵀ·X)ᵀ, which packs X instead of dY (see `swapsBetter`).
 * (b) Kernels registered for `cpu` but not for `wasm` (Conv2DBackpropFilter, the depthwise
 *     gradients, UnsortedSegmentSum — the gradient of gather, i.e. of embeddings — Einsum, …).
 *     They are registered on wasm as borrowers: inputs are copied to the cpu backend, the cpu
 *     kernel runs, and its outputs are copied back.
 * (c) Copies that the wasm kernels make and need not. Identity (every tensor the tape saves for
 *     the backward pass is cloned) copied the whole buffer; it now shares it, as Reshape already
 *     does. Slice, SplitV and Unpack read a full copy of their input for every piece they cut;
 *     they now copy only the piece, from a view of the heap. Concat (also the gradient of every
 *     split) made a subarray for each row of each input; rows are now moved within one view of the
 *     heap. Cast to the dtype a tensor already has (every Multiply gradient casts its inputs) copied
 *     too; it now shares the buffer. Cast to bool, which wrapped modulo 256, now tests for non-zero.
 * (d) Kernels that compute the wrong thing. OneHot ignores its dtype: the wasm kernel always writes
 *     int32 values, so a float32 one-hot held the bit patterns of the integers (1 read as 1.4e-45)
 *     and a bool one-hot wrote four bytes per one-byte element, past the end of its buffer. It is
 *     replaced by a loop that writes the requested dtype.
 */
import './tfSetup';
import * as tf from '@tensorflow/tfjs-core';
import type { WasmBackend } from './hostKernels';

/** Kernels that cannot be borrowed this way (complex numbers, strings, canvas). */
const NOT_BORROWABLE = new Set(['Complex', 'ComplexAbs', 'FFT', 'IFFT', 'Imag', 'Real', 'Draw', 'StaticRegexReplace']);

let installed: InstalledFixes | null = null;

/**
 * What `installWasmFixes` changed: overridden matmul kernels, borrowed cpu kernels, copy-free
 * kernels and corrected kernels.
 */
export interface InstalledFixes {
  readonly borrowed: string[];
  readonly matmul: string[];
  readonly copyFree: string[];
  readonly corrected: string[];
}

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

/**
 * Materialised transposes of second matmul operands, per source buffer and shape (a buffer can be
 * shared by tensors of different shapes through Reshape). Entries are freed with their source.
 */
const transposeCache = new WeakMap<tf.DataId, Map<string, tf.TensorInfo>>();
const watchedBackends = new WeakSet<tf.KernelBackend>();

/** Makes `backend.disposeData` also free the cached transposes of a buffer when the buffer goes. */
function watchDisposals(backend: tf.KernelBackend): void {
  if (watchedBackends.has(backend)) return;
  watchedBackends.add(backend);
  const dispose = backend.disposeData.bind(backend);
  backend.disposeData = (dataId: tf.DataId, force?: boolean): boolean => {
    const freed = dispose(dataId, force);
    const cached = transposeCache.get(dataId);
    if (cached && backend.refCount(dataId) === 0) {
      transposeCache.delete(dataId);
      for (const t of cached.values()) dispose(t.dataId, true);
    }
    return freed;
  };
}

/**
 * Whether Aᵀ·B (A [k, m], B [k, n], no batch) runs faster as (Bᵀ·A)ᵀ. That is the shape of every
 * weight gradient Xᵀ·dY, with k the batch. Measured on wasm (one thread, SIMD, mean of 200,
 * fresh B each time as in a backward pass), Aᵀ·B against (Bᵀ·A)ᵀ:
 *   k 1152, m 64, n 192:  6.6 ms against 3.0 ms      k 256, m 128, n 128:  1.26 ms against 0.90 ms
 *   k 448,  m 128, n 700: 10.7 ms against 6.9 ms     k 64,  m 64,  n 768:  1.00 ms against 1.25 ms
 * so the swap is taken for a long contraction only.
 */
function swapsBetter(aShape: readonly number[], bShape: readonly number[]): boolean {
  const rank = aShape.length;
  const batch = aShape.slice(0, rank - 2).concat(bShape.slice(0, rank - 2));
  return bShape.length === rank && batch.every((n) => n === 1) && (aShape[rank - 2] ?? 0) >= 256;
}

/** Wraps a wasm matmul kernel so that transposed operands are materialised first. */
function overrideMatMul(kernelName: string): boolean {
  const original = tf.getKernel(kernelName, 'wasm');
  const transposeKernel = tf.getKernel('Transpose', 'wasm');
  if (!original || !transposeKernel) return false;
  const transpose = (x: tf.TensorInfo, backend: tf.KernelBackend): tf.TensorInfo =>
    firstOf(transposeKernel.kernelFunc({ inputs: { x }, backend, attrs: { perm: swapLastTwo(x.shape.length) } }));
  /** Bᵀ, from the cache or made and cached. */
  const transposedB = (b: tf.TensorInfo, backend: tf.KernelBackend): tf.TensorInfo => {
    watchDisposals(backend);
    const key = b.shape.join(',');
    let perSource = transposeCache.get(b.dataId);
    const hit = perSource?.get(key);
    if (hit) return hit;
    const t = transpose(b, backend);
    if (!perSource) {
      perSource = new Map();
      transposeCache.set(b.dataId, perSource);
    }
    perSource.set(key, t);
    return t;
  };
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const transposeA = attrs?.['transposeA'] === true;
    const transposeB = attrs?.['transposeB'] === true;
    const a = inputs['a'];
    const b = inputs['b'];
    if ((!transposeA && !transposeB) || !a || !b) return original.kernelFunc({ inputs, backend, attrs });
    const owner = backend as tf.KernelBackend;
    if (transposeA && !transposeB && kernelName === 'BatchMatMul' && swapsBetter(a.shape, b.shape)) {
      // C = Aᵀ·B computed as (Bᵀ·A)ᵀ: A, not B, is the operand XNNPACK packs.
      const bT = transpose(b, owner);
      try {
        const cT = firstOf(
          original.kernelFunc({
            inputs: { a: bT, b: a },
            backend,
            attrs: { ...attrs, transposeA: false, transposeB: false },
          }),
        );
        try {
          return transpose(cT, owner);
        } finally {
          owner.disposeData(cT.dataId);
        }
      } finally {
        owner.disposeData(bT.dataId);
      }
    }
    const aT = transposeA ? transpose(a, owner) : null;
    try {
      return original.kernelFunc({
        inputs: { ...inputs, a: aT ?? a, b: transposeB ? transposedB(b, owner) : b },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    } finally {
      if (aT) owner.disposeData(aT.dataId);
    }
  };
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
  return true;
}

// ---------------------------------------------------------------------------------------------
// Copy-free Identity, Slice, SplitV, Unpack and Concat

/**
 * Runs shorter than this are copied element by element; longer ones with `copyWithin` on a view of
 * the whole heap (a native memmove, no allocation, about 50 ns a call). Measured in Node 20 on wasm
 * memory, ns per element, loop against `copyWithin`: runs of 8: 2.7 against 5.6; 16: 2.7 against
 * 2.9; 32: 2.4 against 1.5; 64: 2.7 against 0.8; 256: 2.7 against 0.3. (The subarray `set` used
 * before cost 2.2 at 64 and 0.65 at 256, with an allocation per run.)
 */
const SHORT_RUN = 16;

/**
 * The wasm heap as elements of one dtype, and where a tensor starts in it. Taken after every
 * output is allocated: allocating can grow the heap, which detaches earlier views.
 */
interface HeapView {
  readonly heap: Int32Array | Uint8Array;
  start(t: tf.TensorInfo): number;
}

function heapView(backend: WasmBackend, dtype: tf.DataType): HeapView {
  const buffer = backend.wasm.HEAPU8.buffer;
  // float32 and int32 are both 4 bytes and are copied bit for bit as int32; bool is 1 byte.
  const bytes = dtype === 'bool' ? 1 : 4;
  if (dtype !== 'bool' && dtype !== 'float32' && dtype !== 'int32') throw new Error(`Unknown dtype ${dtype}`);
  return {
    heap: bytes === 1 ? new Uint8Array(buffer) : new Int32Array(buffer),
    start: (t) => {
      const data = backend.dataIdMap.get(t.dataId);
      if (!data) throw new Error('wasm: tensor not on the heap');
      return data.memoryOffset / bytes;
    },
  };
}

/** Copies `length` elements from `heap[from…]` to `heap[to…]` (the ranges never overlap). */
function copyRun(heap: Int32Array | Uint8Array, from: number, to: number, length: number): void {
  if (length >= SHORT_RUN) heap.copyWithin(to, from, from + length);
  else for (let i = 0; i < length; i++) heap[to + i] = heap[from + i] as number;
}

/** Identity as Reshape does it on wasm: the output shares the input's buffer. */
const identityKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const x = inputs['x'];
  if (!x) throw new Error('Identity: no input');
  (backend as WasmBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
};

/**
 * Cast to the dtype the tensor already has (every Multiply gradient casts its inputs to float32)
 * shares the buffer, as Identity does. Cast to bool tests for non-zero: the wasm kernel copies
 * with a typed-array `set`, which wraps modulo 256 (int32 −7 became 249, float32 0.5 became 0).
 * Other conversions go to the wasm kernel.
 */
const castKernel =
  (original: tf.KernelFunc): tf.KernelFunc =>
  (args) => {
    const x = args.inputs['x'];
    const dtype = args.attrs?.['dtype'];
    if (!x) throw new Error('Cast: no input');
    if (dtype === x.dtype) return identityKernel(args);
    if (dtype !== 'bool') return original(args);
    const backend = args.backend as WasmBackend;
    const out = backend.makeOutput(x.shape.slice(), 'bool');
    const values = backend.typedArrayFromHeap(x);
    const flags = backend.typedArrayFromHeap(out);
    for (let i = 0; i < values.length; i++) flags[i] = values[i] !== 0 ? 1 : 0;
    return out;
  };

/**
 * Copies the box `begin`…`begin + size` of `x` into a new tensor of shape `outShape` (same
 * number of elements), reading `x` through a heap view. The output is allocated first: allocating
 * can grow the heap, which detaches earlier views.
 */
function sliceInto(
  backend: WasmBackend,
  x: tf.TensorInfo,
  begin: readonly number[],
  size: readonly number[],
  outShape: number[],
): tf.TensorInfo {
  const out = backend.makeOutput(outShape, x.dtype);
  const total = tf.util.sizeFromShape([...size]);
  if (total === 0) return out;
  const { heap, start } = heapView(backend, x.dtype);
  const src = start(x);
  const dst = start(out);
  const rank = x.shape.length;
  const strides = [...tf.util.computeStrides(x.shape), 1];
  // Merge trailing axes that the box covers whole into one contiguous run.
  let inner = rank - 1;
  let run = size[rank - 1] ?? 1;
  while (inner > 0 && size[inner] === x.shape[inner] && begin[inner] === 0) {
    inner--;
    run *= size[inner] ?? 1;
  }
  let offset = src;
  for (let d = 0; d < rank; d++) offset += (begin[d] ?? 0) * (strides[d] ?? 0);
  const counters = new Array<number>(inner).fill(0);
  for (let o = 0; o < total; o += run) {
    copyRun(heap, offset, dst + o, run);
    // Advance the odometer over the outer axes 0…inner−1.
    for (let d = inner - 1; d >= 0; d--) {
      const stride = strides[d] ?? 0;
      offset += stride;
      if (++(counters[d] as number) < (size[d] ?? 1)) break;
      counters[d] = 0;
      offset -= (size[d] ?? 1) * stride;
    }
  }
  return out;
}

const sliceKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs['x'];
  if (!x) throw new Error('Slice: no input');
  const [begin = [], size = []] = tf.slice_util.parseSliceParams(
    x as tf.TensorInfo & tf.Tensor,
    attrs?.['begin'] as number[],
    attrs?.['size'] as number[],
  );
  return sliceInto(backend as WasmBackend, x, begin, size, size.slice());
};

const splitVKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs['x'];
  if (!x) throw new Error('SplitV: no input');
  const axis = tf.util.parseAxisParam(attrs?.['axis'] as number, x.shape)[0] ?? 0;
  const sizes = tf.backend_util.prepareSplitSize(
    x as tf.TensorInfo & tf.Tensor,
    attrs?.['numOrSizeSplits'] as number | number[],
    axis,
  );
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = x.shape.slice();
    size[axis] = s;
    const out = sliceInto(backend as WasmBackend, x, begin, size, size.slice());
    begin[axis] = (begin[axis] ?? 0) + s;
    return out;
  });
};

const unpackKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs['value'];
  if (!x) throw new Error('Unpack: no input');
  const rank = x.shape.length;
  const axis = ((attrs?.['axis'] as number) + rank) % rank;
  const outShape = x.shape.filter((_, d) => d !== axis);
  const size = x.shape.slice();
  size[axis] = 1;
  return Array.from({ length: x.shape[axis] ?? 0 }, (_, i) => {
    const begin = new Array<number>(rank).fill(0);
    begin[axis] = i;
    return sliceInto(backend as WasmBackend, x, begin, size, outShape.slice());
  });
};

/** Concat along `axis`: for every outer index, each input's inner block in turn. */
const concatKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as WasmBackend;
  const list = Object.values(inputs).filter((t): t is tf.TensorInfo => t !== undefined);
  const first = list[0];
  if (!first) throw new Error('Concat: no input');
  const axis = tf.util.parseAxisParam(attrs?.['axis'] as number, first.shape)[0] ?? 0;
  const outShape = tf.backend_util.computeOutShape(
    list.map((t) => t.shape),
    axis,
  );
  const out = wasm.makeOutput(outShape, first.dtype);
  const parts = list.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
  if (parts.length === 0) return out;
  const outer = tf.util.sizeFromShape(first.shape.slice(0, axis));
  const inner = parts.map((t) => tf.util.sizeFromShape(t.shape.slice(axis)));
  const width = inner.reduce((a, b) => a + b, 0);
  const { heap, start } = heapView(wasm, first.dtype);
  const dst = start(out);
  let column = 0;
  parts.forEach((t, i) => {
    const src = start(t);
    const n = inner[i] ?? 0;
    for (let b = 0; b < outer; b++) copyRun(heap, src + b * n, dst + b * width + column, n);
    column += n;
  });
  return out;
};

/**
 * OneHot in the requested dtype: `onValue` where the index equals the position, `offValue`
 * elsewhere, and a row of `offValue` for an index outside [0, depth), as on cpu.
 */
const oneHotKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const indices = inputs['indices'];
  if (!indices) throw new Error('OneHot: no input');
  const depth = Number(attrs?.['depth']);
  const onValue = Number(attrs?.['onValue'] ?? 1);
  const offValue = Number(attrs?.['offValue'] ?? 0);
  const dtype = (attrs?.['dtype'] ?? 'int32') as tf.DataType;
  const wasm = backend as WasmBackend;
  const out = wasm.makeOutput([...indices.shape, depth], dtype);
  // Views are taken after the allocation, which can grow (and detach) the heap.
  const ids = wasm.typedArrayFromHeap(indices);
  const values = wasm.typedArrayFromHeap(out);
  values.fill(offValue);
  for (let row = 0; row < ids.length; row++) {
    const id = ids[row] as number;
    if (id >= 0 && id < depth) values[row * depth + id] = onValue;
  }
  return out;
};

/** Replaces the wasm kernels that copy more than they need; returns the names replaced. */
function installCopyFreeKernels(): string[] {
  const replacements: [string, (original: tf.KernelFunc) => tf.KernelFunc][] = [
    ['Identity', () => identityKernel],
    ['Cast', castKernel],
    ['Slice', () => sliceKernel],
    ['SplitV', () => splitVKernel],
    ['Unpack', () => unpackKernel],
    ['Concat', () => concatKernel],
  ];
  return replacements
    .filter(([kernelName, replace]) =>
      replaceKernel(kernelName, (original) => {
        const kernelFunc = replace(original);
        // Strings live outside the heap; the original kernels handle them.
        return (args) => (Object.values(args.inputs)[0]?.dtype === 'string' ? original(args) : kernelFunc(args));
      }),
    )
    .map(([kernelName]) => kernelName);
}

/**
 * Replaces a wasm kernel's function by `replace(original)`, keeping its setup; false where wasm
 * has no such kernel.
 */
function replaceKernel(kernelName: string, replace: (original: tf.KernelFunc) => tf.KernelFunc): boolean {
  const original = tf.getKernel(kernelName, 'wasm');
  if (!original) return false;
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...original, kernelFunc: replace(original.kernelFunc) });
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
 * Installs the fixes once (idempotent). Call before `tf.setBackend('wasm')`; returns the names of
 * the overridden, borrowed, copy-free and corrected kernels.
 */
export function installWasmFixes(): InstalledFixes {
  if (installed) return installed;
  const matmul = ['BatchMatMul', '_FusedMatMul'].filter(overrideMatMul);
  const borrowed = missingWasmKernels()
    .filter((name) => !NOT_BORROWABLE.has(name))
    .filter(borrowCpuKernel);
  const copyFree = installCopyFreeKernels();
  const corrected = replaceKernel('OneHot', () => oneHotKernel) ? ['OneHot'] : [];
  installed = { borrowed, matmul, copyFree, corrected };
  return installed;
}
