import * as tf from '@tensorflow/tfjs-core';
import type { ServerOptimizer } from '../../../src/models/fedopt/demo';
import {
  initialServerState,
  pseudoGradient,
  type ServerHyperparameters,
  type ServerState,
  serverUpdate,
} from '../../../src/models/fedopt/server';
import { expectClose, useBackend } from '../../helpers/backends';

/**
 * Two server rounds from x₀ = [1, −2] with pseudo-gradients Δ₁ = [0.5, 0.5], Δ₂ = [−0.2, 0.01];
 * η = 0.1, β₁ = 0.9, β₂ = 0.99, τ = 0.01, so m₋₁ = 0 and v₋₁ = τ² = 1e-4.
 */
const hp: ServerHyperparameters = { eta: 0.1, beta1: 0.9, beta2: 0.99, tau: 0.01 };
const x0 = [1, -2];
const deltas = [
  [0.5, 0.5],
  [-0.2, 0.01],
];

async function twoRounds(opt: ServerOptimizer): Promise<{ x: Float32Array[]; m: Float32Array[]; v: Float32Array[] }> {
  let state: ServerState = initialServerState(tf.tensor1d(x0), hp.tau);
  const out = { x: [] as Float32Array[], m: [] as Float32Array[], v: [] as Float32Array[] };
  for (const d of deltas) {
    const delta = tf.tensor1d(d);
    const next = serverUpdate(opt, state, delta, hp);
    tf.dispose([state.x, state.m, state.v, delta]);
    state = next;
    out.x.push((await state.x.data()) as Float32Array);
    out.m.push((await state.m.data()) as Float32Array);
    out.v.push((await state.v.data()) as Float32Array);
  }
  tf.dispose([state.x, state.m, state.v]);
  return out;
}

describe('fedopt server optimizers', () => {
  before(() => useBackend('cpu'));

  it('forms the pseudo-gradient as the mean client change', async () => {
    // Clients moved x = [1, 1] to [2, 0] and [4, 1]: Δ = ([1, −1] + [3, 0]) / 2 = [2, −0.5].
    const x = tf.tensor1d([1, 1]);
    const clients = [tf.tensor1d([2, 0]), tf.tensor1d([4, 1])];
    const delta = pseudoGradient(clients, x);
    await expectClose(await delta.data(), [2, -0.5]);
    tf.dispose([x, delta, ...clients]);
  });

  it('FedAvg: x_{t+1} = x_t + Δ_t', async () => {
    // x₁ = [1.5, −1.5], x₂ = [1.3, −1.49]
    const { x } = await twoRounds('fedavg');
    await expectClose(x[0] as Float32Array, [1.5, -1.5]);
    await expectClose(x[1] as Float32Array, [1.3, -1.49]);
  });

  it('FedAvgM: m_t = β₁m + (1−β₁)Δ, x_{t+1} = x_t + η m_t', async () => {
    // m₁ = 0.1·0.5 = 0.05 → x₁ = 1 + 0.1·0.05 = 1.005, −2 + 0.005 = −1.995
    // m₂ = 0.9·0.05 + 0.1·(−0.2) = 0.025 → x₂ = 1.0075;  m₂ = 0.045 + 0.001 = 0.046 → x₂ = −1.9904
    const { x, m } = await twoRounds('fedavgm');
    await expectClose(m[1] as Float32Array, [0.025, 0.046]);
    await expectClose(x[0] as Float32Array, [1.005, -1.995]);
    await expectClose(x[1] as Float32Array, [1.0075, -1.9904]);
  });

  it('FedAdagrad: v_t = v + Δ², x_{t+1} = x_t + η m_t / (√v_t + τ)', async () => {
    // v₁ = 1e-4 + 0.25 = 0.2501; x₁ = 1 + 0.1·0.05 / (√0.2501 + 0.01) = 1.009802
    // v₂ = 0.2501 + 0.04 = 0.2901; x₂ = 1.009802 + 0.1·0.025 / (√0.2901 + 0.01) = 1.014359
    // element 2: v₂ = 0.2501 + 1e-4 = 0.2502; x₂ = −1.990198 + 0.1·0.046 / (√0.2502 + 0.01) = −1.9811819
    const { x, v } = await twoRounds('fedadagrad');
    await expectClose(v[1] as Float32Array, [0.2901, 0.2502]);
    await expectClose(x[0] as Float32Array, [1.009802, -1.990198]);
    await expectClose(x[1] as Float32Array, [1.014359, -1.9811819]);
  });

  it('FedAdam: v_t = β₂v + (1−β₂)Δ²', async () => {
    // v₁ = 0.99·1e-4 + 0.01·0.25 = 0.002599; x₁ = 1 + 0.005 / (√0.002599 + 0.01) = 1.0819936
    // v₂ = 0.99·0.002599 + 0.01·0.04 = 0.00297301; x₂ = 1.0819936 + 0.0025 / (√0.00297301 + 0.01) = 1.1207381
    // element 2: v₂ = 0.99·0.002599 + 0.01·1e-4 = 0.00257401; x₂ = −1.9180064 + 0.0046 / (√0.00257401 + 0.01) = −1.8422672
    const { x, v } = await twoRounds('fedadam');
    await expectClose(v[1] as Float32Array, [0.00297301, 0.00257401]);
    await expectClose(x[0] as Float32Array, [1.0819936, -1.9180064]);
    await expectClose(x[1] as Float32Array, [1.1207381, -1.8422672]);
  });

  it('FedYogi: v_t = v − (1−β₂)Δ² sign(v − Δ²), both signs', async () => {
    // v₁ = 1e-4 − 0.01·0.25·sign(1e-4 − 0.25) = 0.0026; x₁ = 1 + 0.005 / (√0.0026 + 0.01) = 1.0819804
    // element 1, round 2: v₁ < Δ² = 0.04 → v₂ = 0.0026 + 0.01·0.04 = 0.003; x₂ = 1.1205772
    // element 2, round 2: v₁ > Δ² = 1e-4 → v₂ = 0.0026 − 0.01·1e-4 = 0.002599; x₂ = −1.8425855
    const { x, v } = await twoRounds('fedyogi');
    await expectClose(v[0] as Float32Array, [0.0026, 0.0026]);
    await expectClose(v[1] as Float32Array, [0.003, 0.002599]);
    await expectClose(x[0] as Float32Array, [1.0819804, -1.9180196]);
    await expectClose(x[1] as Float32Array, [1.1205772, -1.8425855]);
  });

  it('leaves its input state intact (pure update)', async () => {
    const state = initialServerState(tf.tensor1d(x0), hp.tau);
    const delta = tf.tensor1d([0.5, 0.5]);
    const next = serverUpdate('fedyogi', state, delta, hp);
    await expectClose(await state.x.data(), x0);
    await expectClose(await state.v.data(), [1e-4, 1e-4]);
    tf.dispose([state.x, state.m, state.v, next.x, next.m, next.v, delta]);
  });
});
