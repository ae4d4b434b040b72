import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { OBS_LENGTH } from '../../../src/models/drq/env';
import { actorVariables, criticVariables, orthogonal } from '../../../src/models/drq/networks';
import {
  type AugmentedBatch,
  SacAgent,
  type SacHyperparameters,
  sacTarget,
  onTurn,
  softUpdate,
  squashedSample,
} from '../../../src/models/drq/sac';
import { Rng } from '../../../src/models/engine/rng';
import { expectClose, useBackend } from './helpers';

const HP: SacHyperparameters = {
  filters: 4,
  featureDim: 8,
  hidden: 16,
  lr: 1e-3,
  gamma: 0.99,
  tau: 0.01,
  initTemperature: 0.1,
  actorEvery: 2,
  targetEvery: 2,
  convGradient: 'correlation',
};

function randomBatch(n: number, m: number, k: number, rng: Rng): AugmentedBatch {
  return {
    n,
    m,
    k,
    obs: Float32Array.from({ length: m * n * OBS_LENGTH }, () => rng.next()),
    nextObs: Float32Array.from({ length: k * n * OBS_LENGTH }, () => rng.next()),
    actions: Float32Array.from({ length: 2 * n }, () => rng.next() * 2 - 1),
    rewards: Float32Array.from({ length: n }, () => rng.next()),
    notDones: new Float32Array(n).fill(1),
  };
}

const values = (vars: readonly tf.Variable[]): Float32Array[] => vars.map((v) => v.dataSync() as Float32Array);
const changed = (a: readonly Float32Array[], b: readonly Float32Array[]): boolean[] =>
  a.map((x, i) => x.some((v, j) => v !== (b[i] as Float32Array)[j]));

describe('drq soft actor-critic', function () {
  this.timeout(120000);
  before(() => useBackend('cpu'));

  it('averages the soft target over K views (hand-computed)', async () => {
    // N = 2, K = 2, view-major: minQ' = [[1, 2], [3, 4]], log π = [[0.5, −1], [0, 2]], α = 0.1, γ = 0.9.
    // Soft values: view 1 [1 − 0.05, 2 + 0.1] = [0.95, 2.1]; view 2 [3, 4 − 0.2] = [3, 3.8].
    // Averages [1.975, 2.95]; y = r + γ·notDone·avg = [1 + 0.9·1.975, 0.5 + 0] = [2.7775, 0.5].
    const y = tf.tidy(() =>
      sacTarget(
        tf.tensor1d([1, 0.5]),
        tf.tensor1d([1, 0]),
        tf.tensor1d([1, 2, 3, 4]),
        tf.tensor1d([0.5, -1, 0, 2]),
        0.1,
        0.9,
        2,
      ),
    );
    await expectClose(y.dataSync(), [2.7775, 0.5], { rtol: 1e-6, what: 'y' });
    y.dispose();
  });

  it('computes the squashed-Gaussian log-density of the official code', async () => {
    const mu = [0.3, -1.2];
    const logStd = [-0.5, 0.4];
    const eps = [1.1, -0.7];
    const out = tf.tidy(() => {
      const s = squashedSample(tf.tensor2d([mu]), tf.tensor2d([logStd]), tf.tensor2d([eps]));
      return [s.action, s.logProb];
    });
    // Plain formula: u = μ + σε, log N(u; μ, σ²) − log(1 − tanh² u), summed over dimensions.
    let logProb = 0;
    const action: number[] = [];
    for (let j = 0; j < 2; j++) {
      const sigma = Math.exp(logStd[j] as number);
      const u = (mu[j] as number) + sigma * (eps[j] as number);
      logProb += -0.5 * (eps[j] as number) ** 2 - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI);
      logProb -= Math.log(1 - Math.tanh(u) ** 2);
      action.push(Math.tanh(u));
    }
    await expectClose((out[0] as tf.Tensor).dataSync(), action, { rtol: 1e-6, what: 'action' });
    await expectClose((out[1] as tf.Tensor).dataSync(), [logProb], { rtol: 1e-4, what: 'log π' });
    tf.dispose(out);
  });

  it('soft-updates θ̄ ← τθ + (1 − τ)θ̄', async () => {
    const target = [tf.variable(tf.tensor1d([1, 2])), tf.variable(tf.tensor2d([[0, -4]]))];
    const source = [tf.variable(tf.tensor1d([3, 0])), tf.variable(tf.tensor2d([[10, 4]]))];
    softUpdate(target, source, 0.25);
    await expectClose((target[0] as tf.Variable).dataSync(), [1.5, 1.5], { rtol: 1e-6, what: 't0' });
    await expectClose((target[1] as tf.Variable).dataSync(), [2.5, -2], { rtol: 1e-6, what: 't1' });
    await expectClose((source[0] as tf.Variable).dataSync(), [3, 0], { rtol: 0, what: 'source untouched' });
    tf.dispose([...target, ...source]);
  });

  it('initialises orthogonally', () => {
    const q = orthogonal(6, 3, 2, new Rng(1));
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) {
        let dot = 0;
        for (let r = 0; r < 6; r++) dot += (q[r * 3 + a] as number) * (q[r * 3 + b] as number);
        assert.ok(Math.abs(dot - (a === b ? 4 : 0)) < 1e-5, `columns ${a}, ${b}: ${dot}`);
      }
  });

  it('initialises each conv kernel as the official weight_init: orthogonal_ on [out, in·3·3] with gain √2, zero bias', () => {
    const agent = new SacAgent(HP, new Rng(21), new Rng(22));
    const { conv } = agent.critic;
    for (const [w, b] of [
      [conv.w1, conv.b1],
      [conv.w2, conv.b2],
    ] as const) {
      const [kh, kw, channels, filters] = w.shape as [number, number, number, number];
      const data = w.dataSync();
      // Row f of the flattened kernel: every tap and channel of filter f (order does not change W Wᵀ).
      const row = (f: number): number[] => {
        const out: number[] = [];
        for (let t = 0; t < kh * kw * channels; t++) out.push(data[t * filters + f] as number);
        return out;
      };
      assert.ok(filters <= kh * kw * channels, 'wide: orthogonal rows');
      for (let f = 0; f < filters; f++)
        for (let g = 0; g < filters; g++) {
          const dot = row(f).reduce((acc, x, i) => acc + x * (row(g)[i] as number), 0);
          assert.ok(Math.abs(dot - (f === g ? 2 : 0)) < 1e-5, `W Wᵀ[${f}][${g}] = ${dot}`);
        }
      // The whole kernel, not only its centre tap (a delta-orthogonal kernel is zero off-centre).
      let offCentre = 0;
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          if (y !== 1 || x !== 1)
            for (let c = 0; c < channels * filters; c++)
              offCentre += (data[(y * kw + x) * channels * filters + c] as number) ** 2;
      // Expected 2·F·8/9 of the total 2·F (trace of W Wᵀ); a delta-orthogonal kernel gives 0.
      assert.ok(offCentre > filters, `off-centre energy ${offCentre}`);
      assert.ok(
        b.dataSync().every((v) => v === 0),
        'zero bias',
      );
    }
    // Linear layers: orthogonal with gain 1 (columns of the [in, out] weight, out ≤ in), zero bias.
    const fc = agent.critic.head.fc;
    const [rows, cols] = fc.w.shape as [number, number];
    const d = fc.w.dataSync();
    for (let a = 0; a < cols; a++)
      for (let c = 0; c < cols; c++) {
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += (d[r * cols + a] as number) * (d[r * cols + c] as number);
        assert.ok(Math.abs(dot - (a === c ? 1 : 0)) < 1e-5, `head column ${a}, ${c}: ${dot}`);
      }
    assert.ok(fc.b.dataSync().every((v) => v === 0));
    agent.dispose();
  });

  it('trains the encoder by the critic only; the actor, α and targets on the 1st, 3rd, … update (official order)', async () => {
    const agent = new SacAgent(HP, new Rng(1), new Rng(2));
    const rng = new Rng(3);
    const critic0 = values(criticVariables(agent.critic));
    const target0 = values(criticVariables(agent.criticTarget));
    const actor0 = values(actorVariables(agent.actor));
    const alpha0 = await agent.readAlpha();
    // The actor's trained variables exclude the conv encoder (it reads detached conv features).
    const conv = new Set(criticVariables(agent.critic).slice(0, 4));
    assert.ok(!actorVariables(agent.actor).some((v) => conv.has(v)));
    await agent.update(randomBatch(8, 2, 2, rng)); // update 1 (count 0): critic, then actor and α, then targets
    const critic1 = values(criticVariables(agent.critic));
    assert.ok(
      changed(critic0, critic1).every((c) => c),
      'every critic variable moves',
    );
    assert.ok(
      changed(actor0, values(actorVariables(agent.actor))).every((c) => c),
      'every actor variable moves on the first update',
    );
    assert.notEqual(await agent.readAlpha(), alpha0);
    assert.ok(
      changed(target0, values(criticVariables(agent.criticTarget))).every((c) => c),
      'targets move on the first update',
    );
    // The target moved by τ toward the updated critic: θ̄ − θ̄₀ = τ (θ − θ̄₀), θ̄₀ = θ₀, for the first conv filter.
    const w = criticVariables(agent.critic)[0] as tf.Variable;
    const wBar = criticVariables(agent.criticTarget)[0] as tf.Variable;
    const expected = (target0[0] as Float32Array).map((t, i) => t + HP.tau * ((w.dataSync()[i] as number) - t));
    await expectClose(wBar.dataSync(), expected, { rtol: 1e-5, what: 'θ̄' });
    const actor1 = values(actorVariables(agent.actor));
    const target1 = values(criticVariables(agent.criticTarget));
    const alpha1 = await agent.readAlpha();
    await agent.update(randomBatch(8, 2, 2, rng)); // update 2 (count 1): critic only
    assert.ok(changed(critic1, values(criticVariables(agent.critic))).some((c) => c));
    assert.ok(!changed(actor1, values(actorVariables(agent.actor))).some((c) => c), 'actor unchanged');
    assert.ok(!changed(target1, values(criticVariables(agent.criticTarget))).some((c) => c), 'targets unchanged');
    assert.equal(await agent.readAlpha(), alpha1);
    agent.dispose();
  });

  it('counts which updates move the actor and the targets: counts 0, 2, 4, … with period 2, 0, 3, … with 3', async () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((c) => onTurn(c, 2)),
      [true, false, true, false, true, false],
    );
    const hp: SacHyperparameters = { ...HP, actorEvery: 2, targetEvery: 3 };
    const agent = new SacAgent(hp, new Rng(7), new Rng(8));
    const rng = new Rng(9);
    const moved = { actor: [] as boolean[], target: [] as boolean[] };
    for (let u = 0; u < 6; u++) {
      const actor = values(actorVariables(agent.actor));
      const target = values(criticVariables(agent.criticTarget));
      await agent.update(randomBatch(8, 1, 1, rng));
      moved.actor.push(changed(actor, values(actorVariables(agent.actor))).some((c) => c));
      moved.target.push(changed(target, values(criticVariables(agent.criticTarget))).some((c) => c));
    }
    // The official `update(…, step)` tests `step % frequency == 0`, its first update at an even step.
    assert.deepEqual(moved.actor, [true, false, true, false, true, false]);
    assert.deepEqual(moved.target, [true, false, false, true, false, false]);
    assert.equal(agent.updateCount, 6);
    agent.dispose();
  });

  it('uses Adam with PyTorch’s ε = 1e-8 and β = (0.9, 0.999) for critic, actor and temperature', () => {
    const agent = new SacAgent(HP, new Rng(1), new Rng(2));
    const configs = agent.optimizerConfigs();
    for (const [name, config] of Object.entries(configs)) {
      assert.equal(config['epsilon'], 1e-8, `${name} ε`);
      assert.equal(config['beta1'], 0.9, `${name} β₁`);
      assert.equal(config['beta2'], 0.999, `${name} β₂`);
      assert.equal(config['learningRate'], HP.lr, `${name} lr`);
    }
    assert.deepEqual(Object.keys(configs).sort(), ['actor', 'alpha', 'critic']);
    agent.dispose();
  });

  it('leaks no tensors across updates and actions', async () => {
    await useBackend('wasm');
    const start = tf.memory().numTensors;
    const agent = new SacAgent(HP, new Rng(4), new Rng(5));
    const rng = new Rng(6);
    const obs = Float32Array.from({ length: OBS_LENGTH }, () => rng.next());
    for (let i = 0; i < 2; i++) await agent.update(randomBatch(8, 2, 2, rng)); // optimizer slots created
    await agent.act(obs, 1, false);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 6; i++) {
      await agent.update(randomBatch(8, i % 2 === 0 ? 1 : 2, i % 2 === 0 ? 1 : 2, rng));
      await agent.act(obs, 1, i % 2 === 0);
    }
    assert.equal(tf.memory().numTensors, before);
    const all = tf.memory().numTensors;
    agent.dispose();
    assert.ok(tf.memory().numTensors < all);
    assert.equal(tf.memory().numTensors, start);
    await useBackend('cpu');
  });
});
