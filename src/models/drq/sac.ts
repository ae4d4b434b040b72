/**
 * Soft actor-critic from pixels with DrQ's two regularisers (official `drq.py`):
 *
 *   critic   y = r + γ · (1/K) Σ_k [min_j Q̄_j(f(s′, ν′_k), a′_k) − α log π(a′_k | f(s′, ν′_k))]
 *            L_Q = (1/NM) Σ_{i,m} Σ_j (Q_j(f(s_i, ν_im), a_i) − y_i)²   trains the encoder and Q heads
 *   actor    L_π = E[α log π(a|s) − min_j Q_j(s, a)] on the critic's conv features, gradients stopped
 *   α        L(α) = E[−α (log π(a|s) + H̄)],  H̄ = −|A|, optimised in log α
 *   targets  θ̄ ← τ θ + (1 − τ) θ̄ every `targetEvery` updates; actor and α every `actorEvery`.
 *
 * As in the official agent, the updates are counted from 0 and the actor, α and the targets move on
 * the updates whose count is a multiple of their period: the 1st, 3rd, 5th … update with period 2
 * (the official `update` tests `step % frequency == 0` on the agent step, and its first update comes
 * at an even step). The three Adams use PyTorch's ε = 1e-8 (TensorFlow.js would default to 1e-7).
 *
 * K = M = 1 with augmentation is RAD-style augmentation; no augmentation uses the raw frames.
 * The official code sums the M critic losses rather than averaging them; with Adam the two
 * differ only through ε. The agent's own random draws (policy noise) come from its seeded Rng.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../engine/rng';
import type { FilterGradientPath } from './conv';
import { ACTION_DIM, OBS_CHANNELS, SIZE } from './env';
import {
  type ActorParams,
  actorGaussian,
  actorVariables,
  convForward,
  copyCritic,
  type CriticParams,
  criticVariables,
  EncoderGeometry,
  headForward,
  initActor,
  initCritic,
  type NetworkSizes,
  qValues,
} from './networks';

export interface SacHyperparameters extends NetworkSizes {
  readonly lr: number;
  readonly gamma: number;
  readonly tau: number;
  readonly initTemperature: number;
  readonly actorEvery: number;
  readonly targetEvery: number;
  readonly convGradient: FilterGradientPath;
}

/** One sampled batch after augmentation: M views of s (stacked [M·N, …]) and K views of s′ ([K·N, …]). */
export interface AugmentedBatch {
  readonly n: number;
  readonly m: number;
  readonly k: number;
  readonly obs: Float32Array;
  readonly nextObs: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly notDones: Float32Array;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** Adam's moment decay rates and ε, PyTorch's defaults (the official code leaves them unset). */
export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPSILON = 1e-8;

/** Whether the update numbered `count` (from 0) is one on which a part with period `every` moves. */
export function onTurn(count: number, every: number): boolean {
  return count % every === 0;
}

/** An Adam optimizer with the official code's settings. */
function adam(lr: number): tf.AdamOptimizer {
  return tf.train.adam(lr, ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON);
}

/**
 * Reparameterised sample of the tanh-squashed Gaussian and its log-density:
 * a = tanh(u), u = μ + σ ε;  log π(a) = Σ_j [log N(u_j; μ_j, σ_j²) − log(1 − tanh² u_j)],
 * with log(1 − tanh² u) = 2 (log 2 − u − softplus(−2u)) (numerically stable, as the official code).
 */
// a = tanh( μ_φ(s) + σ_φ(s) ⊙ ε ),  ε ~ N(0, I);   log π(a | s) = log N(u; μ_φ, σ_φ²) − Σ_j log(1 − tanh² u_j)
// @paper drq squashed-policy
export function squashedSample(
  mu: tf.Tensor2D,
  logStd: tf.Tensor2D,
  eps: tf.Tensor2D,
): { action: tf.Tensor2D; logProb: tf.Tensor1D } {
  // u = μ + σ ⊙ ε,  σ = exp(log σ)
  const u = tf.add(mu, tf.mul(tf.exp(logStd), eps));
  // log N(u_j; μ_j, σ_j²) = −½ (ε_j² + log 2π) − log σ_j   (as (u_j − μ_j) / σ_j = ε_j)
  const gaussian = tf.sub(tf.mul(-0.5, tf.add(tf.square(eps), LOG_2PI)), logStd);
  // log(1 − tanh² u_j) = 2 (log 2 − u_j − softplus(−2 u_j))
  const logDetJacobian = tf.mul(2, tf.sub(tf.sub(Math.LN2, u), tf.softplus(tf.mul(-2, u))));
  // log π(a | s) = Σ_j [ log N(u_j; μ_j, σ_j²) − log(1 − tanh² u_j) ]
  const logProb = tf.sum(tf.sub(gaussian, logDetJacobian), 1) as tf.Tensor1D;
  // a = tanh(u)
  return { action: tf.tanh(u) as tf.Tensor2D, logProb };
}

/**
 * The critic target averaged over K views of s′. `minQNext` and `logProbNext` are [K·N] (view-major);
 * `rewards`, `notDones` are [N]. Returns y [N].
 */
// y_i = r_i + γ (1/K) Σ_k [ min_{j=1,2} Q̄_j(f(s′_i, ν′_ik), a′_ik) − α log π(a′_ik | f(s′_i, ν′_ik)) ],
// a′_ik ~ π(· | f(s′_i, ν′_ik))   (the bootstrap is masked by notDone_i, 1 for every stored transition)
// @paper drq drq-target
export function sacTarget(
  rewards: tf.Tensor1D,
  notDones: tf.Tensor1D,
  minQNext: tf.Tensor1D,
  logProbNext: tf.Tensor1D,
  alpha: number | tf.Scalar,
  gamma: number,
  k: number,
): tf.Tensor1D {
  const n = rewards.shape[0];
  // V(s′_i, ν′_ik) = min_j Q̄_j(f(s′_i, ν′_ik), a′_ik) − α log π(a′_ik | f(s′_i, ν′_ik)), for each view k
  const soft = tf.sub(minQNext, tf.mul(alpha, logProbNext));
  // (1/K) Σ_k V(s′_i, ν′_ik)
  const averaged = tf.mean(tf.reshape(soft, [k, n]), 0);
  // y_i = r_i + γ · notDone_i · (1/K) Σ_k V(s′_i, ν′_ik)
  return tf.add(rewards, tf.mul(gamma, tf.mul(notDones, averaged))) as tf.Tensor1D;
}

/** Polyak averaging of the target critic, for paired lists of variables. */
// θ̄ ← τ θ + (1 − τ) θ̄
// @paper drq target-update
export function softUpdate(target: readonly tf.Variable[], source: readonly tf.Variable[], tau: number): void {
  tf.tidy(() => {
    target.forEach((t, i) => t.assign(tf.add(tf.mul(tau, source[i] as tf.Tensor), tf.mul(1 - tau, t))));
  });
}

/** Losses and temperature after one update (numbers, read back once per update). */
export interface UpdateInfo {
  readonly criticLoss: number;
  readonly alpha: number;
}

export class SacAgent {
  readonly geometry: EncoderGeometry;
  readonly critic: CriticParams;
  readonly criticTarget: CriticParams;
  readonly actor: ActorParams;
  readonly logAlpha: tf.Variable;
  private readonly criticOpt: tf.AdamOptimizer;
  private readonly actorOpt: tf.AdamOptimizer;
  private readonly alphaOpt: tf.AdamOptimizer;
  private readonly criticVars: tf.Variable[];
  private readonly targetVars: tf.Variable[];
  private readonly actorVars: tf.Variable[];
  private updates = 0;
  private lastCriticLoss = NaN;

  constructor(
    readonly hp: SacHyperparameters,
    initRng: Rng,
    private readonly noise: Rng,
  ) {
    this.geometry = new EncoderGeometry(hp.filters, hp.convGradient);
    this.critic = initCritic(this.geometry, hp, initRng);
    this.criticTarget = copyCritic(this.critic);
    this.actor = initActor(this.geometry, hp, initRng);
    this.logAlpha = tf.tidy(() => tf.variable(tf.scalar(Math.log(hp.initTemperature))));
    this.criticOpt = adam(hp.lr);
    this.actorOpt = adam(hp.lr);
    this.alphaOpt = adam(hp.lr);
    this.criticVars = criticVariables(this.critic);
    this.targetVars = criticVariables(this.criticTarget);
    this.actorVars = actorVariables(this.actor);
  }

  /** The temperature α = exp(log α), read back asynchronously (WebGPU has no synchronous reads in Node). */
  async readAlpha(): Promise<number> {
    const [logAlpha] = await this.logAlpha.data();
    return Math.exp(logAlpha as number);
  }

  get updateCount(): number {
    return this.updates;
  }

  /** The settings of the critic's, the actor's and the temperature's optimizers, as they report them. */
  optimizerConfigs(): {
    critic: tf.serialization.ConfigDict;
    actor: tf.serialization.ConfigDict;
    alpha: tf.serialization.ConfigDict;
  } {
    return { critic: this.criticOpt.getConfig(), actor: this.actorOpt.getConfig(), alpha: this.alphaOpt.getConfig() };
  }

  private eps(rows: number): tf.Tensor2D {
    return tf.tensor2d(this.noise.normals(rows * ACTION_DIM), [rows, ACTION_DIM]);
  }

  /** Actions for a batch of observations [B·24·24·4]: sampled, or the mean tanh(μ) when `deterministic`. */
  async act(obs: Float32Array, batch: number, deterministic: boolean): Promise<Float32Array> {
    const eps = deterministic ? null : this.eps(batch);
    const actions = tf.tidy(() => {
      const x = tf.tensor4d(obs, [batch, SIZE, SIZE, OBS_CHANNELS]);
      const { mu, logStd } = actorGaussian(this.actor, convForward(this.geometry, this.critic.conv, x));
      return eps ? squashedSample(mu, logStd, eps).action : tf.tanh(mu);
    });
    try {
      return (await actions.data()) as Float32Array;
    } finally {
      tf.dispose(eps ? [actions, eps] : [actions]);
    }
  }

  /**
   * One gradient update of the critic, then (every `actorEvery`) actor and α, then (every
   * `targetEvery`) targets, counting updates from 0: the first update moves all of them.
   */
  async update(batch: AugmentedBatch): Promise<UpdateInfo> {
    const { n, m, k } = batch;
    const obs = tf.tensor4d(batch.obs, [m * n, SIZE, SIZE, OBS_CHANNELS]);
    const nextObs = tf.tensor4d(batch.nextObs, [k * n, SIZE, SIZE, OBS_CHANNELS]);
    const actions = tf.tensor2d(batch.actions, [n, ACTION_DIM]);
    const rewards = tf.tensor1d(batch.rewards);
    const notDones = tf.tensor1d(batch.notDones);
    const epsNext = this.eps(k * n);
    const alpha = tf.exp(this.logAlpha) as tf.Scalar;
    try {
      const y = tf.tidy(() => this.target(nextObs, rewards, notDones, epsNext, alpha, k));
      const loss = this.criticOpt.minimize(
        // L_Q(θ) = (1/NM) Σ_{i=1..N} Σ_{m=1..M} ( Q_θ(f(s_i, ν_im), a_i) − y_i )², summed over the two critics:
        // L = L_{Q_1} + L_{Q_2}; y_i (computed above, no gradient) is tiled over the M views
        // @paper drq drq-critic-loss
        () => {
          const features = headForward(this.critic.head, convForward(this.geometry, this.critic.conv, obs));
          const [q1, q2] = qValues(this.critic, features, tf.tile(actions, [m, 1]));
          const yy = tf.tile(y, [m]);
          return tf.add(tf.mean(tf.squaredDifference(q1, yy)), tf.mean(tf.squaredDifference(q2, yy))) as tf.Scalar;
        },
        true,
        this.criticVars,
      );
      y.dispose();
      const count = this.updates++;
      if (onTurn(count, this.hp.actorEvery)) this.updateActorAndAlpha(obs, n);
      if (onTurn(count, this.hp.targetEvery)) softUpdate(this.targetVars, this.criticVars, this.hp.tau);
      // One read for both numbers: each read waits for the device.
      const read = tf.tidy(() => tf.stack([loss ?? tf.scalar(this.lastCriticLoss), this.logAlpha]));
      loss?.dispose();
      const [criticLoss, logAlpha] = await read.data();
      read.dispose();
      this.lastCriticLoss = criticLoss as number;
      return { criticLoss: this.lastCriticLoss, alpha: Math.exp(logAlpha as number) };
    } finally {
      tf.dispose([obs, nextObs, actions, rewards, notDones, epsNext, alpha]);
    }
  }

  /** y: next actions from the current actor, values from the target critic, both on K views of s′. */
  private target(
    nextObs: tf.Tensor4D,
    rewards: tf.Tensor1D,
    notDones: tf.Tensor1D,
    eps: tf.Tensor2D,
    alpha: tf.Scalar,
    k: number,
  ): tf.Tensor1D {
    const { mu, logStd } = actorGaussian(this.actor, convForward(this.geometry, this.critic.conv, nextObs));
    const { action, logProb } = squashedSample(mu, logStd, eps);
    const targetFeatures = headForward(
      this.criticTarget.head,
      convForward(this.geometry, this.criticTarget.conv, nextObs),
    );
    const [q1, q2] = qValues(this.criticTarget, targetFeatures, action);
    return sacTarget(rewards, notDones, tf.minimum(q1, q2), logProb, alpha, this.hp.gamma, k);
  }

  /** Actor and temperature on the first view of s, with the conv features computed once and detached. */
  private updateActorAndAlpha(obsViews: tf.Tensor4D, n: number): void {
    const eps = this.eps(n);
    const flat = tf.tidy(() => convForward(this.geometry, this.critic.conv, tf.slice(obsViews, 0, n)));
    const alpha = tf.exp(this.logAlpha) as tf.Scalar;
    let logProb: tf.Tensor1D | null = null;
    try {
      // L_π(φ) = E_{s ~ D, a ~ π_φ} [ α log π_φ(a | s) − min_{j=1,2} Q_θj(s, a) ], on the first view of s,
      // reading the critic encoder's conv features with gradients stopped
      // @paper drq actor-loss
      this.actorOpt.minimize(
        () => {
          const { mu, logStd } = actorGaussian(this.actor, flat);
          const sample = squashedSample(mu, logStd, eps);
          logProb = tf.keep(sample.logProb);
          const features = headForward(this.critic.head, flat);
          const [q1, q2] = qValues(this.critic, features, sample.action);
          return tf.mean(tf.sub(tf.mul(alpha, sample.logProb), tf.minimum(q1, q2))) as tf.Scalar;
        },
        false,
        this.actorVars,
      );
      const lp = logProb as tf.Tensor1D | null;
      if (!lp) throw new Error('actor update produced no log-probabilities');
      // −(log π(a | s) + H̄),  H̄ = −|A|
      const entropyGap = tf.tidy(() => tf.sub(tf.neg(lp), -ACTION_DIM));
      // L(α) = E_{s ~ D, a ~ π_φ} [ −α (log π_φ(a | s) + H̄) ], minimised over log α (α = e^{log α})
      // @paper drq temperature-loss
      this.alphaOpt.minimize(() => tf.mean(tf.mul(tf.exp(this.logAlpha), entropyGap)) as tf.Scalar, false, [
        this.logAlpha,
      ]);
      entropyGap.dispose();
    } finally {
      tf.dispose([eps, flat, alpha]);
      if (logProb) (logProb as tf.Tensor1D).dispose();
    }
  }

  dispose(): void {
    tf.dispose([...this.criticVars, ...this.targetVars, ...this.actorVars, this.logAlpha]);
    this.criticOpt.dispose();
    this.actorOpt.dispose();
    this.alphaOpt.dispose();
  }
}
