/**
 * What the 2-D pipeline (train.ts) and the digit pipeline (images.ts) share once a score network
 * is trained: the times ε, the EMA parameters as a score model, the sampler and ODE settings of a
 * config, and the three samplers run at the same N. Each pipeline keeps only what is its own: its
 * data, its likelihood and its outputs.
 */
import { Rng } from '../engine/rng';
import type { RunContext } from '../types';
import type { ScoreSdeConfig } from './demo';
import { type MlpParams, score, scoreJvp, type TimeFeatures, timeFeatures } from './model';
import type { ScoreNetwork } from './network';
import { type LikelihoodOptions, probabilityFlowSample, type ScoreModel } from './ode';
import { type PcOptions, type PcResult, pcSample } from './samplers';
import type { Sde } from './sdes';

/** t ∈ [ε, 1] for training and likelihoods (official: 10⁻⁵), and the last sampling time (official: 10⁻³). */
export const TRAIN_EPS = 1e-5;
export const SAMPLE_EPS = 1e-3;

/** The live previews: predictor-only sampling with N = 50 (add `rng`). */
export const PREVIEW_SAMPLING = { steps: 50, correctorSteps: 0, snr: 0, eps: SAMPLE_EPS } as const;

/** What the network's time inputs depend on besides t: the SDE, the data variance and the embedding size. */
export interface TimeConditioning {
  readonly sde: Sde;
  readonly dataVariance: number;
  readonly embedding: number;
}

/** The network's inputs for one t shared by the whole batch. */
export function featuresAt(c: TimeConditioning): (t: number) => TimeFeatures {
  return (t) => timeFeatures(c.sde, c.dataVariance, [t], c.embedding);
}

/** The EMA parameters as a score model on `dims`-dimensional data: one t for the whole batch (the MLP unless `network`). */
export function scoreModel(c: TimeConditioning, params: MlpParams, dims: number, network?: ScoreNetwork): ScoreModel {
  const features = featuresAt(c);
  if (network) return network.model(params, features, dims);
  return {
    dims,
    score: (x, t) => score(params, x, features(t)),
    jvp: (x, t, tangents) => scoreJvp(params, x, features(t), tangents),
  };
}

/** The probability-flow ODE solver of a config (its time range is the caller's). */
export function odeSettings(config: ScoreSdeConfig): Omit<LikelihoodOptions, 'eps' | 'hutchinson'> {
  return { solver: config.odeSolver, steps: config.odeSteps, rtol: config.tolerance, atol: config.tolerance };
}

/** The solver as the likelihood tables name it. */
export function solverLabel(config: ScoreSdeConfig): string {
  return config.odeSolver === 'rk45'
    ? `adaptive RK45 (rtol = atol = ${config.tolerance})`
    : `RK4, ${config.odeSteps} log-spaced steps`;
}

/** PC sampling as a config sets it, down to t = ε (add `rng`; set `correctorSteps: 0` for predictor only). */
export function pcSettings(config: ScoreSdeConfig): Omit<PcOptions, 'rng'> {
  return { steps: config.samplerSteps, correctorSteps: config.correctorSteps, snr: config.snr, eps: SAMPLE_EPS };
}

/** One progress unit of evaluation done: counted, reported, and a chance to stop. */
export async function completeUnit(progress: { readonly ctx: RunContext; done: number }): Promise<void> {
  progress.done += 1;
  progress.ctx.progress(progress.done);
  await progress.ctx.tick();
}

export interface ThreeSamplers {
  readonly predictor: PcResult;
  readonly pc: PcResult;
  readonly ode: { readonly samples: Float32Array; readonly nfe: number };
}

/**
 * n samples of each sampler at the config's N: predictor only, predictor-corrector (with copies
 * at `snapshotTimes`) and the probability-flow ODE, each from a seed drawn from `rng` in that
 * order; one progress unit after each.
 */
export async function sampleThree(
  sde: Sde,
  model: ScoreModel,
  n: number,
  config: ScoreSdeConfig,
  rng: Rng,
  progress: { readonly ctx: RunContext; done: number },
  snapshotTimes: readonly number[],
): Promise<ThreeSamplers> {
  const { ctx } = progress;
  const base = { ...pcSettings(config), tick: () => ctx.tick() };
  const predictor = await pcSample(sde, model.score, n, model.dims, {
    ...base,
    correctorSteps: 0,
    rng: new Rng(rng.seed()),
  });
  await completeUnit(progress);
  const pc = await pcSample(sde, model.score, n, model.dims, { ...base, rng: new Rng(rng.seed()), snapshotTimes });
  await completeUnit(progress);
  const ode = await probabilityFlowSample(sde, model, n, new Rng(rng.seed()), {
    eps: SAMPLE_EPS,
    ...odeSettings(config),
  });
  await completeUnit(progress);
  return { predictor, pc, ode };
}
