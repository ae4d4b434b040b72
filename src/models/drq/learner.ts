/**
 * One learner of the DrQ comparison: one agent (no augmentation, shift K = M = 1, or DrQ
 * K = M = 2) at one seed index, with its own environment, replay buffer, SAC agent and random
 * streams. A learner depends on nothing but its settings and its seed streams, so it trains to the
 * same numbers whichever thread runs it and whatever other learners run beside it.
 */
import { Rng } from '../engine/rng';
import { randomShift } from './augment';
import { AGENTS, type AgentKind, type DrqConfig } from './demo';
import { ACTION_DIM, EPISODE_FRAMES, OBS_CHANNELS, OBS_LENGTH, PointMassEnv, SIZE } from './env';
import { ReplayBuffer } from './replay';
import { type AugmentedBatch, SacAgent, type SacHyperparameters } from './sac';

export const SHAPE = { height: SIZE, width: SIZE, channels: OBS_CHANNELS };

/** How each agent augments: views of s (M) and of s′ (K); 0 views means the raw frame once. */
export const VIEWS: Readonly<Record<AgentKind, { readonly augment: boolean; readonly m: number; readonly k: number }>> =
  {
    none: { augment: false, m: 1, k: 1 },
    rad: { augment: true, m: 1, k: 1 },
    drq: { augment: true, m: 2, k: 2 },
  };

/** The run's settings, read from its config (plain data: they travel to learner workers). */
export interface Settings {
  readonly agents: readonly AgentKind[];
  readonly seeds: number;
  readonly workers: number;
  readonly steps: number;
  readonly seedSteps: number;
  readonly batch: number;
  readonly pad: number;
  readonly actionRepeat: number;
  readonly evalEvery: number;
  readonly evalEpisodes: number;
  readonly bufferSize: number;
  readonly hp: SacHyperparameters;
}

/** The run's settings from its config. */
export function settings(config: DrqConfig): Settings {
  return {
    agents: AGENTS.filter((a) => config.agents[a]),
    seeds: config.seeds,
    workers: config.workers,
    steps: config.steps,
    seedSteps: config.seedSteps,
    batch: config.batch,
    pad: config.pad,
    actionRepeat: config.actionRepeat,
    evalEvery: config.evalEvery,
    evalEpisodes: config.evalEpisodes,
    bufferSize: config.bufferSize,
    hp: {
      filters: config.filters,
      featureDim: config.featureDim,
      hidden: config.hidden,
      lr: config.lr,
      gamma: config.gamma,
      tau: config.tau,
      initTemperature: config.initTemperature,
      actorEvery: 2,
      targetEvery: 2,
      convGradient: config.convGradient,
    },
  };
}

/** Seeds of one seed index: shared by the agents so that they differ only by augmentation. */
export interface SeedStreams {
  readonly init: number;
  readonly env: number;
  readonly explore: number;
  readonly sampling: number;
  readonly augment: number;
  readonly noise: number;
  readonly eval: number;
}

/** What identifies a learner: its place in the run's list, its agent, its seed index and streams. */
export interface LearnerSpec {
  readonly id: number;
  readonly kind: AgentKind;
  readonly seedIndex: number;
  readonly streams: SeedStreams;
}

export interface Learner {
  readonly id: number;
  readonly kind: AgentKind;
  readonly seedIndex: number;
  readonly agent: SacAgent;
  readonly env: PointMassEnv;
  readonly replay: ReplayBuffer;
  readonly explore: Rng;
  readonly sampling: Rng;
  readonly augmentRng: Rng;
  readonly evalSeed: number;
  obs: Float32Array;
  criticLoss: number;
}

/**
 * Relative cost of one learner's gradient update, for sharing learners out to workers: the critic
 * encodes M + K views of the batch and the actor one more (encoder work dominates at these sizes).
 */
export function learnerCost(spec: LearnerSpec): number {
  const { m, k } = VIEWS[spec.kind];
  return m + k + 1;
}

/** The run's learners, seed-major: the agents of seed 0, then of seed 1, … */
export function learnerSpecs(s: Settings, streams: readonly SeedStreams[]): LearnerSpec[] {
  return streams.flatMap((st, seedIndex) =>
    s.agents.map((kind, a) => ({ id: seedIndex * s.agents.length + a, kind, seedIndex, streams: st })),
  );
}

export function makeLearner(spec: LearnerSpec, s: Settings): Learner {
  const { streams } = spec;
  const env = new PointMassEnv(new Rng(streams.env), s.actionRepeat);
  return {
    id: spec.id,
    kind: spec.kind,
    seedIndex: spec.seedIndex,
    agent: new SacAgent(s.hp, new Rng(streams.init), new Rng(streams.noise)),
    env,
    replay: new ReplayBuffer(Math.min(s.bufferSize, s.steps), OBS_LENGTH, ACTION_DIM),
    explore: new Rng(streams.explore),
    sampling: new Rng(streams.sampling),
    augmentRng: new Rng(streams.augment),
    evalSeed: streams.eval,
    obs: env.reset(),
    criticLoss: NaN,
  };
}

/** `views` independent random shifts of a batch, stacked view-major ([views·n, …]). */
function views(images: Float32Array, n: number, count: number, augment: boolean, pad: number, rng: Rng): Float32Array {
  if (!augment) return images;
  const out = new Float32Array(count * images.length);
  for (let v = 0; v < count; v++) randomShift(images, n, SHAPE, pad, rng, out, v * images.length);
  return out;
}

/** Samples a batch and augments it as the learner's agent does. */
export function augmentedBatch(l: Learner, s: Settings): AugmentedBatch {
  const t = l.replay.sample(s.batch, l.sampling);
  const { augment, m, k } = VIEWS[l.kind];
  return {
    n: s.batch,
    m,
    k,
    obs: views(t.obs, s.batch, m, augment, s.pad, l.augmentRng),
    nextObs: views(t.nextObs, s.batch, k, augment, s.pad, l.augmentRng),
    actions: t.actions,
    rewards: t.rewards,
    notDones: t.notDones,
  };
}

/**
 * Mean return over `episodes` fixed evaluation episodes (the same ones at every evaluation), all
 * run side by side. `policy` maps a batch of observations to actions; null acts uniformly at random.
 */
export async function evaluate(
  policy: ((obs: Float32Array, batch: number) => Promise<Float32Array>) | null,
  seed: number,
  episodes: number,
  actionRepeat: number,
): Promise<number> {
  const envs = Array.from({ length: episodes }, (_, e) => new PointMassEnv(new Rng(seed + e), actionRepeat));
  const random = new Rng(seed ^ 0x51ed);
  const obs = new Float32Array(episodes * OBS_LENGTH);
  envs.forEach((env, e) => obs.set(env.reset(), e * OBS_LENGTH));
  let total = 0;
  for (let t = 0; t * actionRepeat < EPISODE_FRAMES; t++) {
    const actions = policy
      ? await policy(obs, episodes)
      : Float32Array.from({ length: 2 * episodes }, () => random.next() * 2 - 1);
    envs.forEach((env, e) => {
      const step = env.step(actions[2 * e] as number, actions[2 * e + 1] as number);
      total += step.reward;
      obs.set(step.obs, e * OBS_LENGTH);
    });
  }
  return total / episodes;
}

export function evaluateLearner(l: Learner, s: Settings): Promise<number> {
  return evaluate((obs, batch) => l.agent.act(obs, batch, true), l.evalSeed, s.evalEpisodes, s.actionRepeat);
}

/**
 * One agent step of a learner, in the official loop's order: pick the action, make the gradient
 * update (once the seed steps are done) from the transitions stored so far, then step the
 * environment and store the new transition. Returns true when it made a gradient update.
 */
export async function agentStep(l: Learner, step: number, s: Settings): Promise<boolean> {
  const seeding = step < s.seedSteps;
  const action = seeding
    ? [l.explore.next() * 2 - 1, l.explore.next() * 2 - 1]
    : Array.from(await l.agent.act(l.obs, 1, false));
  if (!seeding) l.criticLoss = (await l.agent.update(augmentedBatch(l, s))).criticLoss;
  const { obs, reward, done } = l.env.step(action[0] as number, action[1] as number);
  // Episodes end by the time limit only: the transition is stored as not done (bootstrapped).
  l.replay.add(l.obs, action, reward, obs, false);
  l.obs = done ? l.env.reset() : obs;
  return !seeding;
}
