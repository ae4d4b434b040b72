/**
 * The 2-D score-SDE demo: train the score network by denoising score matching under the chosen
 * SDE (and optionally a second SDE for comparison), then evaluate the EMA model:
 *   likelihood   probability-flow NLL of held-out points vs their true log-density (paired KL)
 *   samplers     predictor-only, PC (Langevin corrector) and probability-flow ODE at the same N,
 *                and predictor-only at 2N and 4N (2N: the score evaluations of PC at N); sample
 *                quality as KL(samples ‖ data density) and MMD² to the held-out points, beside
 *                exact draws from the data's density
 *   controllable inpainting (x known, y generated) against the true p(y | x), and
 *                class-conditional sampling
 *
 * Random streams, all drawn from the run's seed: data, held-out points, initial weights, training
 * noise, and evaluation noise, so that the main and the compared model see the same data.
 *
 * The results it returns (`ScoreSdeResults`) are declared with the demo in ./demo.ts: the main
 * model's at the top level, the compared model's under `compare`. The digits take their own
 * pipeline (./images.ts); what both share is in ./pipeline.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ScatterOutput, TableOutput } from '../../shared/outputs';
import { Rng } from '../engine/rng';
import type { RunContext } from '../types';
import { classifierLoss, guidedScore, labelTensor } from './conditional';
import { DATASET_LABELS, type Density2D, makeDensity, meanSe, pooledVariance } from './data';
import {
  type DensityModelResults,
  QUALITY_SETS,
  type QualitySet,
  type ScoreSdeConfig,
  type ScoreSdeResults,
} from './demo';
import { type FieldPanel, fieldGrid, fieldGroups, timeAtNoiseRatio } from './field';
import { mixtureScore } from './exactScore';
import { adamSettings, fitScoreNetwork, scoreNetShape } from './fit';
import { trainDigits } from './images';
import { disposeBatch, dsmBatch } from './loss';
import { initMlp, type MlpParams } from './model';
import { negativeLogLikelihood, type ScoreModel } from './ode';
import { type AdamSettings, adamStep, disposeAdam, initAdam } from './optim';
import * as pipeline from './pipeline';
import { JACKKNIFE_GROUPS, MmdEstimates, sampleKl } from './quality';
import { pcInpaint, pcSample, type ScoreFn } from './samplers';
import { makeSde, type Sde, SDE_LABELS, type SdeName } from './sdes';

const DIMS = 2;
/** Points shown per scatter group. */
const SHOWN = 500;
/** Times of the reverse-process step-through. */
const SNAPSHOT_TIMES = [1, 0.5, 0.25, 0.1, 0.03, pipeline.SAMPLE_EPS];
/** Noise-to-signal ratios σ_t/m_t (in data standard deviations) of the live score-field panels. */
const FIELD_NOISE_RATIOS = [1, 0.3, 0.1, 0.03];

/** A trained model of one SDE. */
interface Trained {
  readonly sde: Sde;
  readonly params: MlpParams;
  readonly model: ScoreModel;
  readonly score: ScoreFn;
  readonly steps: number;
}

/** The main model's results beyond likelihood and sampling: inpainting and class-conditional sampling. */
type ControllableResults = Pick<
  ScoreSdeResults,
  | 'inpaintMaxChange'
  | 'inpaintNearMode'
  | 'inpaintNearModeUnconditional'
  | 'inpaintNearModeExact'
  | 'inpaintNearModeExactScore'
  | 'guidedAccuracy'
>;

/** Where the generated y of inpainting fall, against the true p(y | x) (the ring). */
type InpaintShares = Pick<
  ControllableResults,
  'inpaintNearMode' | 'inpaintNearModeUnconditional' | 'inpaintNearModeExact' | 'inpaintNearModeExactScore'
>;

/** One evaluated model, as the tables read it. */
interface Evaluated {
  readonly sde: Sde;
  readonly r: DensityModelResults;
}

interface Setup {
  readonly config: ScoreSdeConfig;
  readonly density: Density2D;
  readonly dataVariance: number;
  readonly heldOut: Float32Array;
  readonly heldOutLogP: Float64Array;
  /** Half-width of the score-field panels: a little beyond the data. */
  readonly fieldExtent: number;
  readonly ctx: RunContext;
  /** Progress units done so far. */
  done: number;
}

export async function train(config: ScoreSdeConfig, ctx: RunContext): Promise<ScoreSdeResults> {
  if (config.dataset === 'mnist14') return trainDigits(config, ctx);
  const density = makeDensity(config.dataset);
  const dataRng = new Rng(ctx.rng.seed());
  const heldOut = density.sample(config.heldOut, dataRng).points;
  const setup: Setup = {
    config,
    density,
    dataVariance: pooledVariance(density.sample(10000, dataRng).points),
    heldOut,
    heldOutLogP: Float64Array.from({ length: heldOut.length / 2 }, (_, i) =>
      density.logDensity(heldOut[2 * i] as number, heldOut[2 * i + 1] as number),
    ),
    fieldExtent: 1.15 * maxAbs(heldOut),
    ctx,
    done: 0,
  };
  const trainSeed = ctx.rng.seed();
  const evalSeed = ctx.rng.seed();
  const names: SdeName[] = [config.sde];
  if (config.compare !== 'none') names.push(config.compare);

  // Steps of the main model (0 if stopped before it trained), then each evaluated model in order.
  let steps = 0;
  const evaluated: (Evaluated & { readonly controllable: ControllableResults })[] = [];
  for (const [i, name] of names.entries()) {
    if (ctx.aborted) break;
    const sde = makeSde(name, config);
    const trained = await fit(setup, sde, new Rng(trainSeed));
    try {
      if (i === 0) steps = trained.steps;
      // Stopped: return the steps done, without the (slow) evaluation.
      if (ctx.aborted) break;
      evaluated.push({ sde, ...(await evaluate(setup, trained, new Rng(evalSeed), i === 0)) });
    } finally {
      tf.dispose(trained.params);
    }
  }
  if (evaluated.length > 0) {
    ctx.output(likelihoodTable(setup, evaluated));
    ctx.output(sampleQualityTable(config, evaluated));
  }
  const [main, compared] = evaluated;
  return { steps, ...main?.r, ...main?.controllable, ...(compared ? { compare: compared.r } : {}) };
}

/** The network's time inputs for a model of `sde` on this data. */
function conditioning(setup: Setup, sde: Sde): pipeline.TimeConditioning {
  return { sde, dataVariance: setup.dataVariance, embedding: setup.config.embedding };
}

// ---------------------------------------------------------------------------------------------
// Training

/** Trains one score network by denoising score matching; returns its EMA parameters. */
async function fit(setup: Setup, sde: Sde, rng: Rng): Promise<Trained> {
  const { config, ctx, density } = setup;
  const { steps } = config;
  const { params, steps: done } = await fitScoreNetwork(
    {
      sde,
      shape: scoreNetShape(config, DIMS),
      hp: adamSettings(config, steps),
      steps,
      batchSize: config.batch,
      draw: (n, r) => density.sample(n, r).points,
      eps: pipeline.TRAIN_EPS,
      dataVariance: setup.dataVariance,
      ctx,
      progressOffset: setup.done,
      previewEvery: config.previewEvery,
      preview: (ema, step, r) => preview(setup, sde, ema, step, r),
    },
    rng,
  );
  setup.done += done;
  const model = pipeline.scoreModel(conditioning(setup, sde), params, DIMS);
  return { sde, params, model, score: model.score, steps: done };
}

/**
 * Live view of the EMA model: predictor-only samples (N = 50) beside the data, and the score field
 * with the same samples at a few times t on their way from the prior. Draws one seed from `rng`.
 */
async function preview(setup: Setup, sde: Sde, ema: MlpParams, step: number, rng: Rng): Promise<void> {
  const model = pipeline.scoreModel(conditioning(setup, sde), ema, DIMS);
  const fieldTimes = FIELD_NOISE_RATIOS.map((r) =>
    timeAtNoiseRatio(sde, r * Math.sqrt(setup.dataVariance), pipeline.SAMPLE_EPS),
  );
  const { samples, snapshots } = await pcSample(sde, model.score, SHOWN, DIMS, {
    ...pipeline.PREVIEW_SAMPLING,
    rng: new Rng(rng.seed()),
    snapshotTimes: fieldTimes,
  });
  const label = SDE_LABELS[sde.name];
  setup.ctx.output({
    kind: 'scatter',
    id: 'live-samples',
    title: `Predictor-only samples (N = 50) after ${step} steps, ${label} SDE`,
    groups: [
      { label: 'data', points: pairs(setup.heldOut, SHOWN) },
      { label: `samples at step ${step}`, points: pairs(samples, SHOWN) },
    ],
  });
  const grid = fieldGrid(setup.fieldExtent);
  const gridT = tf.tensor2d(grid, [grid.length / 2, DIMS]);
  const panels: FieldPanel[] = [];
  try {
    for (const snapshot of snapshots) {
      const s = tf.tidy(() => model.score(gridT, snapshot.t));
      panels.push({ t: snapshot.t, score: (await s.data()) as Float32Array, samples: snapshot.points });
      s.dispose();
    }
  } finally {
    gridT.dispose();
  }
  setup.ctx.output({
    kind: 'scatter',
    id: 'live-score-field',
    title: `Score field s_θ(x, t) and samples x(t) after ${step} steps, ${label} SDE`,
    groups: fieldGroups(panels, grid, setup.fieldExtent, SHOWN),
    note:
      `One panel per t (times where the noise std σ_t/m_t is ${FIELD_NOISE_RATIOS.join(', ')} × the data std); each covers ` +
      `[−${setup.fieldExtent.toFixed(1)}, ${setup.fieldExtent.toFixed(1)}]². Arrows are dotted segments from a grid point along ` +
      's_θ, dots crowding at the head, length ∝ √|s_θ| within each panel. Samples outside a panel are not drawn.',
  });
}

// ---------------------------------------------------------------------------------------------
// Evaluation

function trueLogDensities(density: Density2D, points: Float32Array): Float64Array {
  return Float64Array.from({ length: points.length / 2 }, (_, i) =>
    density.logDensity(points[2 * i] as number, points[2 * i + 1] as number),
  );
}

function maxAbs(points: Float32Array): number {
  let max = 0;
  for (const v of points) max = Math.max(max, Math.abs(v));
  return max;
}

function pairs(points: Float32Array, limit: number): [number, number][] {
  const n = Math.min(limit, points.length / 2);
  return Array.from({ length: n }, (_, i) => [points[2 * i] as number, points[2 * i + 1] as number]);
}

/**
 * The likelihood and the three samplers of one trained model; for the main model also the
 * samples' outputs, inpainting and class-conditional sampling. Seven progress units.
 */
async function evaluate(
  setup: Setup,
  m: Trained,
  rng: Rng,
  main: boolean,
): Promise<{ r: DensityModelResults; controllable: ControllableResults }> {
  const { config, ctx, density } = setup;
  const label = SDE_LABELS[m.sde.name];

  // Likelihood of held-out points through the probability-flow ODE, paired with their true log-density.
  const x = tf.tensor2d(setup.heldOut, [setup.heldOut.length / 2, DIMS]);
  const { nll, nfe: likelihoodNfe } = await negativeLogLikelihood(m.sde, m.model, x, {
    eps: pipeline.TRAIN_EPS,
    ...pipeline.odeSettings(config),
    ...(config.divergence === 'hutchinson' ? { hutchinson: new Rng(rng.seed()) } : {}),
  });
  x.dispose();
  const gap = meanSe(Array.from(nll, (v, i) => v + (setup.heldOutLogP[i] as number)));
  await pipeline.completeUnit(setup);

  // The three samplers at the same N, predictor-only at 2N and 4N, and exact draws from the data.
  const n = config.samples;
  const { predictor, pc, ode } = await pipeline.sampleThree(m.sde, m.model, n, config, rng, setup, SNAPSHOT_TIMES);
  const longer = async (factor: number): Promise<Float32Array> => {
    const { samples } = await pcSample(m.sde, m.score, n, DIMS, {
      ...pipeline.pcSettings(config),
      steps: factor * config.samplerSteps,
      correctorSteps: 0,
      rng: new Rng(rng.seed()),
      tick: () => ctx.tick(),
    });
    await pipeline.completeUnit(setup);
    return samples;
  };
  const sets: Record<QualitySet, Float32Array> = {
    data: density.sample(n, new Rng(rng.seed())).points,
    predictor: predictor.samples,
    predictor2x: await longer(2),
    predictor4x: await longer(4),
    pc: pc.samples,
    ode: ode.samples,
  };
  const r: DensityModelResults = {
    nllGap: gap.mean,
    nllGapSe: gap.se,
    nll: meanSe(nll).mean,
    entropy: -meanSe(setup.heldOutLogP).mean,
    likelihoodNfe,
    ...sampleQuality(setup, sets),
    nfe: { predictor: predictor.nfe, pc: pc.nfe, ode: ode.nfe },
  };

  let controllable: ControllableResults = {};
  if (main) {
    ctx.output({
      kind: 'scatter',
      id: 'samples',
      title: `Samples of the ${label} model beside the data (N = ${config.samplerSteps})`,
      groups: [
        { label: 'data', points: pairs(setup.heldOut, SHOWN) },
        { label: `predictor only (${predictor.nfe} evals)`, points: pairs(predictor.samples, SHOWN) },
        { label: `predictor only, 2N (${2 * predictor.nfe} evals)`, points: pairs(sets.predictor2x, SHOWN) },
        { label: `predictor-corrector (${pc.nfe} evals)`, points: pairs(pc.samples, SHOWN) },
        { label: `probability-flow ODE (${ode.nfe} evals)`, points: pairs(ode.samples, SHOWN) },
      ],
    });
    ctx.output(reverseProcess(pc.snapshots, label));
    controllable = await inpaint(setup, m, pc.samples, new Rng(rng.seed()));
    if (config.conditional && density.classes > 0) {
      controllable = { ...controllable, ...(await classConditional(setup, m, new Rng(rng.seed()))) };
    }
  }
  await pipeline.completeUnit(setup);
  return { r, controllable };
}

/** A value for each sample set. */
function perSet<T>(of: (set: QualitySet) => T): Record<QualitySet, T> {
  return Object.fromEntries(QUALITY_SETS.map((set) => [set, of(set)])) as Record<QualitySet, T>;
}

/**
 * Sample quality of each set: KL(samples ‖ data density) (judged), MMD² to the held-out points
 * (where there are enough points for its jackknife), and the mean true log-density (shown, but it
 * rewards over-concentration: a sampler that shrinks every mode scores above exact draws).
 */
function sampleQuality(
  setup: Setup,
  sets: Record<QualitySet, Float32Array>,
): Pick<
  DensityModelResults,
  'sampleKl' | 'sampleKlSe' | 'mmd' | 'mmdSe' | 'logDensity' | 'logDensitySe' | 'pcOverPredictor2xSe'
> {
  const { density } = setup;
  const kl = perSet((set) => sampleKl(sets[set], (x, y) => density.logDensity(x, y)));
  const logP = perSet((set) => meanSe(trueLogDensities(density, sets[set])));
  const enough = Math.min(setup.heldOut.length, sets.data.length) / DIMS >= 2 * JACKKNIFE_GROUPS;
  let mmd = {};
  if (enough) {
    const estimates = new MmdEstimates(setup.heldOut, Math.sqrt(setup.dataVariance));
    for (const set of QUALITY_SETS) estimates.add(set, sets[set]);
    const values = perSet((set) => estimates.mmd(set));
    mmd = { mmd: perSet((set) => values[set].value), mmdSe: perSet((set) => values[set].se) };
  }
  // PC at N against predictor-only at 2N: the same score evaluations, drawn independently.
  const advantage = (kl.predictor2x.value - kl.pc.value) / Math.hypot(kl.predictor2x.se, kl.pc.se);
  return {
    sampleKl: perSet((set) => kl[set].value),
    sampleKlSe: perSet((set) => kl[set].se),
    ...mmd,
    logDensity: perSet((set) => logP[set].mean),
    logDensitySe: perSet((set) => logP[set].se),
    pcOverPredictor2xSe: advantage,
  };
}

function reverseProcess(snapshots: readonly { t: number; points: Float32Array }[], label: string): ScatterOutput {
  return {
    kind: 'scatter',
    id: 'reverse-process',
    title: `The reverse process of PC sampling, ${label} SDE`,
    groups: snapshots.map((s) => ({ label: `t = ${s.t.toPrecision(2)}`, points: pairs(s.points, SHOWN) })),
    note: 'From the prior at t = 1 to the data at t = ε; each group is the same samples at one time.',
  };
}

/** The share of (x, y) rows whose y lies within 3 std of a mode of the true p(y | x) (modes of weight ≥ 1%). */
function shareNearMode(density: Density2D, x: Float32Array, y: ArrayLike<number>, count: number): number {
  let near = 0;
  for (let i = 0; i < count; i++) {
    const modes = density.conditionalModes?.(x[2 * i] as number) ?? [];
    const yi = y[i] as number;
    if (modes.some((mode) => mode.weight >= 0.01 && Math.abs(yi - mode.mean) <= 3 * mode.std)) near++;
  }
  return near / count;
}

/**
 * Inpainting: x fixed to held-out values, y generated by PC sampling with the known x re-noised
 * each step. Where p(y | x) is known (the ring), the generated y are checked against it, beside
 * the y of `unconditional` samples paired with the same x and exact draws from p(y | x).
 */
async function inpaint(
  setup: Setup,
  m: Trained,
  unconditional: Float32Array,
  rng: Rng,
): Promise<InpaintShares & Pick<ControllableResults, 'inpaintMaxChange'>> {
  const { config, density, ctx } = setup;
  const count = Math.min(SHOWN, setup.heldOut.length / 2);
  const known = setup.heldOut.slice(0, 2 * count);
  const exactRng = new Rng(rng.seed());
  const exactScoreRng = new Rng(rng.seed());
  const settings = pipeline.pcSettings(config);
  const samples = await pcInpaint(m.sde, m.score, known, Float32Array.of(1, 0), count, { ...settings, rng });
  let maxChange = 0;
  for (let i = 0; i < count; i++) {
    maxChange = Math.max(maxChange, Math.abs((samples[2 * i] as number) - (known[2 * i] as number)));
  }
  let shares: InpaintShares = {};
  let note = `Largest change to the known x: ${maxChange} (the sampler sets it).`;
  if (density.conditionalModes) {
    const ys = (rows: Float32Array, n: number): Float32Array =>
      Float32Array.from({ length: n }, (_, i) => rows[2 * i + 1] as number);
    const pairedCount = Math.min(count, unconditional.length / 2);
    const exact = Float64Array.from({ length: count }, (_, i) => {
      const modes = density.conditionalModes?.(known[2 * i] as number) ?? [];
      let u = exactRng.next();
      const mode = modes.find((candidate) => (u -= candidate.weight) < 0) ?? modes[modes.length - 1];
      return mode ? mode.mean + mode.std * exactRng.normal() : NaN;
    });
    // The same sampler with the exact score of the data: what the re-noising approximation itself reaches.
    const exactScore = density.mixture
      ? await pcInpaint(m.sde, mixtureScore(m.sde, density.mixture), known, Float32Array.of(1, 0), count, {
          ...settings,
          rng: exactScoreRng,
        })
      : undefined;
    shares = {
      inpaintNearMode: shareNearMode(density, known, ys(samples, count), count),
      inpaintNearModeUnconditional: shareNearMode(density, known, ys(unconditional, pairedCount), pairedCount),
      inpaintNearModeExact: shareNearMode(density, known, exact, count),
      ...(exactScore ? { inpaintNearModeExactScore: shareNearMode(density, known, ys(exactScore, count), count) } : {}),
    };
    const pct = (v: number | undefined): string => `${(100 * (v ?? NaN)).toFixed(1)}%`;
    note +=
      ` Generated y within 3 std of a mode of the true p(y | x): ${pct(shares.inpaintNearMode)}` +
      ` (y of unconditional PC samples with the same x: ${pct(shares.inpaintNearModeUnconditional)};` +
      (shares.inpaintNearModeExactScore !== undefined
        ? ` the same inpainting with the exact score of the data: ${pct(shares.inpaintNearModeExactScore)};`
        : '') +
      ` exact draws from p(y | x): ${pct(shares.inpaintNearModeExact)}).` +
      ' Re-noising the known x approximates sampling from p(y | x); the exact score shows how far the approximation itself gets.';
  }
  ctx.output({
    kind: 'scatter',
    id: 'inpainting',
    title: `Inpainting: y generated given x (${DATASET_LABELS[density.name]})`,
    groups: [
      { label: 'data', points: pairs(setup.heldOut.slice(2 * count), SHOWN) },
      { label: 'x known, y generated', points: pairs(samples, SHOWN) },
    ],
    note,
  });
  return { inpaintMaxChange: maxChange, ...shares };
}

/** Trains a noise-conditional classifier of the mixture component, then samples given a few components. */
async function classConditional(
  setup: Setup,
  m: Trained,
  rng: Rng,
): Promise<Pick<ControllableResults, 'guidedAccuracy'>> {
  const { config, density, ctx } = setup;
  const steps = config.classifierSteps;
  const shape = { inputs: DIMS, embedding: config.embedding, hidden: 64, layers: 2, outputs: density.classes };
  const state = initAdam(initMlp(shape, rng));
  const hp: AdamSettings = { ...adamSettings(config, steps), emaDecay: 0 };
  const batchOptions = { eps: pipeline.TRAIN_EPS, dataVariance: setup.dataVariance, embedding: config.embedding };
  for (let step = 1; step <= steps && !ctx.aborted; step++) {
    const { points, labels } = density.sample(config.batch, rng);
    const batch = dsmBatch(m.sde, points, DIMS, rng, batchOptions);
    const y = labelTensor(labels);
    const grads = tf.tidy(() => tf.grads((...p: tf.Tensor[]) => classifierLoss(p, batch, y))(state.params));
    tf.dispose(y);
    disposeBatch(batch);
    adamStep(state, grads, hp);
    tf.dispose(grads);
    if (step % 50 === 0) await ctx.tick();
  }
  const classifier = state.params;
  state.params = [];
  disposeAdam(state);
  const features = pipeline.featuresAt(conditioning(setup, m.sde));
  const shownClasses = Array.from({ length: Math.min(4, density.classes) }, (_, i) =>
    Math.floor((i * density.classes) / Math.min(4, density.classes)),
  );
  const perClass = 200;
  const groups: { label: string; points: [number, number][] }[] = [];
  let hits = 0;
  try {
    for (const label of shownClasses) {
      const guided = guidedScore(m.score, classifier, features, label, config.guidance);
      const { samples } = await pcSample(m.sde, guided, perClass, DIMS, {
        steps: config.samplerSteps,
        correctorSteps: 0,
        snr: 0,
        eps: pipeline.SAMPLE_EPS,
        rng: new Rng(rng.seed()),
      });
      groups.push({ label: `class ${label}`, points: pairs(samples, perClass) });
      if (density.name === 'ring') hits += countNearestRingMode(samples, label, density.classes);
    }
  } finally {
    tf.dispose(classifier);
  }
  const total = perClass * shownClasses.length;
  ctx.output({
    kind: 'scatter',
    id: 'conditional',
    title: 'Class-conditional samples: score + ∇ log p_t(y | x) of a noise-conditional classifier',
    groups,
    ...(density.name === 'ring'
      ? { note: `Samples whose nearest mode is their class: ${((100 * hits) / total).toFixed(1)}%.` }
      : {}),
  });
  return density.name === 'ring' ? { guidedAccuracy: hits / total } : {};
}

/** How many points lie nearest to mode `label` of the ring (mode k at angle 2πk/K). */
function countNearestRingMode(points: Float32Array, label: number, classes: number): number {
  let hits = 0;
  for (let i = 0; i < points.length / 2; i++) {
    const angle = Math.atan2(points[2 * i + 1] as number, points[2 * i] as number);
    const k = (((Math.round((angle * classes) / (2 * Math.PI)) % classes) + classes) % classes) as number;
    if (k === label) hits++;
  }
  return hits;
}

// ---------------------------------------------------------------------------------------------
// Tables

function likelihoodTable(setup: Setup, rows: readonly Evaluated[]): TableOutput {
  return {
    kind: 'table',
    id: 'likelihood',
    title: `Probability-flow NLL of ${setup.heldOut.length / 2} held-out points (nats)`,
    columns: ['SDE', 'NLL', 'true entropy', 'NLL − true (paired KL)', '± SE', 'evaluations'],
    rows: rows.map(({ sde, r }) => [
      SDE_LABELS[sde.name],
      r.nll ?? null,
      r.entropy ?? null,
      r.nllGap ?? null,
      r.nllGapSe ?? null,
      r.likelihoodNfe ?? null,
    ]),
    note: `Solver: ${pipeline.solverLabel(setup.config)}, ${setup.config.divergence === 'hutchinson' ? 'Hutchinson' : 'exact'} divergence. The paired KL is 0 for a perfect model; the true entropy is the best NLL any model can reach.`,
  };
}

function sampleQualityTable(config: ScoreSdeConfig, rows: readonly Evaluated[]): TableOutput {
  const n = config.samplerSteps;
  const m = config.correctorSteps;
  const sets: readonly (readonly [QualitySet, string, number | null, (r: DensityModelResults) => number | null])[] = [
    ['data', 'exact draws from the data density', null, () => null],
    ['predictor', 'predictor only', n, (r) => r.nfe?.predictor ?? null],
    ['predictor2x', 'predictor only', 2 * n, () => 2 * n],
    ['predictor4x', 'predictor only', 4 * n, () => 4 * n],
    ['pc', `predictor-corrector (snr ${config.snr}, M = ${m})`, n, (r) => r.nfe?.pc ?? null],
    ['ode', `probability-flow ODE (${pipeline.solverLabel(config)})`, null, (r) => r.nfe?.ode ?? null],
  ];
  const milli = (v: number | undefined): number | null => (v === undefined ? null : 1000 * v);
  return {
    kind: 'table',
    id: 'sample-quality',
    title: `Sample quality of ${config.samples} samples per sampler`,
    columns: [
      'SDE',
      'sampler',
      'steps N',
      'score evaluations',
      'KL(samples ‖ data) (nats)',
      '± SE',
      'MMD² to held-out (×10⁻³)',
      '± SE',
      'mean true log p (nats)',
      '± SE',
    ],
    rows: rows.flatMap(({ sde, r }) =>
      sets.map(([key, name, steps, evals]) => [
        SDE_LABELS[sde.name],
        name,
        steps,
        evals(r),
        r.sampleKl?.[key] ?? null,
        r.sampleKlSe?.[key] ?? null,
        milli(r.mmd?.[key]),
        milli(r.mmdSe?.[key]),
        r.logDensity?.[key] ?? null,
        r.logDensitySe?.[key] ?? null,
      ]),
    ),
    note:
      'KL(samples ‖ data) is the nearest-neighbour estimate of the divergence of the samples from the true density (lower is better; ' +
      'exact draws show the estimator’s floor at this many points). It counts samples stranded between modes heavily and never rewards ' +
      'over-concentration. MMD² compares with the held-out points without the density (0 on average for exact draws) but cannot see a ' +
      'few per cent of stranded samples at this size. The mean true log-density is shown for comparison only: pulling samples towards the ' +
      'mode centres raises it, so it can exceed that of exact draws. PC at N uses as many score evaluations as predictor-only at 2N.',
  };
}
