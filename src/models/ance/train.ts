/**
 * The ANCE demo's training loop, following the official pipeline: a dual encoder is first trained
 * with BM25 negatives (the warm start), then continued with ANCE negatives from an index built by
 * the warm-started model and refreshed every m steps; for the comparison at equal budget, the same
 * warm-started model is also continued with BM25 negatives (the paper's baseline) and with random
 * negatives, for the same steps, on the same query batches.
 *
 * The pipeline, per corpus (`trainOnCorpus`), top-down:
 *   1. prepare the corpus: hashed gram tables of documents and queries, BM25 and its candidate lists;
 *   2. per cross-validation fold (`trainFold`; one fold is the file's own split):
 *      a. the references: BM25's ranking and the untrained encoder on the fold's held-out queries;
 *      b. the warm start: `warmupSteps` steps with BM25 negatives;
 *      c. three learners copied from it (weights and Adam state), one per sampler, and ANCE's first
 *         index, built from the warm-started weights;
 *      d. the lockstep loop: each step, every learner draws its negatives for the same batch and
 *         takes an Adam step on the contrastive loss; every m steps ANCE's index refresh comes due
 *         (see `AnceIndex`); every `evalEvery` steps, held-out evaluation;
 *      e. gradient norms at the final ANCE checkpoint;
 *   3. the folds pooled: every held-out query counts once, whichever fold held it out.
 *
 * The refresh schedule is fixed in steps: the index asked for after step s is swapped in after step
 * s + m, and training waits there only if it is not ready. So a run's numbers depend on its seed
 * alone, whichever thread builds the index; the `refreshMode` decides only that, and with it how
 * long the run takes. `interleaved` alternates the two from one refresh period to the next and
 * times each period (m steps of the three learners and one refresh): the measured speedup of the
 * asynchronous refresh compares the same steps and refreshes on the same machine at the same time.
 *
 * Random streams, drawn from the run's seed in this order per fold: the initial encoder, the warm
 * start's negatives, one per learner (its negatives), the training batches; the probe batch has a
 * stream of its own.
 *
 * The results it returns (`AnceResults`) are declared with the demo in ./demo.ts.
 */
import type { TableOutput } from '../../shared/outputs';
import { Rng } from '../engine/rng';
import { threadCpuSeconds } from '../engine/threadClock';
import type { RunContext } from '../types';
import { Bm25 } from './bm25';
import {
  allQueries,
  CORPORA,
  CORPUS_LABELS,
  folds as makeFolds,
  loadCorpus,
  type CorpusId,
  type Fold,
  type RetrievalCorpus,
  type RetrievalQuery,
} from './data';
import {
  type AnceConfig,
  type AnceResults,
  CHECKPOINT_BATCHES,
  claimOn,
  corpusSteps,
  type RankerId,
  RANKERS,
  RATIO_LABELS,
  RATIOS,
  type RefreshMode,
  SHOWN_QUERIES,
} from './demo';
import { copyWeights, encodeAll, initEncoder, type EncoderWeights } from './encoder';
import { evaluateBm25, evaluateEncoded, type Evaluation } from './evaluate';
import type { IndexInputs, NeighbourIndex } from './inferencer';
import { batchLoss, Gradient } from './loss';
import { encodeRows, median, negativeRanks } from './negativeRanks';
import { Adam } from './optim';
import {
  type BuilderKind,
  type IndexBuilder,
  InPlaceBuilder,
  startThreadBuilder,
  type ThreadBuilder,
} from './refresher';
import { negativesFromList, randomNegatives, SAMPLER_LABELS, SAMPLERS, type SamplerId } from './samplers';
import { mrrAt10, recallAt, topK } from './search';
import { gramTable, type GramTable } from './text';
import { interleavedSpeedup } from './timing';

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

/** One corpus as the encoders and BM25 read it; query ids refer to `queries`. */
interface CorpusData {
  readonly corpus: RetrievalCorpus;
  readonly queries: readonly RetrievalQuery[];
  readonly docGrams: GramTable;
  readonly queryGrams: GramTable;
  readonly bm25: Bm25;
  /** Per query that some fold trains on, its top documents by BM25 (those sharing a word with it). */
  readonly bm25Lists: readonly (readonly number[] | undefined)[];
  /** The queries ANCE's index finds neighbours for (every query some fold trains on), and each one's row there. */
  readonly indexInputs: IndexInputs;
  readonly indexRow: Int32Array;
}

/** One training example: a query and one of its positives. */
interface Item {
  readonly query: number;
  readonly positive: number;
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
  readonly fold: number;
  readonly index: NeighbourIndex;
  readonly builtBy: BuilderKind;
  readonly swappedAt: number;
  /** Wall time of the refresh period: from the request to the swap, m steps of every learner in between. */
  readonly periodSeconds: number;
  /**
   * Of that, the time training stood still for the index: handing the snapshot over (in place, the
   * whole build) and waiting at the swap for an index not ready yet.
   */
  readonly waitedSeconds: number;
  /**
   * The training thread's CPU time in those same stretches (in place, the build; in the second
   * thread, the hand-over and taking the index back): the refresh work left on the training thread.
   * Null without a per-thread CPU clock.
   */
  readonly trainingCpuSeconds: number | null;
}

/** What the whole run collects for its tables. */
interface RunLog {
  readonly refreshes: RefreshEvent[];
  readonly retrievalRows: (string | number)[][];
  readonly gradientRows: (string | number)[][];
}

/** What one fold contributes to its corpus's results. */
interface FoldResults {
  readonly evaluations: ReadonlyMap<RankerId, Evaluation>;
  readonly gradNorms: Readonly<Record<SamplerId, readonly number[]>>;
  readonly checkpoint: Readonly<Record<SamplerId, number>>;
  readonly negRank: Partial<Record<SamplerId, number>>;
}

/** What one corpus contributes to the results. */
interface CorpusResults {
  readonly mrr: Partial<Record<RankerId, number>>;
  readonly recall: Partial<Record<RankerId, number>>;
  readonly heldOutQueries: number;
  readonly mrrVsBm25: number;
  readonly mrrVsRandom: number;
  readonly gradTrainingRatio: number;
  readonly gradCheckpointRatio: number;
  readonly negRank: Record<SamplerId, number>;
  readonly periodSeconds: Readonly<Record<BuilderKind, number>>;
  /** In-place period time over that of its thread-built neighbours (NaN unless the periods alternate). */
  readonly refreshSpeedup: number;
  /** Share of the periods' wall time training stood still for the index, by builder. */
  readonly waitShare: Readonly<Record<BuilderKind, number>>;
  /** Mean training-thread CPU seconds a refresh cost, by builder (NaN without a per-thread clock). */
  readonly trainingCpu: Readonly<Record<BuilderKind, number>>;
}

// ---------------------------------------------------------------------------------------------
// The run

export async function train(config: AnceConfig, ctx: RunContext): Promise<AnceResults> {
  const settings = readSettings(config);
  const log: RunLog = { refreshes: [], retrievalRows: [], gradientRows: [] };
  const perCorpus: Partial<Record<CorpusId, CorpusResults>> = {};
  const builders = new Builders(settings.refreshMode);
  let offset = 0;
  try {
    for (const id of CORPORA) {
      const steps = config.steps[id];
      if (steps === 0 || ctx.aborted) continue;
      const corpus = await loadCorpus(id);
      perCorpus[id] = await trainOnCorpus(corpus, steps, config.folds[id], settings, ctx, offset, log, builders);
      offset += corpusSteps(config, id);
    }
  } finally {
    await builders.close();
  }
  const results = runResults(perCorpus, log);
  reportTables(ctx, settings, log, perCorpus);
  reportRatios(ctx, config, results);
  return results;
}

/** The index builders of the run: one refresh thread (started once, handed each corpus) and one in place per corpus. */
class Builders {
  private thread: ThreadBuilder | null = null;
  private ids = 0;

  constructor(private readonly mode: RefreshMode) {}

  /** The builders for a corpus: [thread or null, in place]. */
  async forCorpus(inputs: IndexInputs): Promise<{ thread: IndexBuilder | null; inPlace: IndexBuilder }> {
    if (this.mode !== 'blocking') {
      if (this.thread) this.thread.reset(inputs);
      else this.thread = await startThreadBuilder(inputs);
    }
    return { thread: this.thread, inPlace: new InPlaceBuilder(inputs) };
  }

  nextId(): number {
    return ++this.ids;
  }

  async close(): Promise<void> {
    await this.thread?.close();
  }
}

async function trainOnCorpus(
  corpus: RetrievalCorpus,
  steps: number,
  foldCount: number,
  settings: Settings,
  ctx: RunContext,
  offset: number,
  log: RunLog,
  builders: Builders,
): Promise<CorpusResults> {
  // 1. The corpus, and BM25.
  const folds = makeFolds(corpus, foldCount);
  const data = prepareCorpus(corpus, folds, settings);
  const { thread, inPlace } = await builders.forCorpus(data.indexInputs);

  // 2. Each fold, from its own initial encoder.
  const results: FoldResults[] = [];
  const perFold = settings.warmup + steps;
  for (let f = 0; f < folds.length && !ctx.aborted; f++) {
    const fold = folds[f] as Fold;
    const nextIndexId = (): number => builders.nextId();
    const run: FoldRun = { fold: f, offset: offset + f * perFold, steps, ctx, log, thread, inPlace, nextIndexId };
    results.push(await trainFold(data, fold, settings, run));
    if (f === 0) reportTop5(ctx, data, fold, results[0] as FoldResults);
  }

  // 3. The folds pooled.
  const pooled = poolFolds(corpus.id, results, settings, log);
  logCorpusRows(log, corpus.id, pooled, results);
  return pooled;
}

// ---------------------------------------------------------------------------------------------
// 1. The corpus

function prepareCorpus(corpus: RetrievalCorpus, folds: readonly Fold[], settings: Settings): CorpusData {
  const { buckets } = settings;
  const queries = allQueries(corpus);
  const bm25 = new Bm25(corpus.docs);
  const trained = [...new Set(folds.flatMap((f) => f.train))].sort((a, b) => a - b);
  const indexRow = new Int32Array(queries.length).fill(-1);
  trained.forEach((q, row) => (indexRow[q] = row));
  const queryGrams = gramTable(
    queries.map((q) => q.text),
    buckets,
  );
  const bm25Lists: (readonly number[] | undefined)[] = new Array<undefined>(queries.length);
  for (const q of trained) bm25Lists[q] = bm25Candidates(bm25, (queries[q] as RetrievalQuery).text, settings.topK);
  return {
    corpus,
    queries,
    docGrams: gramTable(corpus.docs, buckets),
    queryGrams,
    bm25,
    bm25Lists,
    indexInputs: {
      docGrams: gramTable(corpus.docs, buckets),
      queryGrams: gramTable(
        trained.map((q) => (queries[q] as RetrievalQuery).text),
        buckets,
      ),
      k: settings.topK,
    },
    indexRow,
  };
}

/** BM25's top `k` documents for a query, among those it scores above zero (that share a word with it). */
function bm25Candidates(bm25: Bm25, text: string, k: number): number[] {
  const scores = bm25.scores(text);
  return topK(scores, k).filter((d) => (scores[d] as number) > 0);
}

// ---------------------------------------------------------------------------------------------
// 2. One fold

interface FoldRun {
  readonly fold: number;
  /** Progress steps before this fold's first step. */
  readonly offset: number;
  /** Steps after the warm start. */
  readonly steps: number;
  readonly ctx: RunContext;
  readonly log: RunLog;
  readonly thread: IndexBuilder | null;
  readonly inPlace: IndexBuilder;
  /** Numbers the run's indices 1, 2, … */
  readonly nextIndexId: () => number;
}

async function trainFold(data: CorpusData, fold: Fold, settings: Settings, run: FoldRun): Promise<FoldResults> {
  const { ctx, steps } = run;
  const c = data.corpus.id;
  const heldRelevant = fold.heldOut.map((q) => (data.queries[q] as RetrievalQuery).relevant);
  const warmEnd = run.offset + settings.warmup;
  const report = (step: number, name: SamplerId | 'bm25-ranking', evaluation: Evaluation): void => {
    ctx.metric(step, {
      [`mrr/${c}/${name}`]: mrrAt10(evaluation.ranks),
      [`recall/${c}/${name}`]: recallAt(evaluation.ranks, settings.recallK),
    });
  };

  // a. The references: BM25's ranking and the untrained encoder.
  const evaluations = new Map<RankerId, Evaluation>();
  const bm25Eval = evaluateBm25(
    data.bm25,
    fold.heldOut.map((q) => (data.queries[q] as RetrievalQuery).text),
    heldRelevant,
    SHOWN_QUERIES,
    5,
  );
  evaluations.set('bm25-ranking', bm25Eval);
  const init = initEncoder(settings.buckets, settings.dim, new Rng(ctx.rng.seed()));
  evaluations.set('untrained', await evaluateWeights(init, data, fold));
  report(run.offset, 'bm25-ranking', bm25Eval);

  // b. The warm start: BM25 negatives from the untrained encoder.
  const items = trainingItems(data, fold);
  const warm = makeLearner('bm25', copyWeights(init), null, settings, new Rng(ctx.rng.seed()));
  const learnerSeeds = SAMPLERS.map(() => ctx.rng.seed());
  const batches = new ItemBatches(items.length, settings.batchSize, new Rng(ctx.rng.seed()));
  for (let s = 1; s <= settings.warmup && !ctx.aborted; s++) {
    const batch = batches.next().map((i) => items[i] as Item);
    const { loss, norm } = trainStep(warm, batch, data, settings, null);
    ctx.metric(run.offset + s, { [`loss/${c}/bm25`]: loss, [`grad/${c}/bm25`]: norm });
    ctx.progress(run.offset + s);
    await ctx.tick();
  }
  const warmEval = await evaluateWeights(warm.weights, data, fold);
  evaluations.set('warm-start', warmEval);

  // c. The learners, each a copy of the warm start, and ANCE's first index, from the same weights.
  const learners = SAMPLERS.map((sampler, i) =>
    makeLearner(sampler, copyWeights(warm.weights), warm.adam, settings, new Rng(learnerSeeds[i] as number)),
  );
  for (const l of learners) report(warmEnd, l.sampler, warmEval);
  const ance = learners.find((l) => l.sampler === 'ance') as Learner;
  const index = new AnceIndex(run, settings, data);
  await index.start(ance.weights);
  const probe = new NegativeProbe(data, fold, settings, ctx.seed, run.offset);
  const negRank: Partial<Record<SamplerId, number>> = {};

  // d. The lockstep loop.
  try {
    for (let s = 1; s <= steps && !ctx.aborted; s++) {
      const batch = batches.next().map((i) => items[i] as Item);
      const values: Record<string, number> = {};
      for (const learner of learners) {
        const { loss, norm } = trainStep(learner, batch, data, settings, learner === ance ? index.current : null);
        learner.gradNorms.push(norm);
        values[`loss/${c}/${learner.sampler}`] = loss;
        values[`grad/${c}/${learner.sampler}`] = norm;
      }
      ctx.metric(warmEnd + s, values);
      ctx.progress(warmEnd + s);
      await ctx.tick();
      // The end of a refresh period: the index asked for m steps ago goes in (waiting for it if need be).
      await index.swapIfDue(s);
      // The index in use as a staircase: the step of the weights it was built from.
      ctx.metric(warmEnd + s, { [`index/${c}`]: warmEnd + index.snapshotStep });
      if (s % settings.evalEvery === 0 || s === steps) {
        const ranks: Record<string, number> = {};
        for (const l of learners) {
          const { evaluation, negativeRank } = await evaluateLearner(l, data, fold, probe, index.current);
          evaluations.set(l.sampler, evaluation);
          report(warmEnd + s, l.sampler, evaluation);
          negRank[l.sampler] = negativeRank;
          ranks[`negRank/${c}/${l.sampler}`] = negativeRank;
        }
        ctx.metric(warmEnd + s, ranks);
        report(warmEnd + s, 'bm25-ranking', bm25Eval);
      }
      // The start of a refresh period: a snapshot of ANCE's weights goes to the builder.
      index.requestIfDue(s, ance.weights);
    }
  } finally {
    await index.settle();
  }

  // e. Gradient norms at the final checkpoint: the ANCE weights, the same batches, each sampler's negatives.
  const checkpoint = checkpointNorms(ance, data, items, settings, index.current, batches);
  return {
    evaluations,
    gradNorms: {
      random: learnerOf(learners, 'random').gradNorms,
      bm25: learnerOf(learners, 'bm25').gradNorms,
      ance: ance.gradNorms,
    },
    checkpoint,
    negRank,
  };
}

function learnerOf(learners: readonly Learner[], sampler: SamplerId): Learner {
  return learners.find((l) => l.sampler === sampler) as Learner;
}

/** Every (query, positive) pair of the fold's training queries. */
function trainingItems(data: CorpusData, fold: Fold): Item[] {
  return fold.train.flatMap((query) =>
    (data.queries[query] as RetrievalQuery).positives.map((positive) => ({ query, positive })),
  );
}

/** A learner on `weights`, continuing `from`'s Adam state when given. */
function makeLearner(
  sampler: SamplerId,
  weights: EncoderWeights,
  from: Adam | null,
  settings: Settings,
  rng: Rng,
): Learner {
  return {
    sampler,
    weights,
    adam: from ? from.continueWith(weights) : new Adam(weights, settings.learningRate),
    grad: new Gradient(weights),
    rng,
    gradNorms: [],
  };
}

/** Training batches: indices of the training items, reshuffled each time they run out, `size` at a time. */
class ItemBatches {
  private order: number[] = [];

  constructor(
    private readonly count: number,
    private readonly size: number,
    private readonly rng: Rng,
  ) {}

  next(): number[] {
    const batch: number[] = [];
    while (batch.length < this.size) {
      if (this.order.length === 0) this.order = this.rng.shuffle(Array.from({ length: this.count }, (_, i) => i));
      batch.push(this.order.pop() as number);
    }
    return batch;
  }
}

// ---------------------------------------------------------------------------------------------
// ANCE's index and its refreshes

/**
 * The index the ANCE learner draws its negatives from (equation `async-refresh`): the first one
 * from the warm-started weights, built before the first step; then, after every m-th step s (while
 * s + m ≤ steps), a snapshot of ANCE's weights goes to a builder, and the index it yields is swapped
 * in after step s + m, training waiting there if it is not ready. In `interleaved` mode the refresh
 * periods alternate between the thread (first) and in place, and each period is timed.
 */
class AnceIndex {
  private index: NeighbourIndex | null = null;
  private pending: {
    readonly promise: Promise<NeighbourIndex>;
    readonly builtBy: BuilderKind;
    readonly step: number;
    readonly started: number;
    readonly handOverSeconds: number;
    readonly handOverCpu: number | null;
  } | null = null;
  private periods = 0;

  constructor(
    private readonly run: FoldRun,
    private readonly settings: Settings,
    private readonly data: CorpusData,
  ) {}

  /** The index in use. */
  get current(): NeighbourIndex | null {
    return this.index;
  }

  /** The step (after the warm start) of the weights the index in use was built from. */
  get snapshotStep(): number {
    return this.index?.snapshotStep ?? 0;
  }

  /** Builds the first index from the warm-started weights, before the first step. */
  async start(weights: EncoderWeights): Promise<void> {
    this.index = await this.builder(0).build(this.nextId(), 0, weights);
  }

  /** After step `step`: swaps in the index asked for m steps ago, if one was. */
  async swapIfDue(step: number): Promise<void> {
    const pending = this.pending;
    if (!pending || step < pending.step + this.settings.refreshEvery) return;
    const t0 = performance.now();
    const cpu0 = threadCpuSeconds();
    const index = await pending.promise;
    const now = performance.now();
    const cpu1 = threadCpuSeconds();
    // Training stood still for the index twice: handing the snapshot over (in place: building it) and waiting here.
    const waited = pending.handOverSeconds + (now - t0) / 1000;
    const trainingCpu =
      pending.handOverCpu === null || cpu0 === null || cpu1 === null ? null : pending.handOverCpu + (cpu1 - cpu0);
    this.pending = null;
    this.index = index;
    const c = this.data.corpus.id;
    this.run.log.refreshes.push({
      corpus: c,
      fold: this.run.fold,
      index,
      builtBy: pending.builtBy,
      swappedAt: step,
      periodSeconds: (now - pending.started) / 1000,
      waitedSeconds: waited,
      trainingCpuSeconds: trainingCpu,
    });
  }

  /** After step `step` (and its evaluation): asks for the next index when one is due. */
  requestIfDue(step: number, weights: EncoderWeights): void {
    const m = this.settings.refreshEvery;
    if (this.pending || step % m !== 0 || step + m > this.run.steps) return;
    const builder = this.builder(this.periods++);
    const started = performance.now();
    const cpu0 = threadCpuSeconds();
    // I_t = { g_θs(d) : d ∈ C }: the corpus re-encoded with the weights of step s, here or in the second thread
    // @paper ance async-refresh
    const promise = builder.build(this.nextId(), step, weights);
    const handOverSeconds = (performance.now() - started) / 1000;
    const cpu1 = threadCpuSeconds();
    const handOverCpu = cpu0 === null || cpu1 === null ? null : cpu1 - cpu0;
    this.pending = { promise, builtBy: builder.kind, step, started, handOverSeconds, handOverCpu };
  }

  /** Waits out a refresh still in flight (a run stopped early), so that nothing outlives the fold. */
  async settle(): Promise<void> {
    const pending = this.pending;
    this.pending = null;
    if (pending) await pending.promise.catch(() => undefined);
  }

  private builder(period: number): IndexBuilder {
    const { thread, inPlace } = this.run;
    const mode = this.settings.refreshMode;
    if (!thread || mode === 'blocking') return inPlace;
    return mode === 'async' || period % 2 === 0 ? thread : inPlace;
  }

  private nextId(): number {
    return this.run.nextIndexId();
  }
}

// ---------------------------------------------------------------------------------------------
// Negatives, one training step, evaluation

/** Negatives of one training example for a sampler (ANCE without an index draws at random). */
function negativesFor(
  sampler: SamplerId,
  rng: Rng,
  item: Item,
  data: CorpusData,
  n: number,
  index: NeighbourIndex | null,
): number[] {
  const corpusSize = data.corpus.docs.length;
  const relevant = (data.queries[item.query] as RetrievalQuery).relevant;
  if (sampler === 'bm25') return negativesFromList(rng, data.bm25Lists[item.query] ?? [], corpusSize, relevant, n);
  if (sampler === 'ance' && index) {
    const row = data.indexRow[item.query] as number;
    const list = index.neighbours.subarray(row * index.k, (row + 1) * index.k);
    return negativesFromList(rng, list, corpusSize, relevant, n);
  }
  return randomNegatives(rng, corpusSize, relevant, n);
}

/** Per example of the batch, its candidates: the positive, then the sampler's negatives. */
function candidatesFor(
  sampler: SamplerId,
  rng: Rng,
  batch: readonly Item[],
  data: CorpusData,
  settings: Settings,
  index: NeighbourIndex | null,
): number[][] {
  return batch.map((item) => [item.positive, ...negativesFor(sampler, rng, item, data, settings.negatives, index)]);
}

/** One step of one learner: its negatives for the batch, the loss and its gradient, an Adam step. */
function trainStep(
  learner: Learner,
  batch: readonly Item[],
  data: CorpusData,
  settings: Settings,
  index: NeighbourIndex | null,
): { loss: number; norm: number } {
  const candidates = candidatesFor(learner.sampler, learner.rng, batch, data, settings, index);
  learner.grad.clear();
  // θ* = argmin_θ Σ_q Σ_{d⁺ ∈ D⁺} Σ_{d⁻ ∈ D⁻} ℓ( f(q, d⁺), f(q, d⁻) ): one stochastic step on a batch of queries,
  // each with its positive and the learner's negatives D⁻
  // @paper ance training-objective
  const loss = batchLoss(
    learner.weights,
    data.queryGrams,
    data.docGrams,
    { queries: batch.map((item) => item.query), candidates },
    settings.tau,
    learner.grad,
  );
  const norm = learner.grad.norm();
  learner.adam.step(learner.grad);
  return { loss, norm };
}

/**
 * A fixed probe batch of the fold's training examples, with its own random stream, for the ranks of
 * the negatives each sampler draws: drawing them must not move the training streams.
 */
class NegativeProbe {
  private readonly rng: Rng;
  private readonly items: Item[];

  constructor(
    private readonly data: CorpusData,
    fold: Fold,
    private readonly settings: Settings,
    seed: number,
    offset: number,
  ) {
    const items = trainingItems(data, fold);
    this.rng = new Rng((Math.imul(seed + 1, 0x9e3779b1) + offset) >>> 0);
    this.items = this.rng.sample(items.length, Math.min(PROBE_QUERIES, items.length)).map((i) => items[i] as Item);
  }

  /** Median rank of the learner's negatives for the probe examples, under its encoder (`docs`: the encoded corpus). */
  medianRank(learner: Learner, docs: Float32Array, index: NeighbourIndex | null): number {
    const negatives = this.items.map((item) =>
      negativesFor(learner.sampler, this.rng, item, this.data, this.settings.negatives, index),
    );
    const queries = encodeRows(
      learner.weights,
      this.data.queryGrams,
      this.items.map((item) => item.query),
    );
    const relevant = this.items.map((item) => (this.data.queries[item.query] as RetrievalQuery).relevant);
    // D⁻_ANCE = ANN_{f(q, d)} \ D⁺: how high the drawn negatives rank among all documents but the relevant ones
    // @paper ance ance-negatives
    return median(negativeRanks(queries, docs, this.settings.dim, relevant, negatives));
  }
}

/** Held-out retrieval of an encoder over the whole corpus, from the encoded corpus `docs`. */
function evaluateDocs(w: EncoderWeights, docs: Float32Array, data: CorpusData, fold: Fold): Promise<Evaluation> {
  const queries = encodeRows(w, data.queryGrams, fold.heldOut);
  const relevant = fold.heldOut.map((q) => (data.queries[q] as RetrievalQuery).relevant);
  return evaluateEncoded(docs, queries, w.dim, relevant, SHOWN_QUERIES, 5);
}

function evaluateWeights(w: EncoderWeights, data: CorpusData, fold: Fold): Promise<Evaluation> {
  return evaluateDocs(w, encodeAll(w, data.docGrams), data, fold);
}

/** Held-out retrieval of a learner, and the rank of the negatives it draws. */
async function evaluateLearner(
  learner: Learner,
  data: CorpusData,
  fold: Fold,
  probe: NegativeProbe,
  index: NeighbourIndex | null,
): Promise<{ evaluation: Evaluation; negativeRank: number }> {
  const docs = encodeAll(learner.weights, data.docGrams);
  const evaluation = await evaluateDocs(learner.weights, docs, data, fold);
  return { evaluation, negativeRank: probe.medianRank(learner, docs, index) };
}

// ---------------------------------------------------------------------------------------------
// e. Gradient norms at the final checkpoint

/** Mean ‖∇ℓ‖ over CHECKPOINT_BATCHES batches at the ANCE learner's weights, for each sampler's negatives. */
function checkpointNorms(
  ance: Learner,
  data: CorpusData,
  items: readonly Item[],
  settings: Settings,
  index: NeighbourIndex | null,
  batches: ItemBatches,
): Record<SamplerId, number> {
  const grad = new Gradient(ance.weights);
  const sums: Record<SamplerId, number> = { random: 0, bm25: 0, ance: 0 };
  const rng = new Rng(ance.rng.seed());
  for (let b = 0; b < CHECKPOINT_BATCHES; b++) {
    const batch = batches.next().map((i) => items[i] as Item);
    for (const sampler of SAMPLERS) {
      const candidates = candidatesFor(sampler, rng, batch, data, settings, sampler === 'ance' ? index : null);
      grad.clear();
      const queries = batch.map((item) => item.query);
      batchLoss(ance.weights, data.queryGrams, data.docGrams, { queries, candidates }, settings.tau, grad);
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
// 3. Results

/** The folds pooled: ranks concatenated (each held-out query once), norms averaged. */
function poolFolds(corpus: CorpusId, folds: readonly FoldResults[], settings: Settings, log: RunLog): CorpusResults {
  const mrr: Partial<Record<RankerId, number>> = {};
  const recall: Partial<Record<RankerId, number>> = {};
  let heldOutQueries = 0;
  for (const name of RANKERS) {
    const parts = folds.map((f) => f.evaluations.get(name)?.ranks).filter((r): r is Int32Array => r !== undefined);
    if (parts.length < folds.length || parts.length === 0) continue;
    const ranks = parts.flatMap((r) => Array.from(r));
    mrr[name] = mrrAt10(ranks);
    recall[name] = recallAt(ranks, settings.recallK);
    heldOutQueries = ranks.length;
  }
  const trainingNorm = (s: SamplerId): number => mean(folds.flatMap((f) => f.gradNorms[s]));
  const checkpointNorm = (s: SamplerId): number => mean(folds.map((f) => f.checkpoint[s]));
  const negRank = (s: SamplerId): number => mean(folds.map((f) => f.negRank[s] ?? Number.NaN));
  const events = log.refreshes.filter((e) => e.corpus === corpus);
  const periods = (kind: BuilderKind): number =>
    mean(events.filter((e) => e.builtBy === kind).map((e) => e.periodSeconds));
  const sequences = folds.map((_, f) =>
    events.filter((e) => e.fold === f).map((e) => ({ builtBy: e.builtBy, seconds: e.periodSeconds })),
  );
  return {
    mrr,
    recall,
    heldOutQueries,
    mrrVsBm25: (mrr.ance ?? Number.NaN) / (mrr.bm25 ?? Number.NaN),
    mrrVsRandom: (mrr.ance ?? Number.NaN) / (mrr.random ?? Number.NaN),
    gradTrainingRatio: trainingNorm('ance') / trainingNorm('random'),
    gradCheckpointRatio: checkpointNorm('ance') / checkpointNorm('random'),
    negRank: { random: negRank('random'), bm25: negRank('bm25'), ance: negRank('ance') },
    periodSeconds: { thread: periods('thread'), 'in-place': periods('in-place') },
    refreshSpeedup: interleavedSpeedup(sequences),
    waitShare: { thread: waitShare(events, 'thread'), 'in-place': waitShare(events, 'in-place') },
    trainingCpu: { thread: trainingCpu(events, 'thread'), 'in-place': trainingCpu(events, 'in-place') },
  };
}

/** The run's results: each trained corpus's, and the refreshes over both. */
function runResults(perCorpus: Partial<Record<CorpusId, CorpusResults>>, log: RunLog): AnceResults {
  const byCorpus = <T>(read: (r: CorpusResults) => T): Partial<Record<CorpusId, T>> => {
    const out: Partial<Record<CorpusId, T>> = {};
    for (const c of CORPORA) {
      const r = perCorpus[c];
      if (r) out[c] = read(r);
    }
    return out;
  };
  const perRanker = (read: (r: CorpusResults) => Partial<Record<RankerId, number>>) => ({
    countries: perCorpus.countries ? read(perCorpus.countries) : {},
    wordnet: perCorpus.wordnet ? read(perCorpus.wordnet) : {},
  });
  const refreshes = log.refreshes.length;
  const meanOver = (f: (e: RefreshEvent) => number): number => mean(log.refreshes.map(f));
  return {
    mrr: perRanker((r) => r.mrr),
    recall: perRanker((r) => r.recall),
    heldOutQueries: byCorpus((r) => r.heldOutQueries),
    mrrVsBm25: byCorpus((r) => r.mrrVsBm25),
    mrrVsRandom: byCorpus((r) => r.mrrVsRandom),
    gradTrainingRatio: byCorpus((r) => r.gradTrainingRatio),
    gradCheckpointRatio: byCorpus((r) => r.gradCheckpointRatio),
    negRank: {
      countries: perCorpus.countries?.negRank ?? {},
      wordnet: perCorpus.wordnet?.negRank ?? {},
    },
    refreshSpeedup: byCorpus((r) => r.refreshSpeedup),
    waitShareThread: byCorpus((r) => r.waitShare.thread),
    waitShareInPlace: byCorpus((r) => r.waitShare['in-place']),
    refreshWaitRatio: byCorpus((r) => r.waitShare.thread / r.waitShare['in-place']),
    refreshCpuRatio: byCorpus((r) => r.trainingCpu.thread / r.trainingCpu['in-place']),
    refreshCpuThread: byCorpus((r) => r.trainingCpu.thread),
    refreshCpuInPlace: byCorpus((r) => r.trainingCpu['in-place']),
    periodSecondsInPlace: byCorpus((r) => r.periodSeconds['in-place']),
    periodSecondsThread: byCorpus((r) => r.periodSeconds.thread),
    docsPerSecond: meanOver((e) => e.index.docsPerSecond),
    indexBuildSeconds: meanOver((e) => e.index.buildSeconds),
    refreshes,
  };
}

/** Σ time training stood still for the index ÷ Σ wall time, over the refresh periods built by `kind`. */
function waitShare(events: readonly RefreshEvent[], kind: BuilderKind): number {
  const of = events.filter((e) => e.builtBy === kind);
  const period = of.reduce((a, e) => a + e.periodSeconds, 0);
  return period > 0 ? of.reduce((a, e) => a + e.waitedSeconds, 0) / period : Number.NaN;
}

/** Mean training-thread CPU seconds of the refreshes built by `kind`; NaN if any went unmeasured. */
function trainingCpu(events: readonly RefreshEvent[], kind: BuilderKind): number {
  const cpu = events.filter((e) => e.builtBy === kind).map((e) => e.trainingCpuSeconds);
  return cpu.every((c): c is number => c !== null) ? mean(cpu) : Number.NaN;
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
  if (name === 'warm-start') return 'BM25-negative warm start (where the three continue from)';
  return `continued with ${SAMPLER_LABELS[name]}`;
}

// ---------------------------------------------------------------------------------------------
// Outputs

/** The corpus's rows of the retrieval and gradient tables. */
function logCorpusRows(log: RunLog, c: CorpusId, results: CorpusResults, folds: readonly FoldResults[]): void {
  log.retrievalRows.push(
    ...RANKERS.map((name) => [
      CORPUS_LABELS[c],
      rankerLabel(name),
      round(results.mrr[name] ?? Number.NaN),
      round(results.recall[name] ?? Number.NaN),
      results.heldOutQueries,
    ]),
  );
  const trainingNorm = (s: SamplerId): number => mean(folds.flatMap((f) => f.gradNorms[s]));
  const checkpointNorm = (s: SamplerId): number => mean(folds.map((f) => f.checkpoint[s]));
  log.gradientRows.push(
    ...SAMPLERS.map((s) => [
      CORPUS_LABELS[c],
      SAMPLER_LABELS[s],
      round(trainingNorm(s)),
      round(checkpointNorm(s)),
      round(results.negRank[s], 1),
    ]),
  );
}

function reportTop5(ctx: RunContext, data: CorpusData, fold: Fold, results: FoldResults): void {
  const { corpus } = data;
  const rows: (string | number)[][] = [];
  const shown = fold.heldOut.slice(0, SHOWN_QUERIES).map((q) => data.queries[q] as RetrievalQuery);
  shown.forEach((query, q) => {
    for (const name of ['bm25-ranking', 'warm-start', 'random', 'bm25', 'ance'] as const) {
      const evaluation = results.evaluations.get(name);
      if (!evaluation) continue;
      const top = evaluation.shown[q] ?? [];
      rows.push([
        query.text,
        rankerLabel(name),
        evaluation.ranks[q] as number,
        top.map((d) => `${query.relevant.includes(d) ? '✓ ' : ''}${corpus.docs[d] ?? ''}`).join('  ‖  '),
      ]);
    }
  });
  const table: TableOutput = {
    kind: 'table',
    id: `top5-${corpus.id}`,
    title: `Top 5 for held-out queries: ${CORPUS_LABELS[corpus.id]}`,
    columns: ['query', 'ranked by', 'rank of the first relevant document', 'top 5 (✓ relevant)'],
    rows,
    note: `Relevant documents: ${shown.map((query) => query.relevant.map((d) => `“${corpus.docs[d] ?? ''}”`).join(' or ')).join('; ')}.`,
  };
  ctx.output(table);
}

function reportTables(
  ctx: RunContext,
  settings: Settings,
  log: RunLog,
  perCorpus: Partial<Record<CorpusId, CorpusResults>>,
): void {
  ctx.output({
    kind: 'table',
    id: 'retrieval',
    title: 'Held-out retrieval at the end of training',
    columns: ['corpus', 'ranker', 'MRR@10', `Recall@${settings.recallK}`, 'held-out queries'],
    rows: log.retrievalRows,
    note: 'With several folds, each query is held out by one fold and ranked by that fold’s encoders; the figures pool every query once. A query’s relevant documents are all those paired with its text; MRR@10 and Recall@k count the first relevant one.',
  });
  const periodSummary = CORPORA.filter((c) => perCorpus[c]).map((c) => {
    const r = perCorpus[c] as CorpusResults;
    const kinds = (['in-place', 'thread'] as const).filter((kind) => Number.isFinite(r.periodSeconds[kind]));
    const parts = kinds.map(
      (kind) =>
        `${kind === 'thread' ? 'in the second thread' : 'in place'} ${round(r.periodSeconds[kind], 2)} s (training stood still ${round(100 * r.waitShare[kind], 1)}% of it)`,
    );
    return `${CORPUS_LABELS[c]}: ${parts.length > 0 ? parts.join(', ') : 'no refresh period'}`;
  });
  ctx.output({
    kind: 'table',
    id: 'refreshes',
    title: `Index refreshes (${settings.refreshMode}), every ${settings.refreshEvery} steps`,
    columns: [
      'corpus',
      'fold',
      'refresh',
      'built',
      'snapshot step',
      'swapped in after step',
      'period (s)',
      'training stood still for it (s)',
      'training thread CPU on it (ms)',
      'corpus encoding (docs/s)',
      'snapshot → ready (s)',
    ],
    rows: log.refreshes.map((e) => [
      CORPUS_LABELS[e.corpus],
      e.fold + 1,
      e.index.id,
      e.builtBy === 'thread' ? 'in the second thread' : 'in place (training waits)',
      e.index.snapshotStep,
      e.swappedAt,
      round(e.periodSeconds, 3),
      round(e.waitedSeconds, 3),
      e.trainingCpuSeconds === null ? '—' : round(1000 * e.trainingCpuSeconds, 1),
      Math.round(e.index.docsPerSecond),
      round(e.index.buildSeconds, 3),
    ]),
    note: `A period runs from the snapshot to the swap: ${settings.refreshEvery} steps of every learner and one index build. Steps counted after the warm start; each fold’s first index (from the warm start, built before its first step) is not listed. Mean period wall time — ${periodSummary.join('; ')}.`,
  });
  ctx.output({
    kind: 'table',
    id: 'gradients',
    title: 'Gradient norms ‖∇θ ℓ‖',
    columns: [
      'corpus',
      'negatives',
      'mean during training (after the warm start)',
      'at the final ANCE checkpoint',
      'median rank of its negatives',
    ],
    rows: log.gradientRows,
    note: `The checkpoint column scores the final ANCE weights on ${CHECKPOINT_BATCHES} training batches with each sampler’s negatives (averaged over folds). The rank column places each sampler’s negatives for ${PROBE_QUERIES} training examples among all documents but the relevant ones, under that sampler’s own final encoder (1 = the most confusable document).`,
  });
}

/** Every ratio of ANCE to a baseline the run measured, and which a claim holds to a target in this run. */
function reportRatios(ctx: RunContext, config: AnceConfig, results: AnceResults): void {
  const rows: (string | number)[][] = [];
  for (const c of CORPORA) {
    if (config.steps[c] === 0) continue;
    for (const ratio of RATIOS) {
      const value = results[ratio][c];
      // Timing ratios exist only when the periods alternate between the two builders.
      if (value === undefined || Number.isNaN(value)) continue;
      const claim = claimOn(config, ratio, c);
      rows.push([
        CORPUS_LABELS[c],
        RATIO_LABELS[ratio],
        round(value, 3),
        claim ? `claim ${claim.id}: ${claim.target}` : 'measurement (no target at this scale)',
      ]);
    }
  }
  ctx.output({
    kind: 'table',
    id: 'ratios',
    title: 'ANCE against its baselines',
    columns: ['corpus', 'ratio', 'measured', 'held to'],
    rows,
    note: 'Targets were calibrated at seeds 0–2 of the quick preset (the WordNet gradient targets at 1000 steps of 64 queries). A measurement has no target here: it is shown, not judged.',
  });
}
