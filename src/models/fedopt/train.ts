/**
 * The FedOpt comparison: every enabled server optimizer trained side by side on the same
 * clients. Each round samples |S| clients and lays out their local batches once; every
 * optimizer ("arm") then runs the same round from its own global model, so the curves differ
 * only by the server optimizer and its learning rates.
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
} from './demo';
import { type Batch, evaluate, type FederatedModel, mlp, softmaxRegression } from './model';
import { fedOptRound, initialServerState, type ServerHyperparameters, type ServerState } from './server';

/** One server optimizer at one pair of learning rates, with its own global model. */
interface Arm {
  readonly opt: ServerOptimizer;
  readonly clientLr: number;
  readonly hp: ServerHyperparameters;
  /** Part of the comparison (plotted) or one cell of the learning-rate grid. */
  readonly grid: boolean;
  state: ServerState[];
}

/** Clients shown in the label histogram. */
const HISTOGRAM_CLIENTS = 20;

type PerOptimizer = { -readonly [K in ServerOptimizer]?: number };

export async function train(config: FedOptConfig, ctx: RunContext): Promise<FedOptResults> {
  const data = await loadData(config, ctx.rng.seed());
  ctx.output(labelHistogram(data));
  const model: FederatedModel =
    data.dataset === 'synthetic'
      ? softmaxRegression(data.inputSize, data.numClasses)
      : mlp(data.inputSize, config.hidden, data.numClasses);
  const initRng = new Rng(ctx.rng.seed());
  const samplingRng = new Rng(ctx.rng.seed());

  const arms = makeArms(config);
  const init = model.init(initRng);
  for (const arm of arms) arm.state = init.map((x) => initialServerState(x.clone(), arm.hp.tau));
  tf.dispose(init);
  const test = testBatch(data);

  const rounds = config.rounds;
  const target = config.targetAccuracy;
  const compared = arms.filter((a) => !a.grid);
  const reached = new Map<ServerOptimizer, number>();
  const accAt20 = new Map<ServerOptimizer, number>();
  let last: Scores[] = [];
  let done = 0;
  try {
    for (let round = 1; round <= rounds && !ctx.aborted; round++) {
      const batches = roundBatches(data, config, samplingRng);
      for (const arm of arms) {
        const next = fedOptRound(model, arm.opt, arm.state, batches, arm.clientLr, arm.hp);
        disposeState(arm.state);
        arm.state = next;
      }
      disposeBatches(batches.flat());

      last = await evaluateArms(model, compared, test);
      const values: Record<string, number> = {};
      for (const [i, { acc, loss }] of last.entries()) {
        const opt = (compared[i] as Arm).opt;
        values[`acc/${opt}`] = acc;
        values[`loss/${opt}`] = loss;
        if (acc >= target && !reached.has(opt)) reached.set(opt, round);
        if (round === 20) accAt20.set(opt, acc);
      }
      ctx.metric(round, values);
      done = round;
      ctx.progress(round);
      await ctx.tick();
    }

    const roundsToTarget: PerOptimizer = {};
    const final: PerOptimizer = {};
    const finalLoss: PerOptimizer = {};
    const at20: PerOptimizer = {};
    for (const [i, { acc, loss }] of last.entries()) {
      const opt = (compared[i] as Arm).opt;
      roundsToTarget[opt] = reached.get(opt) ?? done + 1;
      final[opt] = acc;
      finalLoss[opt] = loss;
      at20[opt] = accAt20.get(opt);
    }
    const results: FedOptResults = { rounds: done, roundsToTarget, accAt20: at20, final, finalLoss };
    ctx.output(roundsTable(compared, results, target));
    const gridArms = arms.filter((a) => a.grid);
    if (gridArms.length > 0 && done > 0) {
      const finals = await evaluateArms(model, gridArms, test);
      ctx.output(lrGridHeatmap(gridArms, finals, done));
    }
    return results;
  } finally {
    for (const arm of arms) disposeState(arm.state);
    disposeBatches([test]);
  }
}

// ---------------------------------------------------------------------------------------------
// Setup

async function loadData(config: FedOptConfig, seed: number): Promise<FederatedData> {
  const split = {
    clients: config.clients,
    examplesPerClient: config.examplesPerClient,
    majorFraction: config.majorFraction,
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

/** The compared arms (each enabled optimizer at its configured learning rates), then the grid cells if asked. */
function makeArms(config: FedOptConfig): Arm[] {
  const enabled = SERVER_OPTIMIZERS.filter((opt) => config.optimizers[opt]);
  const arms: Arm[] = enabled.map((opt) => ({
    opt,
    clientLr: config.lr[opt].client,
    hp: serverHyperparameters(config, serverEta(config, opt)),
    grid: false,
    state: [],
  }));
  if (config.lrGrid) {
    for (const opt of enabled) {
      const serverGrid = hasServerLr(opt) ? SERVER_LR_GRID : [0];
      for (const logServer of serverGrid) {
        for (const logClient of CLIENT_LR_GRID) {
          const hp = serverHyperparameters(config, 10 ** logServer);
          arms.push({ opt, clientLr: 10 ** logClient, hp, grid: true, state: [] });
        }
      }
    }
  }
  return arms;
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

/** The whole test set as one batch. */
function testBatch(data: FederatedData): Batch {
  return toBatch(
    data,
    data.test,
    Array.from(data.test.labels, (_, i) => i),
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

/** Test accuracy and loss of every arm's global model (in the order of `arms`), read with one download. */
async function evaluateArms(model: FederatedModel, arms: readonly Arm[], test: Batch): Promise<Scores[]> {
  if (arms.length === 0) return [];
  const stacked = tf.tidy(() =>
    tf.stack(
      arms.flatMap((arm) => {
        const { accuracy, loss } = evaluate(
          model,
          arm.state.map((s) => s.x),
          test,
        );
        return [accuracy, loss];
      }),
    ),
  );
  const values = await stacked.data();
  stacked.dispose();
  return arms.map((_, i) => ({ acc: values[2 * i] ?? NaN, loss: values[2 * i + 1] ?? NaN }));
}

function lrLabel(value: number): string {
  const log = Math.log10(value);
  return Math.abs(log - Math.round(log * 2) / 2) < 1e-9 ? `10^${Math.round(log * 2) / 2}` : value.toPrecision(3);
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

function roundsTable(arms: readonly Arm[], results: FedOptResults, target: number): TableOutput {
  const rounds = results.rounds;
  return {
    kind: 'table',
    id: 'rounds-to-target',
    title: `Rounds to ${target} test accuracy`,
    columns: ['optimizer', 'client η_l', 'server η', 'rounds to target', 'accuracy at round 20', 'final accuracy'],
    rows: arms.map((arm) => {
      const r = results.roundsToTarget[arm.opt] ?? null;
      return [
        OPTIMIZER_LABELS[arm.opt],
        lrLabel(arm.clientLr),
        hasServerLr(arm.opt) ? lrLabel(arm.hp.eta) : '1',
        r !== null && r > rounds ? `> ${rounds}` : r,
        results.accAt20[arm.opt] ?? null,
        results.final[arm.opt] ?? null,
      ];
    }),
    note: `"> N": ${NOT_REACHED_NOTE}.`,
  };
}

function lrGridHeatmap(arms: readonly Arm[], finals: readonly Scores[], rounds: number): HeatmapOutput {
  const columns: { opt: ServerOptimizer; eta: number }[] = [];
  for (const arm of arms) {
    if (!columns.some((c) => c.opt === arm.opt && c.eta === arm.hp.eta))
      columns.push({ opt: arm.opt, eta: arm.hp.eta });
  }
  const rowLrs = CLIENT_LR_GRID.map((l) => 10 ** l);
  return {
    kind: 'heatmap',
    id: 'lr-grid',
    title: `Test accuracy after ${rounds} rounds over the learning-rate grid`,
    rowLabels: rowLrs.map(lrLabel),
    colLabels: columns.map((c) => `${OPTIMIZER_LABELS[c.opt]} η=${hasServerLr(c.opt) ? lrLabel(c.eta) : '1'}`),
    rowTitle: 'client η_l',
    colTitle: 'optimizer, server η',
    values: rowLrs.map((lr) =>
      columns.map((c) => {
        const i = arms.findIndex((a) => a.opt === c.opt && a.hp.eta === c.eta && a.clientLr === lr);
        return finals[i]?.acc ?? null;
      }),
    ),
  };
}
