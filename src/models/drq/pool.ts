/**
 * Learner workers: the run's learners split into shards, each trained in its own worker thread
 * (`learnerWorker.ts`) while the run's thread only gathers what they report.
 *
 * Workers are started through Node's worker_threads, imported on demand (training code keeps no
 * static Node imports): `dist/drq-learners.js` beside the bundle (dist/worker.js, dist/cli.js), or
 * the TypeScript source when running under tsx. A worker that posts an error, throws, or exits
 * before it is done fails the run with its error; stopping terminates every worker at once.
 */
import { startThread } from '../engine/threads';
import type { BackendName } from '../../shared/runs';
import { type LearnerSpec, type Settings, VIEWS } from './learner';
import { type FromLearnerWorker, isFromLearnerWorker, type StartShard } from './learnerProtocol';
import type { ShardCounters, ShardRoles } from './shard';

/**
 * Relative cost of one learner's gradient update: the critic encodes M + K views of the batch and
 * the actor one more (encoder work dominates at these sizes).
 */
export function learnerCost(spec: LearnerSpec): number {
  const { m, k } = VIEWS[spec.kind];
  return m + k + 1;
}

/**
 * Splits learners into `workers` shards of nearly equal cost: longest first, each to the least
 * loaded shard (ties to the lowest index). Shards keep the run's learner order and none is empty.
 */
export function assignShards(specs: readonly LearnerSpec[], workers: number): LearnerSpec[][] {
  const count = Math.max(1, Math.min(workers, specs.length));
  const loads = new Array<number>(count).fill(0);
  const shards: LearnerSpec[][] = Array.from({ length: count }, () => []);
  const order = [...specs].sort((a, b) => learnerCost(b) - learnerCost(a) || a.id - b.id);
  for (const spec of order) {
    let best = 0;
    for (let w = 1; w < count; w++) if ((loads[w] as number) < (loads[best] as number)) best = w;
    loads[best] = (loads[best] as number) + learnerCost(spec);
    (shards[best] as LearnerSpec[]).push(spec);
  }
  for (const shard of shards) shard.sort((a, b) => a.id - b.id);
  return shards;
}

/** What the pool needs of a worker thread (a Node Worker). */
export interface LearnerPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
  terminate(): Promise<number>;
}

/** Learner workers alive in this process (started and not yet exited); tests check stops with it. */
let alive = 0;
export function liveLearnerWorkers(): number {
  return alive;
}

async function spawnLearnerWorker(): Promise<LearnerPort> {
  const path = await import('node:path');
  const worker = await startThread({
    source: path.join(__dirname, 'learnerWorker.ts'),
    bundle: path.join(__dirname, 'drq-learners.js'),
  });
  alive++;
  worker.on('exit', () => alive--);
  return worker;
}

/** Receives each worker's messages, tagged with the shard index. */
export type ShardListener = (shard: number, message: FromLearnerWorker) => void;

/** A set of running learner workers, one per shard. */
export class LearnerPool {
  private readonly finished: boolean[];
  private readonly doneSteps: number[];
  private readonly finalCounters: (ShardCounters | null)[];
  private failure: Error | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;

  private constructor(
    private readonly ports: readonly LearnerPort[],
    listener: ShardListener,
  ) {
    this.finished = ports.map(() => false);
    this.doneSteps = ports.map(() => 0);
    this.finalCounters = ports.map(() => null);
    ports.forEach((port, w) => {
      port.on('message', (message: unknown) => {
        if (!isFromLearnerWorker(message)) this.fail(w, new Error('malformed message'));
        else if (message.type === 'error') {
          const error = new Error(message.message);
          if (message.stack !== undefined) error.stack = message.stack;
          this.fail(w, error);
        } else {
          if (message.type === 'progress') this.doneSteps[w] = message.done;
          if (message.type === 'done') {
            this.doneSteps[w] = message.done;
            this.finalCounters[w] = message.counters;
            this.finished[w] = true;
          }
          listener(w, message);
        }
        this.notify();
      });
      port.on('error', (error: Error) => this.fail(w, error));
      port.on('exit', (code: number) => {
        if (!this.finished[w]) this.fail(w, new Error(`exited with code ${code} before finishing its learners`));
        this.notify();
      });
    });
  }

  /** Starts one worker per shard and sends each its shard. */
  static async start(
    backend: { readonly name: BackendName; readonly modulePaths: readonly string[] },
    s: Settings,
    shards: readonly (readonly LearnerSpec[])[],
    roles: ShardRoles,
    listener: ShardListener,
    spawn: () => Promise<LearnerPort> = spawnLearnerWorker,
  ): Promise<LearnerPool> {
    const ports: LearnerPort[] = [];
    try {
      for (let i = 0; i < shards.length; i++) ports.push(await spawn());
    } catch (e) {
      await Promise.all(ports.map((p) => p.terminate()));
      throw e;
    }
    const pool = new LearnerPool(ports, listener);
    shards.forEach((learners, w) => {
      const ids = new Set(learners.map((l) => l.id));
      const mine: ShardRoles = {
        stripId: roles.stripId !== null && ids.has(roles.stripId) ? roles.stripId : null,
        rolloutId: roles.rolloutId !== null && ids.has(roles.rolloutId) ? roles.rolloutId : null,
      };
      const start: StartShard = {
        type: 'start',
        backend: backend.name,
        modulePaths: backend.modulePaths,
        settings: s,
        learners,
        roles: mine,
      };
      ports[w]?.postMessage(start);
    });
    return pool;
  }

  /** True once every worker has posted `done`. */
  get allDone(): boolean {
    return this.finished.every(Boolean);
  }

  /** Agent steps done by the slowest shard. */
  get done(): number {
    return Math.min(...this.doneSteps);
  }

  /** Each shard's final counters (null for a shard that has not finished). */
  get counters(): readonly (ShardCounters | null)[] {
    return this.finalCounters;
  }

  /** The first worker failure, if any. */
  get error(): Error | null {
    return this.failure;
  }

  /** Resolves on the next message or exit of any worker, or after `ms` milliseconds. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  /** Ends every worker (those already finished have exited); resolves once all have exited. */
  async terminate(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.ports.map((p) => p.terminate()));
  }

  private fail(w: number, error: Error): void {
    if (this.stopping || this.failure) return;
    this.failure = new Error(`DrQ learner worker ${w + 1}: ${error.message}`);
    if (error.stack) this.failure.stack = `${this.failure.message}\n${error.stack.split('\n').slice(1).join('\n')}`;
  }

  private notify(): void {
    this.wake?.();
  }
}
