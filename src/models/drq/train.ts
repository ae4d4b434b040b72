/**
 * The DrQ comparison: pixel SAC without augmentation, with random shifts (K = M = 1) and DrQ
 * (K = M = 2), each over `seeds` seeds. Learners of the same seed index share their initial
 * weights, environment episodes and evaluation episodes; they differ only by augmentation.
 *
 * With `workers` = 1 every learner trains in this thread, in lockstep (`trainShard`). With more,
 * the learners are split into that many shards of nearly equal cost, each trained in lockstep in
 * its own worker thread (`learnerWorker.ts`, in a pool: ../parallel/pool.ts); this thread gathers
 * what they report into the same curves and results. A learner depends only on its seed streams,
 * so the numbers do not depend on the number of workers.
 *
 * The results it returns (`DrqResults`) are declared with the demo in ./demo.ts.
 */
import type { BackendName } from '../../shared/runs';
import { assignShards } from '../parallel/shards';
import { spawnWorker, WorkerPool, type PoolListener, type WorkerPort } from '../parallel/pool';
import type { RunContext } from '../types';
import {
  type AgentKind,
  type AucKey,
  type DrqConfig,
  type DrqResults,
  type SeedIndex,
  seedIndexKey,
  LATE_FROM,
  THRESHOLD_FACTOR,
} from './demo';
import {
  evaluate,
  learnerCost,
  type LearnerSpec,
  learnerSpecs,
  makeLearner,
  type SeedStreams,
  type Settings,
  settings,
} from './learner';
import { isShardCounters, isShardReport, LEARNER_WORKER, type ShardReport, shardTasks } from './learnerProtocol';
import { returnsTable, type LearnerRecord } from './outputs';
import { type LearnerStats, type ShardCounters, type ShardRoles, trainShard } from './shard';

/** Episodes over which the random policy's return is measured. */
const RANDOM_EPISODES = 400;

/** How often the run's thread looks at the stop request while workers train (ms). */
const POLL_MS = 100;

/** Per agent, a number per seed index. */
type PerAgentSeed = { [K in AgentKind]: { [S in SeedIndex]?: number } };

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** Summed throughput of shards that train side by side: each shard's rate, added. */
function throughput(counters: readonly ShardCounters[]): { envStepsPerSec: number; updatesPerSec: number } {
  let envStepsPerSec = 0;
  let updatesPerSec = 0;
  for (const c of counters) {
    envStepsPerSec += (1000 * c.envSteps) / Math.max(1, c.trainMs);
    updatesPerSec += (1000 * c.updates) / Math.max(1, c.trainMs);
  }
  return { envStepsPerSec, updatesPerSec };
}

/**
 * Gathers what the shards report into the run's curves: an evaluation (or a training statistic)
 * at a step is plotted once every learner has reported it, as the mean over seeds per agent.
 */
class RunRecord {
  readonly evalSteps: number[] = [];
  readonly evals: number[][];
  readonly reachedAt: (number | null)[];
  private readonly pendingEvals = new Map<number, Map<number, number>>();
  private readonly pendingStats = new Map<
    number,
    { stats: Map<number, LearnerStats>; counters: Map<number, ShardCounters> }
  >();

  constructor(
    private readonly specs: readonly LearnerSpec[],
    private readonly s: Settings,
    private readonly randomReturn: number,
    private readonly threshold: number,
    private readonly ctx: RunContext,
  ) {
    this.evals = specs.map(() => []);
    this.reachedAt = specs.map(() => null);
  }

  evaluated(step: number, returns: readonly { readonly id: number; readonly value: number }[]): void {
    const got = this.pendingEvals.get(step) ?? new Map<number, number>();
    for (const r of returns) got.set(r.id, r.value);
    this.pendingEvals.set(step, got);
    if (got.size < this.specs.length) return;
    this.pendingEvals.delete(step);
    this.evalSteps.push(step);
    for (const [id, value] of got) {
      this.evals[id]?.push(value);
      if (value >= this.threshold && this.reachedAt[id] === null) this.reachedAt[id] = step;
    }
    const values: Record<string, number> = {};
    for (const kind of this.s.agents)
      values[`return/${kind}`] = mean(this.specs.filter((l) => l.kind === kind).map((l) => got.get(l.id) ?? NaN));
    values['return/random'] = this.randomReturn;
    this.ctx.metric(step, values);
  }

  trained(shard: number, step: number, stats: readonly LearnerStats[], counters: ShardCounters): void {
    const got = this.pendingStats.get(step) ?? { stats: new Map<number, LearnerStats>(), counters: new Map() };
    for (const st of stats) got.stats.set(st.id, st);
    got.counters.set(shard, counters);
    this.pendingStats.set(step, got);
    if (got.stats.size < this.specs.length) return;
    this.pendingStats.delete(step);
    const values: Record<string, number> = { ...throughput([...got.counters.values()]) };
    for (const kind of this.s.agents) {
      const mine = this.specs.filter((l) => l.kind === kind).map((l) => got.stats.get(l.id));
      values[`criticLoss/${kind}`] = mean(mine.map((st) => st?.criticLoss ?? NaN));
      values[`alpha/${kind}`] = mean(mine.map((st) => st?.alpha ?? NaN));
    }
    this.ctx.metric(step, values);
  }

  /** The results the claims read, and the returns table. */
  finish(done: number, counters: readonly ShardCounters[], workers: number): DrqResults {
    const { s } = this;
    const records: LearnerRecord[] = this.specs.map((l) => ({
      kind: l.kind,
      seedIndex: l.seedIndex,
      evals: this.evals[l.id] ?? [],
      reachedAt: this.reachedAt[l.id] ?? null,
    }));
    // Evaluations after the seed steps (the part of the run in which the agents learn), and in the
    // run's last quarter.
    const learning = this.evalSteps.map((step) => step > s.seedSteps);
    const late = this.evalSteps.map((step) => step >= LATE_FROM * s.steps);
    const partMean = (part: readonly boolean[], evals: readonly number[]): number =>
      part.some((x) => x) ? mean(evals.filter((_, i) => part[i])) : NaN;
    const auc: { [K in AucKey]?: number } = {};
    const learnAuc: { [K in AucKey]?: number } = {};
    const lateAuc: { [K in AucKey]?: number } = {};
    const final: PerAgentSeed = { none: {}, rad: {}, drq: {} };
    const reached: PerAgentSeed = { none: {}, rad: {}, drq: {} };
    const reachedSeeds: { [K in AgentKind]?: number } = {};
    for (const kind of s.agents) {
      const mine = records.filter((l) => l.kind === kind);
      for (const l of mine) {
        const seed = seedIndexKey(l.seedIndex);
        auc[`${kind}.${seed}`] = mean(l.evals);
        learnAuc[`${kind}.${seed}`] = partMean(learning, l.evals);
        lateAuc[`${kind}.${seed}`] = partMean(late, l.evals);
        final[kind][seed] = l.evals.at(-1) ?? NaN;
        reached[kind][seed] = l.reachedAt ?? -1;
      }
      auc[kind] = mean(mine.map((l) => mean(l.evals)));
      learnAuc[kind] = mean(mine.map((l) => partMean(learning, l.evals)));
      lateAuc[kind] = mean(mine.map((l) => partMean(late, l.evals)));
      reachedSeeds[kind] = mine.filter((l) => l.reachedAt !== null).length;
    }
    // The claims' numbers, when both the DrQ and the no-augmentation agent ran.
    const { drq: aucDrq, none: aucNone } = auc;
    const { drq: seedsDrq, none: seedsNone } = reachedSeeds;
    const { drq: learnDrq, none: learnNone } = learnAuc;
    const { drq: lateDrq, none: lateNone, rad: lateRad } = lateAuc;
    const results: DrqResults = {
      randomReturn: this.randomReturn,
      threshold: this.threshold,
      seeds: s.seeds,
      steps: done,
      workers,
      ...throughput(counters),
      auc,
      final,
      reached,
      reachedSeeds,
      learnAuc,
      lateAuc,
      aucRatio: aucDrq !== undefined && aucNone !== undefined ? aucDrq / aucNone : undefined,
      learnAucRatio: learnDrq !== undefined && learnNone !== undefined ? learnDrq / learnNone : undefined,
      lateAucRatio: lateDrq !== undefined && lateNone !== undefined ? lateDrq / lateNone : undefined,
      qAveragingRatio: lateDrq !== undefined && lateRad !== undefined ? lateDrq / lateRad : undefined,
      thresholdSeedsDiff: seedsDrq !== undefined && seedsNone !== undefined ? seedsDrq - seedsNone : undefined,
    };
    this.ctx.output(returnsTable(records, s, results, this.evalSteps));
    return results;
  }
}

/** What a run trains: its learners, settings and shard roles, and where results go. */
interface Training {
  readonly specs: readonly LearnerSpec[];
  readonly s: Settings;
  readonly roles: ShardRoles;
  readonly record: RunRecord;
  readonly ctx: RunContext;
}

/** Every learner in this thread, in lockstep. */
async function trainInThread({ specs, s, roles, record, ctx }: Training): Promise<DrqResults> {
  const learners = specs.map((spec) => makeLearner(spec, s));
  try {
    const { done, envSteps, updates, trainMs } = await trainShard(learners, s, roles, {
      evaluated: (step, returns) => record.evaluated(step, returns),
      trained: (step, stats, counters) => record.trained(0, step, stats, counters),
      output: (output) => ctx.output(output),
      stepDone: async (done) => {
        ctx.progress(done);
        await ctx.tick();
      },
      get aborted() {
        return ctx.aborted;
      },
    });
    return record.finish(done, [{ envSteps, updates, trainMs }], 1);
  } finally {
    for (const l of learners) l.agent.dispose();
  }
}

/**
 * The learners in worker threads, one shard each. A stop terminates the workers at once and keeps
 * what they reported: the evaluations every learner had reached (there is then no rollout, and no
 * last evaluation at the step where the run stopped).
 */
async function trainInWorkers({ specs, s, roles, record, ctx }: Training): Promise<DrqResults> {
  const shards = assignShards(specs, s.workers, learnerCost);
  ctx.log(
    `${shards.length} learner workers: ` +
      shards
        .map((sh, w) => `worker ${w + 1} trains ${sh.map((l) => `${l.kind}[${l.seedIndex}]`).join(', ')}`)
        .join('; '),
  );
  const latest: (ShardCounters | null)[] = shards.map(() => null);
  const pool = await startLearnerPool(
    { name: ctx.backend, modulePaths: ctx.modulePaths },
    s,
    shards,
    roles,
    (w, message) => {
      if (message.type === 'evaluated') record.evaluated(message.step, message.returns);
      else if (message.type === 'trained') {
        latest[w] = message.counters;
        record.trained(w, message.step, message.stats, message.counters);
      } else if (message.type === 'output') ctx.output(message.output);
    },
  );
  let reported = 0;
  try {
    while (!pool.allDone && !ctx.aborted) {
      await pool.wait(POLL_MS);
      if (pool.error) throw pool.error;
      if (pool.done > reported) {
        reported = pool.done;
        ctx.progress(reported);
      }
      await ctx.tick();
    }
    if (pool.error) throw pool.error;
  } finally {
    await pool.terminate();
  }
  const counters = pool.results.map((c, w) => c ?? latest[w] ?? { envSteps: 0, updates: 0, trainMs: 0 });
  return record.finish(pool.done, counters, shards.length);
}

/** Starts a learner worker: ./learnerWorker.ts under tsx, dist/drq-learners.js beside the bundle. */
async function spawnLearnerWorker(): Promise<WorkerPort> {
  const path = await import('node:path');
  return spawnWorker({
    source: path.join(__dirname, 'learnerWorker.ts'),
    bundle: path.join(__dirname, 'drq-learners.js'),
  });
}

/** Starts one learner worker per shard and sends each its shard (tests pass a `spawn` of their own). */
export function startLearnerPool(
  backend: { readonly name: BackendName; readonly modulePaths: readonly string[] },
  s: Settings,
  shards: readonly (readonly LearnerSpec[])[],
  roles: ShardRoles,
  listener: PoolListener<ShardReport, ShardCounters>,
  spawn: () => Promise<WorkerPort> = spawnLearnerWorker,
): Promise<WorkerPool<ShardReport, ShardCounters>> {
  return WorkerPool.start(backend, shardTasks(s, shards, roles), listener, {
    name: LEARNER_WORKER,
    isReport: isShardReport,
    isResult: isShardCounters,
    spawn,
  });
}

export async function train(config: DrqConfig, ctx: RunContext): Promise<DrqResults> {
  const s = settings(config);
  const streams: SeedStreams[] = Array.from({ length: s.seeds }, () => ({
    init: ctx.rng.seed(),
    env: ctx.rng.seed(),
    explore: ctx.rng.seed(),
    sampling: ctx.rng.seed(),
    augment: ctx.rng.seed(),
    noise: ctx.rng.seed(),
    eval: ctx.rng.seed(),
  }));
  // The random policy's return over many episodes: the denominator of the threshold must not be noise.
  const randomReturn = await evaluate(null, ctx.rng.seed(), RANDOM_EPISODES, s.actionRepeat);
  const threshold = THRESHOLD_FACTOR * randomReturn;
  ctx.log(`random policy: return ${randomReturn.toFixed(2)} per episode; threshold ${threshold.toFixed(2)}`);
  const specs = learnerSpecs(s, streams);
  const roles: ShardRoles = {
    stripId: specs[0]?.id ?? null,
    rolloutId: (specs.find((l) => l.kind === 'drq') ?? specs[0])?.id ?? null,
  };
  const record = new RunRecord(specs, s, randomReturn, threshold, ctx);
  const training: Training = { specs, s, roles, record, ctx };
  return s.workers > 1 && specs.length > 1 ? trainInWorkers(training) : trainInThread(training);
}
