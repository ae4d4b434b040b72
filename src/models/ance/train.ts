/**
 * The ANCE demo's training loop. On each corpus, three copies of the same initial encoder train in
 * lockstep on the same query batches and differ only in their negatives (random, BM25, ANCE). The
 * ANCE copy trains with random negatives for a warm start, then asks its refresher for an index
 * every m steps; with the asynchronous refresher a second thread builds it while the three copies
 * keep training, and it is swapped in when complete. The step at which an index arrives depends on
 * the machine, so with the asynchronous refresher ANCE's numbers vary a little between runs of the
 * same seed; the blocking refresher (config `refreshMode`) is deterministic.
 *
 * Results (read by the claims; <c> is `countries` or `wordnet`):
 *   mrr.<c>.<sampler>, recall.<c>.<sampler>   held-out MRR@10 and Recall@k at the end (sampler: random, bm25,
 *                                             ance, bm25-ranking, untrained)
 *   mrrRatio.<c>                              mrr ANCE / mrr random
 *   gradTrainingRatio.<c>                     mean ‖∇ℓ‖ of ANCE / of random over the steps after ANCE's first index
 *   gradCheckpointRatio.<c>                   at the final ANCE weights, mean ‖∇ℓ‖ with ANCE negatives / with random
 *                                             negatives over the same training batches
 *   negRank.<c>.<sampler>                     median rank of the sampler's negatives under its own final
 *                                             encoder, among all documents but the positive (a probe batch)
 *   throughputRatio                           ANCE steps/s with a refresh in flight / without (both corpora)
 *   docsPerSecond, indexBuildSeconds          mean corpus encoding rate and snapshot-to-ready time of the refreshes
 *   refreshes                                 indices swapped in
 */
import type { DemoConfig, RunResults } from '../../shared/catalog';
import type { TableOutput } from '../../shared/outputs';
import { Rng } from '../engine/rng';
import type { DemoRun, RunContext } from '../types';
import { Bm25 } from './bm25';
import { CORPORA, CORPUS_LABELS, loadCorpus, type CorpusId, type RetrievalCorpus } from './data';
import { CHECKPOINT_BATCHES, SHOWN_QUERIES, stepsFor, type RefreshMode } from './demo';
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

function readSettings(config: DemoConfig): Settings {
  const num = (key: string): number => Number(config[key]);
  return {
    batchSize: num('batchSize'),
    negatives: num('negatives'),
    tau: num('temperature'),
    learningRate: num('learningRate'),
    dim: num('dim'),
    buckets: 2 ** num('hashBits'),
    warmup: num('warmupSteps'),
    refreshEvery: num('refreshEvery'),
    refreshMode: config['refreshMode'] === 'blocking' ? 'blocking' : 'async',
    topK: num('topK'),
    evalEvery: num('evalEvery'),
    recallK: num('recallK'),
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

export const runAnce: DemoRun = async (config, ctx) => {
  const settings = readSettings(config);
  const log: RunLog = { throughput: new ThroughputMeter(), refreshes: [], retrievalRows: [], gradientRows: [] };
  const results: Record<string, number> = {};
  let offset = 0;
  for (const id of CORPORA) {
    const steps = stepsFor(config, id);
    if (steps === 0 || ctx.aborted) continue;
    const corpus = await loadCorpus(id);
    Object.assign(results, await trainOnCorpus(corpus, steps, settings, ctx, offset, log));
    offset += steps;
  }
  reportTables(ctx, settings, log);
  const refreshes = log.refreshes.length;
  const mean = (f: (e: RefreshEvent) => number): number =>
    refreshes > 0 ? log.refreshes.reduce((a, e) => a + f(e), 0) / refreshes : Number.NaN;
  return {
    ...results,
    throughputRatio: log.throughput.rate('busy') / log.throughput.rate('idle'),
    stepsPerSecondBusy: log.throughput.rate('busy'),
    stepsPerSecondIdle: log.throughput.rate('idle'),
    docsPerSecond: mean((e) => e.index.docsPerSecond),
    indexBuildSeconds: mean((e) => e.index.buildSeconds),
    refreshes,
  };
};

/** Negatives of one training query for a sampler. */
function negativesFor(
  learner: Learner,
  query: number,
  positive: number,
  corpusSize: number,
  settings: Settings,
  bm25Lists: readonly (readonly number[])[],
  index: NeighbourIndex | null,
): number[] {
  const n = settings.negatives;
  if (learner.sampler === 'bm25') {
    return negativesFromList(learner.rng, bm25Lists[query] ?? [], corpusSize, positive, n);
  }
  if (learner.sampler === 'ance' && index) {
    const list = index.neighbours.subarray(query * index.k, (query + 1) * index.k);
    return negativesFromList(learner.rng, list, corpusSize, positive, n);
  }
  return randomNegatives(learner.rng, corpusSize, positive, n);
}

async function trainOnCorpus(
  corpus: RetrievalCorpus,
  steps: number,
  settings: Settings,
  ctx: RunContext,
  offset: number,
  log: RunLog,
): Promise<RunResults> {
  const c = corpus.id;
  const { buckets, dim, batchSize, tau } = settings;
  const docGrams = gramTable(corpus.docs, buckets);
  const trainGrams = gramTable(
    corpus.train.map((p) => p.text),
    buckets,
  );
  const heldGrams = gramTable(
    corpus.heldOut.map((p) => p.text),
    buckets,
  );
  const trainPositives = corpus.train.map((p) => p.positive);
  const heldPositives = corpus.heldOut.map((p) => p.positive);
  const corpusSize = corpus.docs.length;

  // BM25: the candidates of the BM25 sampler, and the untrained reference ranking.
  const bm25 = new Bm25(corpus.docs);
  const bm25Lists = corpus.train.map((p) => topK(bm25.scores(p.text), settings.topK));
  const evaluations = new Map<string, Evaluation>();
  evaluations.set(
    'bm25-ranking',
    evaluateBm25(
      bm25,
      corpus.heldOut.map((p) => p.text),
      heldPositives,
      SHOWN_QUERIES,
      5,
    ),
  );

  const init = initEncoder(buckets, dim, new Rng(ctx.rng.seed()));
  evaluations.set('untrained', await evaluateEncoder(init, docGrams, heldGrams, heldPositives, SHOWN_QUERIES, 5));
  const learners: Learner[] = SAMPLERS.map((sampler) => {
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
  const ance = learners.find((l) => l.sampler === 'ance') as Learner;
  const batchRng = new Rng(ctx.rng.seed());

  const report = (step: number, name: string, evaluation: Evaluation): void => {
    ctx.metric(step, {
      [`mrr/${c}/${name}`]: mrrAt10(evaluation.ranks),
      [`recall/${c}/${name}`]: recallAt(evaluation.ranks, settings.recallK),
    });
  };
  const bm25Eval = evaluations.get('bm25-ranking') as Evaluation;
  report(0, 'bm25-ranking', bm25Eval);
  const untrained = evaluations.get('untrained') as Evaluation;
  for (const l of learners) report(0, l.sampler, untrained);

  const inputs = { docGrams, queryGrams: trainGrams, k: settings.topK };
  const refresher: IndexRefresher =
    settings.refreshMode === 'async' ? await startAsyncRefresher(inputs) : new BlockingRefresher(inputs);
  let step = 0;
  let firstIndexStep: number | null = null;
  refresher.onSwap((index) => {
    firstIndexStep ??= step;
    log.refreshes.push({ corpus: c, index, swappedAt: step });
    ctx.metric(step, { [`index/${c}`]: index.snapshotStep });
  });

  let nextRefresh = settings.warmup;
  let order: number[] = [];
  const nextBatch = (): number[] => {
    const batch: number[] = [];
    while (batch.length < batchSize) {
      if (order.length === 0) order = batchRng.shuffle(corpus.train.map((_, i) => i));
      batch.push(order.pop() as number);
    }
    return batch;
  };
  // A fixed probe batch, and its own random stream, for the ranks of sampled negatives: drawing them
  // must not move the training streams.
  const probeRng = new Rng((Math.imul(ctx.seed + 1, 0x9e3779b1) + offset) >>> 0);
  const probe = probeRng.sample(corpus.train.length, Math.min(PROBE_QUERIES, corpus.train.length));
  const probePositives = probe.map((q) => trainPositives[q] as number);
  const negativeRank = (l: Learner, docs: Float32Array): number => {
    const sampler: Learner = { ...l, rng: probeRng };
    const index = l === ance ? refresher.current : null;
    const negatives = probe.map((q, i) =>
      negativesFor(sampler, q, probePositives[i] as number, corpusSize, settings, bm25Lists, index),
    );
    const queries = encodeRows(l.weights, trainGrams, probe);
    // @paper ance ance-negatives
    return median(negativeRanks(queries, docs, dim, probePositives, negatives));
  };
  const negativeRanksAt: Partial<Record<SamplerId, number>> = {};

  const candidatesFor = (learner: Learner, batch: readonly number[], index: NeighbourIndex | null): number[][] =>
    batch.map((q) => {
      const positive = trainPositives[q] as number;
      return [positive, ...negativesFor(learner, q, positive, corpusSize, settings, bm25Lists, index)];
    });

  try {
    for (step = 1; step <= steps && !ctx.aborted; step++) {
      const batch = nextBatch();
      const values: Record<string, number> = {};
      for (const learner of learners) {
        const isAnce = learner === ance;
        const busyBefore = isAnce && refresher.busy;
        const t0 = performance.now();
        const index = isAnce ? refresher.current : null;
        const candidates = candidatesFor(learner, batch, index);
        learner.grad.clear();
        // @paper ance training-objective
        const loss = batchLoss(
          learner.weights,
          trainGrams,
          docGrams,
          { queries: batch, candidates },
          tau,
          learner.grad,
        );
        const norm = learner.grad.norm();
        learner.adam.step(learner.grad);
        let requested = false;
        if (isAnce && step >= nextRefresh && step < steps && !refresher.busy) {
          requested = refresher.request(step, learner.weights);
          if (requested) nextRefresh = step + settings.refreshEvery;
        }
        if (isAnce) log.throughput.add(performance.now() - t0, busyBefore || requested || refresher.busy);
        learner.gradNorms.push(norm);
        values[`loss/${c}/${learner.sampler}`] = loss;
        values[`grad/${c}/${learner.sampler}`] = norm;
      }
      // The index in use as a staircase: the snapshot step it was built from, at every step once there is one.
      if (refresher.current) values[`index/${c}`] = refresher.current.snapshotStep;
      ctx.metric(step, values);
      if (refresher.busy) {
        // Let a finished index through (the swap happens in the message handler).
        const t0 = performance.now();
        await yieldToEvents();
        log.throughput.addBusyTime(performance.now() - t0);
      }
      if (step % settings.evalEvery === 0 || step === steps) {
        const ranks: Record<string, number> = {};
        for (const l of learners) {
          const docs = encodeAll(l.weights, docGrams);
          const queries = encodeAll(l.weights, heldGrams);
          const evaluation = await evaluateEncoded(docs, queries, dim, heldPositives, SHOWN_QUERIES, 5);
          evaluations.set(l.sampler, evaluation);
          report(step, l.sampler, evaluation);
          negativeRanksAt[l.sampler] = negativeRank(l, docs);
          ranks[`negRank/${c}/${l.sampler}`] = negativeRanksAt[l.sampler] as number;
        }
        ctx.metric(step, ranks);
        report(step, 'bm25-ranking', bm25Eval);
      }
      ctx.progress(offset + step);
      await ctx.tick();
    }
    step = Math.min(step, steps);
  } finally {
    await refresher.close();
  }

  // Gradient norms at the final checkpoint: the ANCE weights, the same batches, ANCE vs random negatives.
  const checkpoint = checkpointNorms(
    ance,
    batchSize,
    corpus,
    trainGrams,
    docGrams,
    settings,
    bm25Lists,
    refresher,
    () => nextBatch(),
  );
  const from = firstIndexStep ?? Number.POSITIVE_INFINITY;
  const meanAfter = (l: Learner): number => mean(l.gradNorms.slice(from));
  const trainingNorms = Object.fromEntries(learners.map((l) => [l.sampler, meanAfter(l)])) as Record<SamplerId, number>;

  const results: Record<string, number> = {};
  for (const [name, evaluation] of evaluations) {
    results[`mrr.${c}.${name}`] = mrrAt10(evaluation.ranks);
    results[`recall.${c}.${name}`] = recallAt(evaluation.ranks, settings.recallK);
  }
  results[`mrrRatio.${c}`] = (results[`mrr.${c}.ance`] as number) / (results[`mrr.${c}.random`] as number);
  results[`gradTrainingRatio.${c}`] = trainingNorms.ance / trainingNorms.random;
  results[`gradCheckpointRatio.${c}`] = checkpoint.ance / checkpoint.random;
  for (const s of SAMPLERS) results[`negRank.${c}.${s}`] = negativeRanksAt[s] ?? Number.NaN;

  log.retrievalRows.push(
    ...['random', 'bm25', 'ance', 'bm25-ranking', 'untrained'].map((name) => [
      CORPUS_LABELS[c],
      rankerLabel(name),
      round(results[`mrr.${c}.${name}`] as number),
      round(results[`recall.${c}.${name}`] as number),
    ]),
  );
  log.gradientRows.push(
    ...SAMPLERS.map((s) => [
      CORPUS_LABELS[c],
      SAMPLER_LABELS[s],
      round(trainingNorms[s]),
      s === 'bm25' ? round(checkpoint.bm25) : s === 'ance' ? round(checkpoint.ance) : round(checkpoint.random),
      round(negativeRanksAt[s] ?? Number.NaN, 1),
    ]),
  );
  reportTop5(ctx, corpus, evaluations);
  return results;
}

/** Mean ‖∇ℓ‖ over CHECKPOINT_BATCHES batches at the ANCE learner's weights, for each sampler's negatives. */
function checkpointNorms(
  ance: Learner,
  batchSize: number,
  corpus: RetrievalCorpus,
  trainGrams: GramTable,
  docGrams: GramTable,
  settings: Settings,
  bm25Lists: readonly (readonly number[])[],
  refresher: IndexRefresher,
  nextBatch: () => number[],
): Record<SamplerId, number> {
  const grad = new Gradient(ance.weights);
  const sums: Record<SamplerId, number> = { random: 0, bm25: 0, ance: 0 };
  const rng = new Rng(ance.rng.seed());
  for (let b = 0; b < CHECKPOINT_BATCHES && batchSize > 0; b++) {
    const batch = nextBatch();
    for (const sampler of SAMPLERS) {
      const probe: Learner = { ...ance, sampler, rng };
      const candidates = batch.map((q) => {
        const positive = corpus.train[q]?.positive as number;
        const index = sampler === 'ance' ? refresher.current : null;
        return [positive, ...negativesFor(probe, q, positive, corpus.docs.length, settings, bm25Lists, index)];
      });
      grad.clear();
      batchLoss(ance.weights, trainGrams, docGrams, { queries: batch, candidates }, settings.tau, grad);
      sums[sampler] += grad.norm();
    }
  }
  return {
    random: sums.random / CHECKPOINT_BATCHES,
    bm25: sums.bm25 / CHECKPOINT_BATCHES,
    ance: sums.ance / CHECKPOINT_BATCHES,
  };
}

/** Training queries whose sampled negatives are ranked at each evaluation. */
const PROBE_QUERIES = 64;

function mean(values: readonly number[]): number {
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
}

function round(x: number, digits = 4): number {
  return Number.isFinite(x) ? Number(x.toFixed(digits)) : Number.NaN;
}

function rankerLabel(name: string): string {
  if (name === 'bm25-ranking') return 'BM25 ranking (no training)';
  if (name === 'untrained') return 'untrained encoder';
  return `trained with ${SAMPLER_LABELS[name as SamplerId]}`;
}

// ---------------------------------------------------------------------------------------------
// Outputs

function reportTop5(ctx: RunContext, corpus: RetrievalCorpus, evaluations: ReadonlyMap<string, Evaluation>): void {
  const rows: (string | number)[][] = [];
  corpus.heldOut.slice(0, SHOWN_QUERIES).forEach((pair, q) => {
    for (const name of ['bm25-ranking', 'random', 'bm25', 'ance']) {
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
