/**
 * The score-SDE demo: its settings, presets, results, plots, outputs and claims. The quick preset
 * trains on 2-D data with a known density; the paper preset on 14×14 MNIST digits. Imports no
 * TensorFlow.js (the extension host and the CLI read it).
 */
import { threshold } from '../../shared/claims';
import type { PlacedPaperFigure } from '../../shared/catalog';
import type { ConfigOf, ResultGroup, ResultSpecs, ResultsOf, TypedClaim } from '../../shared/demo';
import { bool, choice, defineDemo, eachResult, int, num, optionalResult, result, results } from '../../shared/demo';
import { SDE_LABELS } from './sdes';

export const SDE_OPTIONS = ['ve', 'vp', 'subvp'] as const;
export const DATASET_OPTIONS = ['ring', 'checkerboard', 'moons', 'mnist14'] as const;
/** The three samplers compared at the same number of steps N. */
export const SAMPLERS = ['predictor', 'pc', 'ode'] as const;
export type Sampler = (typeof SAMPLERS)[number];

/**
 * The sample sets whose quality is measured on 2-D data: exact draws from the data's density (the
 * best any sampler can do), predictor-only sampling at N, 2N and 4N steps, predictor-corrector at
 * N (2N score evaluations with one corrector step) and the probability-flow ODE.
 */
export const QUALITY_SETS = ['data', 'predictor', 'predictor2x', 'predictor4x', 'pc', 'ode'] as const;
export type QualitySet = (typeof QUALITY_SETS)[number];

/**
 * Progress units each trained 2-D model adds after training: likelihood, three samplers,
 * predictor-only at 2N and 4N, controllable generation.
 */
export const EVAL_UNITS = 7;
/** The same for the digits: likelihood, three samplers, inpainting. */
export const IMAGE_EVAL_UNITS = 5;

/** Limits on the digits, whose evaluation costs about 100 times more per point than in 2-D. */
const IMAGE_MAX_SAMPLES = 256;
const IMAGE_MAX_HELD_OUT = 1000;

const fields = {
  dataset: choice(DATASET_OPTIONS, {
    label: 'Data',
    description:
      'ring: 8 Gaussians (std 0.1) on a circle of radius 2; checkerboard: 8 blurred unit squares; moons: two half circles; mnist14: 14×14 MNIST digits (196 dimensions, scaled to [0, 1] for VE and [−1, 1] for VP and sub-VP as in the official code; uniformly dequantised in training as well as for bits/dim, where the official code dequantises only for bits/dim).',
    group: 'Data and SDE',
  }),
  sde: choice(SDE_OPTIONS, {
    label: 'SDE',
    description: 'The forward SDE of the main model: VE (σ_min…σ_max), VP or sub-VP (β_min…β_max).',
    group: 'Data and SDE',
  }),
  compare: choice(['none', ...SDE_OPTIONS], {
    label: 'Compare with',
    description:
      'Train a second model with this SDE and the same settings, shown beside the main one (no claims; 2-D data only).',
    group: 'Data and SDE',
  }),
  sigmaMin: num({
    label: 'σ_min',
    description: 'VE noise scale at t = 0.',
    min: 1e-4,
    max: 1,
    log: true,
    group: 'Data and SDE',
  }),
  sigmaMax: num({
    label: 'σ_max',
    description: 'VE noise scale at t = 1 (should exceed the data diameter).',
    min: 0.5,
    max: 100,
    log: true,
    group: 'Data and SDE',
  }),
  betaMin: num({
    label: 'β_min',
    description: 'VP / sub-VP β(0).',
    min: 0.001,
    max: 5,
    log: true,
    group: 'Data and SDE',
  }),
  betaMax: num({
    label: 'β_max',
    description: 'VP / sub-VP β(1).',
    min: 1,
    max: 50,
    group: 'Data and SDE',
  }),
  steps: int({
    label: 'Training steps',
    description: 'Adam steps per model.',
    min: 1,
    max: 100000,
    group: 'Training',
  }),
  batch: int({
    label: 'Batch size',
    description: 'Data points per step, each at its own t ~ U[10⁻⁵, 1].',
    min: 8,
    max: 4096,
    group: 'Training',
  }),
  lr: num({
    label: 'Learning rate',
    description:
      'Peak Adam learning rate (linear warm-up, then cosine decay to 0; the official code holds the rate after warm-up).',
    min: 1e-5,
    max: 1e-1,
    log: true,
    group: 'Training',
  }),
  warmup: int({
    label: 'Warm-up steps',
    description: 'Steps of linear learning-rate warm-up.',
    min: 0,
    max: 10000,
    group: 'Training',
  }),
  emaDecay: num({
    label: 'EMA decay',
    description: 'Decay of the parameter average used for sampling and likelihoods.',
    min: 0,
    max: 0.9999,
    group: 'Training',
  }),
  network: choice(['mlp', 'unet'], {
    label: 'Score network',
    description:
      'mlp: an MLP on the flattened input (hidden units × hidden layers); unet (digits only): a small time-conditioned U-Net with residual blocks, GroupNorm and skip connections (a scaled-down DDPM++), base channels below.',
    group: 'Training',
  }),
  channels: int({
    label: 'U-Net channels',
    description: 'Base channels C of the U-Net: C at 14×14, 2C at 7×7, time embedding 4C (a multiple of 4).',
    min: 4,
    max: 128,
    group: 'Training',
  }),
  hidden: int({
    label: 'Hidden units',
    description: 'Width of the MLP score network.',
    min: 8,
    max: 512,
    group: 'Training',
  }),
  layers: int({
    label: 'Hidden layers',
    description: 'Depth of the MLP score network.',
    min: 1,
    max: 6,
    group: 'Training',
  }),
  embedding: int({
    label: 'Time features',
    description: 'Size of the sinusoidal embedding of t (even).',
    min: 2,
    max: 256,
    group: 'Training',
  }),
  previewEvery: int({
    label: 'Preview every',
    description: 'Steps between live sample previews (0: none).',
    min: 0,
    max: 100000,
    unit: 'steps',
    group: 'Training',
  }),
  samplerSteps: int({
    label: 'Sampler steps N',
    description:
      'Predictor steps of the SDE samplers (PC adds M corrector steps each); 2-D runs also sample predictor-only at 2N and 4N.',
    min: 2,
    max: 2000,
    group: 'Sampling',
  }),
  snr: num({
    label: 'Corrector snr r',
    description: 'Signal-to-noise ratio of the Langevin step rule.',
    min: 0.001,
    max: 1,
    log: true,
    group: 'Sampling',
  }),
  correctorSteps: int({
    label: 'Corrector steps M',
    description: 'Langevin steps after each predictor step in PC sampling.',
    min: 1,
    max: 10,
    group: 'Sampling',
  }),
  samples: int({
    label: 'Samples',
    description: 'Points (or digits) drawn by each sampler.',
    min: 8,
    max: 20000,
    group: 'Sampling',
  }),
  odeSolver: choice(['rk4', 'rk45'], {
    label: 'ODE solver',
    description:
      'rk45: adaptive Dormand–Prince with the tolerance below (as the official code); rk4: fixed steps on a log-spaced t grid (faster, biased: about −0.2 nats on the ring with 20 steps).',
    group: 'Likelihood',
  }),
  odeSteps: int({
    label: 'RK4 steps',
    description: 'Steps of the fixed-step solver.',
    min: 2,
    max: 2000,
    group: 'Likelihood',
  }),
  tolerance: num({
    label: 'RK45 rtol = atol',
    description: 'Tolerances of the adaptive solver (10⁻⁵ in the official code).',
    min: 1e-8,
    max: 1e-1,
    log: true,
    group: 'Likelihood',
  }),
  divergence: choice(['exact', 'hutchinson'], {
    label: 'Divergence',
    description:
      'exact: trace of the 2 × 2 Jacobian (2-D only); hutchinson: one Rademacher projection per point (needed for digits).',
    group: 'Likelihood',
  }),
  heldOut: int({
    label: 'Held-out points',
    description:
      'Fresh data points (2-D) or test digits (at most 1000) whose NLL is computed (≥ 1000 for the 2-D claim).',
    min: 10,
    max: 20000,
    group: 'Likelihood',
  }),
  conditional: bool({
    label: 'Class-conditional',
    description: 'Train a noise-conditional classifier and sample given a mixture component (ring, moons; not digits).',
    group: 'Controllable generation',
  }),
  classifierSteps: int({
    label: 'Classifier steps',
    description: 'Adam steps of the noise-conditional classifier.',
    min: 1,
    max: 20000,
    group: 'Controllable generation',
  }),
  guidance: num({
    label: 'Guidance weight',
    description: 'Multiplier of ∇ log p_t(y | x) (1: the conditional score).',
    min: 0,
    max: 20,
    group: 'Controllable generation',
  }),
  inpaintRegion: choice(['bottom', 'right'], {
    label: 'Inpainted half',
    description: 'Digits: the half of each test digit that is generated given the other half.',
    group: 'Controllable generation',
  }),
};

export type ScoreSdeConfig = ConfigOf<typeof fields>;

// ---------------------------------------------------------------------------------------------
// Results

/**
 * A group of results that only some runs report (the groups of src/shared/demo.ts are always
 * present): its key is optional in the results type. Its children are optional results too, so
 * that an absent group flattens to nothing.
 */
const optionalGroup = <const C extends ResultSpecs>(group: ResultGroup<C>): ResultGroup<C> & { optional: true } => ({
  ...group,
  optional: true,
});

const SAMPLER_NAMES: Readonly<Record<Sampler, string>> = {
  predictor: 'predictor-only',
  pc: 'predictor-corrector',
  ode: 'probability-flow ODE',
};

const QUALITY_NAMES: Readonly<Record<QualitySet, string>> = {
  data: 'exact draws from the data density',
  predictor: 'predictor-only samples at N',
  predictor2x: 'predictor-only samples at 2N',
  predictor4x: 'predictor-only samples at 4N',
  pc: 'predictor-corrector samples at N',
  ode: 'probability-flow ODE samples',
};

/** What the likelihood and the three samplers give for one 2-D model (the compared one has them under `compare.`). */
const densityModelResults = {
  nllGap: optionalResult({
    description: '2-D: mean of NLL(x) + log p(x) over the held-out points, the paired estimate of KL(data ‖ model)',
    unit: 'nats',
  }),
  nllGapSe: optionalResult({ description: '2-D: standard error of nllGap', unit: 'nats' }),
  nll: optionalResult({
    description: 'mean probability-flow NLL of the held-out points (digits: dequantised and scaled)',
    unit: 'nats',
  }),
  entropy: optionalResult({ description: '2-D: mean true −log p(x) of the held-out points', unit: 'nats' }),
  likelihoodNfe: optionalResult({ description: 'score evaluations of one likelihood solve' }),
  sampleKl: optionalGroup(
    eachResult(QUALITY_SETS, (s) =>
      optionalResult({
        description: `2-D: KL(samples ‖ data density) of the ${QUALITY_NAMES[s]} (nearest-neighbour estimate; 0 is perfect)`,
        unit: 'nats',
      }),
    ),
  ),
  sampleKlSe: optionalGroup(
    eachResult(QUALITY_SETS, (s) =>
      optionalResult({ description: `2-D: standard error of sampleKl.${s}`, unit: 'nats' }),
    ),
  ),
  mmd: optionalGroup(
    eachResult(QUALITY_SETS, (s) =>
      optionalResult({
        description: `2-D: unbiased MMD² between the ${QUALITY_NAMES[s]} and the held-out points (0 on average for exact draws)`,
      }),
    ),
  ),
  mmdSe: optionalGroup(
    eachResult(QUALITY_SETS, (s) => optionalResult({ description: `2-D: jackknife standard error of mmd.${s}` })),
  ),
  logDensity: optionalGroup(
    eachResult(QUALITY_SETS, (s) =>
      optionalResult({
        description: `2-D: mean true log-density of the ${QUALITY_NAMES[s]} (rewards over-concentration)`,
        unit: 'nats',
      }),
    ),
  ),
  logDensitySe: optionalGroup(
    eachResult(QUALITY_SETS, (s) =>
      optionalResult({ description: `2-D: standard error of logDensity.${s}`, unit: 'nats' }),
    ),
  ),
  nfe: optionalGroup(
    eachResult(SAMPLERS, (s) => optionalResult({ description: `score evaluations of ${SAMPLER_NAMES[s]} sampling` })),
  ),
  pcOverPredictor2xSe: optionalResult({
    description:
      '2-D: (KL of predictor-only at 2N − KL of PC at N) / standard error of the difference: PC against predictor-only at equal score evaluations',
    unit: 'standard errors',
  }),
};

/**
 * What a run reports at its end (read by the claims). Training always reports `steps`; a stopped
 * run skips the evaluation, and each pipeline reports its own results: the 2-D data those with a
 * true density, the digits bits/dim.
 */
const resultSpecs = {
  steps: result({ description: 'training steps completed (of the main model)', unit: 'steps' }),
  ...densityModelResults,
  inpaintMaxChange: optionalResult({
    description: 'largest change to a known coordinate during inpainting (2-D: x; digits: the kept pixels)',
  }),
  inpaintNearMode: optionalResult({
    description: 'ring: share of the inpainted y within 3 std of a mode of the true p(y | x) for the fixed x',
  }),
  inpaintNearModeUnconditional: optionalResult({
    description:
      'ring: the same share for the y of unconditional PC samples paired with the same x (a sampler that ignores x)',
  }),
  inpaintNearModeExactScore: optionalResult({
    description:
      'ring: the same share for the same inpainting sampler run with the exact score of the data (the re-noising approximation without model error)',
  }),
  inpaintNearModeExact: optionalResult({
    description: 'ring: the same share for exact draws from p(y | x) (what a perfect imputation reaches)',
  }),
  guidedAccuracy: optionalResult({
    description: 'ring: share of class-conditional samples nearest to the mode of their class',
  }),
  bitsPerDim: optionalResult({ description: 'digits: mean bits/dim of the held-out test digits (8-bit data)' }),
  bitsPerDimSe: optionalResult({ description: 'digits: standard error of bitsPerDim' }),
  bitsPerDimGaussian: optionalResult({
    description: 'digits: bits/dim of a full-covariance Gaussian fitted to the training digits, on the same digits',
  }),
  bitsPerDimBelowGaussian: optionalResult({
    description:
      'digits: mean over the held-out digits of the Gaussian’s bits/dim minus the score model’s (positive: the score model is better)',
  }),
  bitsPerDimBelowGaussianSe: optionalResult({
    description: 'digits: standard error of bitsPerDimBelowGaussian (paired)',
  }),
  inpaintMse: optionalResult({ description: 'digits: mean squared error of the inpainted pixels (in [0, 1])' }),
  inpaintMseMeanFill: optionalResult({
    description: 'digits: the same for filling the inpainted pixels with the mean training digit',
  }),
  compare: optionalGroup(results(densityModelResults)),
};

/** Exported for code that flattens typed results as the engine does (tests). */
export const SCORE_SDE_RESULT_SPECS = resultSpecs;

export type ScoreSdeResults = ResultsOf<typeof resultSpecs>;
/** The results of one 2-D model (the main one at the top level, the compared one under `compare`). */
export type DensityModelResults = ResultsOf<typeof densityModelResults>;

// ---------------------------------------------------------------------------------------------
// Presets

const quick: ScoreSdeConfig = {
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
  network: 'mlp',
  channels: 32,
  hidden: 128,
  layers: 3,
  embedding: 32,
  previewEvery: 500,
  samplerSteps: 100,
  snr: 0.16,
  correctorSteps: 1,
  samples: 1000,
  odeSolver: 'rk45',
  odeSteps: 20,
  tolerance: 1e-5,
  divergence: 'exact',
  heldOut: 1000,
  conditional: true,
  classifierSteps: 300,
  guidance: 1,
  inpaintRegion: 'bottom',
};

/** 2-D, longer training and the VP comparison: how far the likelihood gap closes. */
const ringLong: ScoreSdeConfig = {
  ...quick,
  compare: 'vp',
  steps: 6000,
  previewEvery: 1000,
  heldOut: 2000,
  classifierSteps: 1000,
};

/**
 * 14×14 MNIST digits with the sub-VP SDE (the paper's best likelihoods): a small U-Net (16/32
 * channels, 0.10 M parameters) trained on a laptop CPU, bits/dim of held-out digits, image samples,
 * inpainting.
 * Measured at seed 0 (wasm, one thread: about 15 CPU minutes of training, 39 minutes of wall time
 * on a 2-core machine shared with other jobs, then 9 of evaluation): 2.41 ± 0.03 bits/dim on 256 test
 * digits (RK4, 40 log-spaced steps), where a full-covariance Gaussian fitted to the training digits
 * reaches 6.04 ± 0.58 on the same digits and the paper reports 2.99 on CIFAR-10. The MLP
 * (`network: 'mlp'`, 3 × 512, batch 128, 3000 steps, learning rate 10⁻³) gave 6.83 ± 0.03 at seed
 * 0, worse than the Gaussian.
 */
const paper: ScoreSdeConfig = {
  ...quick,
  dataset: 'mnist14',
  sde: 'subvp',
  compare: 'none',
  sigmaMin: 0.01,
  sigmaMax: 10,
  steps: 2400,
  batch: 64,
  lr: 2e-3,
  warmup: 100,
  emaDecay: 0.999,
  network: 'unet',
  channels: 16,
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

/** The presets as typed configs, for code that calls the trainer directly (tests, benchmarks). */
export const SCORE_SDE_PRESETS = { quick, paper, 'ring-long': ringLong } as const;

function validate(config: ScoreSdeConfig): string[] {
  const errors: string[] = [];
  if (config.embedding % 2 !== 0) errors.push('embedding: must be even (sines and cosines)');
  if (config.sigmaMin >= config.sigmaMax) errors.push('sigmaMax: must exceed sigmaMin');
  if (config.betaMin >= config.betaMax) errors.push('betaMax: must exceed betaMin');
  if (config.warmup >= config.steps && config.steps > 1) errors.push('warmup: must be fewer than steps');
  if (config.compare === config.sde) errors.push('compare: pick a different SDE or none');
  if (config.network === 'unet' && config.dataset !== 'mnist14')
    errors.push('network: the U-Net is for the 14×14 digits; 2-D data use the MLP');
  if (config.channels % 4 !== 0) errors.push('channels: must be a multiple of 4 (GroupNorm groups of 4)');
  if (config.dataset === 'mnist14') {
    if (config.compare !== 'none') errors.push('compare: digits train one model only (none)');
    if (config.divergence !== 'hutchinson')
      errors.push('divergence: the exact divergence needs 196 Jacobian products per step on digits; use hutchinson');
    if (config.samples > IMAGE_MAX_SAMPLES) errors.push(`samples: at most ${IMAGE_MAX_SAMPLES} digits`);
    if (config.heldOut > IMAGE_MAX_HELD_OUT) errors.push(`heldOut: the test set has ${IMAGE_MAX_HELD_OUT} digits`);
  }
  return errors;
}

/** Progress units of a run: training and evaluation of each model (two with a comparison), or of the digit model. */
function totalSteps(config: ScoreSdeConfig): number {
  if (config.dataset === 'mnist14') return config.steps + IMAGE_EVAL_UNITS;
  return (config.compare === 'none' ? 1 : 2) * (config.steps + EVAL_UNITS);
}

// ---------------------------------------------------------------------------------------------
// Claims

type ScoreSdeClaim = TypedClaim<ScoreSdeConfig, ScoreSdeResults>;

/**
 * Targets, calibrated on the quick preset at seeds 0–2, where PC at N led predictor-only at 2N by
 * 6.7, 4.6 and 3.7 standard errors of KL, and 81%, 80% and 80% of inpainted y fell near a mode of
 * p(y | x) (the same sampler with the exact score: 83%, 79%, 79%; unconditional samples 32–37%).
 */
const PC_TARGET_SE = 2;
const INPAINT_TARGET = 0.7;

/**
 * The margin (bits/dim) by which the U-Net must be below the Gaussian on the same digits. Set from
 * the paper preset at seed 0, where it measured 3.63 (2.41 against 6.04; the Gaussian's standard
 * error on 256 digits is 0.58); seeds 1 and 2 then gave 3.25 ± 0.13 and 3.21 ± 0.17 (paired).
 * Checked at seeds 3 and 4, not used to set it: 3.17 ± 0.09 and 3.07 ± 0.09 (2.41 and 2.46 bits/dim).
 */
const DIGITS_MARGIN = 1;

/** What the digits claim was calibrated on: the U-Net with the sub-VP SDE. */
function isDigitsUnet(config: ScoreSdeConfig): boolean {
  return config.dataset === 'mnist14' && config.network === 'unet' && config.sde === 'subvp';
}

/** What the claims were calibrated on: the ring with the VE SDE. */
function isRingVe(config: ScoreSdeConfig): boolean {
  return config.dataset === 'ring' && config.sde === 've';
}

export const claims: readonly ScoreSdeClaim[] = [
  threshold({
    id: 'nll-gap',
    text: 'Ring, VE SDE: probability-flow NLL (adaptive RK45, exact divergence) minus the true negative log-density on the same ≥ 1000 held-out points: the paired estimate of KL(data ‖ model)',
    target: '≤ 1.0',
    read: (r) => r.nllGap,
    comparison: '<=',
    value: 1,
    unit: 'nats',
    appliesTo: (c) => isRingVe(c) && c.odeSolver === 'rk45' && c.heldOut >= 1000,
  }),
  threshold({
    id: 'pc-beats-p-equal-evals',
    text: 'Ring, VE SDE, equal score evaluations: predictor-corrector samples at N (one Langevin step, snr r) are closer to the data than predictor-only samples at 2N, by KL(samples ‖ data) in standard errors of the difference',
    read: (r) => r.pcOverPredictor2xSe,
    comparison: '>',
    value: PC_TARGET_SE,
    unit: 'standard errors',
    appliesTo: (c) => isRingVe(c) && c.correctorSteps === 1,
  }),
  threshold({
    id: 'inpaint-follows-conditional',
    text: 'Ring, VE SDE: share of inpainted y (x fixed to held-out values, PC sampling at N) within 3 std of a mode of the true p(y | x); unconditional samples reach about a third, the same sampler with the exact score about 0.8, exact draws from p(y | x) 0.997',
    read: (r) => r.inpaintNearMode,
    comparison: '>=',
    value: INPAINT_TARGET,
    appliesTo: isRingVe,
  }),
  threshold({
    id: 'digits-beat-gaussian',
    text: '14×14 digits, sub-VP SDE, U-Net score network: held-out bits/dim through the probability-flow ODE (Hutchinson divergence, fixed-step RK4 at the preset’s 40 log-spaced steps) below those of a full-covariance Gaussian fitted to all training digits, on the same dequantised test digits (mean of the paired differences)',
    read: (r) => r.bitsPerDimBelowGaussian,
    comparison: '>',
    value: DIGITS_MARGIN,
    unit: 'bits/dim',
    appliesTo: isDigitsUnet,
  }),
  // The paper's CIFAR-10 bits/dim is context, not a target (a different data set and scale). That
  // inpainting keeps the known pixels is shown, not claimed: the sampler sets them.
];

/** The paper's CIFAR-10 numbers, beside the claims on the same axes: likelihood and sample quality. */
const CIFAR10_SAMPLES = 'CIFAR-10, unconditional generation; NCSN++ continuous (deep), VE SDE';
const PAPER_FIGURES: readonly PlacedPaperFigure[] = [
  {
    id: 'cifar10-bits-per-dim',
    what: 'Negative log-likelihood on CIFAR-10',
    value: '2.99',
    unit: 'bits/dim',
    source: 'Table 2',
    setting: 'CIFAR-10; DDPM++ continuous (deep), sub-VP SDE; likelihood through the probability-flow ODE',
    claim: 'nll-gap',
  },
  {
    id: 'cifar10-fid',
    what: 'FID of samples on CIFAR-10 (lower is better)',
    value: '2.20',
    source: 'Table 3',
    setting: CIFAR10_SAMPLES,
    claim: 'pc-beats-p-equal-evals',
  },
  {
    id: 'cifar10-inception-score',
    what: 'Inception score of samples on CIFAR-10',
    value: '9.89',
    source: 'Table 3',
    setting: CIFAR10_SAMPLES,
    claim: 'pc-beats-p-equal-evals',
  },
];

export const densityDemo = defineDemo(
  {
    id: '2d-density',
    title: 'Score SDEs on a 2-D density and on 14×14 digits',
    description:
      'Trains a small MLP score network (3 × 128, sinusoidal time features) by denoising score matching on 2-D data with a known density (8 Gaussians on a ring, checkerboard, two moons) under the VE, VP or sub-VP SDE. Then samples with the reverse-diffusion predictor alone (at N, 2N and 4N steps), with predictor-corrector (Langevin) steps at N, and with the probability-flow ODE, and measures how far each sampler’s samples are from the true density; computes exact negative log-likelihoods through the ODE; inpaints one coordinate given the other; and samples given a mixture component with a noise-conditional classifier. The paper preset trains a small time-conditioned U-Net instead (residual blocks, GroupNorm, skip connections, sinusoidal time features: a scaled-down DDPM++) on 14×14 MNIST digits: image samples, bits/dim through the ODE with the Hutchinson estimator beside a Gaussian fitted to the same digits, and inpainting of half of each digit.',
    fields,
    presets: SCORE_SDE_PRESETS,
    results: resultSpecs,
    validate,
    totalSteps,
    claims,
    paperFigures: PAPER_FIGURES,
    load: () => import('./train').then((m) => m.train),
  },
  {
    stepLabel: 'step',
    presetNotes: {
      quick:
        'A 2-D ring: likelihood against the true density, predictor–corrector against predictor-only sampling at equal score evaluations, and inpainting.',
      paper:
        '14×14 digits with the sub-VP SDE and a small U-Net: bits/dim of held-out digits against a fitted Gaussian, image samples and inpainting (about 15 CPU minutes of training).',
      'ring-long': 'The ring trained three times longer, with the VP SDE beside VE: how far the likelihood gap closes.',
    },
    plots: [
      {
        id: 'loss',
        title: 'Denoising score-matching loss',
        xLabel: 'step',
        yLabel: '‖σ_t s_θ + z‖²',
        logY: true,
        series: SDE_OPTIONS.map((sde) => ({ metric: `loss/${sde}`, label: SDE_LABELS[sde] })),
      },
    ],
    outputs: [
      {
        id: 'samples',
        title: 'Samples by sampler',
        description:
          'Data beside predictor-only (2-D: at N and 2N), predictor-corrector and probability-flow ODE samples of the main model (points in 2-D, images for digits).',
      },
      {
        id: 'likelihood',
        title: 'Likelihood',
        description:
          '2-D: probability-flow NLL on held-out points, the true entropy, and their paired difference (the KL estimate), per SDE. Digits: bits/dim of held-out test digits beside a full-covariance Gaussian fitted to the training digits and the paper’s CIFAR-10 numbers.',
      },
      {
        id: 'sample-quality',
        title: 'Sample quality',
        description:
          'Per sampler and SDE: KL(samples ‖ data density), MMD² to the held-out points and the mean true log-density (each ± standard error) and score evaluations, beside exact draws from the data density.',
      },
      {
        id: 'inpainting',
        title: 'Inpainting',
        description:
          '2-D: x fixed to held-out values, y generated, and (ring) the share of y near a mode of the true p(y | x). Digits: half of each test digit generated given the other half. PC sampling with the known part re-noised at every step.',
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
  },
);
