/**
 * The DrQ demo: its settings, presets, plots, outputs and claims. Imports no TensorFlow.js
 * (the extension host and the CLI read it).
 */
import { threshold } from '../../shared/claims';
import type { DemoConfig, PlacedPaperFigure } from '../../shared/catalog';
import type { ConfigOf, ResultsOf, TypedClaim } from '../../shared/demo';
import { bool, choice, each, int, nestConfig, num } from '../../shared/demo';
import { defineDemo, eachResult, optionalResult, result } from '../../shared/demo';

export const AGENTS = ['none', 'rad', 'drq'] as const;
export type AgentKind = (typeof AGENTS)[number];

export const AGENT_LABELS: Readonly<Record<AgentKind, string>> = {
  none: 'No augmentation',
  rad: 'Shift, K = M = 1',
  drq: 'DrQ, K = M = 2',
};

/** An agent "reaches" the task when an evaluation return is at least this multiple of the random policy's. */
export const THRESHOLD_FACTOR = 3;

/** The run's last quarter: evaluations at agent steps ≥ this fraction of `steps`. */
export const LATE_FROM = 0.75;

/** How the conv layers' gradients are computed (see ./conv.ts). */
export const CONV_GRADIENT_PATHS = ['correlation', 'im2col', 'kernel'] as const;

/** Most seeds per agent a run can have (the `seeds` field's maximum). */
export const MAX_SEEDS = 10;
/** The seed indices of a run, as its per-seed results name them (`auc.drq.0` … `auc.drq.9`). */
export const SEED_INDICES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
export type SeedIndex = (typeof SEED_INDICES)[number];

/** A seed index as its results name it. */
export function seedIndexKey(seedIndex: number): SeedIndex {
  const key = SEED_INDICES[seedIndex];
  if (key === undefined) throw new RangeError(`seed index ${seedIndex}: at most ${MAX_SEEDS} seeds per agent`);
  return key;
}

const fields = {
  agents: each(AGENTS, (a) =>
    bool({
      label: AGENT_LABELS[a],
      description: `Train the ${AGENT_LABELS[a]} agent.`,
      group: 'Agents',
    }),
  ),
  seeds: int({
    label: 'Seeds per agent',
    description: 'Independent seeds of every agent (all learners train in lockstep).',
    min: 1,
    max: MAX_SEEDS,
    group: 'Agents',
  }),
  workers: int({
    label: 'Learner workers',
    description:
      'Worker threads that train the learners (agent × seed), each its share in lockstep; 1 trains all in the run’s thread. The numbers do not depend on it; more than the free cores only adds contention.',
    min: 1,
    max: 8,
    group: 'Agents',
  }),
  steps: int({
    label: 'Agent steps',
    description: 'Agent steps per learner (each is `actionRepeat` environment frames).',
    min: 10,
    max: 100000,
    group: 'Budget',
  }),
  seedSteps: int({
    label: 'Seed steps',
    description: 'Initial agent steps with uniform random actions and no updates.',
    min: 1,
    max: 10000,
    group: 'Budget',
  }),
  evalEvery: int({
    label: 'Evaluate every',
    description: 'Agent steps between evaluations.',
    min: 10,
    max: 10000,
    group: 'Budget',
  }),
  evalEpisodes: int({
    label: 'Evaluation episodes',
    description: 'Fixed episodes averaged at every evaluation.',
    min: 1,
    max: 100,
    group: 'Budget',
  }),
  actionRepeat: int({
    label: 'Action repeat',
    description: 'Environment frames per agent step (the action is held).',
    min: 1,
    max: 8,
    group: 'Environment',
  }),
  pad: int({
    label: 'Shift padding',
    description: 'Replicate padding p of the random shift: offsets in {−p, …, p} pixels.',
    min: 1,
    max: 8,
    group: 'Augmentation',
  }),
  batch: int({ label: 'Batch size', description: 'Transitions per gradient update.', min: 8, max: 512, group: 'SAC' }),
  bufferSize: int({
    label: 'Replay capacity',
    description: 'Transitions kept in the replay buffer.',
    min: 100,
    max: 100000,
    group: 'SAC',
  }),
  lr: num({
    label: 'Learning rate',
    description: 'Adam learning rate of critic, actor and temperature.',
    min: 1e-5,
    max: 1e-1,
    group: 'SAC',
    log: true,
  }),
  gamma: num({
    label: 'Discount γ',
    description: 'Discount of the critic target.',
    min: 0.5,
    max: 0.999,
    group: 'SAC',
  }),
  tau: num({
    label: 'Target rate τ',
    description: 'Polyak rate of the target critic (every second update).',
    min: 1e-4,
    max: 1,
    group: 'SAC',
    log: true,
  }),
  initTemperature: num({
    label: 'Initial α',
    description: 'Initial entropy temperature.',
    min: 1e-3,
    max: 10,
    group: 'SAC',
    log: true,
  }),
  filters: int({
    label: 'Conv filters',
    description: 'Filters of each of the two 3×3 conv layers.',
    min: 4,
    max: 64,
    group: 'Networks',
  }),
  featureDim: int({
    label: 'Feature size',
    description: 'Size of the encoder feature (linear → LayerNorm → tanh).',
    min: 8,
    max: 256,
    group: 'Networks',
  }),
  hidden: int({
    label: 'Hidden units',
    description: 'Units of each of the two hidden layers of the actor and Q heads.',
    min: 16,
    max: 1024,
    group: 'Networks',
  }),
  convGradient: choice(CONV_GRADIENT_PATHS, {
    label: 'Conv gradients',
    description:
      "correlation: both conv gradients as native forward convolutions (fastest on wasm); im2col: convolutions as patch matrix products; kernel: tf.conv2d's own gradients (on wasm the filter gradient runs the cpu backend's kernel, borrowed).",
    group: 'Networks',
  }),
};

export type DrqConfig = ConfigOf<typeof fields>;

/** The typed config of a flat one (dotted keys, as run.json and the command line hold it). */
export function drqConfigOf(flat: DemoConfig): DrqConfig {
  return nestConfig(fields, flat);
}

/**
 * What a run reports at its end (read by the claims). Per enabled agent: the mean evaluation
 * return of each seed (`auc.<agent>.<s>`, the area under its curve divided by its length) and over
 * seeds (`auc.<agent>`), the first agent step at or above the threshold (`reached.<agent>.<s>`, −1
 * if never) and the seeds that got there, the last evaluation return; the two claims' numbers
 * when both the DrQ and the no-augmentation agent ran; and the run's own numbers.
 *
 * `auc.<agent>` and `auc.<agent>.<s>` share a prefix, so the per-seed AUCs sit beside the means as
 * `'<agent>.<s>'` entries of `auc`: the flat keys stay those of every stored summary.
 */
const AUC_KEYS = [...AGENTS, ...AGENTS.flatMap((a) => SEED_INDICES.map((s) => `${a}.${s}` as const))];
/** The entries of `auc`: an agent (mean over seeds), or an agent and a seed index. */
export type AucKey = (typeof AUC_KEYS)[number];
const perSeed = (description: string, unit?: string) =>
  eachResult(AGENTS, () =>
    eachResult(SEED_INDICES, () => optionalResult({ description, ...(unit !== undefined ? { unit } : {}) })),
  );

const resultSpecs = {
  randomReturn: result({ description: 'mean return of the uniformly random policy (400 episodes)' }),
  threshold: result({ description: `${THRESHOLD_FACTOR} × the random policy's return` }),
  seeds: result({ description: 'seeds per agent' }),
  steps: result({ description: 'agent steps completed (fewer than configured when stopped)', unit: 'agent steps' }),
  workers: result({ description: 'learner workers the run used (1: the run’s own thread)' }),
  envStepsPerSec: result({ description: 'agent steps per second, all learners', unit: 'steps/s' }),
  updatesPerSec: result({ description: 'gradient updates per second, all learners', unit: 'updates/s' }),
  auc: eachResult(AUC_KEYS, (key) =>
    optionalResult({
      description: key.includes('.')
        ? 'mean evaluation return of one seed (area under the curve / length)'
        : 'mean over seeds of the mean evaluation return',
    }),
  ),
  final: perSeed('the last evaluation return'),
  reached: perSeed('first agent step with evaluation return ≥ threshold, or −1', 'agent steps'),
  reachedSeeds: eachResult(AGENTS, () =>
    optionalResult({ description: 'seeds that reached the threshold', unit: 'seeds' }),
  ),
  learnAuc: eachResult(AUC_KEYS, (key) =>
    optionalResult({
      description: key.includes('.')
        ? 'mean evaluation return of one seed after the seed steps'
        : 'mean over seeds of the mean evaluation return after the seed steps',
    }),
  ),
  lateAuc: eachResult(AUC_KEYS, (key) =>
    optionalResult({
      description: key.includes('.')
        ? 'mean evaluation return of one seed in the last quarter of the run'
        : 'mean over seeds of the mean evaluation return in the last quarter of the run',
    }),
  ),
  aucRatio: optionalResult({ description: 'auc.drq / auc.none (whole run)', unit: 'ratio' }),
  learnAucRatio: optionalResult({
    description: 'learnAuc.drq / learnAuc.none (evaluations after the seed steps)',
    unit: 'ratio',
  }),
  lateAucRatio: optionalResult({
    description: 'lateAuc.drq / lateAuc.none (evaluations in the last quarter of the run)',
    unit: 'ratio',
  }),
  qAveragingRatio: optionalResult({
    description: 'lateAuc.drq / lateAuc.rad: K = M = 2 against K = M = 1 (evaluations in the last quarter of the run)',
    unit: 'ratio',
  }),
  thresholdSeedsDiff: optionalResult({ description: 'reachedSeeds.drq − reachedSeeds.none', unit: 'seeds' }),
};

export type DrqResults = ResultsOf<typeof resultSpecs>;

/**
 * No augmentation against DrQ at one seed, long enough for DrQ to leave random level at most seeds
 * (it reached 3× the random return between agent steps 2,500 and 4,000 at four of seeds 0–4): the
 * two learners in two learner workers.
 */
const quick: DrqConfig = {
  agents: { none: true, rad: false, drq: true },
  seeds: 1,
  workers: 2,
  steps: 4000,
  seedSteps: 500,
  evalEvery: 250,
  evalEpisodes: 20,
  actionRepeat: 2,
  pad: 2,
  batch: 64,
  bufferSize: 100000,
  lr: 1e-3,
  gamma: 0.99,
  tau: 0.01,
  initTemperature: 0.1,
  filters: 16,
  featureDim: 50,
  hidden: 128,
  convGradient: 'correlation',
};

/** The quick preset at three seeds per agent: the claims on means over seeds. */
const claim: DrqConfig = { ...quick, seeds: 3 };

/** All three agents (K = M = 1 as well), three seeds, twice as long. */
const paper: DrqConfig = {
  ...claim,
  agents: { none: true, rad: true, drq: true },
  steps: 8000,
  evalEvery: 500,
};

/** The presets as typed configs, for code that calls the trainer directly (tests, benchmarks). */
export const DRQ_PRESETS = { quick, claim, paper } as const;

function validate(config: DrqConfig): string[] {
  const errors: string[] = [];
  if (!AGENTS.some((a) => config.agents[a])) errors.push('agents: enable at least one agent');
  if (config.seedSteps >= config.steps) errors.push('seedSteps: must be less than steps');
  if (config.batch > config.seedSteps)
    errors.push('batch: must be at most seedSteps (the buffer holds seedSteps transitions at the first update)');
  return errors;
}

/** The claims need both the DrQ and the no-augmentation agent; this says so when either is off. */
const bothAgents = 'Needs the DrQ and no-augmentation agents.';

/** Why the ratio after the seed steps has no calibrated target (quick preset: `paper-lab run drq --preset quick --seed N`). */
const LEARNING_CAVEAT =
  'Not reliable at one seed of 4,000 agent steps, so no target is calibrated for it (1.5 is the design target): at seeds 0, 1 and 2 of the quick preset it measured 2.87, 1.35 and 0.87 (seeds 3 and 4: 1.33 and 2.94). ' +
  'DrQ leaves random level anywhere from about 2,000 agent steps to past the end of the run (seed 0: 3× random at step 3,000; seed 1: at step 4,000; seed 2: not yet, rising from step 3,500), ' +
  'and an untrained or barely trained policy can score above random (seed 2: 6.96 before any update, 2.4× random; the agent without augmentation stayed near 7.7 until step 1,500), ' +
  'so the mean from the seed steps on mostly says when DrQ took off. The last-quarter ratio is the calibrated claim.';

/** The claims, on typed results (the demo measures them on the flat results of a summary). */
export const claims: readonly TypedClaim<DrqConfig, DrqResults>[] = [
  threshold({
    id: 'late-auc-ratio',
    text: `Mean evaluation return in the last quarter of the run (evaluations from ¾ of the agent steps on: steps 3,000–4,000 in the quick and claim presets), DrQ divided by no augmentation, means over seeds. ${bothAgents}`,
    read: (r) => r.lateAucRatio,
    comparison: '>=',
    // Calibrated at seeds 0–2 of the quick preset (4.39, 2.17, 1.71): halfway between no effect (1)
    // and the smallest, rounded down. Checked at seeds 3 and 4: 2.26 and 5.84.
    value: 1.35,
    unit: 'ratio',
  }),
  threshold({
    id: 'learning-auc-ratio',
    text: `Mean evaluation return after the seed steps (the area under the learning part of the curve, divided by its length: steps 750–4,000 in the quick and claim presets), DrQ divided by no augmentation, means over seeds. ${bothAgents}`,
    read: (r) => r.learnAucRatio,
    comparison: '>=',
    value: 1.5,
    unit: 'ratio',
    caveat: LEARNING_CAVEAT,
  }),
];

/** DrQ's returns on the PlaNet benchmark tasks after 100k and 500k environment steps, as the paper prints them. */
const PAPER_RETURNS: readonly (readonly [id: string, task: string, returns: string])[] = [
  ['cartpole-swingup', 'cartpole swingup', '759 / 869'],
  ['ball-in-cup-catch', 'ball-in-cup catch', '914 / 964'],
  ['finger-spin', 'finger spin', '901 / 939'],
  ['reacher-easy', 'reacher easy', '600 / 945'],
  ['cheetah-run', 'cheetah run', '361 / 680'],
  ['walker-walk', 'walker walk', '634 / 924'],
];
const PAPER_FIGURES: readonly PlacedPaperFigure[] = PAPER_RETURNS.map(([id, task, returns]) => ({
  id,
  what: `DrQ on ${task}, 100k / 500k steps`,
  value: returns,
  unit: 'return',
  source: 'Table 1',
  setting: `PlaNet benchmark from pixels, ${task}; DrQ (SAC with random shifts, K = M = 2); 10 seeds; returns after 100k and 500k environment steps`,
  plot: 'return',
}));

export const pixelSacDemo = defineDemo(
  {
    id: 'pixel-sac',
    title: 'Pixel SAC with and without augmentation',
    description:
      'A point mass must reach a target in a small continuous-control task rendered to 24×24 pixels inside the project (two channels, two frames stacked). Soft actor-critic agents with the same encoder and budget learn from the pixels: no augmentation, random shifts only (K = M = 1), and DrQ (K = M = 2). Shows evaluation return per agent, critic loss, temperature and a strip of augmented observations. The quick preset trains no augmentation against DrQ at one seed each for 4,000 agent steps, long enough for DrQ to leave random level, and checks the claims at that seed; the claim preset repeats it at three seeds per agent; the paper preset adds random shifts with K = M = 1.',
    fields,
    presets: DRQ_PRESETS,
    results: resultSpecs,
    validate,
    totalSteps: (config) => config.steps,
    // Time training steps, not the random-action seed steps (no updates) that come first.
    calibrationWarmup: (config) => config.seedSteps + 2,
    claims,
    paperFigures: PAPER_FIGURES,
    load: () => import('./train').then((m) => m.train),
  },
  {
    stepLabel: 'agent step',
    presetNotes: {
      quick:
        'No augmentation against DrQ, one seed each, 4,000 agent steps in two learner workers: DrQ leaves random level; the claims at one seed.',
      claim:
        'The quick settings at three seeds per agent: the claims on means over seeds; the returns table counts the seeds that reach 3× random.',
      paper:
        'All three agents (shifts with K = M = 1 too), three seeds of 8,000 agent steps: adds the K = M = 2 against K = M = 1 measurement.',
    },
    plots: [
      {
        id: 'return',
        title: 'Evaluation return (mean over seeds)',
        xLabel: 'agent step',
        yLabel: 'return per episode',
        series: [
          ...AGENTS.map((a) => ({ metric: `return/${a}`, label: AGENT_LABELS[a] })),
          { metric: 'return/random', label: 'Random policy' },
        ],
      },
      {
        id: 'critic-loss',
        title: 'Critic loss',
        xLabel: 'agent step',
        yLabel: 'squared TD error',
        logY: true,
        series: AGENTS.map((a) => ({ metric: `criticLoss/${a}`, label: AGENT_LABELS[a] })),
      },
      {
        id: 'temperature',
        title: 'Temperature α',
        xLabel: 'agent step',
        yLabel: 'α',
        logY: true,
        series: AGENTS.map((a) => ({ metric: `alpha/${a}`, label: AGENT_LABELS[a] })),
      },
      {
        id: 'throughput',
        title: 'Throughput',
        xLabel: 'agent step',
        yLabel: 'per second',
        yUnit: '1/s',
        series: [
          { metric: 'envStepsPerSec', label: 'agent steps/s (all learners)' },
          { metric: 'updatesPerSec', label: 'gradient updates/s' },
        ],
      },
    ],
    outputs: [
      {
        id: 'augmentations',
        title: 'Augmented observations',
        description: 'Stored observations and independent random shifts of each, as the augmented agents see them.',
      },
      {
        id: 'rollout',
        title: 'Rollout of the trained DrQ agent',
        description: 'One evaluation episode of the trained DrQ agent (first seed), one frame per agent step.',
      },
      {
        id: 'returns',
        title: 'Returns over seeds',
        description: `Per agent and seed: mean evaluation return (area under the curve), final and best return, and the first step at or above ${THRESHOLD_FACTOR}× the random policy's return.`,
      },
    ],
    performance: [
      { key: 'envStepsPerSec', label: 'environment', unit: 'steps/s (all agents and seeds)' },
      { key: 'updatesPerSec', label: 'SAC', unit: 'gradient updates/s' },
    ],
  },
);
