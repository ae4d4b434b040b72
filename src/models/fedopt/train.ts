/**
 * The FedOpt comparison: every enabled server optimizer trained side by side on the same
 * clients. Each round samples |S| clients and lays out their local batches once; every
 * optimizer ("arm") then runs the same round from its own global model, so the curves differ
 * only by the server optimizer and its learning rates.
 *
 * Three kinds of arm share the rounds:
 * - compared: each enabled optimizer at its configured learning rates, scored on the test set.
 *   All run `rounds` rounds; one still below the target accuracy then keeps training, on the
 *   same sequence of client samples, until it reaches it or `roundCap`, so its rounds to target
 *   are measured rather than bounded.
 * - sweep (with `lrSweep`): FedAvg and FedYogi at each client rate of the sweep, scored on the
 *   test set, each stopped once it reaches the target or after `rounds` rounds. A sweep cell with
 *   a compared arm's exact rates reads that arm instead of training a copy.
 * - grid (with `lrGrid`): every cell of the learning-rate grid, scored on the validation
 *   examples the clients hold out, never on the test set; trained like the compared arms.
 *
 * Random streams, all drawn from the run's seed: data, initial model (shared by all arms),
 * and client sampling with local shuffling (shared by all arms).
 *
 * The results it returns (`FedOptResults`) are declared with the demo in ./demo.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BarsOutput, HeatmapOutput, TableOutput } from '../../shared/outputs';
import { Rng } from '../engine/rng';
import type { RunContext } from '../types';
import { type Examples, type FederatedData, labelCounts, loadMnist, mnistData, syntheticData } from './data';
import {
  CLIENT_LR_GRID,
  type FedOptConfig,
  type FedOptResults,
  hasServerLr,
  NOT_REACHED_NOTE,
  OPTIMIZER_LABELS,
  SERVER_LR_GRID,
  SERVER_OPTIMIZERS,
  type ServerOptimizer,
  SWEEP_CLIENT_LR_GRID,
  SWEEP_OPTIMIZERS,
} from './demo';
import { type Batch, evaluate, type FederatedModel, mlp, softmaxRegression } from './model';
import { fedOptRound, initialServerState, type ServerHyperparameters, type ServerState } from './server';
import { bestCells, type GridCell } from './tuning';

type Role = 'compared' | 'sweep' | 'grid';

/** One server optimizer at one pair of learning rates, with its own global model. */
interface Arm {
  readonly opt: ServerOptimizer;
  readonly clientLr: number;
  readonly hp: ServerHyperparameters;
  readonly role: Role;
  state: ServerState[];
  /** First round whose accuracy (test; validation for grid cells) reached the target. */
  reached: number | null;
  /** Last round trained. */
  lastRound: number;
  /** Sum of the accuracies after rounds 1…min(rounds, lastRound). */
  accSum: number;
  accAt20: number | undefined;
  /** Accuracy and loss after the last of the first `rounds` rounds it trained. */
  acc: number | undefined;
  loss: number | undefined;
}

/** One client rate of the learning-rate sweep, and the arm that measures it. */
interface SweepCell {
  readonly opt: (typeof SWEEP_OPTIMIZERS)[number];
  readonly logClient: number;
  readonly arm: Arm;
}

/** Clients shown in the label histogram. */
const HISTOGRAM_CLIENTS = 20;

type PerOptimizer = { -readonly [K in ServerOptimizer]?: number };

/** What a run measured: the results the claims read, and the grid cells' validation scores (empty without lrGrid). */
export interface Comparison {
  readonly results: FedOptResults;
  readonly grid: readonly GridCell[];
}

export async function train(config: FedOptConfig, ctx: RunContext): Promise<FedOptResults> {
  return (await compare(config, ctx)).results;
}

/** The last round an optimizer may train: `roundCap`, or `rounds` when the cap is lower. */
function lastAllowedRound(config: FedOptConfig): number {
  return Math.max(config.rounds, config.roundCap);
}

/** Whether an arm trains in this round (see the file comment). */
function trainsIn(arm: Arm, round: number, config: FedOptConfig): boolean {
  if (arm.role === 'sweep') return round <= config.rounds && arm.reached === null;
  return round <= config.rounds || (arm.reached === null && round <= lastAllowedRound(config));
}

export async function compare(config: FedOptConfig, ctx: RunContext): Promise<Comparison> {
  const data = await loadData(config, ctx.rng.seed());
  ctx.output(labelHistogram(data));
  const model: FederatedModel =
    data.dataset === 'synthetic'
      ? softmaxRegression(data.inputSize, data.numClasses)
      : mlp(data.inputSize, config.hidden, data.numClasses);
  const initRng = new Rng(ctx.rng.seed());
  const samplingRng = new Rng(ctx.rng.seed());

  const { arms, sweep } = makeArms(config);
  const init = model.init(initRng);
  for (const arm of arms) arm.state = init.map((x) => initialServerState(x.clone(), arm.hp.tau));
  tf.dispose(init);
  const test = wholeBatch(data, data.test);
  const validation = arms.some((a) => a.role === 'grid') ? wholeBatch(data, data.validation) : null;

  const target = config.targetAccuracy;
  const compared = arms.filter((a) => a.role === 'compared');
  let done = 0;
  try {
    for (let round = 1; round <= lastAllowedRound(config) && !ctx.aborted; round++) {
      const active = arms.filter((a) => trainsIn(a, round, config));
      if (active.length === 0) break;
      const batches = roundBatches(data, config, samplingRng);
      for (const arm of active) {
        const next = fedOptRound(model, arm.opt, arm.state, batches, arm.clientLr, arm.hp);
        disposeState(arm.state);
        arm.state = next;
      }
      disposeBatches(batches.flat());

      const onTest = active.filter((a) => a.role !== 'grid');
      const onValidation = active.filter((a) => a.role === 'grid');
      const scores = [
        ...(await evaluateArms(model, onTest, test)),
        ...(validation ? await evaluateArms(model, onValidation, validation) : []),
      ];
      const values: Record<string, number> = {};
      [...onTest, ...onValidation].forEach((arm, i) => {
        const { acc, loss } = scores[i] as Scores;
        arm.lastRound = round;
        if (acc >= target && arm.reached === null) arm.reached = round;
        if (round === 20) arm.accAt20 = acc;
        if (round <= config.rounds) {
          arm.accSum += acc;
          arm.acc = acc;
          arm.loss = loss;
        }
        if (arm.role === 'compared') {
          values[`acc/${arm.opt}`] = acc;
          values[`loss/${arm.opt}`] = loss;
        }
      });
      ctx.metric(round, values);
      done = round;
      if (round <= config.rounds) ctx.progress(round);
      const behind = compared.filter((a) => a.reached === null);
      if (round === config.rounds && lastAllowedRound(config) > round && behind.length > 0)
        ctx.log(
          `${behind.map((a) => OPTIMIZER_LABELS[a.opt]).join(', ')} below ${target} test accuracy after ${round} rounds: ` +
            `trained on until the target is reached (at most ${lastAllowedRound(config)} rounds)`,
        );
      await ctx.tick();
    }

    const lastRound = Math.max(0, ...compared.map((a) => a.lastRound));
    const roundsToTarget: PerOptimizer = {};
    const final: PerOptimizer = {};
    const finalLoss: PerOptimizer = {};
    const accAt20: PerOptimizer = {};
    for (const arm of compared) {
      roundsToTarget[arm.opt] = arm.reached ?? arm.lastRound + 1;
      final[arm.opt] = arm.acc;
      finalLoss[arm.opt] = arm.loss;
      accAt20[arm.opt] = arm.accAt20;
    }
    const sweepReached: { -readonly [K in (typeof SWEEP_OPTIMIZERS)[number]]?: number } = {};
    // The sweep's budget is the common rounds: complete once they are, even if a run is stopped later.
    if (sweep.length > 0 && done >= config.rounds)
      for (const opt of SWEEP_OPTIMIZERS)
        sweepReached[opt] = sweep.filter((c) => c.opt === opt && reachedWithin(c.arm, config.rounds)).length;
    const results: FedOptResults = {
      rounds: Math.min(done, config.rounds),
      lastRound,
      roundsToTarget,
      accAt20,
      final,
      finalLoss,
      sweepReached,
    };
    ctx.output(roundsTable(compared, results, config));
    if (sweep.length > 0) ctx.output(sweepTable(sweep, config));
    const grid = arms.filter((a) => a.role === 'grid').map((arm) => gridCell(arm, config));
    if (grid.length > 0 && done > 0) {
      ctx.output(lrGridHeatmap(grid, config));
      ctx.output(lrGridBest(grid, config));
    }
    return { results, grid };
  } finally {
    for (const arm of arms) disposeState(arm.state);
    disposeBatches(validation ? [test, validation] : [test]);
  }
}

function reachedWithin(arm: Arm, rounds: number): boolean {
  return arm.reached !== null && arm.reached <= rounds;
}

function gridCell(arm: Arm, config: FedOptConfig): GridCell {
  return {
    opt: arm.opt,
    logClient: log10(arm.clientLr),
    logServer: hasServerLr(arm.opt) ? log10(arm.hp.eta) : 0,
    roundsToTarget: arm.reached,
    meanAccuracy: arm.accSum / Math.max(1, Math.min(arm.lastRound, config.rounds)),
  };
}

/** log10 of a rate set as 10^k, rounded to the grid's half steps when it is one. */
function log10(value: number): number {
  const log = Math.log10(value);
  const half = Math.round(log * 2) / 2;
  return Math.abs(log - half) < 1e-9 ? half : log;
}

// ---------------------------------------------------------------------------------------------
// Setup

async function loadData(config: FedOptConfig, seed: number): Promise<FederatedData> {
  const split = {
    clients: config.clients,
    examplesPerClient: config.examplesPerClient,
    majorFraction: config.majorFraction,
    validationPerClient: config.validationPerClient,
  };
  return config.dataset === 'mnist' ? mnistData(await loadMnist(), split, seed) : syntheticData(split, seed);
}

function serverHyperparameters(config: FedOptConfig, eta: number): ServerHyperparameters {
  return { eta, beta1: config.beta1, beta2: config.beta2, tau: config.tau };
}

/** The server learning rate of `opt` (FedAvg: 1). */
function serverEta(config: FedOptConfig, opt: ServerOptimizer): number {
  return hasServerLr(opt) ? config.lr[opt].server : 1;
}

function newArm(opt: ServerOptimizer, clientLr: number, hp: ServerHyperparameters, role: Role): Arm {
  return {
    opt,
    clientLr,
    hp,
    role,
    state: [],
    reached: null,
    lastRound: 0,
    accSum: 0,
    accAt20: undefined,
    acc: undefined,
    loss: undefined,
  };
}

/**
 * The compared arms (each enabled optimizer at its configured learning rates), the sweep's cells
 * (reading a compared arm where the rates are the same), then the grid cells, if asked for.
 */
function makeArms(config: FedOptConfig): { arms: Arm[]; sweep: SweepCell[] } {
  const enabled = SERVER_OPTIMIZERS.filter((opt) => config.optimizers[opt]);
  const arms: Arm[] = enabled.map((opt) =>
    newArm(opt, config.lr[opt].client, serverHyperparameters(config, serverEta(config, opt)), 'compared'),
  );
  const sweep: SweepCell[] = [];
  if (config.lrSweep) {
    for (const opt of SWEEP_OPTIMIZERS) {
      const hp = serverHyperparameters(config, serverEta(config, opt));
      for (const logClient of SWEEP_CLIENT_LR_GRID) {
        const clientLr = 10 ** logClient;
        const same = arms.find((a) => a.role === 'compared' && a.opt === opt && a.clientLr === clientLr);
        const arm = same ?? newArm(opt, clientLr, hp, 'sweep');
        if (!same) arms.push(arm);
        sweep.push({ opt, logClient, arm });
      }
    }
  }
  if (config.lrGrid) {
    for (const opt of enabled) {
      const serverGrid = hasServerLr(opt) ? SERVER_LR_GRID : [0];
      for (const logServer of serverGrid) {
        for (const logClient of CLIENT_LR_GRID) {
          const hp = serverHyperparameters(config, 10 ** logServer);
          arms.push(newArm(opt, 10 ** logClient, hp, 'grid'));
        }
      }
    }
  }
  return { arms, sweep };
}

// ---------------------------------------------------------------------------------------------
// Batches

/** The model inputs and labels of some rows of `examples` as one batch. */
function toBatch(data: FederatedData, examples: Examples, rows: readonly number[]): Batch {
  const b = rows.length;
  const p = data.inputSize;
  const features = new Float32Array(b * p);
  rows.forEach((row, i) => data.input(examples, row, features, i * p));
  const featuresT = new Float32Array(p * b);
  for (let i = 0; i < b; i++) for (let j = 0; j < p; j++) featuresT[j * b + i] = features[i * p + j] as number;
  return {
    features: tf.tensor2d(features, [b, p]),
    featuresT: tf.tensor2d(featuresT, [p, b]),
    labels: tf.tensor1d(
      Int32Array.from(rows, (row) => examples.labels[row] ?? 0),
      'int32',
    ),
  };
}

/** A whole evaluation set (test or validation) as one batch. */
function wholeBatch(data: FederatedData, examples: Examples): Batch {
  return toBatch(
    data,
    examples,
    Array.from(examples.labels, (_, i) => i),
  );
}

/**
 * The round's local batches, per sampled client: sample |S| clients; for each of E epochs
 * shuffle the client's examples and cut them into batches of B (dropping a remainder smaller than B).
 */
function roundBatches(data: FederatedData, config: FedOptConfig, rng: Rng): Batch[][] {
  const epochs = config.localEpochs;
  const b = config.localBatch;
  return rng.sample(data.clients.length, config.clientsPerRound).map((c) => {
    const examples = data.clients[c];
    if (!examples) throw new Error(`no client ${c}`);
    const batches: Batch[] = [];
    for (let e = 0; e < epochs; e++) {
      const order = rng.shuffle(Array.from(examples.labels, (_, i) => i));
      for (let s = 0; s + b <= order.length; s += b) batches.push(toBatch(data, examples, order.slice(s, s + b)));
    }
    return batches;
  });
}

function disposeBatches(batches: readonly Batch[]): void {
  for (const { features, featuresT, labels } of batches) tf.dispose([features, featuresT, labels]);
}

function disposeState(state: readonly ServerState[]): void {
  for (const { x, m, v } of state) tf.dispose([x, m, v]);
}

// ---------------------------------------------------------------------------------------------
// Evaluation and outputs

interface Scores {
  readonly acc: number;
  readonly loss: number;
}

/** Accuracy and loss of every arm's global model on `batch` (in the order of `arms`), read with one download. */
async function evaluateArms(model: FederatedModel, arms: readonly Arm[], batch: Batch): Promise<Scores[]> {
  if (arms.length === 0) return [];
  const stacked = tf.tidy(() =>
    tf.stack(
      arms.flatMap((arm) => {
        const { accuracy, loss } = evaluate(
          model,
          arm.state.map((s) => s.x),
          batch,
        );
        return [accuracy, loss];
      }),
    ),
  );
  const values = await stacked.data();
  stacked.dispose();
  return arms.map((_, i) => ({ acc: values[2 * i] ?? NaN, loss: values[2 * i + 1] ?? NaN }));
}

/** "10^k" for a rate on the grid's half steps, else the rate itself. */
function lrLabel(value: number): string {
  const log = log10(value);
  return Number.isInteger(log * 2) ? `10^${log}` : value.toPrecision(3);
}

function labelHistogram(data: FederatedData): BarsOutput {
  const shown = data.clients.slice(0, HISTOGRAM_CLIENTS);
  const counts = shown.map((c) => labelCounts(c.labels, data.numClasses));
  const used = Array.from({ length: data.numClasses }, (_, k) => k).filter((k) => counts.some((c) => (c[k] ?? 0) > 0));
  return {
    kind: 'bars',
    id: 'label-histogram',
    title: `Labels of the first ${shown.length} of ${data.clients.length} clients`,
    categories: shown.map((_, i) => `client ${i}`),
    series: used.map((k) => ({ label: `class ${k}`, values: counts.map((c) => c[k] ?? 0) })),
    stacked: true,
    xLabel: 'client',
    yLabel: 'examples',
    note: 'Each client holds examples from two classes only: the data is non-IID across clients.',
  };
}

function roundsTable(arms: readonly Arm[], results: FedOptResults, config: FedOptConfig): TableOutput {
  return {
    kind: 'table',
    id: 'rounds-to-target',
    title: `Rounds to ${config.targetAccuracy} test accuracy`,
    columns: [
      'optimizer',
      'client η_l',
      'server η',
      'rounds to target',
      'accuracy at round 20',
      `accuracy at round ${results.rounds}`,
    ],
    rows: arms.map((arm) => [
      OPTIMIZER_LABELS[arm.opt],
      lrLabel(arm.clientLr),
      hasServerLr(arm.opt) ? lrLabel(arm.hp.eta) : '1',
      arm.reached ?? `> ${arm.lastRound}`,
      arm.accAt20 ?? null,
      arm.acc ?? null,
    ]),
    note:
      `Every optimizer runs ${config.rounds} rounds; one still below the target then trains on, on the same client ` +
      `samples, until it reaches it (at most ${lastAllowedRound(config)} rounds). "> N": ${NOT_REACHED_NOTE}.`,
  };
}

function sweepTable(sweep: readonly SweepCell[], config: FedOptConfig): TableOutput {
  const rates = [...new Set(sweep.map((c) => c.logClient))];
  const cell = (opt: string, logClient: number): string | number => {
    const arm = sweep.find((c) => c.opt === opt && c.logClient === logClient)?.arm;
    if (!arm) return '';
    return arm.reached !== null && arm.reached <= config.rounds ? arm.reached : `> ${config.rounds}`;
  };
  const etaOf = (opt: ServerOptimizer): string => (hasServerLr(opt) ? lrLabel(config.lr[opt].server) : '1');
  return {
    kind: 'table',
    id: 'lr-sweep',
    title: `Round at which test accuracy reached ${config.targetAccuracy}, over client learning rates`,
    columns: ['client η_l', ...SWEEP_OPTIMIZERS.map((opt) => `${OPTIMIZER_LABELS[opt]} (η = ${etaOf(opt)})`)],
    rows: rates.map((r) => [`10^${r}`, ...SWEEP_OPTIMIZERS.map((opt) => cell(opt, r))]),
    note: `Each cell trains on the same client samples for at most ${config.rounds} rounds and stops once it reaches the target; "> ${config.rounds}": not reached within them.`,
  };
}

function gridColumns(grid: readonly GridCell[]): { opt: ServerOptimizer; logServer: number }[] {
  const columns: { opt: ServerOptimizer; logServer: number }[] = [];
  for (const c of grid)
    if (!columns.some((k) => k.opt === c.opt && k.logServer === c.logServer))
      columns.push({ opt: c.opt, logServer: c.logServer });
  return columns;
}

function lrGridHeatmap(grid: readonly GridCell[], config: FedOptConfig): HeatmapOutput {
  const columns = gridColumns(grid);
  return {
    kind: 'heatmap',
    id: 'lr-grid',
    title: `Rounds to ${config.targetAccuracy} validation accuracy over the learning-rate grid`,
    rowLabels: CLIENT_LR_GRID.map((l) => `10^${l}`),
    colLabels: columns.map((c) => `${OPTIMIZER_LABELS[c.opt]} η=${hasServerLr(c.opt) ? `10^${c.logServer}` : '1'}`),
    rowTitle: 'client η_l',
    colTitle: 'optimizer, server η',
    values: CLIENT_LR_GRID.map((l) =>
      columns.map(
        (c) =>
          grid.find((g) => g.opt === c.opt && g.logServer === c.logServer && g.logClient === l)?.roundsToTarget ?? null,
      ),
    ),
    note: `Scored on the validation examples the clients hold out (not the test set); — : not reached within ${lastAllowedRound(config)} rounds.`,
  };
}

function lrGridBest(grid: readonly GridCell[], config: FedOptConfig): TableOutput {
  return {
    kind: 'table',
    id: 'lr-grid-best',
    title: 'Best learning rates on the validation examples',
    columns: [
      'optimizer',
      'client η_l',
      'server η',
      'validation rounds to target',
      `mean validation accuracy, rounds 1–${config.rounds}`,
    ],
    rows: bestCells([grid], lastAllowedRound(config)).map((c) => [
      OPTIMIZER_LABELS[c.opt],
      `10^${c.logClient}`,
      hasServerLr(c.opt) ? `10^${c.logServer}` : '1',
      c.reachedAt > 0 ? c.meanRounds : `> ${lastAllowedRound(config)}`,
      c.meanAccuracy,
    ]),
    note: 'Fewest rounds to the target validation accuracy, ties broken by the higher mean validation accuracy.',
  };
}
