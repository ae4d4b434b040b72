/**
 * The copying-generalisation demo: its settings, presets, plots, outputs and claims. Imports no
 * TensorFlow.js (the extension host and the CLI read it).
 */
import type { TrainableDemo } from '../types';
import { thresholdClaim } from '../../shared/claims';
import type { ClaimSpec, DemoConfig, FieldSpec, RunResults } from '../../shared/catalog';

/** Runs at least this long are held to the paper-preset claim. */
export const PAPER_STEPS = 2000;

/** What the paper preset measured here, beside the paper's near-perfect copying. */
const PAPER_CAVEAT =
  "Not reproduced at this scale. The paper preset (2,500 steps, trained at T = 50, tested at T = 200) measured 0.283, 0.296 and 0.252 at seeds 0, 1 and 2, below 0.35, after about an hour of one core each. Accuracy rose above chance (0.125) within 100 steps, to about 0.27, and then stayed between 0.25 and 0.30 for the remaining 2,400 steps, with no upward trend. The RIM is about as accurate at T = 200 as at the training length (0.288, 0.286, 0.309). The matched LSTM falls from 0.321, 0.338 and 0.388 at the training length to 0.140, 0.153 and 0.128 at T = 200. So the generalisation the paper reports is there, but at a low level: both models copy only part of the sequence. The paper's RIMs copy almost perfectly at 4× the training length, after far longer training than this demo runs.";

const fields: readonly FieldSpec[] = [
  {
    key: 'trainDormant',
    label: 'Training dormant length T',
    description: 'Blanks between the symbols and the marker during training.',
    kind: 'int',
    min: 1,
    max: 200,
    group: 'Copying task',
  },
  {
    key: 'testFactor',
    label: 'Test length factor',
    description: 'The test dormant length is this many times the training one.',
    kind: 'int',
    min: 1,
    max: 10,
    group: 'Copying task',
  },
  {
    key: 'modules',
    label: 'Modules K',
    description: 'Number of recurrent modules.',
    kind: 'int',
    min: 2,
    max: 12,
    group: 'RIM',
  },
  {
    key: 'active',
    label: 'Active modules k_A',
    description: 'Modules updated at each step (top-k by least null attention).',
    kind: 'int',
    min: 1,
    max: 12,
    group: 'RIM',
  },
  {
    key: 'units',
    label: 'Units per module H',
    description: 'Hidden units of each module’s LSTM.',
    kind: 'int',
    min: 4,
    max: 128,
    group: 'RIM',
  },
  {
    key: 'inputKey',
    label: 'Input attention d_e',
    description: 'Key size of the input attention (one head).',
    kind: 'int',
    min: 4,
    max: 128,
    group: 'RIM',
  },
  {
    key: 'inputValue',
    label: 'Input attention d_v',
    description: 'Size of the attended input fed to each module.',
    kind: 'int',
    min: 4,
    max: 128,
    group: 'RIM',
  },
  {
    key: 'commHeads',
    label: 'Communication heads',
    description: 'Heads of the attention between modules.',
    kind: 'int',
    min: 1,
    max: 8,
    group: 'RIM',
  },
  {
    key: 'commKey',
    label: 'Communication head size',
    description: 'Key and value size per head (d).',
    kind: 'int',
    min: 4,
    max: 64,
    group: 'RIM',
  },
  {
    key: 'steps',
    label: 'Training steps',
    description: 'Adam steps for each model.',
    kind: 'int',
    min: 1,
    max: 20000,
    group: 'Training',
  },
  {
    key: 'batch',
    label: 'Batch size',
    description: 'Sequences per step.',
    kind: 'int',
    min: 1,
    max: 256,
    group: 'Training',
  },
  {
    key: 'lr',
    label: 'Learning rate',
    description: 'Adam learning rate (both models).',
    kind: 'number',
    min: 1e-5,
    max: 1e-1,
    log: true,
    group: 'Training',
  },
  {
    key: 'clip',
    label: 'Gradient clip',
    description: 'Global-norm gradient clipping.',
    kind: 'number',
    min: 0.01,
    max: 100,
    log: true,
    group: 'Training',
  },
  {
    key: 'evalEvery',
    label: 'Evaluate every',
    description: 'Steps between evaluations at the training and test lengths.',
    kind: 'int',
    min: 1,
    max: 1000,
    unit: 'steps',
    group: 'Evaluation',
  },
  {
    key: 'evalBatch',
    label: 'Evaluation sequences',
    description: 'Sequences in each fixed evaluation set.',
    kind: 'int',
    min: 8,
    max: 1024,
    group: 'Evaluation',
  },
];

/** The small RIM of the calibration (4 modules, 2 active, 16 units; about 28k parameters). */
const quick: DemoConfig = {
  trainDormant: 20,
  testFactor: 4,
  modules: 4,
  active: 2,
  units: 16,
  inputKey: 32,
  inputValue: 16,
  commHeads: 4,
  commKey: 16,
  steps: 80,
  batch: 64,
  lr: 3e-3,
  clip: 1,
  evalEvery: 20,
  evalBatch: 64,
};

const paper: DemoConfig = { ...quick, trainDormant: 50, steps: 2500, evalEvery: 100, evalBatch: 256 };

function validate(config: DemoConfig): string[] {
  const errors: string[] = [];
  if (Number(config['active']) > Number(config['modules'])) errors.push('active: must be at most modules');
  return errors;
}

const read = (key: string) => (results: RunResults) => {
  const v = results[key];
  return v === undefined || Number.isNaN(v) ? null : v;
};

/** Runs this long are held to the paper preset's accuracy target instead of the quick one. */
const isLongRun = (config: DemoConfig): boolean => Number(config['steps']) >= PAPER_STEPS;

const claims: ClaimSpec[] = [
  thresholdClaim({
    id: 'rim-long-accuracy',
    text: 'RIM per-symbol accuracy on the copy positions at 4× the training dormant length (T = 80 after training at T = 20 in the quick preset)',
    key: 'acc.rim.test',
    comparison: '>=',
    value: 0.2,
    target: '≥ 0.20',
    unit: 'accuracy',
    appliesTo: (config) => !isLongRun(config),
    caveat: `The paper's RIMs copy almost perfectly at 4× the training length after far longer training than this demo runs; the paper preset (${PAPER_STEPS} steps or more) is held to ≥ 0.35.`,
  }),
  thresholdClaim({
    id: 'rim-long-accuracy-paper',
    text: `RIM per-symbol accuracy on the copy positions at 4× the training dormant length after ${PAPER_STEPS} steps or more (T = 200 after training at T = 50 in the paper preset)`,
    key: 'acc.rim.test',
    comparison: '>=',
    value: 0.35,
    target: '≥ 0.35',
    unit: 'accuracy',
    appliesTo: isLongRun,
    caveat: PAPER_CAVEAT,
  }),
  {
    id: 'rim-beats-lstm',
    text: 'RIM accuracy at 4× the training length minus that of the LSTM with a matched parameter count',
    target: '≥ 0.05',
    unit: 'accuracy',
    measure(results) {
      const rim = read('acc.rim.test')(results);
      const lstm = read('acc.lstm.test')(results);
      if (rim === null || lstm === null) return { measured: null, pass: false };
      return { measured: rim - lstm, pass: rim - lstm >= 0.05 };
    },
  },
  thresholdClaim({
    id: 'dormant-quiet',
    text: 'Mean state change ‖Δh‖ of the modules during the dormant phase divided by that during the input phase (RIM, test length)',
    key: 'dormantRatio',
    comparison: '<=',
    value: 0.1,
    unit: 'ratio',
  }),
];

export const generalizeDemo: TrainableDemo = {
  loadTrainer: () => import('./train').then((m) => m.runRims),
  id: 'generalize',
  title: 'Copying beyond the training length',
  description:
    'Trains a RIM (small recurrent modules, top-k active, with input and communication attention) and an LSTM with a matched parameter count on the copying task: remember 10 symbols from an alphabet of 8, wait through T blanks, then reproduce them after a marker. Both are trained at T = 20 (quick) or 50 (paper preset) and tested at four times that length. Shows copy-position accuracy at both lengths and a heat map of which modules are active over time.',
  available: true,
  fields,
  presets: { quick, paper },
  validate,
  totalSteps: (config) => Number(config['steps']),
  stepLabel: 'step',
  plots: [
    {
      id: 'accuracy',
      title: 'Copy-position accuracy',
      xLabel: 'step',
      yLabel: 'accuracy',
      yRange: [0, 1],
      series: [
        { metric: 'acc/rim/train', label: 'RIM, training length' },
        { metric: 'acc/rim/test', label: 'RIM, 4× length' },
        { metric: 'acc/lstm/train', label: 'LSTM, training length' },
        { metric: 'acc/lstm/test', label: 'LSTM, 4× length' },
      ],
    },
    {
      id: 'loss',
      title: 'Copy-position loss',
      xLabel: 'step',
      yLabel: 'cross-entropy',
      yUnit: 'nats',
      series: [
        { metric: 'loss/rim/train', label: 'RIM, training length' },
        { metric: 'loss/rim/test', label: 'RIM, 4× length' },
        { metric: 'loss/lstm/train', label: 'LSTM, training length' },
        { metric: 'loss/lstm/test', label: 'LSTM, 4× length' },
      ],
    },
  ],
  outputs: [
    {
      id: 'examples',
      title: 'Example sequences',
      description: 'Test-length sequences: the symbols shown, the target copy and each model’s prediction.',
    },
    {
      id: 'activation',
      title: 'Module activation over time',
      description: 'For one test-length sequence: 1 where a module was among the k_A active ones at that step.',
    },
    {
      id: 'phases',
      title: 'Activity by phase',
      description:
        'Mean state change of each module and how often it is active, in the input, dormant and copy phases.',
    },
    {
      id: 'parameters',
      title: 'Parameter counts',
      description: 'Parameters of the RIM and of the matched LSTM (with their readouts).',
    },
    {
      id: 'throughput',
      title: 'Throughput per model',
      description: 'Training steps per second of the RIM and of the LSTM, each timed alone on the same batches.',
    },
    { id: 'paper', title: 'Beside the paper', description: 'The paper’s copying result next to this run’s.' },
  ],
  claims,
  performance: [
    { key: 'stepsPerSecond.rim', label: 'RIM alone', unit: 'steps/s' },
    { key: 'stepsPerSecond.lstm', label: 'LSTM alone', unit: 'steps/s' },
  ],
};
