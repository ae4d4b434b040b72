/**
 * The DrQ comparison: pixel SAC without augmentation, with random shifts (K = M = 1) and DrQ
 * (K = M = 2), each over `seeds` seeds, trained in lockstep — every learner takes one agent step
 * (and one gradient update once the seed steps are done) before any takes the next — so that the
 * live curves of all agents advance together. Learners of the same seed index share their
 * initial weights, environment episodes and evaluation episodes; they differ only by augmentation.
 *
 * Seeds run one after another in this worker (the run protocol gives a run one worker thread).
 *
 * Results (read by the claims):
 *   auc.<agent>.<s>      mean evaluation return over the evaluations of seed s (area under the curve / length)
 *   reached.<agent>.<s>  first agent step with evaluation return ≥ 3 × the random policy's, or −1
 *   final.<agent>.<s>    the last evaluation return
 *   auc.<agent>          mean over seeds;  reachedSeeds.<agent>  seeds that reached the threshold
 *   aucRatio             auc.drq / auc.none;  thresholdSeedsDiff  reachedSeeds.drq − reachedSeeds.none
 *   randomReturn, threshold, seeds, steps (agent steps completed), envStepsPerSec, updatesPerSec
 */
import type { DemoConfig } from '../../shared/catalog';
import type { ImagesOutput, TableOutput } from '../../shared/outputs';
import { Rng } from '../engine/rng';
import type { DemoRun } from '../types';
import { randomShift } from './augment';
import type { FilterGradientPath } from './conv';
import { AGENT_LABELS, AGENTS, type AgentKind, THRESHOLD_FACTOR } from './demo';
import { ACTION_DIM, CHANNELS_PER_FRAME, EPISODE_FRAMES, OBS_CHANNELS, OBS_LENGTH, PointMassEnv, SIZE } from './env';
import { ReplayBuffer } from './replay';
import { type AugmentedBatch, SacAgent, type SacHyperparameters } from './sac';

/** Episodes over which the random policy's return is measured. */
const RANDOM_EPISODES = 400;

const SHAPE = { height: SIZE, width: SIZE, channels: OBS_CHANNELS };

/** How each agent augments: views of s (M) and of s′ (K); 0 views means the raw frame once. */
const VIEWS: Readonly<Record<AgentKind, { readonly augment: boolean; readonly m: number; readonly k: number }>> = {
  none: { augment: false, m: 1, k: 1 },
  rad: { augment: true, m: 1, k: 1 },
  drq: { augment: true, m: 2, k: 2 },
};

interface Settings {
  readonly agents: readonly AgentKind[];
  readonly seeds: number;
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

function convPath(value: unknown): FilterGradientPath {
  return value === 'kernel' || value === 'im2col' ? value : 'correlation';
}

function settings(config: DemoConfig): Settings {
  const num = (key: string): number => Number(config[key]);
  return {
    agents: AGENTS.filter((a) => config[`agents.${a}`] === true),
    seeds: num('seeds'),
    steps: num('steps'),
    seedSteps: num('seedSteps'),
    batch: num('batch'),
    pad: num('pad'),
    actionRepeat: num('actionRepeat'),
    evalEvery: num('evalEvery'),
    evalEpisodes: num('evalEpisodes'),
    bufferSize: num('bufferSize'),
    hp: {
      filters: num('filters'),
      featureDim: num('featureDim'),
      hidden: num('hidden'),
      lr: num('lr'),
      gamma: num('gamma'),
      tau: num('tau'),
      initTemperature: num('initTemperature'),
      actorEvery: 2,
      targetEvery: 2,
      convGradient: convPath(config['convGradient']),
    },
  };
}

/** One agent at one seed, with its own environment, replay buffer and random streams. */
interface Learner {
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
  evals: number[];
  reachedAt: number | null;
  criticLoss: number;
}

/** Seeds of one seed index: shared by the agents so that they differ only by augmentation. */
interface SeedStreams {
  readonly init: number;
  readonly env: number;
  readonly explore: number;
  readonly sampling: number;
  readonly augment: number;
  readonly noise: number;
  readonly eval: number;
}

function makeLearner(kind: AgentKind, seedIndex: number, streams: SeedStreams, s: Settings): Learner {
  const env = new PointMassEnv(new Rng(streams.env), s.actionRepeat);
  return {
    kind,
    seedIndex,
    agent: new SacAgent(s.hp, new Rng(streams.init), new Rng(streams.noise)),
    env,
    replay: new ReplayBuffer(Math.min(s.bufferSize, s.steps), OBS_LENGTH, ACTION_DIM),
    explore: new Rng(streams.explore),
    sampling: new Rng(streams.sampling),
    augmentRng: new Rng(streams.augment),
    evalSeed: streams.eval,
    obs: env.reset(),
    evals: [],
    reachedAt: null,
    criticLoss: NaN,
  };
}

/** `views` independent random shifts of a batch, stacked view-major ([views·n, …]). */
function views(images: Float32Array, n: number, count: number, augment: boolean, pad: number, rng: Rng): Float32Array {
  if (!augment) return images;
  const out = new Float32Array(count * images.length);
  for (let v = 0; v < count; v++) out.set(randomShift(images, n, SHAPE, pad, rng).images, v * images.length);
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
function evaluate(
  policy: ((obs: Float32Array, batch: number) => Float32Array) | null,
  seed: number,
  episodes: number,
  actionRepeat: number,
): number {
  const envs = Array.from({ length: episodes }, (_, e) => new PointMassEnv(new Rng(seed + e), actionRepeat));
  const random = new Rng(seed ^ 0x51ed);
  const obs = new Float32Array(episodes * OBS_LENGTH);
  envs.forEach((env, e) => obs.set(env.reset(), e * OBS_LENGTH));
  let total = 0;
  for (let t = 0; t * actionRepeat < EPISODE_FRAMES; t++) {
    const actions = policy
      ? policy(obs, episodes)
      : Float32Array.from({ length: 2 * episodes }, () => random.next() * 2 - 1);
    envs.forEach((env, e) => {
      const step = env.step(actions[2 * e] as number, actions[2 * e + 1] as number);
      total += step.reward;
      obs.set(step.obs, e * OBS_LENGTH);
    });
  }
  return total / episodes;
}

function evaluateLearner(l: Learner, s: Settings): number {
  return evaluate((obs, batch) => l.agent.act(obs, batch, true), l.evalSeed, s.evalEpisodes, s.actionRepeat);
}

/** One agent step of a learner; returns true when it made a gradient update. */
function agentStep(l: Learner, step: number, s: Settings): boolean {
  const action =
    step < s.seedSteps
      ? [l.explore.next() * 2 - 1, l.explore.next() * 2 - 1]
      : Array.from(l.agent.act(l.obs, 1, false));
  const { obs, reward, done } = l.env.step(action[0] as number, action[1] as number);
  // Episodes end by the time limit only: the transition is stored as not done (bootstrapped).
  l.replay.add(l.obs, action, reward, obs, false);
  l.obs = done ? l.env.reset() : obs;
  if (step < s.seedSteps) return false;
  l.criticLoss = l.agent.update(augmentedBatch(l, s)).criticLoss;
  return true;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export const runDrq: DemoRun = async (config, ctx) => {
  const s = settings(config);
  const streams: SeedStreams[] = Array.from({ length: s.seeds }, () => ({
    init: ctx.rng.seed(),
    env: ctx.rng.seed(),
    explore: ctx.rng.seed(),
    sampling: ctx.rng.seed(),
    augment: ctx.rng.seed(),
    noise: ctx.rng.seed(),
    eval: ctx.rng.seed(),
  }));
  // The random policy's return over many episodes: the denominator of the threshold must not be noise.
  const randomReturn = evaluate(null, ctx.rng.seed(), RANDOM_EPISODES, s.actionRepeat);
  const threshold = THRESHOLD_FACTOR * randomReturn;
  ctx.log(`random policy: return ${randomReturn.toFixed(2)} per episode; threshold ${threshold.toFixed(2)}`);
  const learners = streams.flatMap((st, i) => s.agents.map((kind) => makeLearner(kind, i, st, s)));
  const evalSteps: number[] = [];
  let done = 0;
  let envSteps = 0;
  let updates = 0;
  let trainMs = 0;
  let stripShown = false;

  const evaluateAll = (step: number): void => {
    evalSteps.push(step);
    for (const l of learners) {
      const r = evaluateLearner(l, s);
      l.evals.push(r);
      if (r >= threshold && l.reachedAt === null) l.reachedAt = step;
    }
    const values: Record<string, number> = {};
    for (const kind of s.agents)
      values[`return/${kind}`] = mean(learners.filter((l) => l.kind === kind).map((l) => l.evals.at(-1) ?? NaN));
    values['return/random'] = randomReturn;
    ctx.metric(step, values);
  };

  try {
    for (let step = 0; step < s.steps && !ctx.aborted; step++) {
      if (step % s.evalEvery === 0) evaluateAll(step);
      const started = Date.now();
      for (const l of learners) if (agentStep(l, step, s)) updates++;
      trainMs += Date.now() - started;
      envSteps += learners.length;
      done = step + 1;
      if (step >= s.seedSteps && (done % 10 === 0 || done === s.steps)) {
        const values: Record<string, number> = {
          envStepsPerSec: (1000 * envSteps) / Math.max(1, trainMs),
          updatesPerSec: (1000 * updates) / Math.max(1, trainMs),
        };
        for (const kind of s.agents) {
          const mine = learners.filter((l) => l.kind === kind);
          values[`criticLoss/${kind}`] = mean(mine.map((l) => l.criticLoss));
          values[`alpha/${kind}`] = mean(mine.map((l) => l.agent.alpha));
        }
        ctx.metric(done, values);
      }
      if (!stripShown && step + 1 >= s.seedSteps) {
        ctx.output(augmentationStrip(learners[0] as Learner, s));
        stripShown = true;
      }
      ctx.progress(done);
      await ctx.tick();
    }
    if (done > 0 && evalSteps.at(-1) !== done) evaluateAll(done);

    const results: Record<string, number> = {
      randomReturn,
      threshold,
      seeds: s.seeds,
      steps: done,
      envStepsPerSec: (1000 * envSteps) / Math.max(1, trainMs),
      updatesPerSec: (1000 * updates) / Math.max(1, trainMs),
    };
    for (const kind of s.agents) {
      const mine = learners.filter((l) => l.kind === kind);
      for (const l of mine) {
        results[`auc.${kind}.${l.seedIndex}`] = mean(l.evals);
        results[`final.${kind}.${l.seedIndex}`] = l.evals.at(-1) ?? NaN;
        results[`reached.${kind}.${l.seedIndex}`] = l.reachedAt ?? -1;
      }
      results[`auc.${kind}`] = mean(mine.map((l) => mean(l.evals)));
      results[`reachedSeeds.${kind}`] = mine.filter((l) => l.reachedAt !== null).length;
    }
    const aucDrq = results['auc.drq'];
    const aucNone = results['auc.none'];
    if (aucDrq !== undefined && aucNone !== undefined) results['aucRatio'] = aucDrq / aucNone;
    const rDrq = results['reachedSeeds.drq'];
    const rNone = results['reachedSeeds.none'];
    if (rDrq !== undefined && rNone !== undefined) results['thresholdSeedsDiff'] = rDrq - rNone;

    ctx.output(returnsTable(learners, s, results, evalSteps));
    const shown = learners.find((l) => l.kind === 'drq') ?? learners[0];
    if (shown) ctx.output(rollout(shown, s));
    return results;
  } finally {
    for (const l of learners) l.agent.dispose();
  }
};

// ---------------------------------------------------------------------------------------------
// Outputs

/** A stacked observation as one grayscale picture: the mass (1.0) over its previous position (0.35) and the target (0.6). */
function picture(obs: Float32Array, offset: number): number[] {
  const pixels: number[] = [];
  for (let p = 0; p < SIZE * SIZE; p++) {
    const o = offset + p * OBS_CHANNELS;
    const previous = obs[o] as number;
    const mass = obs[o + CHANNELS_PER_FRAME] as number;
    const target = obs[o + CHANNELS_PER_FRAME + 1] as number;
    pixels.push(Math.max(mass, 0.6 * target, 0.35 * previous));
  }
  return pixels;
}

/** Four stored observations, each followed by three independent random shifts of it. */
function augmentationStrip(l: Learner, s: Settings): ImagesOutput {
  const rng = new Rng(l.evalSeed ^ 0xa06);
  const sample = l.replay.sample(4, rng);
  const images: { label: string; pixels: number[] }[] = [];
  for (let i = 0; i < 4; i++) {
    const one = sample.obs.subarray(i * OBS_LENGTH, (i + 1) * OBS_LENGTH);
    images.push({ label: `obs ${i + 1}`, pixels: picture(one, 0) });
    for (let v = 0; v < 3; v++) {
      const { images: shifted, offsets } = randomShift(one, 1, SHAPE, s.pad, rng);
      // The crop offset ν moves the content by p − ν (down and right for positive values).
      const down = s.pad - (offsets[0] as number);
      const right = s.pad - (offsets[1] as number);
      images.push({ label: `moved (${down}, ${right})`, pixels: picture(shifted, 0) });
    }
  }
  return {
    kind: 'images',
    id: 'augmentations',
    title: 'Random shifts of stored observations',
    width: SIZE,
    height: SIZE,
    images,
    note: `Each observation is replicate-padded by ${s.pad} px and cropped back at a random offset; labels give how far the content moved (rows down, columns right; edges repeat). Bright: the mass; dim: where it was one agent step earlier; grey: the target.`,
  };
}

/** One evaluation episode of a trained learner, one frame per agent step. */
function rollout(l: Learner, s: Settings): ImagesOutput {
  const env = new PointMassEnv(new Rng(l.evalSeed), s.actionRepeat);
  let obs = env.reset();
  const images: { label: string; pixels: number[] }[] = [{ label: 'start', pixels: picture(obs, 0) }];
  let total = 0;
  for (let t = 1; t * s.actionRepeat <= EPISODE_FRAMES; t++) {
    const a = l.agent.act(obs, 1, true);
    const step = env.step(a[0] as number, a[1] as number);
    total += step.reward;
    obs = step.obs;
    images.push({ label: `t ${t}: ${total.toFixed(1)}`, pixels: picture(obs, 0) });
  }
  return {
    kind: 'images',
    id: 'rollout',
    title: `Trained ${AGENT_LABELS[l.kind]} agent (seed ${l.seedIndex + 1}): one evaluation episode`,
    width: SIZE,
    height: SIZE,
    images,
    note: `Deterministic policy (the mean action), one frame per agent step (action repeat ${s.actionRepeat}); labels give the agent step and the return so far (a perfect episode approaches ${EPISODE_FRAMES}).`,
  };
}

function returnsTable(
  learners: readonly Learner[],
  s: Settings,
  results: Readonly<Record<string, number>>,
  evalSteps: readonly number[],
): TableOutput {
  const r2 = (x: number | undefined): number | null =>
    x === undefined || Number.isNaN(x) ? null : Math.round(x * 100) / 100;
  const rows: (string | number | null)[][] = learners.map((l) => [
    AGENT_LABELS[l.kind],
    l.seedIndex + 1,
    r2(mean(l.evals)),
    r2(l.evals.at(-1)),
    r2(Math.max(...l.evals)),
    l.reachedAt ?? `> ${evalSteps.at(-1) ?? 0}`,
  ]);
  for (const kind of s.agents) {
    rows.push([
      `${AGENT_LABELS[kind]} (mean)`,
      `${s.seeds} seeds`,
      r2(results[`auc.${kind}`]),
      r2(mean(learners.filter((l) => l.kind === kind).map((l) => l.evals.at(-1) ?? NaN))),
      null,
      `${results[`reachedSeeds.${kind}`] ?? 0} of ${s.seeds} reached`,
    ]);
  }
  return {
    kind: 'table',
    id: 'returns',
    title: 'Evaluation returns over seeds',
    columns: [
      'agent',
      'seed',
      'mean return (AUC)',
      'final return',
      'best return',
      `first step ≥ ${THRESHOLD_FACTOR}× random`,
    ],
    rows,
    note: `Each evaluation return is a mean over the same ${s.evalEpisodes} evaluation episodes (deterministic policy); ${evalSteps.length} evaluations, every ${s.evalEvery} agent steps. Random policy: ${r2(results['randomReturn'])}; threshold ${r2(results['threshold'])}. The mean return over evaluations is the area under the curve divided by its length.`,
  };
}
