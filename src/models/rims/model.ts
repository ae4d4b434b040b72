/**
 * The two models of the comparison behind one interface: unroll over a copying sequence and
 * read out logits over the alphabet at the copy positions only (the only ones the loss scores).
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../engine/rng';
import { ALPHABET, type CopyLayout, VOCAB } from './data';
import {
  disposeRim,
  initialRimState,
  initRim,
  inputRows,
  rimParameterCount,
  type RimSize,
  rimStep,
  rimVariables,
  rimWeights,
} from './rim';
import { initLstm, lstmParameterCount, lstmStep, matchedLstmUnits } from './lstm';

export type ModelName = 'rim' | 'lstm';

/** What the RIM did at each time step of an unroll, for the activation heat map and the phase claim. */
export interface ActivationRecord {
  /** [L, B, K]: 1 where the module was active. */
  readonly active: tf.Tensor3D;
  /** [L, B, K]: ‖h_t,k − h_{t−1},k‖₂, the state change of each module. */
  readonly change: tf.Tensor3D;
}

export interface CopyModel {
  readonly name: ModelName;
  readonly label: string;
  readonly variables: tf.Variable[];
  readonly parameterCount: number;
  dispose(): void;
  /**
   * Logits [SYMBOLS · B, ALPHABET] at the copy positions (time-major) for inputs [L, B, V];
   * `training` turns on the RIM's dropout (the default is evaluation).
   */
  forward(inputs: tf.Tensor3D, layout: CopyLayout, training?: boolean): tf.Tensor2D;
  /** The same unroll with the activation record (RIM only). */
  forwardWithRecord?(inputs: tf.Tensor3D, layout: CopyLayout): { logits: tf.Tensor2D; record: ActivationRecord };
}

function readout(rng: Rng, features: number): { w: tf.Variable; b: tf.Variable } {
  return {
    w: tf.tidy(() =>
      tf.variable(tf.tensor2d(rng.normals(features * ALPHABET, 1 / Math.sqrt(features)), [features, ALPHABET]), true),
    ),
    b: tf.tidy(() => tf.variable(tf.zeros([ALPHABET]), true)),
  };
}

export function rimModel(size: RimSize, rng: Rng): CopyModel {
  const p = initRim(size, VOCAB, rng);
  const features = size.modules * size.units;
  const out = readout(rng, features);
  // Seeds of the dropout masks, drawn in training only (no draw without dropout, so the other
  // initial weights do not depend on whether it is on).
  const dropout = size.dropout > 0 ? { rate: size.dropout, rng: new Rng(rng.seed()) } : null;
  const unroll = (inputs: tf.Tensor3D, layout: CopyLayout, record: boolean, training: boolean) => {
    const batch = inputs.shape[1];
    const weights = rimWeights(p, training ? dropout : null);
    let state = initialRimState(p, batch);
    const copyStates: tf.Tensor3D[] = [];
    const masks: tf.Tensor2D[] = [];
    const changes: tf.Tensor2D[] = [];
    const rows = inputRows(p, inputs);
    rows.keys.forEach((key, t) => {
      const step = rimStep(weights, state, key, rows.values[t] as tf.Tensor2D);
      if (record) {
        masks.push(tf.squeeze(step.mask, [2]));
        changes.push(tf.sqrt(tf.sum(tf.square(tf.sub(step.state.h, state.h)), 2)) as tf.Tensor2D);
      }
      state = step.state;
      if (t >= layout.copyStart) copyStates.push(state.h);
    });
    // [S, B, K, H] → [S·B, K·H]: the readout sees every module.
    const h = tf.reshape(tf.stack(copyStates), [copyStates.length * batch, features]);
    const logits = tf.add(tf.matMul(h, out.w), out.b) as tf.Tensor2D;
    return { logits, masks, changes };
  };
  return {
    dispose: () => {
      disposeRim(p);
      tf.dispose([out.w, out.b]);
    },
    name: 'rim',
    label: 'RIM',
    variables: [...rimVariables(p), out.w, out.b],
    parameterCount: rimParameterCount(size, VOCAB) + features * ALPHABET + ALPHABET,
    forward: (inputs, layout, training = false) => unroll(inputs, layout, false, training).logits,
    forwardWithRecord(inputs, layout) {
      const { logits, masks, changes } = unroll(inputs, layout, true, false);
      return { logits, record: { active: tf.stack(masks) as tf.Tensor3D, change: tf.stack(changes) as tf.Tensor3D } };
    },
  };
}

/** An LSTM with (about) `parameters` parameters including its readout. */
export function lstmModel(parameters: number, rng: Rng): CopyModel {
  const units = matchedLstmUnits(parameters, VOCAB, ALPHABET);
  const p = initLstm(units, VOCAB, rng);
  const out = readout(rng, units);
  return {
    dispose: () => tf.dispose([p.w, p.b, out.w, out.b]),
    name: 'lstm',
    label: `LSTM (${units} units)`,
    variables: [p.w, p.b, out.w, out.b],
    parameterCount: lstmParameterCount(units, VOCAB, ALPHABET),
    forward(inputs, layout) {
      const batch = inputs.shape[1];
      let state = { h: tf.zeros([batch, units]) as tf.Tensor2D, c: tf.zeros([batch, units]) as tf.Tensor2D };
      const copyStates: tf.Tensor2D[] = [];
      tf.unstack(inputs).forEach((x, t) => {
        state = lstmStep(p, state, x as tf.Tensor2D);
        if (t >= layout.copyStart) copyStates.push(state.h);
      });
      return tf.add(tf.matMul(tf.concat(copyStates, 0), out.w), out.b) as tf.Tensor2D;
    },
  };
}
