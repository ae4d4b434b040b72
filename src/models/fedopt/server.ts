/**
 * FedOpt: client updates, the pseudo-gradient and the server optimizers (Reddi et al., ICLR 2021,
 * Algorithms 1 and 2).
 *
 * Round t: the server sends x_t to S sampled clients; client i runs E epochs of SGD with learning
 * rate η_l from x_t and returns x_i^t. The server averages the client changes into the
 * pseudo-gradient Δ_t = (1/|S|) Σ_i (x_i^t − x_t) and treats it as a (negative) gradient:
 *
 *   FedAvg      x_{t+1} = x_t + Δ_t                                  (server SGD with η = 1)
 *   FedAvgM     m_t = β₁ m_{t−1} + (1 − β₁) Δ_t,   x_{t+1} = x_t + η m_t
 *   adaptive    m_t = β₁ m_{t−1} + (1 − β₁) Δ_t,   x_{t+1} = x_t + η m_t / (√v_t + τ)
 *     FedAdagrad  v_t = v_{t−1} + Δ_t²
 *     FedAdam     v_t = β₂ v_{t−1} + (1 − β₂) Δ_t²
 *     FedYogi     v_t = v_{t−1} − (1 − β₂) Δ_t² sign(v_{t−1} − Δ_t²)
 *
 * with v_{−1} = τ² (the paper asks for v_{−1} ≥ τ²) and no bias correction, as in Algorithm 2.
 * FedAvgM uses the same (exponential-average) momentum as the adaptive family; this equals
 * heavy-ball momentum with server learning rate η(1 − β₁).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ServerOptimizer } from './demo';
import type { Batch, FederatedModel } from './model';

export interface ServerHyperparameters {
  /** η, the server learning rate (ignored by FedAvg, which uses 1). */
  readonly eta: number;
  readonly beta1: number;
  readonly beta2: number;
  /** τ, the degree of adaptivity. */
  readonly tau: number;
}

/** The server's state for one parameter tensor: the model x, momentum m and second moment v. */
export interface ServerState {
  readonly x: tf.Tensor;
  readonly m: tf.Tensor;
  readonly v: tf.Tensor;
}

/** m_{−1} = 0, v_{−1} = τ². Takes ownership of `x`. */
export function initialServerState(x: tf.Tensor, tau: number): ServerState {
  return { x, m: tf.zerosLike(x), v: tf.fill(x.shape, tau * tau) };
}

/**
 * ClientOpt: a client runs SGD from the global model x_t over its local batches (E epochs
 * already laid out in `batches`) and returns its model x_i^t; the caller owns it.
 */
export function clientUpdate(
  model: FederatedModel,
  global: readonly tf.Tensor[],
  batches: readonly Batch[],
  clientLr: number,
): tf.Tensor[] {
  let params = global.map((x) => x.clone());
  for (const batch of batches) {
    const next = tf.tidy(() => {
      const scaledGrads = model.gradients(params, batch, clientLr);
      // @paper fedopt client-update
      return params.map((p, i) => tf.sub(p, scaledGrads[i] as tf.Tensor));
    });
    tf.dispose(params);
    params = next;
  }
  return params;
}

/** Δ_t = (1/|S|) Σ_i (x_i^t − x_t), for one parameter tensor given every sampled client's copy. */
export function pseudoGradient(clientParams: readonly tf.Tensor[], x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    // @paper fedopt pseudo-gradient
    return tf.sub(tf.div(tf.addN([...clientParams]), clientParams.length), x);
  });
}

/** The second-moment estimate v_t of an adaptive server optimizer. */
function secondMoment(opt: 'fedadagrad' | 'fedadam' | 'fedyogi', v: tf.Tensor, delta: tf.Tensor, beta2: number) {
  const deltaSq = tf.square(delta);
  switch (opt) {
    case 'fedadagrad':
      // @paper fedopt adagrad-accumulator
      return tf.add(v, deltaSq);
    case 'fedadam':
      // @paper fedopt adam-accumulator
      return tf.add(tf.mul(beta2, v), tf.mul(1 - beta2, deltaSq));
    case 'fedyogi':
      // @paper fedopt yogi-accumulator
      return tf.sub(v, tf.mul(tf.mul(1 - beta2, deltaSq), tf.sign(tf.sub(v, deltaSq))));
  }
}

/** ServerOpt: one server step from the pseudo-gradient Δ_t. Pure: returns a new state; the caller disposes the old one. */
export function serverUpdate(
  opt: ServerOptimizer,
  state: ServerState,
  delta: tf.Tensor,
  hp: ServerHyperparameters,
): ServerState {
  return tf.tidy(() => {
    const { x, m, v } = state;
    if (opt === 'fedavg') {
      // @paper fedopt fedavg-update
      return { x: tf.add(x, delta), m: m.clone(), v: v.clone() };
    }
    // @paper fedopt server-momentum
    const mNext = tf.add(tf.mul(hp.beta1, m), tf.mul(1 - hp.beta1, delta));
    if (opt === 'fedavgm') {
      // @paper fedopt fedavg-update
      return { x: tf.add(x, tf.mul(hp.eta, mNext)), m: mNext, v: v.clone() };
    }
    const vNext = secondMoment(opt, v, delta, hp.beta2);
    // @paper fedopt adaptive-update
    const xNext = tf.add(x, tf.div(tf.mul(hp.eta, mNext), tf.add(tf.sqrt(vNext), hp.tau)));
    return { x: xNext, m: mNext, v: vNext };
  });
}

/**
 * One full FedOpt round for one server optimizer: ClientOpt on every sampled client
 * (`batches[i]` are client i's local batches), the pseudo-gradient, ServerOpt. Returns the new
 * server state (one entry per parameter tensor); the caller disposes the old one.
 */
export function fedOptRound(
  model: FederatedModel,
  opt: ServerOptimizer,
  state: readonly ServerState[],
  batches: readonly (readonly Batch[])[],
  clientLr: number,
  hp: ServerHyperparameters,
): ServerState[] {
  const global = state.map((s) => s.x);
  const clientModels = batches.map((clientBatches) => clientUpdate(model, global, clientBatches, clientLr));
  const next = state.map((s, k) => {
    const delta = pseudoGradient(
      clientModels.map((params) => params[k] as tf.Tensor),
      s.x,
    );
    const updated = serverUpdate(opt, s, delta, hp);
    delta.dispose();
    return updated;
  });
  tf.dispose(clientModels);
  return next;
}
