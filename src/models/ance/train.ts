/**
 * The ANCE demo's training loop. On each corpus, three copies of the same initial encoder train in
 * lockstep on the same query batches and differ only in their negatives (random, BM25, ANCE). The
 * ANCE copy trains with random negatives for a warm start, then asks its refresher for an index
 * every m steps; with the asynchronous refresher a second thread builds it while the three copies
 * keep training, and it is swapped in when complete. The step at which an index arrives depends on
 * the machine, so with the asynchronous refresher ANCE's numbers vary a little between runs of the
 * same seed; the blocking refresher (config `refreshMode`) is deterministic.
 *
 * The pipeline, per corpus (`trainOnCorpus`), top-down:
 *   1. prepare the corpus: hashed gram tables of documents and queries, BM25 and its candidate lists;
 *   2. the references and the learners: BM25's ranking, one initial encoder (evaluated untrained)
 *      copied into a learner per sampler;
 *   3. start ANCE's index: none during the warm start, then a refresh every m steps;
 *   4. the lockstep loop: each step, every learner draws its negatives for the same batch and takes
 *      an Adam step on the contrastive loss; every `evalEvery` steps, held-out evaluation;
 *   5. gradient norms at the final ANCE checkpoint;
 *   6. the corpus's results and outputs.
 *
 * Random streams, all drawn from the run's seed in this order per corpus: the initial encoder, one
 * per learner (its negatives), the training batches; the probe batch has a stream of its own.
 *
 * The results it returns (`AnceResults`) are declared with the demo in ./demo.ts.
 */
import type { TableOutput } from '../../shared/outputs';
import { Rng } from '../engine/rng';
import type { RunContext } from '../types';
import { Bm25 } from './bm25';
import { CORPORA, CORPUS_LABELS, loadCorpus, type CorpusId, type RetrievalCorpus } from './data';
import {
  type AnceConfig,
  type AnceResults,
  CHECKPOINT_BATCHES,
  type RankerId,
  RANKERS,
  type RefreshMode,
  SHOWN_QUERIES,
} from './demo';
import { copyWeights, encodeAll, initEncoder, type EncoderWeights } from './encoder';
import { evaluateBm25, evaluateEncoded, evaluateEncoder, type Evaluation } from './evaluate';
import type { NeighbourIndex } from './inferencer';
import { batchLoss, Gradient } from './loss';
import { encodeRows, median, negativeRanks } from './negativeRanks';
import { Adam } from './optim';
import { BlockingRefresher, startAsyncRefresher, yieldToEvents, type IndexRefresher } from './refresher';
import { negativesFromList, randomNegatives, SAMPLER_LABELS, SAMPLERS, type SamplerId } from './samplers';
import { mrrAt10, recallAt, topK } from './search';
import { gramTable, type GramTable } from './text';

interface Settings {
  readonly batchSize: number;
  readonly negatives: number;
  readonly tau: number;
  readonly learningRate: number;
  readonly dim: number;
  readonly buckets: number;
  readonly warmup: number;
  readonly refreshEvery: number;
  readonly refreshMode: RefreshMode;
  readonly topK: number;
  readonly evalEvery: number;
  readonly recallK: number;
}

function readSettings(config: AnceConfig): Settings {
  return {
    batchSize: config.batchSize,
    negatives: config.negatives,
    tau: config.temperature,
    learningRate: config.learningRate,
    dim: config.dim,
    buckets: 2 ** config.hashBits,
    warmup: config.warmupSteps,
    refreshEvery: config.refreshEvery,
    refreshMode: config.refreshMode,
    topK: config.topK,
    evalEvery: config.evalEvery,
    recallK: config.recallK,
  };
}

/** Training queries whose sampled negatives are ranked at each evaluation. */
const PROBE_QUERIES = 64;

/** One corpus as the encoders and BM25 read it. */
interface CorpusData {
  readonly corpus: RetrievalCorpus;
  readonly docGrams: GramTable;
  readonly trainGrams: GramTable;
  readonly heldGrams: GramTable;
  readonly trainPositives: readonly number[];
  readonly heldPositives: readonly number[];
  readonly bm25: Bm25;
  /** Per training query, its top documents by BM25: the BM25 sampler's candidates. */
  readonly bm25Lists: readonly (readonly number[])[];
}

/** One copy of the encoder, trained with one sampler's negatives. */
interface Learner {
  readonly sampler: SamplerId;
  readonly weights: EncoderWeights;
  readonly adam: Adam;
  readonly grad: Gradient;
  readonly rng: Rng;
  readonly gradNorms: number[];
}

interface RefreshEvent {
  readonly corpus: CorpusId;
  readonly index: NeighbourIndex;
  readonly swappedAt: number;
}

/** What the whole run collects for its tables. */
interface RunLog {
  readonly throughput: ThroughputMeter;
  readonly refreshes: RefreshEvent[];
  readonly retrievalRows: (string | number)[][];
  readonly gradientRows: (string | number)[][];
}

/** What one corpus contributes to the results. */
interface CorpusResults {
  readonly mrr: Partial<Record<RankerId, number>>;
  readonly recall: Partial<Record<RankerId, number>>;
  readonly mrrRatio: number;
  readonly gradTrainingRatio: number;
  readonly gradCheckpointRatio: number;
  readonly negRank: Record<SamplerId, number>;
}

// ---------------------------------------------------------------------------------------------
// The run

export async function train(config: AnceConfig, ctx: RunContext): Promise<AnceResults> {
  const settings = readSettings(config);
  const log: RunLog = { throughput: new ThroughputMeter(), refreshes: [], retrievalRows: [], gradientRows: [] };
  const perCorpus: Partial<Record<CorpusId, CorpusResults>> = {};
  let offset = 0;
  for (const id of CORPORA) {
    const steps = config.steps[id];
    if (steps === 0 || ctx.aborted) continue;
    const corpus = await loadCorpus(id);
    perCorpus[id] = await trainOnCorpus(corpus, steps, settings, ctx, offset, log);
    offset += steps;
  }
  reportTables(ctx, settings, log);
  return runResults(perCorpus, log);
}

async function trainOnCorpus(
  corpus: RetrievalCorpus,
  steps: number,
  settings: Settings,
  ctx: RunContext,
  offset: number,
  log: RunLog,
): Promise<CorpusResults> {
  const c = corpus.id;
  const report = (step: number, name: RankerId, evaluation: Evaluation): void => {
    ctx.metric(step, {
      [`mrr/${c}/${name}`]: mrrAt10(evaluation.ranks),
      [`recall/${c}/${name}`]: recallAt(evaluation.ranks, settings.recallK),
    });
  };

  // 1. The corpus, and BM25.
  const data = prepareCorpus(corpus, settings);

  // 2. The references (BM25's ranking, the untrained encoder) and one learner per sampler, all
  //    starting from the same initial encoder.
  const evaluations = new Map<RankerId, Evaluation>();
  const bm25Eval = bm25Ranking(data);
  evaluations.set('bm25-ranking', bm25Eval);
  const init = initEncoder(settings.buckets, settings.dim, new Rng(ctx.rng.seed()));
  const untrained = await evaluateEncoder(init, data.docGrams, data.heldGrams, data.heldPositives, SHOWN_QUERIES, 5);
  evaluations.set('untrained', untrained);
  const learners = makeLearners(init, settings, ctx);
  const ance = learners.find((l) => l.sampler === 'ance') as Learner;
  const batches = new QueryBatches(corpus.train.length, settings.batchSize, new Rng(ctx.rng.seed()));
  report(0, 'bm25-ranking', bm25Eval);
  for (const l of learners) report(0, l.sampler, untrained);

  // 3. ANCE's index: the warm start, then a refresh every m steps.
  let step = 0;
  const index = await AnceIndex.start(data, settings, steps, () => step, log, ctx);
  const probe = new NegativeProbe(data, settings, ctx.seed, offset);
  const negativeRanksAt: Partial<Record<SamplerId, number>> = {};

  // 4. The lockstep loop.
  try {
    for (step = 1; step <= steps && !ctx.aborted; step++) {
      const batch = batches.next();
      const values: Record<string, number> = {};
      for (const learner of learners) {
        const isAnce = learner === ance;
        const busyBefore = isAnce && index.busy;
        const t0 = performance.now();
        const { loss, norm } = trainStep(learner, batch, data, settings, isAnce ? index.current : null);
        if (isAnce) {
          const requested = index.requestIfDue(step, learner.weights);
          log.throughput.add(performance.now() - t0, busyBefore || requested || index.busy);
        }
        learner.gradNorms.push(norm);
        values[`loss/${c}/${learner.sampler}`] = loss;
        values[`grad/${c}/${learner.sampler}`] = norm;
      }
      // The index in use as a staircase: the snapshot step it was built from, at every step once there is one.
      if (index.current) values[`index/${c}`] = index.current.snapshotStep;
      ctx.metric(step, values);
      if (index.busy) {
        // Let a finished index through (the swap happens in the message handler).
        const t0 = performance.now();
        await yieldToEvents();
        log.throughput.addBusyTime(performance.now() - t0);
      }
      if (step % settings.evalEvery === 0 || step === steps) {
        const ranks: Record<string, number> = {};
        for (const l of learners) {
          // ANCE's negatives come from the index in use once the evaluation is done.
          const indexNow = (): NeighbourIndex | null => (l === ance ? index.current : null);
          const { evaluation, negativeRank } = await evaluateLearner(l, data, settings, probe, indexNow);
          evaluations.set(l.sampler, evaluation);
          report(step, l.sampler, evaluation);
          negativeRanksAt[l.sampler] = negativeRank;
          ranks[`negRank/${c}/${l.sampler}`] = negativeRank;
        }
        ctx.metric(step, ranks);
        report(step, 'bm25-ranking', bm25Eval);
      }
      ctx.progress(offset + step);
      await ctx.tick();
    }
    step = Math.min(step, steps);
  } finally {
    await index.close();
  }

  // 5. Gradient norms at the final checkpoint: the ANCE weights, the same batches, each sampler's negatives.
  const checkpoint = checkpointNorms(ance, data, settings, index.current, batches);
  const from = index.firstIndexStep ?? Number.POSITIVE_INFINITY;
  const trainingNorms = Object.fromEntries(learners.map((l) => [l.sampler, mean(l.gradNorms.slice(from))])) as Record<
    SamplerId,
    number
  >;

  // 6. Results and outputs.
  const results = corpusResults(evaluations, trainingNorms, checkpoint, negativeRanksAt, settings);
  logCorpusRows(log, c, results, trainingNorms, checkpoint);
  reportTop5(ctx, corpus, evaluations);
  return results;
}

// ---------------------------------------------------------------------------------------------
// 1–2. The corpus, the references and the learners

function prepareCorpus(corpus: RetrievalCorpus, settings: Settings): CorpusData {
  const { buckets } = settings;
  const bm25 = new Bm25(corpus.docs);
  return {
    corpus,
    docGrams: gramTable(corpus.docs, buckets),
    trainGrams: gramTable(
      corpus.train.map((p) => p.text),
      buckets,
    ),
    heldGrams: gramTable(
      corpus.heldOut.map((p) => p.text),
      buckets,
    ),
    trainPositives: corpus.train.map((p) => p.positive),
    heldPositives: corpus.heldOut.map((p) => p.positive),
    bm25,
    bm25Lists: corpus.train.map((p) => topK(bm25.scores(p.text), settings.topK)),
  };
}

/** BM25's own ranking of the held-out queries: the untrained reference. */
function bm25Ranking(data: CorpusData): Evaluation {
  return evaluateBm25(
    data.bm25,
    data.corpus.heldOut.map((p) => p.text),
    data.heldPositives,
    SHOWN_QUERIES,
    5,
  );
}

/** One learner per sampler, each a copy of `init` with its own optimiser and random stream. */
function makeLearners(init: EncoderWeights, settings: Settings, ctx: RunContext): Learner[] {
  return SAMPLERS.map((sampler) => {
    const weights = copyWeights(init);
    return {
      sampler,
      weights,
      adam: new Adam(weights, settings.learningRate),
      grad: new Gradient(weights),
      rng: new Rng(ctx.rng.seed()),
      gradNorms: [],
    };
  });
}

/** Training batches: the training queries, reshuffled each time they run out, `size` at a time. */
class QueryBatches {
  private order: number[] = [];

  constructor(
    private readonly queries: number,
    private readonly size: number,
    private readonly rng: Rng,
  ) {}

  next(): number[] {
    const batch: number[] = [];
    while (batch.length < this.size) {
      if (this.order.length === 0) this.order = this.rng.shuffle(Array.from({ length: this.queries }, (_, i) => i));
      batch.push(this.order.pop() as number);
    }
    return batch;
  }
}

// ---------------------------------------------------------------------------------------------
// 3. ANCE's index and its refreshes

/**
 * The index the ANCE learner draws its negatives from (equation `async-refresh`): none during the
 * warm start, then a refresh from a snapshot of ANCE's weights every m steps (one that comes due
 * while another is in flight starts when that one is done, and none is asked for at the last
 * step). Each index is logged and plotted at the step it is swapped in.
 */
class AnceIndex {
  private nextRefresh: number;
  private firstSwap: number | null = null;

  private constructor(
    private readonly refresher: IndexRefresher,
    private readonly settings: Settings,
    private readonly steps: number,
  ) {
    this.nextRefresh = settings.warmup;
  }

  /** Starts the refresher; `currentStep` tells the step a swap happens at. */
  static async start(
    data: CorpusData,
    settings: Settings,
    steps: number,
    currentStep: () => number,
    log: RunLog,
    ctx: RunContext,
  ): Promise<AnceIndex> {
    const inputs = { docGrams: data.docGrams, queryGrams: data.trainGrams, k: settings.topK };
    const refresher: IndexRefresher =
      settings.refreshMode === 'async' ? await startAsyncRefresher(inputs) : new BlockingRefresher(inputs);
    const index = new AnceIndex(refresher, settings, steps);
    const c = data.corpus.id;
    refresher.onSwap((swapped) => {
      const step = currentStep();
      index.firstSwap ??= step;
      log.refreshes.push({ corpus: c, index: swapped, swappedAt: step });
      ctx.metric(step, { [`index/${c}`]: swapped.snapshotStep });
    });
    return index;
  }

  /** The index in use: the latest complete one, or null before the first is ready. */
  get current(): NeighbourIndex | null {
    return this.refresher.current;
  }

  /** True while a refresh is in flight. */
  get busy(): boolean {
    return this.refresher.busy;
  }

  /** The step the first index was swapped in at, or null if none was. */
  get firstIndexStep(): number | null {
    return this.firstSwap;
  }

  /** After ANCE's update at `step`: asks for an index from `weights` when one is due; returns whether it did. */
  requestIfDue(step: number, weights: EncoderWeights): boolean {
    if (step < this.nextRefresh || step >= this.steps || this.refresher.busy) return false;
    const requested = this.refresher.request(step, weights);
    if (requested) this.nextRefresh = step + this.settings.refreshEvery;
    return requested;
  }

  close(): Promise<void> {
    return this.refresher.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 4. The lockstep loop: negatives, one training step, evaluation

/** Negatives of one training query for a sampler (the ANCE sampler without an index draws at random). */
function negativesFor(
  learner: Learner,
  query: number,
  positive: number,
  data: CorpusData,
  n: number,
  index: NeighbourIndex | null,
): number[] {
  const corpusSize = data.corpus.docs.length;
  if (learner.sampler === 'bm25') {
    return negativesFromList(learner.rng, data.bm25Lists[query] ?? [], corpusSize, positive, n);
  }
  if (learner.sampler === 'ance' && index) {
    const list = index.neighbours.subarray(query * index.k, (query + 1) * index.k);
    return negativesFromList(learner.rng, list, corpusSize, positive, n);
  }
  return randomNegatives(learner.rng, corpusSize, positive, n);
}

/** Per query of the batch, its candidates: the positive, then the learner's negatives. */
function candidatesFor(
  learner: Learner,
  batch: readonly number[],
  data: CorpusData,
  settings: Settings,
  index: NeighbourIndex | null,
): number[][] {
  return batch.map((q) => {
    const positive = data.trainPositives[q] as number;
    return [positive, ...negativesFor(learner, q, positive, data, settings.negatives, index)];
  });
}

/** One step of one learner: its negatives for the batch, the loss and its gradient, an Adam step. */
function trainStep(
  learner: Learner,
  batch: readonly number[],
  data: CorpusData,
  settings: Settings,
  index: NeighbourIndex | null,
): { loss: number; norm: number } {
  const candidates = candidatesFor(learner, batch, data, settings, index);
  learner.grad.clear();
  // θ* = argmin_θ Σ_q Σ_{d⁺ ∈ D⁺} Σ_{d⁻ ∈ D⁻} ℓ( f(q, d⁺), f(q, d⁻) ): one stochastic step on a batch of queries,
  // each with its positive and the learner's negatives D⁻
  // @paper ance training-objective
  const loss = batchLoss(
    learner.weights,
    data.trainGrams,
    data.docGrams,
    { queries: batch, candidates },
    settings.tau,
    learner.grad,
  );
  const norm = learner.grad.norm();
  learner.adam.step(learner.grad);
  return { loss, norm };
}

/**
 * A fixed probe batch of training queries, with its own random stream, for the ranks of the
 * negatives each sampler draws: drawing them must not move the training streams.
 */
class NegativeProbe {
  private readonly rng: Rng;
  private readonly queries: number[];
  private readonly positives: number[];

  constructor(
    private readonly data: CorpusData,
    private readonly settings: Settings,
    seed: number,
    offset: number,
  ) {
    const size = data.corpus.train.length;
    this.rng = new Rng((Math.imul(seed + 1, 0x9e3779b1) + offset) >>> 0);
    this.queries = this.rng.sample(size, Math.min(PROBE_QUERIES, size));
    this.positives = this.queries.map((q) => data.trainPositives[q] as number);
  }

  /** Median rank of the learner's negatives for the probe queries, under its encoder (`docs`: the encoded corpus). */
  medianRank(learner: Learner, docs: Float32Array, index: NeighbourIndex | null): number {
    const sampler: Learner = { ...learner, rng: this.rng };
    const negatives = this.queries.map((q, i) =>
      negativesFor(sampler, q, this.positives[i] as number, this.data, this.settings.negatives, index),
    );
    const queries = encodeRows(learner.weights, this.data.trainGrams, this.queries);
    // D⁻_ANCE = ANN_{f(q, d)} \ D⁺: how high the drawn negatives rank among all documents but d⁺
    // @paper ance ance-negatives
    return median(negativeRanks(queries, docs, this.settings.dim, this.positives, negatives));
  }
}

/** Held-out retrieval of a learner over the whole corpus, and the rank of the negatives it draws. */
async function evaluateLearner(
  learner: Learner,
  data: CorpusData,
  settings: Settings,
  probe: NegativeProbe,
  index: () => NeighbourIndex | null,
): Promise<{ evaluation: Evaluation; negativeRank: number }> {
  const docs = encodeAll(learner.weights, data.docGrams);
  const queries = encodeAll(learner.weights, data.heldGrams);
  const evaluation = await evaluateEncoded(docs, queries, settings.dim, data.heldPositives, SHOWN_QUERIES, 5);
  return { evaluation, negativeRank: probe.medianRank(learner, docs, index()) };
}

// ---------------------------------------------------------------------------------------------
// 5. Gradient norms at the final checkpoint

/** Mean ‖∇ℓ‖ over CHECKPOINT_BATCHES batches at the ANCE learner's weights, for each sampler's negatives. */
function checkpointNorms(
  ance: Learner,
  data: CorpusData,
  settings: Settings,
  index: NeighbourIndex | null,
  batches: QueryBatches,
): Record<SamplerId, number> {
  const grad = new Gradient(ance.weights);
  const sums: Record<SamplerId, number> = { random: 0, bm25: 0, ance: 0 };
  const rng = new Rng(ance.rng.seed());
  for (let b = 0; b < CHECKPOINT_BATCHES && settings.batchSize > 0; b++) {
    const batch = batches.next();
    for (const sampler of SAMPLERS) {
      const probe: Learner = { ...ance, sampler, rng };
      const candidates = candidatesFor(probe, batch, data, settings, sampler === 'ance' ? index : null);
      grad.clear();
      batchLoss(ance.weights, data.trainGrams, data.docGrams, { queries: batch, candidates }, settings.tau, grad);
      sums[sampler] += grad.norm();
    }
  }
  return {
    random: sums.random / CHECKPOINT_BATCHES,
    bm25: sums.bm25 / CHECKPOINT_BATCHES,
    ance: sums.ance / CHECKPOINT_BATCHES,
  };
}

// ---------------------------------------------------------------------------------------------
// 6. Results

function corpusResults(
  evaluations: ReadonlyMap<RankerId, Evaluation>,
  trainingNorms: Readonly<Record<SamplerId, number>>,
  checkpoint: Readonly<Record<SamplerId, number>>,
  negativeRanksAt: Partial<Record<SamplerId, number>>,
  settings: Settings,
): CorpusResults {
  const mrr: Partial<Record<RankerId, number>> = {};
  const recall: Partial<Record<RankerId, number>> = {};
  for (const [name, evaluation] of evaluations) {
    mrr[name] = mrrAt10(evaluation.ranks);
    recall[name] = recallAt(evaluation.ranks, settings.recallK);
  }
  return {
    mrr,
    recall,
    mrrRatio: (mrr.ance ?? Number.NaN) / (mrr.random ?? Number.NaN),
    gradTrainingRatio: trainingNorms.ance / trainingNorms.random,
    gradCheckpointRatio: checkpoint.ance / checkpoint.random,
    negRank: {
      random: negativeRanksAt.random ?? Number.NaN,
      bm25: negativeRanksAt.bm25 ?? Number.NaN,
      ance: negativeRanksAt.ance ?? Number.NaN,
    },
  };
}

/** The run's results: each trained corpus's, then ANCE's throughput and the refreshes over both. */
function runResults(perCorpus: Partial<Record<CorpusId, CorpusResults>>, log: RunLog): AnceResults {
  const byCorpus = <T>(read: (r: CorpusResults) => T): Partial<Record<CorpusId, T>> => {
    const out: Partial<Record<CorpusId, T>> = {};
    for (const c of CORPORA) {
      const r = perCorpus[c];
      if (r) out[c] = read(r);
    }
    return out;
  };
  const trained = (read: (r: CorpusResults) => Partial<Record<RankerId, number>>) => ({
    countries: perCorpus.countries ? read(perCorpus.countries) : {},
    wordnet: perCorpus.wordnet ? read(perCorpus.wordnet) : {},
  });
  const refreshes = log.refreshes.length;
  const meanOver = (f: (e: RefreshEvent) => number): number =>
    refreshes > 0 ? log.refreshes.reduce((a, e) => a + f(e), 0) / refreshes : Number.NaN;
  return {
    mrr: trained((r) => r.mrr),
    recall: trained((r) => r.recall),
    mrrRatio: byCorpus((r) => r.mrrRatio),
    gradTrainingRatio: byCorpus((r) => r.gradTrainingRatio),
    gradCheckpointRatio: byCorpus((r) => r.gradCheckpointRatio),
    negRank: {
      countries: perCorpus.countries?.negRank ?? {},
      wordnet: perCorpus.wordnet?.negRank ?? {},
    },
    throughputRatio: log.throughput.rate('busy') / log.throughput.rate('idle'),
    stepsPerSecondBusy: log.throughput.rate('busy'),
    stepsPerSecondIdle: log.throughput.rate('idle'),
    docsPerSecond: meanOver((e) => e.index.docsPerSecond),
    indexBuildSeconds: meanOver((e) => e.index.buildSeconds),
    refreshes,
  };
}

/** ANCE step times, split by whether a refresh was in flight (or started) during the step. */
class ThroughputMeter {
  private readonly seconds = { busy: 0, idle: 0 };
  private readonly steps = { busy: 0, idle: 0 };

  add(ms: number, busy: boolean): void {
    const key = busy ? 'busy' : 'idle';
    this.seconds[key] += ms / 1000;
    this.steps[key] += 1;
  }

  /** Time spent outside steps that belongs to the refresh (receiving and swapping an index). */
  addBusyTime(ms: number): void {
    this.seconds.busy += ms / 1000;
  }

  rate(key: 'busy' | 'idle'): number {
    return this.seconds[key] > 0 ? this.steps[key] / this.seconds[key] : Number.NaN;
  }

  stepsOf(key: 'busy' | 'idle'): number {
    return this.steps[key];
  }
}

function mean(values: readonly number[]): number {
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
}

function round(x: number, digits = 4): number {
  return Number.isFinite(x) ? Number(x.toFixed(digits)) : Number.NaN;
}

function rankerLabel(name: RankerId): string {
  if (name === 'bm25-ranking') return 'BM25 ranking (no training)';
  if (name === 'untrained') return 'untrained encoder';
  return `trained with ${SAMPLER_LABELS[name]}`;
}

// ---------------------------------------------------------------------------------------------
// Outputs

/** The corpus's rows of the retrieval and gradient tables. */
function logCorpusRows(
  log: RunLog,
  c: CorpusId,
  results: CorpusResults,
  trainingNorms: Readonly<Record<SamplerId, number>>,
  checkpoint: Readonly<Record<SamplerId, number>>,
): void {
  log.retrievalRows.push(
    ...RANKERS.map((name) => [
      CORPUS_LABELS[c],
      rankerLabel(name),
      round(results.mrr[name] ?? Number.NaN),
      round(results.recall[name] ?? Number.NaN),
    ]),
  );
  log.gradientRows.push(
    ...SAMPLERS.map((s) => [
      CORPUS_LABELS[c],
      SAMPLER_LABELS[s],
      round(trainingNorms[s]),
      round(checkpoint[s]),
      round(results.negRank[s], 1),
    ]),
  );
}

function reportTop5(ctx: RunContext, corpus: RetrievalCorpus, evaluations: ReadonlyMap<RankerId, Evaluation>): void {
  const rows: (string | number)[][] = [];
  corpus.heldOut.slice(0, SHOWN_QUERIES).forEach((pair, q) => {
    for (const name of ['bm25-ranking', 'random', 'bm25', 'ance'] as const) {
      const evaluation = evaluations.get(name);
      if (!evaluation) continue;
      const top = evaluation.shown[q] ?? [];
      rows.push([
        pair.text,
        rankerLabel(name),
        evaluation.ranks[q] as number,
        top.map((d) => `${d === pair.positive ? '✓ ' : ''}${corpus.docs[d] ?? ''}`).join('  ‖  '),
      ]);
    }
  });
  const table: TableOutput = {
    kind: 'table',
    id: `top5-${corpus.id}`,
    title: `Top 5 for held-out queries: ${CORPUS_LABELS[corpus.id]}`,
    columns: ['query', 'ranked by', 'rank of the relevant document', 'top 5 (✓ relevant)'],
    rows,
    note: `Relevant documents: ${corpus.heldOut
      .slice(0, SHOWN_QUERIES)
      .map((p) => `“${corpus.docs[p.positive] ?? ''}”`)
      .join('; ')}.`,
  };
  ctx.output(table);
}

function reportTables(ctx: RunContext, settings: Settings, log: RunLog): void {
  ctx.output({
    kind: 'table',
    id: 'retrieval',
    title: 'Held-out retrieval at the end of training',
    columns: ['corpus', 'ranker', 'MRR@10', `Recall@${settings.recallK}`],
    rows: log.retrievalRows,
  });
  ctx.output({
    kind: 'table',
    id: 'refreshes',
    title: `Index refreshes (${settings.refreshMode})`,
    columns: [
      'corpus',
      'refresh',
      'snapshot step',
      'swapped in at step',
      'corpus encoding (docs/s)',
      'snapshot → ready (s)',
    ],
    rows: log.refreshes.map((e) => [
      CORPUS_LABELS[e.corpus],
      e.index.id,
      e.index.snapshotStep,
      e.swappedAt,
      Math.round(e.index.docsPerSecond),
      round(e.index.buildSeconds, 2),
    ]),
    note: `ANCE steps/s with a refresh in flight: ${round(log.throughput.rate('busy'), 1)} over ${log.throughput.stepsOf('busy')} steps; without: ${round(log.throughput.rate('idle'), 1)} over ${log.throughput.stepsOf('idle')} steps.`,
  });
  ctx.output({
    kind: 'table',
    id: 'gradients',
    title: 'Gradient norms ‖∇θ ℓ‖',
    columns: [
      'corpus',
      'negatives',
      'mean during training (after ANCE’s first index)',
      'at the final ANCE checkpoint',
      'median rank of its negatives',
    ],
    rows: log.gradientRows,
    note: `The checkpoint column scores the final ANCE weights on ${CHECKPOINT_BATCHES} training batches with each sampler’s negatives. The rank column places each sampler’s negatives for ${PROBE_QUERIES} training queries among all documents but the relevant one, under that sampler’s own final encoder (1 = the most confusable document).`,
  });
}
