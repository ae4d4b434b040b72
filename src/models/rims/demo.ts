/**
 * The copying-generalisation demo: its settings, presets, plots, outputs and claims. Imports no
 * TensorFlow.js (the extension host and the CLI read it).
 */
import type { PlacedPaperFigure, PlotSpec } from '../../shared/catalog';
import { threshold } from '../../shared/claims';
import type { ConfigOf, Partially, ResultsOf, TypedClaim } from '../../shared/demo';
import { bool, defineDemo, eachResult, int, num, optionalResult, result } from '../../shared/demo';

/** The paper preset's length: runs at least this long, at its training length, are held to its accuracy target. */
export const PAPER_STEPS = 9000;
/** The training dormant length of the paper preset (tested at four times it). */
export const PAPER_DORMANT = 20;

/** Where the paper preset's setting departs from the paper's. The target was fixed before any run of it. */
const PAPER_SETTING_CAVEAT =
  'Trained at T = 20 and tested at T = 80, not at the paper’s 50 and 200: at T = 50 this model (and the official code at these sizes) stays at 0.27–0.30 for the first 2,000–2,500 steps, so an hour of one core does not get past it at the paper’s length (the explanation has the ablation). The paper’s RIMs copy almost perfectly; this one copies 62–87 % of the symbols at the training length and keeps most of that at 4×, while the matched LSTM copies almost all of them at the training length and falls towards chance at 4× (seeds 0–2: RIM 0.523 / 0.552 / 0.874 at T = 80; LSTM 0.996 / 0.991 / 0.992 at T = 20 and 0.191 / 0.127 / 0.127 at T = 80).';

const fields = {
  trainDormant: int({
    label: 'Training dormant length T',
    description: 'Blanks between the symbols and the marker during training.',
    min: 1,
    max: 200,
    group: 'Copying task',
  }),
  testFactor: int({
    label: 'Test length factor',
    description: 'The test dormant length is this many times the training one.',
    min: 1,
    max: 10,
    group: 'Copying task',
  }),
  modules: int({
    label: 'Modules K',
    description: 'Number of recurrent modules.',
    min: 2,
    max: 12,
    group: 'RIM',
  }),
  active: int({
    label: 'Active modules k_A',
    description: 'Modules updated at each step (top-k by least null attention).',
    min: 1,
    max: 12,
    group: 'RIM',
  }),
  units: int({
    label: 'Units per module H',
    description: 'Hidden units of each module’s LSTM.',
    min: 4,
    max: 128,
    group: 'RIM',
  }),
  inputKey: int({
    label: 'Input attention d_e',
    description: 'Key size of the input attention (one head).',
    min: 4,
    max: 128,
    group: 'RIM',
  }),
  inputValue: int({
    label: 'Input attention d_v',
    description: 'Size of the attended input fed to each module.',
    min: 4,
    max: 128,
    group: 'RIM',
  }),
  commHeads: int({
    label: 'Communication heads',
    description: 'Heads of the attention between modules.',
    min: 1,
    max: 8,
    group: 'RIM',
  }),
  commKey: int({
    label: 'Communication head size',
    description: 'Key and value size per head (d).',
    min: 4,
    max: 64,
    group: 'RIM',
  }),
  commGated: bool({
    label: 'Gated communication output',
    description:
      'Communication output g ⊙ tanh(fc(o)), fc and the gate shared by the modules, as in the official code; off: a per-module linear map.',
    group: 'RIM',
  }),
  dropout: num({
    label: 'Attention dropout',
    description: 'Dropout on the attended input and on the communication output, in training only (official: 0.1).',
    min: 0,
    max: 0.5,
    group: 'RIM',
  }),
  learnedInitialState: bool({
    label: 'Learned initial state',
    description: 'A learned initial hidden state; off: zeros, as in the official code.',
    group: 'RIM',
  }),
  commReadsUpdates: bool({
    label: 'Communication reads all updates',
    description:
      'Communication attends over every module’s new cell state, inactive ones included (then discarded), as in the official code; off: over the states after inactive modules kept theirs.',
    group: 'RIM',
  }),
  steps: int({
    label: 'Training steps',
    description: 'Adam steps for each model.',
    min: 1,
    max: 20000,
    group: 'Training',
  }),
  batch: int({
    label: 'Batch size',
    description: 'Sequences per step.',
    min: 1,
    max: 256,
    group: 'Training',
  }),
  lr: num({
    label: 'Learning rate',
    description: 'Adam learning rate (both models).',
    min: 1e-5,
    max: 1e-1,
    log: true,
    group: 'Training',
  }),
  clip: num({
    label: 'Gradient clip',
    description: 'Global-norm gradient clipping.',
    min: 0.01,
    max: 100,
    log: true,
    group: 'Training',
  }),
  evalEvery: int({
    label: 'Evaluate every',
    description: 'Steps between evaluations at the training and test lengths.',
    min: 1,
    max: 1000,
    unit: 'steps',
    group: 'Evaluation',
  }),
  evalBatch: int({
    label: 'Evaluation sequences',
    description: 'Sequences in each fixed evaluation set.',
    min: 8,
    max: 1024,
    group: 'Evaluation',
  }),
};

export type RimsConfig = ConfigOf<typeof fields>;

/** The two models compared, by the names their results and metrics use. */
export const MODELS = ['rim', 'lstm'] as const;
/** The two evaluation lengths: the training dormant length and `testFactor` times it. */
export const LENGTHS = ['train', 'test'] as const;

const MODEL_LABELS: Readonly<Record<(typeof MODELS)[number], string>> = { rim: 'RIM', lstm: 'LSTM' };
const LENGTH_LABELS: Readonly<Record<(typeof LENGTHS)[number], string>> = {
  train: 'training length',
  test: '4× length',
};

/** One plot series per model and evaluation length of a metric (`acc/rim/train`, …). */
const perModelAndLength = (metric: 'acc' | 'loss'): PlotSpec['series'] =>
  MODELS.flatMap((model) =>
    LENGTHS.map((length) => ({
      metric: `${metric}/${model}/${length}`,
      label: `${MODEL_LABELS[model]}, ${LENGTH_LABELS[length]}`,
    })),
  );

/**
 * What a run reports at its end (read by the claims). Everything but the parameter counts and the
 * steps run is absent when the run stopped before its first step.
 */
const resultSpecs = {
  params: eachResult(MODELS, () => result({ description: 'parameters, with the readout', unit: 'parameters' })),
  acc: eachResult(MODELS, () =>
    eachResult(LENGTHS, () => optionalResult({ description: 'copy-position accuracy at the last evaluation' })),
  ),
  loss: eachResult(MODELS, () =>
    eachResult(LENGTHS, () =>
      optionalResult({ description: 'copy-position loss at the last evaluation', unit: 'nats' }),
    ),
  ),
  steps: result({ description: 'training steps run (fewer than configured when stopped)', unit: 'steps' }),
  stepsPerSecond: eachResult(MODELS, () =>
    optionalResult({ description: 'training steps per second of the model alone', unit: 'steps/s' }),
  ),
  dormantRatio: optionalResult({
    description: 'RIM mean ‖Δh‖ over the dormant phase / over the input phase (test set)',
    unit: 'ratio',
  }),
};

export type RimsResults = ResultsOf<typeof resultSpecs>;

/**
 * The small RIM of the calibration (4 modules, 2 active, 16 units; about 41k parameters) with the
 * official cell: input-attention keys of 64 and values of 4H, the gated communication output,
 * dropout 0.1 on the attended input and the communication output, and communication over every
 * module's update. One choice differs from the official code, on the ablation's evidence: a learned
 * initial state instead of zeros. With zeros the dormant phase's state change was 0.08–0.09 of the
 * input phase's at seeds 0–2, next to the 0.1 of its claim; learned, 0.02–0.04, and retention
 * 0.91–1.04 instead of 0.89–0.90 (media/papers/rims.md has the table).
 */
const quick: RimsConfig = {
  trainDormant: 20,
  testFactor: 4,
  modules: 4,
  active: 2,
  units: 16,
  inputKey: 64,
  inputValue: 64,
  commHeads: 4,
  commKey: 16,
  commGated: true,
  dropout: 0.1,
  learnedInitialState: true,
  commReadsUpdates: true,
  steps: 80,
  batch: 64,
  lr: 3e-3,
  clip: 1,
  evalEvery: 20,
  evalBatch: 64,
};

/**
 * The smallest setting found in which the RIM copies well above chance at four times the training
 * length within about an hour of one core (the ablation in media/papers/rims.md): the quick preset's
 * official cell without dropout, trained at T = 20 for 9,000 steps and tested at T = 80. Trained at
 * the paper's T = 50, the same cell stayed at 0.27–0.30 for 2,000 steps, as the official code does at
 * these sizes; at T = 20 the RIM leaves that plateau after about 1,500–2,000 steps.
 */
const paper: RimsConfig = {
  ...quick,
  dropout: 0,
  trainDormant: PAPER_DORMANT,
  steps: PAPER_STEPS,
  evalEvery: 250,
  evalBatch: 128,
};

/** The presets as typed configs, for code that calls the trainer directly (tests, benchmarks). */
export const RIMS_PRESETS = { quick, paper } as const;

const validate = (config: RimsConfig): string[] =>
  config.active > config.modules ? ['active: must be at most modules'] : [];

type RimsClaim = TypedClaim<RimsConfig, RimsResults>;

/** A result the run produced, else null. */
const known = (v: number | undefined): number | null => (v === undefined || Number.isNaN(v) ? null : v);

/**
 * The setting the paper preset's accuracy target was calibrated in: at least its steps, at its
 * training length and test factor. Other long runs (at T = 50, say) show the accuracy unjudged.
 */
const isPaperSetting = (config: RimsConfig): boolean =>
  config.steps >= paper.steps && config.trainDormant === paper.trainDormant && config.testFactor === paper.testFactor;

const rimTestAccuracy = (r: Partially<RimsResults>): number | undefined => r.acc?.rim?.test;

/** Accuracy at the training length a model must reach before its retention is judged (chance is 1/8). */
export const LEARNED_AT_TRAIN = 0.2;

/**
 * Retention: accuracy at the test length (4T) ÷ accuracy at the training length (T), the shape of
 * the paper's Table 1. A model that learned nothing at T would "retain" chance perfectly, so
 * retention is judged only once it copies at T with at least LEARNED_AT_TRAIN.
 */
function retentionClaim(
  model: (typeof MODELS)[number],
  spec: { id: string; text: string; comparison: '>=' | '<='; value: number },
): RimsClaim {
  const holds = (v: number): boolean => (spec.comparison === '>=' ? v >= spec.value : v <= spec.value);
  return {
    id: spec.id,
    text: spec.text,
    target: `${spec.comparison === '>=' ? '≥' : '≤'} ${spec.value}, with accuracy at T ≥ ${LEARNED_AT_TRAIN}`,
    unit: 'ratio',
    measure(results) {
      const train = known(results.acc?.[model]?.train);
      const test = known(results.acc?.[model]?.test);
      if (train === null || test === null || train === 0) return { measured: null, pass: false };
      const measured = test / train;
      return { measured, pass: train >= LEARNED_AT_TRAIN && holds(measured) };
    },
  };
}

/**
 * Retention targets, calibrated at seeds 0–2 (and kept when the cell changed; they hold with every
 * cell of the ablation in media/papers/rims.md but one). Quick preset (official cell, learned
 * initial state): RIM 1.040 / 0.925 / 0.913, LSTM 0.316 / 0.377 / 0.222; checked at seeds 3 and 4:
 * RIM 0.983 / 0.858, LSTM 0.228 / 0.391. Earlier cell: RIM 0.970 / 0.910 / 0.882, LSTM 0.323 /
 * 0.311 / 0.475. Paper preset (9,000 steps at T = 20): RIM 0.836 / 0.793 / 1.003, LSTM 0.191 /
 * 0.128 / 0.128; the earlier paper preset (2,500 steps at T = 50, the earlier cell): RIM 0.983 /
 * 1.035 / 0.816, LSTM 0.436 / 0.453 / 0.330. Each target sits below the lowest RIM figure and above
 * the highest LSTM one.
 */
const RETENTION = { rim: 0.75, lstm: 0.6 } as const;

const claims: RimsClaim[] = [
  retentionClaim('rim', {
    id: 'rim-retention',
    text: 'RIM: accuracy on the copy positions at 4× the training dormant length ÷ accuracy at the training length (T = 80 against T = 20 in the quick preset)',
    comparison: '>=',
    value: RETENTION.rim,
  }),
  retentionClaim('lstm', {
    id: 'lstm-retention',
    text: 'LSTM with a matched parameter count, trained on the same batches: accuracy at 4× the training length ÷ accuracy at the training length',
    comparison: '<=',
    value: RETENTION.lstm,
  }),
  threshold({
    id: 'rim-long-accuracy-paper',
    text: `RIM per-symbol accuracy on the copy positions at ${paper.testFactor}× the training dormant length after ${paper.steps.toLocaleString('en')} steps or more at T = ${paper.trainDormant} (tested at T = ${paper.testFactor * paper.trainDormant}), the paper preset's setting`,
    read: rimTestAccuracy,
    comparison: '>=',
    value: 0.35,
    target: '≥ 0.35',
    unit: 'accuracy',
    appliesTo: isPaperSetting,
    caveat: PAPER_SETTING_CAVEAT,
  }),
  {
    id: 'rim-beats-lstm',
    text: 'RIM accuracy at 4× the training length minus that of the LSTM with a matched parameter count',
    target: '≥ 0.05',
    unit: 'accuracy',
    measure(results) {
      const rim = known(results.acc?.rim?.test);
      const lstm = known(results.acc?.lstm?.test);
      if (rim === null || lstm === null) return { measured: null, pass: false };
      return { measured: rim - lstm, pass: rim - lstm >= 0.05 };
    },
  },
  threshold({
    id: 'dormant-quiet',
    text: 'Mean state change ‖Δh‖ of the modules during the dormant phase divided by that during the input phase (RIM, test length)',
    read: (r: Partially<RimsResults>) => r.dormantRatio,
    comparison: '<=',
    value: 0.1,
    unit: 'ratio',
  }),
];

/**
 * The paper's copying result (its Table 1). It reports cross-entropy over the 10 copy steps, not the
 * accuracy this demo measures: 0.00 is perfect copying, and chance over 8 symbols is ln 8 ≈ 2.08.
 */
const COPYING =
  'Copying: 10 symbols, a dormant phase of 50 steps in training and 200 at test; cross-entropy over the last 10 steps (lower is better); Adam 1e-3, 150 epochs';
const PAPER_FIGURES: readonly PlacedPaperFigure[] = [
  {
    id: 'copying-rims-ce',
    what: 'RIMs cross-entropy at the training length → at 4× the length',
    value: '0.00 → 0.00',
    unit: 'CE',
    source: 'Table 1',
    setting: `${COPYING}; RIMs with 6 modules, 4 active, 600 units in all (every RIMs setting of the table gives the same)`,
    claim: 'rim-retention',
  },
  {
    id: 'copying-lstm-ce',
    what: 'LSTM cross-entropy at the training length → at 4× the length',
    value: '0.00 → 3.56',
    unit: 'CE',
    source: 'Table 1',
    setting: `${COPYING}; LSTM with 600 units (300 units: 0.00 → 4.32)`,
    claim: 'lstm-retention',
  },
];

export const generalizeDemo = defineDemo(
  {
    id: 'generalize',
    title: 'Copying beyond the training length',
    description:
      'Trains a RIM (small recurrent modules, top-k active, with input and communication attention) and an LSTM with a matched parameter count on the copying task: remember 10 symbols from an alphabet of 8, wait through T blanks, then reproduce them after a marker. Both are trained at T = 20 (80 steps in the quick preset, 9,000 in the paper preset) and tested at four times that length. Shows copy-position accuracy at both lengths and a heat map of which modules are active over time.',
    fields,
    presets: RIMS_PRESETS,
    results: resultSpecs,
    validate,
    totalSteps: (config) => config.steps,
    claims,
    paperFigures: PAPER_FIGURES,
    load: () => import('./train').then((m) => m.train),
  },
  {
    stepLabel: 'step',
    presetNotes: {
      quick:
        'RIM and LSTM trained at T = 20 for 80 steps, tested at T = 80: does each keep its accuracy at four times the length?',
      paper:
        'Trained at T = 20 for 9,000 steps (about an hour of one core), tested at T = 80: the RIM copies well above chance at 4× the length (at the paper’s T = 50 it stays on a plateau).',
    },
    plots: [
      {
        id: 'accuracy',
        title: 'Copy-position accuracy',
        xLabel: 'step',
        yLabel: 'accuracy',
        yRange: [0, 1],
        series: perModelAndLength('acc'),
      },
      {
        id: 'loss',
        title: 'Copy-position loss',
        xLabel: 'step',
        yLabel: 'cross-entropy',
        yUnit: 'nats',
        series: perModelAndLength('loss'),
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
    performance: [
      { key: 'stepsPerSecond.rim', label: 'RIM alone', unit: 'steps/s' },
      { key: 'stepsPerSecond.lstm', label: 'LSTM alone', unit: 'steps/s' },
    ],
  },
);
