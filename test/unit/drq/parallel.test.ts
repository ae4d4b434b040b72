import { strict as assert } from 'node:assert';
import { EventEmitter } from 'node:events';
import * as tf from '@tensorflow/tfjs-core';
import { DRQ_PRESETS, type DrqConfig, type DrqResults } from '../../../src/models/drq/demo';
import {
  learnerCost,
  type LearnerSpec,
  learnerSpecs,
  type SeedStreams,
  settings,
} from '../../../src/models/drq/learner';
import { isShardTask, type ShardReport, type StartShard } from '../../../src/models/drq/learnerProtocol';
import type { ShardCounters } from '../../../src/models/drq/shard';
import { startLearnerPool, train } from '../../../src/models/drq/train';
import { liveWorkers, type WorkerPool, type WorkerPort } from '../../../src/models/parallel/pool';
import { isStartWorker } from '../../../src/models/parallel/protocol';
import { assignShards as assignByCost } from '../../../src/models/parallel/shards';
import { recordingContext } from '../../helpers/fakeContext';
import { TINY, useBackend } from './helpers';

/** Two seeds of two agents, a few updates each. */
const tiny: DrqConfig = { ...TINY, agents: { ...TINY.agents, rad: false } };

/** The learners in `workers` shards, as the run splits them. */
const assignShards = (specs: readonly LearnerSpec[], workers: number): LearnerSpec[][] =>
  assignByCost(specs, workers, learnerCost);

/** Workers alive in this process: the run's learner workers (nothing else here starts pool workers). */
const liveLearnerWorkers = liveWorkers;

const streams = (n: number): SeedStreams[] =>
  Array.from({ length: n }, (_, i) => ({ init: i, env: i, explore: i, sampling: i, augment: i, noise: i, eval: i }));

describe('drq learner workers', function () {
  this.timeout(600000);
  before(() => useBackend('wasm'));

  it('splits learners into shards of nearly equal cost, none empty', () => {
    const s = settings(DRQ_PRESETS.paper);
    const specs = learnerSpecs(s, streams(3));
    assert.deepEqual(
      specs.map((l) => `${l.kind}${l.seedIndex}`),
      ['none0', 'rad0', 'drq0', 'none1', 'rad1', 'drq1', 'none2', 'rad2', 'drq2'],
    );
    for (const workers of [1, 2, 3, 4, 9, 12]) {
      const shards = assignShards(specs, workers);
      assert.equal(shards.length, Math.min(workers, specs.length));
      // Every learner exactly once.
      assert.deepEqual(
        shards
          .flat()
          .map((l) => l.id)
          .sort((a, b) => a - b),
        specs.map((l) => l.id),
      );
      assert.ok(shards.every((sh) => sh.length > 0));
      // Greedy balance: the heaviest shard exceeds the lightest by at most one learner's cost.
      const loads = shards.map((sh) => sh.reduce((a, l) => a + learnerCost(l), 0));
      assert.ok(Math.max(...loads) - Math.min(...loads) <= Math.max(...specs.map(learnerCost)), loads.join(','));
    }
    // Claim preset (DrQ costs 5, no augmentation 3): 13 against 11, DrQ seeds on both workers.
    const claim = learnerSpecs(settings(DRQ_PRESETS.claim), streams(3));
    assert.deepEqual(
      assignShards(claim, 2).map((sh) => sh.map((l) => `${l.kind}${l.seedIndex}`)),
      [
        ['drq0', 'none2', 'drq2'],
        ['none0', 'none1', 'drq1'],
      ],
    );
  });

  it('gives the same numbers with one worker and with two', async () => {
    const one = recordingContext(7, 'wasm');
    const a = await train({ ...tiny, workers: 1 }, one);
    const two = recordingContext(7, 'wasm');
    const b = await train({ ...tiny, workers: 2 }, two);
    assert.equal(a.workers, 1);
    assert.equal(b.workers, 2);
    // Per-learner evaluation returns, AUCs and reach steps: bit for bit.
    const strip = (r: DrqResults): DrqResults => ({
      ...r,
      envStepsPerSec: 0,
      updatesPerSec: 0,
      workers: 0,
    });
    assert.deepEqual(strip(b), strip(a));
    const curve = (ctx: typeof one, metric: string): [number, number][] =>
      ctx.points.filter((p) => metric in p.values).map((p) => [p.step, p.values[metric] as number]);
    for (const metric of ['return/none', 'return/drq', 'criticLoss/none', 'criticLoss/drq', 'alpha/drq'])
      assert.deepEqual(curve(two, metric), curve(one, metric), metric);
    assert.deepEqual(two.outputs.get('returns'), one.outputs.get('returns'));
    assert.deepEqual(two.outputs.get('rollout'), one.outputs.get('rollout'));
    assert.deepEqual(two.outputs.get('augmentations'), one.outputs.get('augmentations'));
    assert.ok(curve(two, 'envStepsPerSec').length > 0);
    assert.equal(liveLearnerWorkers(), 0);
  });

  it('fails the run with a worker’s error', async () => {
    const before = tf.memory().numTensors;
    // The workers cannot start this backend (it is not installed here); the run must fail with their reason.
    const ctx = recordingContext(1, 'tensorflow');
    await assert.rejects(train({ ...tiny, workers: 2 }, ctx), (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.match(e.message, /^DrQ learner worker \d: backend tensorflow cannot start/);
      return true;
    });
    assert.equal(liveLearnerWorkers(), 0);
    assert.equal(tf.memory().numTensors, before);
  });

  it('terminates the workers when stopped and keeps what they reported', async () => {
    const ctx = recordingContext(2, 'wasm');
    let seen = 0;
    const progress = ctx.progress.bind(ctx);
    ctx.progress = (step) => {
      seen = Math.max(seen, liveLearnerWorkers());
      progress(step);
    };
    ctx.abortAt = 12;
    const started = Date.now();
    const results = await train({ ...tiny, steps: 2000, workers: 2 }, ctx);
    assert.ok(Date.now() - started < 120000);
    assert.equal(seen, 2);
    assert.equal(liveLearnerWorkers(), 0);
    const steps = results.steps;
    assert.ok(steps >= 12 && steps < 2000, `steps ${steps}`);
    // The evaluations every learner reached are kept: at 0 and 10 at least.
    const evalSteps = ctx.points.filter((p) => 'return/drq' in p.values).map((p) => p.step);
    assert.deepEqual(evalSteps.slice(0, 2), [0, 10]);
    assert.ok(Number.isFinite(results.auc['drq.0']) && Number.isFinite(results.auc['none.1']));
    assert.ok(ctx.outputs.has('returns'));
  });
});

/** A worker stand-in: records what it is sent and lets the test play the worker's side. */
class FakePort extends EventEmitter implements WorkerPort {
  readonly sent: unknown[] = [];
  terminated = false;
  postMessage(message: unknown): void {
    this.sent.push(message);
  }
  terminate(): Promise<number> {
    if (!this.terminated) {
      this.terminated = true;
      this.emit('exit', 1);
    }
    return Promise.resolve(1);
  }
}

describe('drq learner pool', () => {
  const s = settings({ ...tiny, workers: 2 });
  const specs = learnerSpecs(s, streams(2));
  const start = async (): Promise<{
    pool: WorkerPool<ShardReport, ShardCounters>;
    ports: FakePort[];
    heard: number[];
  }> => {
    const ports: FakePort[] = [];
    const heard: number[] = [];
    const pool = await startLearnerPool(
      { name: 'wasm', modulePaths: ['/opt/backends'] },
      s,
      assignShards(specs, 2),
      { stripId: 0, rolloutId: 1 },
      (w) => heard.push(w),
      () => {
        const port = new FakePort();
        ports.push(port);
        return Promise.resolve(port);
      },
    );
    return { pool, ports, heard };
  };

  it('sends each worker its shard and the roles it holds', async () => {
    const { ports } = await start();
    const sent = ports.map((p) => p.sent[0] as StartShard);
    assert.deepEqual(
      sent.map((m) => m.task.learners.map((l) => l.id)),
      assignShards(specs, 2).map((sh) => sh.map((l) => l.id)),
    );
    const holds = (m: StartShard, id: number): boolean => m.task.learners.some((l) => l.id === id);
    for (const m of sent) {
      assert.equal(m.backend, 'wasm');
      assert.deepEqual(m.modulePaths, ['/opt/backends']);
      assert.equal(isStartWorker(m, isShardTask), true);
      assert.equal(isStartWorker({ ...m, modulePaths: undefined }, isShardTask), false);
      assert.equal(isStartWorker({ ...m, task: { ...m.task, learners: undefined } }, isShardTask), false);
      assert.equal(m.task.roles.stripId, holds(m, 0) ? 0 : null);
      assert.equal(m.task.roles.rolloutId, holds(m, 1) ? 1 : null);
    }
  });

  it('fails on a worker that exits before it is done, throws, or posts garbage', async () => {
    const exited = await start();
    exited.ports[1]?.emit('exit', 7);
    assert.match(exited.pool.error?.message ?? '', /^DrQ learner worker 2: exited with code 7 before finishing/);

    const threw = await start();
    threw.ports[0]?.emit('error', new Error('out of memory'));
    assert.match(threw.pool.error?.message ?? '', /^DrQ learner worker 1: out of memory/);

    const garbage = await start();
    garbage.ports[0]?.emit('message', { type: 'evaluated' });
    assert.match(garbage.pool.error?.message ?? '', /malformed message/);
    assert.deepEqual(garbage.heard, []);

    const badEnd = await start();
    badEnd.ports[1]?.emit('message', { type: 'done', done: 30, result: { envSteps: 30 } });
    assert.match(badEnd.pool.error?.message ?? '', /^DrQ learner worker 2: malformed message/);
    assert.deepEqual(badEnd.heard, []);
  });

  it('finishes when every worker is done, and a stop is not a failure', async () => {
    const { pool, ports, heard } = await start();
    const counters = { envSteps: 30, updates: 14, trainMs: 100 };
    ports[0]?.emit('message', { type: 'progress', done: 30 });
    ports[0]?.emit('message', { type: 'done', done: 30, result: counters });
    assert.ok(!pool.allDone);
    ports[1]?.emit('message', { type: 'progress', done: 12 });
    const slowest = (): number => pool.done;
    assert.equal(slowest(), 12);
    // wait() returns on the next message, long before its timeout.
    const started = Date.now();
    const waiting = pool.wait(60000);
    ports[1]?.emit('message', { type: 'done', done: 30, result: counters });
    await waiting;
    assert.ok(Date.now() - started < 1000);
    assert.ok(pool.allDone);
    assert.equal(slowest(), 30);
    assert.deepEqual(heard, [0, 0, 1, 1]);
    assert.deepEqual(pool.results, [counters, counters]);
    await pool.terminate();
    assert.ok(ports.every((p) => p.terminated));
    assert.equal(pool.error, null);
  });
});
