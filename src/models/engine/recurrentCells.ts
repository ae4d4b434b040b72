/**
 * The LSTM and GRU cell updates with a keep mask, each as one kernel forward and one backward.
 *
 * Written as TensorFlow.js ops, an LSTM cell with its keep mask is about 25 kernels forward and
 * 75 backward per time step, a GRU cell about 15 and 40, each kernel with a fixed cost of several
 * µs before any arithmetic. The recurrent demos' steps are made of such small kernels. On the
 * backends whose tensors JavaScript can read in place (cpu, and wasm through views of its heap)
 * each cell is one kernel: it runs the backend's own Sigmoid kernel for the transcendentals
 * (tanh as 2σ(2x) − 1) and the rest in plain loops, and returns the gate activations beside the
 * new state for its gradient kernel, which needs no transcendental. Other backends (WebGPU) run
 * the same equations as ops (`lstmCellOps`, `gruCellOps`), which are also what the tests compare
 * the kernels with.
 *
 * The keep mask m[n] ∈ {0, 1} per row n (a batch element, or a batch element's module) blends
 * state' = m · new + (1 − m) · old: with m = 0 the row keeps its state bit for bit and no
 * gradient reaches its gates.
 *
 * tanh through the Sigmoid kernel: on wasm that kernel is XNNPACK's vectorised one (about 4 ns an
 * element) while Tanh is a scalar loop (about 34 ns). The two differ by at most about 1e-7, two
 * float32 roundings of σ.
 */
import * as tf from '@tensorflow/tfjs-core';
import { HOST_BACKENDS, type HostBackend, hostMemory, required, views } from './hostKernels';

export const LSTM_CELL = 'LstmCellUpdate';
export const LSTM_CELL_GRAD = 'LstmCellGrad';
export const GRU_CELL = 'GruCellUpdate';
export const GRU_CELL_GRAD = 'GruCellGrad';
/** Kernels registered only where JavaScript can read tensors in place; other backends use the ops. */
export const FUSED_CELL_KERNELS: readonly string[] = [LSTM_CELL, LSTM_CELL_GRAD, GRU_CELL, GRU_CELL_GRAD];

/** Rows N and units H of gates [N, k·H] and states [N, H], with a mask of N rows. */
function cellShape(
  kernelName: string,
  gates: tf.TensorInfo,
  k: number,
  states: readonly tf.TensorInfo[],
  mask: tf.TensorInfo,
): { rows: number; units: number } {
  const [rows = 0, width = 0] = gates.shape;
  const units = width / k;
  for (const state of states)
    if (gates.shape.length !== 2 || !Number.isInteger(units) || state.shape[0] !== rows || state.shape[1] !== units)
      throw new Error(`${kernelName}: gates [N, ${k}H] and state [N, H], got ${gates.shape} and ${state.shape}`);
  if (tf.util.sizeFromShape(mask.shape) !== rows)
    throw new Error(`${kernelName}: a mask of ${rows} rows, got ${mask.shape}`);
  return { rows, units };
}

// ---------------------------------------------------------------------------------------------
// LSTM: for gate pre-activations [i f g o] (each H wide),
//   c̃ = σ(f) ⊙ c + σ(i) ⊙ tanh(g),   h̃ = σ(o) ⊙ tanh(c̃),   c' = m c̃ + (1 − m) c,   h' = m h̃ + (1 − m) h.

/** LSTM forward: outputs [h', c', σ(gates), tanh(g), tanh(c̃)] (the g block of σ(gates) holds σ(2g)). */
function lstmForward(backendName: HostBackend): tf.KernelFunc {
  return ({ inputs, backend }) => {
    const [gates, c, h, mask] = required(LSTM_CELL, inputs, 'gates', 'c', 'h', 'mask');
    const { rows, units: H } = cellShape(LSTM_CELL, gates, 4, [c, h], mask);
    const memory = hostMemory(backendName, backend as tf.KernelBackend);
    // σ of the gates with the g block doubled: σ(i), σ(f), σ(2g), σ(o).
    const doubled = memory.alloc([rows, 4 * H]);
    {
      const [G, D] = views(memory, gates, doubled);
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
      const [S, C, M, TG, CO, CD] = views(memory, s, c, mask, tanhG, cOut, cDoubled);
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
      const [S, SC, Hp, M, TC, HO] = views(memory, s, sigmoidC, h, mask, tanhC, hOut);
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
 * LSTM backward, from dh', dc' and the saved c, m, σ(gates), tanh(g), tanh(c̃):
 *   dc̃ = m (dc' + dh' σ(o) (1 − tanh²c̃)),
 *   d[i f g o] = [dc̃ tanh(g) σ'(i),  dc̃ c σ'(f),  dc̃ σ(i) (1 − tanh²g),  m dh' tanh(c̃) σ'(o)],
 *   dc = dc̃ σ(f) + (1 − m) dc',   dh = (1 − m) dh',   with σ' = σ (1 − σ).
 * Outputs [dgates, dc, dh].
 */
function lstmBackward(backendName: HostBackend): tf.KernelFunc {
  return ({ inputs, backend }) => {
    const [dh, dc, c, mask, s, t, tc] = required(LSTM_CELL_GRAD, inputs, 'dh', 'dc', 'c', 'mask', 's', 't', 'tc');
    const { rows, units: H } = cellShape(LSTM_CELL_GRAD, s, 4, [c, dh, dc, t, tc], mask);
    const memory = hostMemory(backendName, backend as tf.KernelBackend);
    const dGates = memory.alloc([rows, 4 * H]);
    const dcPrev = memory.alloc([rows, H]);
    const dhPrev = memory.alloc([rows, H]);
    const [DH, DC, C, M, S, T, TC] = views(memory, dh, dc, c, mask, s, t, tc);
    const [DG, DCP, DHP] = views(memory, dGates, dcPrev, dhPrev);
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

// ---------------------------------------------------------------------------------------------
// GRU: for input projections x W + b = [x_z x_r x_n] and recurrent ones h U = [h_z h_r h_n],
//   z = σ(x_z + h_z),  r = σ(x_r + h_r),  n = tanh(x_n + r ⊙ h_n),  h̃ = (1 − z) ⊙ n + z ⊙ h,
//   h' = m h̃ + (1 − m) h.

/** GRU forward: outputs [h', σ([z r] pre-activations) [N, 2H], n]. */
function gruForward(backendName: HostBackend): tf.KernelFunc {
  return ({ inputs, backend }) => {
    const [xw, hu, h, mask] = required(GRU_CELL, inputs, 'xw', 'hu', 'h', 'mask');
    const { rows, units: H } = cellShape(GRU_CELL, xw, 3, [h], mask);
    cellShape(GRU_CELL, hu, 3, [h], mask);
    const memory = hostMemory(backendName, backend as tf.KernelBackend);
    const zrPre = memory.alloc([rows, 2 * H]);
    {
      const [XW, HU, P] = views(memory, xw, hu, zrPre);
      for (let n = 0; n < rows; n++)
        for (let j = 0; j < 2 * H; j++)
          P[n * 2 * H + j] = (XW[n * 3 * H + j] as number) + (HU[n * 3 * H + j] as number);
    }
    const zr = memory.unary('Sigmoid', zrPre);
    memory.free(zrPre);
    const nDoubled = memory.alloc([rows, H]);
    {
      const [XW, HU, ZR, ND] = views(memory, xw, hu, zr, nDoubled);
      for (let n = 0; n < rows; n++)
        for (let j = 0; j < H; j++) {
          const r = ZR[n * 2 * H + H + j] as number;
          ND[n * H + j] =
            2 * Math.fround((XW[n * 3 * H + 2 * H + j] as number) + r * (HU[n * 3 * H + 2 * H + j] as number));
        }
    }
    const sigmoidN = memory.unary('Sigmoid', nDoubled);
    memory.free(nDoubled);
    const nOut = memory.alloc([rows, H]);
    const hOut = memory.alloc([rows, H]);
    {
      const [SN, ZR, Hp, M, N, HO] = views(memory, sigmoidN, zr, h, mask, nOut, hOut);
      for (let n = 0; n < rows; n++) {
        const m = M[n] as number;
        for (let j = 0; j < H; j++) {
          const k = n * H + j;
          N[k] = 2 * (SN[k] as number) - 1;
          const z = ZR[n * 2 * H + j] as number;
          const previous = Hp[k] as number;
          const next = Math.fround((1 - z) * (N[k] as number) + z * previous);
          HO[k] = m * next + (1 - m) * previous;
        }
      }
    }
    memory.free(sigmoidN);
    return [hOut, zr, nOut];
  };
}

/**
 * GRU backward, from dh' and the saved h, h U, m, [z r], n:
 *   dh̃ = m dh',  da_n = dh̃ (1 − z) (1 − n²),  da_z = dh̃ (h − n) z (1 − z),  da_r = da_n h_n r (1 − r),
 *   d(x W) = [da_z da_r da_n],  d(h U) = [da_z da_r r da_n],  dh = dh̃ z + (1 − m) dh'.
 * Outputs [d(x W), d(h U), dh].
 */
function gruBackward(backendName: HostBackend): tf.KernelFunc {
  return ({ inputs, backend }) => {
    const [dh, h, hu, mask, zr, nAct] = required(GRU_CELL_GRAD, inputs, 'dh', 'h', 'hu', 'mask', 'zr', 'n');
    const { rows, units: H } = cellShape(GRU_CELL_GRAD, hu, 3, [h, dh, nAct], mask);
    const memory = hostMemory(backendName, backend as tf.KernelBackend);
    const dxw = memory.alloc([rows, 3 * H]);
    const dhu = memory.alloc([rows, 3 * H]);
    const dhPrev = memory.alloc([rows, H]);
    const [DH, Hp, HU, M, ZR, N, DXW, DHU, DHP] = views(memory, dh, h, hu, mask, zr, nAct, dxw, dhu, dhPrev);
    for (let n = 0; n < rows; n++) {
      const m = M[n] as number;
      const g = n * 3 * H;
      for (let j = 0; j < H; j++) {
        const k = n * H + j;
        const dhOut = DH[k] as number;
        const z = ZR[n * 2 * H + j] as number;
        const r = ZR[n * 2 * H + H + j] as number;
        const nk = N[k] as number;
        const previous = Hp[k] as number;
        const dhTilde = m * dhOut;
        const daN = dhTilde * (1 - z) * (1 - nk * nk);
        const daZ = dhTilde * (previous - nk) * z * (1 - z);
        const daR = daN * (HU[g + 2 * H + j] as number) * r * (1 - r);
        DXW[g + j] = daZ;
        DXW[g + H + j] = daR;
        DXW[g + 2 * H + j] = daN;
        DHU[g + j] = daZ;
        DHU[g + H + j] = daR;
        DHU[g + 2 * H + j] = daN * r;
        DHP[k] = dhTilde * z + (1 - m) * dhOut;
      }
    }
    return [dxw, dhu, dhPrev];
  };
}

let registered = false;

/** Registers the four kernels on cpu and wasm, and the forward kernels' gradients (idempotent). */
export function registerRecurrentCellKernels(): void {
  if (registered) return;
  registered = true;
  for (const backendName of HOST_BACKENDS) {
    tf.registerKernel({ kernelName: LSTM_CELL, backendName, kernelFunc: lstmForward(backendName) });
    tf.registerKernel({ kernelName: LSTM_CELL_GRAD, backendName, kernelFunc: lstmBackward(backendName) });
    tf.registerKernel({ kernelName: GRU_CELL, backendName, kernelFunc: gruForward(backendName) });
    tf.registerKernel({ kernelName: GRU_CELL_GRAD, backendName, kernelFunc: gruBackward(backendName) });
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
  tf.registerGradient({
    kernelName: GRU_CELL,
    inputsToSave: ['h', 'hu', 'mask'],
    outputsToSave: [false, true, true],
    gradFunc: (dy, saved) => {
      const [dh] = dy as tf.Tensor[];
      const [h, hu, mask, zr, n] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
      if (!dh) throw new Error(`${GRU_CELL}: missing output gradient`);
      const [dxw, dhu, dhPrev] = tf.engine().runKernel(GRU_CELL_GRAD, { dh, h, hu, mask, zr, n }) as [
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
      ];
      return { xw: () => dxw, hu: () => dhu, h: () => dhPrev, mask: () => tf.zerosLike(mask) };
    },
  });
}

/** The mask as the kernels take it: float32 [N], all ones for null. */
function rowMask(mask: tf.Tensor2D | null, rows: number): tf.Tensor1D {
  return tf.tidy(() => (mask ? tf.reshape(tf.cast(mask, 'float32'), [-1]) : tf.fill([rows], 1, 'float32')));
}

/** m · next + (1 − m) · previous: exactly `previous` where m = 0, exactly `next` where m = 1. */
function keep(mask: tf.Tensor2D, next: tf.Tensor2D, previous: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.mul(mask, next), tf.mul(tf.sub(1, mask), previous));
}

export interface CellState<T extends tf.Tensor> {
  readonly h: T;
  readonly c: T;
}

/** The LSTM cell as TensorFlow.js ops (any backend); `mask` [N, 1] or null for every row updated. */
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
  return { h: keep(mask, hTilde, h), c: keep(mask, cTilde, c) };
}

/**
 * One LSTM cell update for rows of gates [N, 4H] (per row: i, f, g, o, each H wide) and state [N, H];
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
  const m = rowMask(mask, gates.shape[0]);
  const [hOut, cOut, ...forGradient] = tf.engine().runKernel(LSTM_CELL, { gates, c, h, mask: m }) as tf.Tensor2D[];
  if (!hOut || !cOut) throw new Error(`${LSTM_CELL}: missing outputs`);
  tf.dispose(forGradient); // the gradient keeps its own references
  tf.dispose(m);
  return { h: hOut, c: cOut };
}

/** The GRU cell as TensorFlow.js ops (any backend); `mask` [N, 1] or null for every row updated. */
export function gruCellOps(xw: tf.Tensor2D, hu: tf.Tensor2D, h: tf.Tensor2D, mask: tf.Tensor2D | null): tf.Tensor2D {
  const [xz, xr, xn] = tf.split(xw, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const [hz, hr, hn] = tf.split(hu, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const z = tf.sigmoid(tf.add(xz, hz));
  const r = tf.sigmoid(tf.add(xr, hr));
  const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
  const next = tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D;
  return mask ? keep(mask, next, h) : next;
}

/**
 * One GRU cell update for input projections x W + b [N, 3H] and recurrent projections h U [N, 3H]
 * (per row: z, r, n, each H wide) and state h [N, H]; `mask` [N, 1] keeps rows where it is 0, or
 * null to update every row. One kernel forward and one backward where the backend has them, the
 * ops elsewhere.
 */
export function gruCell(xw: tf.Tensor2D, hu: tf.Tensor2D, h: tf.Tensor2D, mask: tf.Tensor2D | null): tf.Tensor2D {
  if (!tf.getKernel(GRU_CELL, tf.getBackend())) return gruCellOps(xw, hu, h, mask);
  const m = rowMask(mask, h.shape[0]);
  const [hOut, ...forGradient] = tf.engine().runKernel(GRU_CELL, { xw, hu, h, mask: m }) as tf.Tensor2D[];
  if (!hOut) throw new Error(`${GRU_CELL}: missing outputs`);
  tf.dispose([...forGradient, m]); // the gradient keeps its own references
  return hOut;
}
