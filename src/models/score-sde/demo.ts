/**
 * The score-SDE demo: its settings, presets, plots, outputs and claims. The quick preset trains on
 * 2-D data with a known density; the paper preset on 14×14 MNIST digits. Imports no TensorFlow.js
 * (the extension host and the CLI read it).
 */
import type { TrainableDemo } from '../types';
import { thresholdClaim } from '../../shared/claims';
import type { ClaimSpec, DemoConfig, FieldSpec } from '../../shared/catalog';

export const SDE_OPTIONS = ['ve', 'vp', 'subvp'] as const;
export const DATASET_OPTIONS = ['ring', 'checkerboard', 'moons', 'mnist14'] as const;

/** Progress units each trained model adds after training: likelihood, three samplers, controllable generation. */
export const EVAL_UNITS = 5;
/** The same for the digits: likelihood, three samplers, inpainting. */
export const IMAGE_EVAL_UNITS = 5;

/** Limits on the digits, whose evaluation costs about 100 times more per point than in 2-D. */
const IMAGE_MAX_SAMPLES = 256;
const IMAGE_MAX_HELD_OUT = 1000;

const fields: readonly FieldSpec[] = [
  {
    key: 'dataset',
    label: 'Data',
    description:
      'ring: 8 Gaussians (std 0.1) on a circle of radius 2; checkerboard: 8 blurred unit squares; moons: two half circles; mnist14: 14×14 MNIST digits (196 dimensions, dequantised; scaled to [0, 1] for VE and [−1, 1] for VP and sub-VP as in the official code).',
    kind: 'enum',
    options: DATASET_OPTIONS,
    group: 'Data and SDE',
  },
  {
    key: 'sde',
    label: 'SDE',
    description: 'The forward SDE of the main model: VE (σ_min…σ_max), VP or sub-VP (β_min…β_max).',
    kind: 'enum',
    options: SDE_OPTIONS,
    group: 'Data and SDE',
  },
  {
    key: 'compare',
    label: 'Compare with',
    description:
      'Train a second model with this SDE and the same settings, shown beside the main one (no claims; 2-D data only).',
    kind: 'enum',
    options: ['none', ...SDE_OPTIONS],
    group: 'Data and SDE',
  },
  {
    key: 'sigmaMin',
    label: 'σ_min',
    description: 'VE noise scale at t = 0.',
    kind: 'number',
    min: 1e-4,
    max: 1,
    log: true,
    group: 'Data and SDE',
  },
  {
    key: 'sigmaMax',
    label: 'σ_max',
    description: 'VE noise scale at t = 1 (should exceed the data diameter).',
    kind: 'number',
    min: 0.5,
    max: 100,
    log: true,
    group: 'Data and SDE',
  },
  {
    key: 'betaMin',
    label: 'β_min',
    description: 'VP / sub-VP β(0).',
    kind: 'number',
    min: 0.001,
    max: 5,
    log: true,
    group: 'Data and SDE',
  },
  {
    key: 'betaMax',
    label: 'β_max',
    description: 'VP / sub-VP β(1).',
    kind: 'number',
    min: 1,
    max: 50,
    group: 'Data and SDE',
  },
  {
    key: 'steps',
    label: 'Training steps',
    description: 'Adam steps per model.',
    kind: 'int',
    min: 1,
    max: 100000,
    group: 'Training',
  },
  {
    key: 'batch',
    label: 'Batch size',
    description: 'Data points per step, each at its own t ~ U[10⁻⁵, 1].',
    kind: 'int',
    min: 8,
    max: 4096,
    group: 'Training',
  },
  {
    key: 'lr',
    label: 'Learning rate',
    description: 'Peak Adam learning rate (linear warm-up, then cosine decay).',
    kind: 'number',
    min: 1e-5,
    max: 1e-1,
    log: true,
    group: 'Training',
  },
  {
    key: 'warmup',
    label: 'Warm-up steps',
    description: 'Steps of linear learning-rate warm-up.',
    kind: 'int',
    min: 0,
    max: 10000,
    group: 'Training',
  },
  {
    key: 'emaDecay',
    label: 'EMA decay',
    description: 'Decay of the parameter average used for sampling and likelihoods.',
    kind: 'number',
    min: 0,
    max: 0.9999,
    group: 'Training',
  },
  {
    key: 'hidden',
    label: 'Hidden units',
    description: 'Width of the MLP score network.',
    kind: 'int',
    min: 8,
    max: 512,
    group: 'Training',
  },
  {
    key: 'layers',
    label: 'Hidden layers',
    description: 'Depth of the MLP score network.',
    kind: 'int',
    min: 1,
    max: 6,
    group: 'Training',
  },
  {
    key: 'embedding',
    label: 'Time features',
    description: 'Size of the sinusoidal embedding of t (even).',
    kind: 'int',
    min: 2,
    max: 256,
    group: 'Training',
  },
  {
    key: 'previewEvery',
    label: 'Preview every',
    description: 'Steps between live sample previews (0: none).',
    kind: 'int',
    min: 0,
    max: 100000,
    unit: 'steps',
    group: 'Training',
  },
  {
    key: 'samplerSteps',
    label: 'Sampler steps N',
    description: 'Predictor steps of the SDE samplers (PC adds one corrector step each).',
    kind: 'int',
    min: 2,
    max: 2000,
    group: 'Sampling',
  },
  {
    key: 'snr',
    label: 'Corrector snr r',
    description: 'Signal-to-noise ratio of the Langevin step rule.',
    kind: 'number',
    min: 0.001,
    max: 1,
    log: true,
    group: 'Sampling',
  },
  {
    key: 'correctorSteps',
    label: 'Corrector steps M',
    description: 'Langevin steps after each predictor step in PC sampling.',
    kind: 'int',
    min: 1,
    max: 10,
    group: 'Sampling',
  },
  {
    key: 'samples',
    label: 'Samples',
    description: 'Points (or digits) drawn by each sampler.',
    kind: 'int',
    min: 8,
    max: 20000,
    group: 'Sampling',
  },
  {
    key: 'odeSolver',
    label: 'ODE solver',
    description: 'rk4: fixed steps on a log-spaced t grid; rk45: adaptive Dormand–Prince with the tolerance below.',
    kind: 'enum',
    options: ['rk4', 'rk45'],
    group: 'Likelihood',
  },
  {
    key: 'odeSteps',
    label: 'RK4 steps',
    description: 'Steps of the fixed-step solver.',
    kind: 'int',
    min: 2,
    max: 2000,
    group: 'Likelihood',
  },
  {
    key: 'tolerance',
    label: 'RK45 rtol = atol',
    description: 'Tolerances of the adaptive solver (10⁻⁵ in the official code).',
    kind: 'number',
    min: 1e-8,
    max: 1e-1,
    log: true,
    group: 'Likelihood',
  },
  {
    key: 'divergence',
    label: 'Divergence',
    description:
      'exact: trace of the 2 × 2 Jacobian (2-D only); hutchinson: one Rademacher projection per point (needed for digits).',
    kind: 'enum',
    options: ['exact', 'hutchinson'],
    group: 'Likelihood',
  },
  {
    key: 'heldOut',
    label: 'Held-out points',
    description:
      'Fresh data points (2-D) or test digits (at most 1000) whose NLL is computed (≥ 1000 for the 2-D claim).',
    kind: 'int',
    min: 10,
    max: 20000,
    group: 'Likelihood',
  },
  {
    key: 'conditional',
    label: 'Class-conditional',
    description: 'Train a noise-conditional classifier and sample given a mixture component (ring, moons; not digits).',
    kind: 'boolean',
    group: 'Controllable generation',
  },
  {
    key: 'classifierSteps',
    label: 'Classifier steps',
    description: 'Adam steps of the noise-conditional classifier.',
    kind: 'int',
    min: 1,
    max: 20000,
    group: 'Controllable generation',
  },
  {
    key: 'guidance',
    label: 'Guidance weight',
    description: 'Multiplier of ∇ log p_t(y | x) (1: the conditional score).',
    kind: 'number',
    min: 0,
    max: 20,
    group: 'Controllable generation',
  },
  {
    key: 'inpaintRegion',
    label: 'Inpainted half',
    description: 'Digits: the half of each test digit that is generated given the other half.',
    kind: 'enum',
    options: ['bottom', 'right'],
    group: 'Controllable generation',
  },
];

const quick: DemoConfig = {
  dataset: 'ring',
  sde: 've',
  compare: 'none',
  sigmaMin: 0.01,
  sigmaMax: 6,
  betaMin: 0.1,
  betaMax: 20,
  steps: 2000,
  batch: 256,
  lr: 2e-3,
  warmup: 50,
  emaDecay: 0.99,
  hidden: 128,
  layers: 3,
  embedding: 32,
  previewEvery: 500,
  samplerSteps: 100,
  snr: 0.16,
  correctorSteps: 1,
  samples: 1000,
  odeSolver: 'rk4',
  odeSteps: 20,
  tolerance: 1e-5,
  divergence: 'exact',
  heldOut: 1000,
  conditional: true,
  classifierSteps: 300,
  guidance: 1,
  inpaintRegion: 'bottom',
};

/** 2-D, longer training, the VP comparison and the adaptive solver: how far the likelihood gap closes. */
const ringLong: DemoConfig = {
  ...quick,
  compare: 'vp',
  steps: 6000,
  previewEvery: 1000,
  odeSolver: 'rk45',
  heldOut: 2000,
  classifierSteps: 1000,
};

/**
 * 14×14 MNIST digits with the sub-VP SDE (the paper's best likelihoods): a wider MLP trained for
 * minutes on a laptop CPU, bits/dim of held-out digits, image samples, inpainting.
 * Measured at seed 0 (wasm, about 310 CPU seconds): 6.83 ± 0.03 bits/dim on 256 test digits, where
 * a full-covariance Gaussian fitted to the training digits reaches 6.04 and the paper reports
 * 2.99 on CIFAR-10; the VP SDE gave 6.84, and adaptive RK45 (tolerance 10⁻⁴) 6.83 on the same model.
 */
const paper: DemoConfig = {
  ...quick,
  dataset: 'mnist14',
  sde: 'subvp',
  compare: 'none',
  sigmaMin: 0.01,
  sigmaMax: 10,
  steps: 3000,
  batch: 128,
  lr: 1e-3,
  warmup: 100,
  emaDecay: 0.999,
  hidden: 512,
  layers: 3,
  embedding: 32,
  previewEvery: 500,
  samplerSteps: 200,
  samples: 32,
  odeSolver: 'rk4',
  odeSteps: 40,
  divergence: 'hutchinson',
  heldOut: 256,
  conditional: false,
};

function validate(config: DemoConfig): string[] {
  const errors: string[] = [];
  const num = (key: string): number => Number(config[key]);
  if (num('embedding') % 2 !== 0) errors.push('embedding: must be even (sines and cosines)');
  if (num('sigmaMin') >= num('sigmaMax')) errors.push('sigmaMax: must exceed sigmaMin');
  if (num('betaMin') >= num('betaMax')) errors.push('betaMax: must exceed betaMin');
  if (num('warmup') >= num('steps') && num('steps') > 1) errors.push('warmup: must be fewer than steps');
  if (config['compare'] === config['sde']) errors.push('compare: pick a different SDE or none');
  if (config['dataset'] === 'mnist14') {
    if (config['compare'] !== 'none') errors.push('compare: digits train one model only (none)');
    if (config['divergence'] !== 'hutchinson')
      errors.push('divergence: the exact divergence needs 196 Jacobian products per step on digits; use hutchinson');
    if (num('samples') > IMAGE_MAX_SAMPLES) errors.push(`samples: at most ${IMAGE_MAX_SAMPLES} digits`);
    if (num('heldOut') > IMAGE_MAX_HELD_OUT) errors.push(`heldOut: the test set has ${IMAGE_MAX_HELD_OUT} digits`);
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Claims

/** The 2-D densities (everything but the digits), where the true log-density is known. */
function isTwoDimensional(config: DemoConfig): boolean {
  return config['dataset'] !== 'mnist14';
}

export const claims: readonly ClaimSpec[] = [
  thresholdClaim({
    id: 'nll-gap',
    text: '2-D data: probability-flow NLL minus the true negative log-density on the same ≥ 1000 held-out points (VE SDE on the ring): the paired estimate of KL(data ‖ model)',
    target: '≤ 1.0',
    key: 'nllGap',
    comparison: '<=',
    value: 1,
    unit: 'nats',
    appliesTo: isTwoDimensional,
    caveat:
      'The true entropy of the ring is about 0.31 nats; the measured gap (0.56, 0.53, 0.16 nats at seeds 0–2) means the model still spreads mass between the modes. The paper reports bits/dim on CIFAR-10 with far larger networks and training; this measures the same quantity at laptop scale.',
  }),
  thresholdClaim({
    id: 'pc-beats-predictor',
    text: '2-D data: mean true log-density of PC samples (snr 0.16) above predictor-only samples at N = 100, in standard errors of the difference',
    key: 'pcAdvantageSe',
    comparison: '>',
    value: 2,
    unit: 'standard errors',
    appliesTo: isTwoDimensional,
  }),
  thresholdClaim({
    id: 'inpaint-fixed',
    text: 'Largest change to the known coordinates during inpainting (2-D: x; digits: the kept pixels)',
    key: 'inpaintMaxChange',
    comparison: '==',
    value: 0,
  }),
  // The share of inpainted coordinates near a true conditional mode has no target yet: it is
  // measured and shown in the inpainting output, not judged here. The digits' bits/dim has no
  // target either (nothing at this scale to hold it to): it is in the results and the likelihood
  // table beside the paper's CIFAR-10 numbers. The two 2-D claims need the true density, so they
  // do not apply to a digits run.
];

export const densityDemo: TrainableDemo = {
  loadTrainer: () => import('./train').then((m) => m.runScoreSde),
  id: '2d-density',
  title: 'Score SDEs on a 2-D density and on 14×14 digits',
  description:
    'Trains a small MLP score network (3 × 128, sinusoidal time features) by denoising score matching on 2-D data with a known density (8 Gaussians on a ring, checkerboard, two moons) under the VE, VP or sub-VP SDE. Then samples with the reverse-diffusion predictor alone, with predictor-corrector (Langevin) steps, and with the probability-flow ODE; computes exact negative log-likelihoods through the ODE; inpaints one coordinate given the other; and samples given a mixture component with a noise-conditional classifier. The paper preset trains a wider MLP (3 × 512) on 14×14 MNIST digits instead: image samples, bits/dim through the ODE with the Hutchinson estimator, and inpainting of half of each digit.',
  available: true,
  fields,
  presets: { quick, paper, 'ring-long': ringLong },
  validate,
  totalSteps: (config) =>
    config['dataset'] === 'mnist14'
      ? Number(config['steps']) + IMAGE_EVAL_UNITS
      : (config['compare'] === 'none' ? 1 : 2) * (Number(config['steps']) + EVAL_UNITS),
  stepLabel: 'step',
  plots: [
    {
      id: 'loss',
      title: 'Denoising score-matching loss',
      xLabel: 'step',
      yLabel: '‖σ_t s_θ + z‖²',
      logY: true,
      series: [
        { metric: 'loss/ve', label: 'VE' },
        { metric: 'loss/vp', label: 'VP' },
        { metric: 'loss/subvp', label: 'sub-VP' },
      ],
    },
  ],
  outputs: [
    {
      id: 'samples',
      title: 'Samples by sampler',
      description:
        'Data beside predictor-only, predictor-corrector and probability-flow ODE samples of the main model (points in 2-D, images for digits).',
    },
    {
      id: 'likelihood',
      title: 'Likelihood',
      description:
        '2-D: probability-flow NLL on held-out points, the true entropy, and their paired difference (the KL estimate), per SDE. Digits: bits/dim of held-out test digits beside the paper’s CIFAR-10 numbers.',
    },
    {
      id: 'sample-quality',
      title: 'Sample quality',
      description:
        'Mean true log-density of each sampler’s samples (± standard error) and its score evaluations, per SDE.',
    },
    {
      id: 'inpainting',
      title: 'Inpainting',
      description:
        '2-D: x fixed to held-out values, y generated. Digits: half of each test digit generated given the other half. PC sampling with the known part re-noised at every step.',
    },
    {
      id: 'reverse-process',
      title: 'Reverse process',
      description: 'PC samples at a few times t on their way from the prior to the data.',
    },
    {
      id: 'live-score-field',
      title: 'Score field during training',
      description:
        '2-D: arrows of the learned score s_θ(x, t) and the preview samples x(t) at a few t, at the last preview.',
    },
    {
      id: 'conditional',
      title: 'Class-conditional samples',
      description: 'Samples given a mixture component, guided by a noise-conditional classifier.',
    },
    {
      id: 'live-samples',
      title: 'Samples during training',
      description: 'Predictor-only samples (N = 50) of the EMA model at the last preview (points, or digits).',
    },
  ],
  claims,
};
