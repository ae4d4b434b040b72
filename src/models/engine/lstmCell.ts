/**
 * The LSTM cell update with a keep mask, as one kernel forward and one backward.
 *
 * For rows n (a batch element, or a batch element's module) with gate pre-activations
 * [i f g o] = gates[n] (each H wide) and keep-or-update mask m[n] ∈ {0, 1}:
 *   c̃ = σ(f) ⊙ c + σ(i) ⊙ tanh(g),   h̃ = σ(o) ⊙ tanh(c̃),
 *   c' = m c̃ + (1 − m) c,             h' = m h̃ + (1 − m) h.
 * With m = 0 the row keeps (h, c) bit for bit and no gradient reaches its gates.
 *
 * Written as TensorFlow.js ops this is about 25 kernels forward and 75 backward per time step,
 * each with a fixed cost of several µs before any arithmetic. The recurrent demos' steps are
 * made of such small kernels, so on the backends whose tensors JavaScript can read in place (cpu,
 * and wasm through views of its heap) the cell is one kernel `LstmCellUpdate`: it runs the
 * backend's own Sigmoid kernel for the transcendentals and the rest in plain loops, and returns
 * σ(gates), tanh(g) and tanh(c̃) beside h' and c' for its gradient, `LstmCellGrad`,
 * which needs no transcendental. Other backends (WebGPU) run the same equations as ops:
 * `lstmCellOps`, also the reference the tests compare the kernels with.
 */
import * as tf from '@tensorflow/tfjs-core';

export const LSTM_CELL = 'LstmCellUpdate';
export const LSTM_CELL_GRAD = 'LstmCellGrad';
/** Kernels registered only where JavaScript can read tensors in place; other backends use the ops. */
export const LSTM_CELL_KERNELS: readonly string[] = [LSTM_CELL, LSTM_CELL_GRAD];
const BACKENDS = ['cpu', 'wasm'] as const;

/** Float32 storage of a backend's tensors that JavaScript can read and write in place. */
interface HostMemory {
  alloc(shape: number[]): tf.TensorInfo;
  /** A view of the tensor's values; take it after the last allocation (wasm's heap can move). */
  view(t: tf.TensorInfo): Float32Array;
  free(t: tf.TensorInfo): void;
  /** Runs one of the backend's own unary kernels (Sigmoid). */
  unary(kernelName: string, x: tf.TensorInfo): tf.TensorInfo;
}

interface WasmMemory extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.TypedArray;
}

interface CpuMemory extends tf.KernelBackend {
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.TypedArray): tf.TensorInfo;
  data: { get(dataId: tf.DataId): { values?: tf.TypedArray } | undefined };
}

function hostMemory(backendName: (typeof BACKENDS)[number], backend: tf.KernelBackend): HostMemory {
  const unary = (kernelName: string, x: tf.TensorInfo): tf.TensorInfo => {
    const kernel = tf.getKernel(kernelName, backendName);
    if (!kernel) throw new Error(`${LSTM_CELL}: no ${kernelName} kernel on ${backendName}`);
    return kernel.kernelFunc({ inputs: { x }, backend, attrs: {} }) as tf.TensorInfo;
  };
  const float32 = (values: tf.TypedArray | undefined): Float32Array => {
    if (!(values instanceof Float32Array)) throw new Error(`${LSTM_CELL}: float32 tensors only`);
    return values;
  };
  if (backendName === 'wasm') {
    const wasm = backend as WasmMemory;
    return {
      alloc: (shape) => wasm.makeOutput(shape, 'float32'),
      view: (t) => float32(wasm.typedArrayFromHeap(t)),
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
    free: (t) => cpu.disposeData(t.dataId),
    unary,
  };
}

function cellShape(gates: tf.TensorInfo, c: tf.TensorInfo): { rows: number; units: number } {
  const [rows = 0, width = 0] = gates.shape;
  const units = width / 4;
  if (gates.shape.length !== 2 || !Number.isInteger(units) || c.shape[0] !== rows || c.shape[1] !== units)
    throw new Error(`${LSTM_CELL}: gates [N, 4H] and state [N, H], got ${gates.shape} and ${c.shape}`);
  return { rows, units };
}

function required(inputs: tf.NamedTensorInfoMap, ...names: string[]): tf.TensorInfo[] {
  return names.map((name) => {
    const t = inputs[name];
    if (!t) throw new Error(`${LSTM_CELL}: no input ${name}`);
    if (t.dtype !== 'float32') throw new Error(`${LSTM_CELL}: ${name} is ${t.dtype}, not float32`);
    return t;
  });
}

/**
 * Forward: outputs [h', c', σ(gates), tanh(g), tanh(c̃)] (the g block of σ(gates) holds σ(2g)).
 * tanh is taken as 2σ(2x) − 1 through the backend's Sigmoid: on wasm that kernel is XNNPACK's
 * vectorised one (about 4 ns an element) while its Tanh is a scalar loop (about 34 ns). The two
 * differ by at most about 1e-7, two float32 roundings of σ.
 */
function cellForward(backendName: (typeof BACKENDS)[number]): tf.KernelFunc {
  return ({ inputs, backend }) => {
    const [gates, c, h, mask] = required(inputs, 'gates', 'c', 'h', 'mask') as [
      tf.TensorInfo,
      tf.TensorInfo,
      tf.TensorInfo,
      tf.TensorInfo,
    ];
    const { rows, units: H } = cellShape(gates, c);
    const memory = hostMemory(backendName, backend as tf.KernelBackend);
    // σ of the gates with the g block doubled: σ(i), σ(f), σ(2g), σ(o).
    const doubled = memory.alloc([rows, 4 * H]);
    {
      const [G, D] = [memory.view(gates), memory.view(doubled)];
      D.set(G);
      for (let n = 0; n < rows; n++)
        for (let k = n * 4 * H + 2 * H; k < n * 4 * H + 3 * H; k++) D[k] = 2 * (G[k] as number);
    }
    const s = memory.unary('Sigmoid', doubled);
    memory.free(doubled);
    const tanhG = memory.alloc([rows, H]);
    const cOut = memory.alloc([rows, H]);
    const cDoubled = memory.alloc([rows, H]);
    {
      const [S, C, M, TG, CO, CD] = [s, c, mask, tanhG, cOut, cDoubled].map((x) => memory.view(x)) as [
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      for (let n = 0; n < rows; n++) {
        const m = M[n] as number;
        const g = n * 4 * H;
        for (let j = 0; j < H; j++) {
          const k = n * H + j;
          const previous = C[k] as number;
          TG[k] = 2 * (S[g + 2 * H + j] as number) - 1;
          const next = Math.fround((S[g + H + j] as number) * previous + (S[g + j] as number) * (TG[k] as number));
          CD[k] = 2 * next;
          CO[k] = m * next + (1 - m) * previous;
        }
      }
    }
    const sigmoidC = memory.unary('Sigmoid', cDoubled);
    memory.free(cDoubled);
    const tanhC = memory.alloc([rows, H]);
    const hOut = memory.alloc([rows, H]);
    {
      const [S, SC, Hp, M, TC, HO] = [s, sigmoidC, h, mask, tanhC, hOut].map((x) => memory.view(x)) as [
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      for (let n = 0; n < rows; n++) {
        const m = M[n] as number;
        const g = n * 4 * H;
        for (let j = 0; j < H; j++) {
          const k = n * H + j;
          TC[k] = 2 * (SC[k] as number) - 1;
          // h̃ is rounded to float32 before the blend, as the ops do.
          const next = Math.fround((S[g + 3 * H + j] as number) * (TC[k] as number));
          HO[k] = m * next + (1 - m) * (Hp[k] as number);
        }
      }
    }
    memory.free(sigmoidC);
    return [hOut, cOut, s, tanhG, tanhC];
  };
}

/**
 * Backward, from dh', dc' and the saved c, m, σ(gates), tanh(g), tanh(c̃):
 *   dc̃ = m (dc' + dh' σ(o) (1 − tanh²c̃)),
 *   d[i f g o] = [dc̃ tanh(g) σ'(i),  dc̃ c σ'(f),  dc̃ σ(i) (1 − tanh²g),  m dh' tanh(c̃) σ'(o)],
 *   dc = dc̃ σ(f) + (1 − m) dc',   dh = (1 − m) dh',   with σ' = σ (1 − σ).
 * Outputs [dgates, dc, dh].
 */
function cellBackward(backendName: (typeof BACKENDS)[number]): tf.KernelFunc {
  return ({ inputs, backend }) => {
    const [dh, dc, c, mask, s, t, tc] = required(inputs, 'dh', 'dc', 'c', 'mask', 's', 't', 'tc') as [
      tf.TensorInfo,
      tf.TensorInfo,
      tf.TensorInfo,
      tf.TensorInfo,
      tf.TensorInfo,
      tf.TensorInfo,
      tf.TensorInfo,
    ];
    const { rows, units: H } = cellShape(s, c);
    const memory = hostMemory(backendName, backend as tf.KernelBackend);
    const dGates = memory.alloc([rows, 4 * H]);
    const dcPrev = memory.alloc([rows, H]);
    const dhPrev = memory.alloc([rows, H]);
    const [DH, DC, C, M, S, T, TC] = [dh, dc, c, mask, s, t, tc].map((x) => memory.view(x)) as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    const [DG, DCP, DHP] = [memory.view(dGates), memory.view(dcPrev), memory.view(dhPrev)];
    for (let n = 0; n < rows; n++) {
      const m = M[n] as number;
      const g = n * 4 * H;
      for (let j = 0; j < H; j++) {
        const k = n * H + j;
        const dhOut = DH[k] as number;
        const dcOut = DC[k] as number;
        const sI = S[g + j] as number;
        const sF = S[g + H + j] as number;
        const tG = T[k] as number;
        const sO = S[g + 3 * H + j] as number;
        const tC = TC[k] as number;
        const dcTilde = m * (dcOut + dhOut * sO * (1 - tC * tC));
        DG[g + j] = dcTilde * tG * sI * (1 - sI);
        DG[g + H + j] = dcTilde * (C[k] as number) * sF * (1 - sF);
        DG[g + 2 * H + j] = dcTilde * sI * (1 - tG * tG);
        DG[g + 3 * H + j] = m * dhOut * tC * sO * (1 - sO);
        DCP[k] = dcTilde * sF + (1 - m) * dcOut;
        DHP[k] = (1 - m) * dhOut;
      }
    }
    return [dGates, dcPrev, dhPrev];
  };
}

let registered = false;

/** Registers the two kernels on cpu and wasm, and the forward kernel's gradient (idempotent). */
export function registerLstmCellKernels(): void {
  if (registered) return;
  registered = true;
  for (const backendName of BACKENDS) {
    tf.registerKernel({ kernelName: LSTM_CELL, backendName, kernelFunc: cellForward(backendName) });
    tf.registerKernel({ kernelName: LSTM_CELL_GRAD, backendName, kernelFunc: cellBackward(backendName) });
  }
  tf.registerGradient({
    kernelName: LSTM_CELL,
    inputsToSave: ['c', 'mask'],
    outputsToSave: [false, false, true, true, true],
    gradFunc: (dy, saved) => {
      const [dh, dc] = dy as tf.Tensor[];
      const [c, mask, s, t, tc] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      if (!dh || !dc) throw new Error(`${LSTM_CELL}: missing output gradients`);
      const [dGates, dcPrev, dhPrev] = tf.engine().runKernel(LSTM_CELL_GRAD, { dh, dc, c, mask, s, t, tc }) as [
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
      ];
      return {
        gates: () => dGates,
        c: () => dcPrev,
        h: () => dhPrev,
        // The mask is a discrete choice: nothing flows back through it.
        mask: () => tf.zerosLike(mask),
      };
    },
  });
}

export interface CellState<T extends tf.Tensor> {
  readonly h: T;
  readonly c: T;
}

/** The cell as TensorFlow.js ops (any backend); `mask` [N, 1] or null for every row updated. */
export function lstmCellOps(
  gates: tf.Tensor2D,
  c: tf.Tensor2D,
  h: tf.Tensor2D,
  mask: tf.Tensor2D | null,
): CellState<tf.Tensor2D> {
  const [i, f, g, o] = tf.split(gates, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const cTilde = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g))) as tf.Tensor2D;
  const hTilde = tf.mul(tf.sigmoid(o), tf.tanh(cTilde)) as tf.Tensor2D;
  if (!mask) return { h: hTilde, c: cTilde };
  // m · next + (1 − m) · previous: exactly `previous` where m = 0, exactly `next` where m = 1.
  const keep = (next: tf.Tensor2D, previous: tf.Tensor2D): tf.Tensor2D =>
    tf.add(tf.mul(mask, next), tf.mul(tf.sub(1, mask), previous));
  return { h: keep(hTilde, h), c: keep(cTilde, c) };
}

/**
 * One cell update for rows of gates [N, 4H] (per row: i, f, g, o, each H wide) and state [N, H];
 * `mask` [N, 1] keeps rows where it is 0, or null to update every row. One kernel forward and one
 * backward where the backend has them, the ops elsewhere.
 */
export function lstmCell(
  gates: tf.Tensor2D,
  c: tf.Tensor2D,
  h: tf.Tensor2D,
  mask: tf.Tensor2D | null,
): CellState<tf.Tensor2D> {
  if (!tf.getKernel(LSTM_CELL, tf.getBackend())) return lstmCellOps(gates, c, h, mask);
  const m = mask ? tf.reshape(tf.cast(mask, 'float32'), [-1]) : tf.fill([gates.shape[0]], 1, 'float32');
  const [hOut, cOut] = tf.engine().runKernel(LSTM_CELL, { gates, c, h, mask: m }) as [tf.Tensor2D, tf.Tensor2D];
  return { h: hOut, c: cOut };
}
