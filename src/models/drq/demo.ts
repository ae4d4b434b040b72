/**
 * The DrQ demo: its settings, presets, plots, outputs and claims. Imports no TensorFlow.js
 * (the extension host and the CLI read it).
 */
import type { TrainableDemo } from '../types';
import { thresholdClaim } from '../../shared/claims';
import type { DemoConfig, FieldSpec } from '../../shared/catalog';

export const AGENTS = ['none', 'rad', 'drq'] as const;
export type AgentKind = (typeof AGENTS)[number];

export const AGENT_LABELS: Readonly<Record<AgentKind, string>> = {
  none: 'No augmentation',
  rad: 'Shift, K = M = 1',
  drq: 'DrQ, K = M = 2',
};

/** An agent "reaches" the task when an evaluation return is at least this multiple of the random policy's. */
export const THRESHOLD_FACTOR = 3;

const CLAIM_COMMAND = 'paper-lab run drq --preset claim --check';

const int = (key: string, label: string, description: string, min: number, max: number, group: string): FieldSpec => ({
  key,
  label,
  description,
  kind: 'int',
  min,
  max,
  group,
});

const num = (
  key: string,
  label: string,
  description: string,
  min: number,
  max: number,
  group: string,
  log = false,
): FieldSpec => ({ key, label, description, kind: 'number', min, max, group, ...(log ? { log } : {}) });

const fields: readonly FieldSpec[] = [
  ...AGENTS.map((a): FieldSpec => ({
    key: `agents.${a}`,
    label: AGENT_LABELS[a],
    description: `Train the ${AGENT_LABELS[a]} agent.`,
    kind: 'boolean',
    group: 'Agents',
  })),
  int(
    'seeds',
    'Seeds per agent',
    'Independent seeds of every agent (all learners train in lockstep).',
    1,
    10,
    'Agents',
  ),
  int(
    'workers',
    'Learner workers',
    'Worker threads that train the learners (agent × seed), each its share in lockstep; 1 trains all in the run’s thread. The numbers do not depend on it; more than the free cores only adds contention.',
    1,
    8,
    'Agents',
  ),
  int(
    'steps',
    'Agent steps',
    'Agent steps per learner (each is `actionRepeat` environment frames).',
    10,
    100000,
    'Budget',
  ),
  int('seedSteps', 'Seed steps', 'Initial agent steps with uniform random actions and no updates.', 1, 10000, 'Budget'),
  int('evalEvery', 'Evaluate every', 'Agent steps between evaluations.', 10, 10000, 'Budget'),
  int('evalEpisodes', 'Evaluation episodes', 'Fixed episodes averaged at every evaluation.', 1, 100, 'Budget'),
  int('actionRepeat', 'Action repeat', 'Environment frames per agent step (the action is held).', 1, 8, 'Environment'),
  int(
    'pad',
    'Shift padding',
    'Replicate padding p of the random shift: offsets in {−p, …, p} pixels.',
    1,
    8,
    'Augmentation',
  ),
  int('batch', 'Batch size', 'Transitions per gradient update.', 8, 512, 'SAC'),
  int('bufferSize', 'Replay capacity', 'Transitions kept in the replay buffer.', 100, 100000, 'SAC'),
  num('lr', 'Learning rate', 'Adam learning rate of critic, actor and temperature.', 1e-5, 1e-1, 'SAC', true),
  num('gamma', 'Discount γ', 'Discount of the critic target.', 0.5, 0.999, 'SAC'),
  num('tau', 'Target rate τ', 'Polyak rate of the target critic (every second update).', 1e-4, 1, 'SAC', true),
  num('initTemperature', 'Initial α', 'Initial entropy temperature.', 1e-3, 10, 'SAC', true),
  int('filters', 'Conv filters', 'Filters of each of the two 3×3 conv layers.', 4, 64, 'Networks'),
  int('featureDim', 'Feature size', 'Size of the encoder feature (linear → LayerNorm → tanh).', 8, 256, 'Networks'),
  int(
    'hidden',
    'Hidden units',
    'Units of each of the two hidden layers of the actor and Q heads.',
    16,
    1024,
    'Networks',
  ),
  {
    key: 'convGradient',
    label: 'Conv gradients',
    description:
      "correlation: both conv gradients as native forward convolutions (fastest on wasm); im2col: convolutions as patch matrix products; kernel: tf.conv2d's own gradients (on wasm the filter gradient runs the cpu backend's kernel, borrowed).",
    kind: 'enum',
    options: ['correlation', 'im2col', 'kernel'],
    group: 'Networks',
  },
];

const quick: DemoConfig = {
  'agents.none': true,
  'agents.rad': true,
  'agents.drq': true,
  seeds: 1,
  workers: 1,
  steps: 300,
  seedSteps: 100,
  evalEvery: 50,
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

/** The claim check: three seeds of the no-augmentation and DrQ agents, long enough for DrQ to start learning. */
const claim: DemoConfig = {
  ...quick,
  'agents.rad': false,
  seeds: 3,
  workers: 2,
  steps: 4000,
  seedSteps: 500,
  evalEvery: 250,
};

/** Closer to the calibration run: all three agents, three seeds, longer. */
const paper: DemoConfig = {
  ...claim,
  'agents.rad': true,
  steps: 8000,
  evalEvery: 500,
};

function validate(config: DemoConfig): string[] {
  const errors: string[] = [];
  if (!AGENTS.some((a) => config[`agents.${a}`] === true)) errors.push('agents: enable at least one agent');
  if (Number(config['seedSteps']) >= Number(config['steps'])) errors.push('seedSteps: must be less than steps');
  if (Number(config['batch']) > Number(config['seedSteps']))
    errors.push('batch: must be at most seedSteps (the buffer holds seedSteps transitions at the first update)');
  return errors;
}

/** The claims need both the DrQ and the no-augmentation agent; this says so when either is off. */
const bothAgents = 'Needs the DrQ and no-augmentation agents.';

const QUICK_CAVEAT =
  `Not shown by the quick preset: with one seed and 300 agent steps no agent leaves random level (DrQ starts rising after about 2,000–2,500 agent steps). ` +
  `Checked by \`${CLAIM_COMMAND}\` (three seeds per agent, 4,000 agent steps, six learners in two learner workers on wasm: about 7 minutes on two otherwise idle cores, 767 s of CPU, for run seed 2). ` +
  `Run seed 0: DrQ's AUC 5.20 against no augmentation's 3.37, a ratio of 1.54 — above 1.5, but narrowly, because both agents sit near random level for the first 2,500 steps and one DrQ seed was still rising at the end; ` +
  `DrQ ended at 22.2, 9.2 and 7.7 and reached 3× random (8.76) in 2 of 3 seeds, no augmentation ended at 4.3, 1.0 and 1.9 and reached it in none: seeds difference +2. ` +
  `Run seed 1: AUC 6.47 against 2.97, ratio 2.18; DrQ ended at 16.1, 22.3 and 9.3 and reached 3× random (8.58) in 3 of 3 seeds (steps 3,000, 2,250 and 4,000), no augmentation in none (final 2.5, 2.5, 2.0): seeds difference +3. ` +
  `Run seed 2: AUC 6.14 against 3.72, ratio 1.65; DrQ ended at 15.7, 12.0 and 15.0 and reached 3× random (7.64) in 3 of 3 seeds, no augmentation in 1 (an early evaluation at step 750; final 3.4, 1.6, 2.8): seeds difference +2.`;

export const pixelSacDemo: TrainableDemo = {
  loadTrainer: () => import('./train').then((m) => m.runDrq),
  id: 'pixel-sac',
  title: 'Pixel SAC with and without augmentation',
  description:
    'A point mass must reach a target in a small continuous-control task rendered to 24×24 pixels inside the project (two channels, two frames stacked). Soft actor-critic agents with the same encoder and budget learn from the pixels: no augmentation, random shifts only (K = M = 1), and DrQ (K = M = 2). Shows evaluation return per agent, critic loss, temperature and a strip of augmented observations. The quick preset shows the curves; the claim preset (three seeds per agent in two learner workers, about 7 minutes of two cores) checks the claims.',
  available: true,
  fields,
  presets: { quick, claim, paper },
  validate,
  totalSteps: (config) => Number(config['steps']),
  stepLabel: 'agent step',
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
  // Time training steps, not the random-action seed steps (no updates) that come first.
  calibrationWarmup: (config) => Number(config['seedSteps']) + 2,
  performance: [
    { key: 'envStepsPerSec', label: 'environment', unit: 'steps/s (all agents and seeds)' },
    { key: 'updatesPerSec', label: 'SAC', unit: 'gradient updates/s' },
  ],
  claims: [
    thresholdClaim({
      id: 'auc-ratio',
      text: `Area under the evaluation-return curve, DrQ divided by no augmentation (means over seeds). ${bothAgents}`,
      key: 'aucRatio',
      comparison: '>=',
      value: 1.5,
      unit: 'ratio',
      caveat: QUICK_CAVEAT,
    }),
    thresholdClaim({
      id: 'threshold-seeds',
      text: `Seeds in which DrQ reaches ${THRESHOLD_FACTOR}× the random policy’s return, minus seeds in which no augmentation does. ${bothAgents}`,
      key: 'thresholdSeedsDiff',
      comparison: '>',
      value: 0,
      unit: 'seeds',
      caveat: QUICK_CAVEAT,
    }),
  ],
};
