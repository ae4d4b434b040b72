/**
 * The baseline: one LSTM whose hidden size is chosen so that, with its output layer, it has as
 * many parameters as the RIM it is compared with.
 *   [i f g o] = [x_t, h] W + b,  c ← σ(f) c + σ(i) tanh(g),  h ← σ(o) tanh(c)
 */
import * as tf from '@tensorflow/tfjs-core';
import { lstmCell } from '../engine/recurrentCells';
import type { Rng } from '../engine/rng';

export interface LstmParams {
  readonly units: number;
  /** [V + H, 4H] */
  readonly w: tf.Variable;
  /** [4H] */
  readonly b: tf.Variable;
}

export interface LstmState {
  readonly h: tf.Tensor2D;
  readonly c: tf.Tensor2D;
}

export function initLstm(units: number, inputSize: number, rng: Rng): LstmParams {
  const fanIn = inputSize + units;
  const w = rng.normals(fanIn * 4 * units, 1 / Math.sqrt(fanIn));
  const b = new Float32Array(4 * units);
  b.fill(1, units, 2 * units); // forget-gate bias 1
  return {
    units,
    w: tf.tidy(() => tf.variable(tf.tensor2d(w, [fanIn, 4 * units]), true)),
    b: tf.tidy(() => tf.variable(tf.tensor1d(b), true)),
  };
}

export function lstmStep(p: LstmParams, state: LstmState, x: tf.Tensor2D): LstmState {
  const gates = tf.add(tf.matMul(tf.concat([x, state.h], 1), p.w), p.b) as tf.Tensor2D;
  // The cell itself is one fused kernel where the backend has it (`lstmCell`).
  return lstmCell(gates, state.c, state.h, null);
}

/** Parameters of an LSTM with `units` hidden units, `inputSize` inputs and an `outputs`-way readout. */
export function lstmParameterCount(units: number, inputSize: number, outputs: number): number {
  return (inputSize + units) * 4 * units + 4 * units + units * outputs + outputs;
}

/** The hidden size whose parameter count (with readout) is closest to `target`. */
export function matchedLstmUnits(target: number, inputSize: number, outputs: number): number {
  let best = 1;
  for (let u = 1; u < 4096; u++) {
    if (
      Math.abs(lstmParameterCount(u, inputSize, outputs) - target) <
      Math.abs(lstmParameterCount(best, inputSize, outputs) - target)
    )
      best = u;
    if (lstmParameterCount(u, inputSize, outputs) > target) break;
  }
  return best;
}
