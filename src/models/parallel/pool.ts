/**
 * A pool of worker threads, each running one task of a run (`worker.ts` on the worker's side)
 * while the run's thread only gathers what they report.
 *
 * Workers are started through Node's worker_threads, imported on demand (training code keeps no
 * static Node imports): a built file beside the bundle (dist/worker.js, dist/cli.js), or the
 * TypeScript source when running under tsx (../engine/threads.ts). A worker that posts an error,
 * throws, or exits before it is done fails the pool with its error; stopping terminates every
 * worker at once.
 */
import type { BackendName } from '../../shared/runs';
import { startThread, type ThreadEntry } from '../engine/threads';
import {
  type Guard,
  isFromWorker,
  type Report,
  type StartWorker,
  type WorkerDone,
  type WorkerError,
  type WorkerProgress,
} from './protocol';

/** What the pool needs of a worker thread (a Node Worker; a fake in tests). */
export interface WorkerPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'exit', listener: (code: number) => void): void;
  terminate(): Promise<number>;
}

/** Pool workers alive in this process (started and not yet exited); tests check stops with it. */
let alive = 0;
export function liveWorkers(): number {
  return alive;
}

/** Starts a pool worker on `entry` (its source under tsx, its built file beside the bundle). */
export async function spawnWorker(entry: ThreadEntry): Promise<WorkerPort> {
  const worker = await startThread(entry);
  alive++;
  worker.on('exit', () => alive--);
  return worker;
}

/** Receives each worker's messages but errors (its reports, progress and end), tagged with the worker's index. */
export type PoolListener<R extends Report, F> = (worker: number, message: R | WorkerProgress | WorkerDone<F>) => void;

export interface PoolOptions<R extends Report, F> {
  /** What the workers are called in errors, e.g. "DrQ learner worker" (then "DrQ learner worker 2: …"). */
  readonly name: string;
  readonly isReport: Guard<R>;
  readonly isResult: Guard<F>;
  /** Starts one worker. */
  readonly spawn: () => Promise<WorkerPort>;
}

/** A set of running workers, one per task. */
export class WorkerPool<R extends Report, F> {
  private readonly finished: boolean[];
  private readonly doneSteps: number[];
  private readonly finalResults: (F | null)[];
  private failure: Error | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;

  private constructor(
    private readonly ports: readonly WorkerPort[],
    private readonly name: string,
    listener: PoolListener<R, F>,
    isReport: Guard<R>,
    isResult: Guard<F>,
  ) {
    this.finished = ports.map(() => false);
    this.doneSteps = ports.map(() => 0);
    this.finalResults = ports.map(() => null);
    ports.forEach((port, w) => {
      port.on('message', (message: unknown) => {
        // The pool's own messages are told apart by their type (a report never uses the pool's types).
        if (!isFromWorker(message, isReport, isResult)) this.fail(w, new Error('malformed message'));
        else if (message.type === 'error') {
          const { message: text, stack } = message as WorkerError;
          const error = new Error(text);
          if (stack !== undefined) error.stack = stack;
          this.fail(w, error);
        } else {
          const ok = message as R | WorkerProgress | WorkerDone<F>;
          if (ok.type === 'progress') this.doneSteps[w] = (ok as WorkerProgress).done;
          if (ok.type === 'done') {
            const end = ok as WorkerDone<F>;
            this.doneSteps[w] = end.done;
            this.finalResults[w] = end.result;
            this.finished[w] = true;
          }
          listener(w, ok);
        }
        this.notify();
      });
      port.on('error', (error: Error) => this.fail(w, error));
      port.on('exit', (code: number) => {
        if (!this.finished[w]) this.fail(w, new Error(`exited with code ${code} before finishing its task`));
        this.notify();
      });
    });
  }

  /** Starts one worker per task and sends each its task. */
  static async start<T, R extends Report, F>(
    backend: { readonly name: BackendName; readonly modulePaths: readonly string[] },
    tasks: readonly T[],
    listener: PoolListener<R, F>,
    options: PoolOptions<R, F>,
  ): Promise<WorkerPool<R, F>> {
    const ports: WorkerPort[] = [];
    try {
      for (let i = 0; i < tasks.length; i++) ports.push(await options.spawn());
    } catch (e) {
      await Promise.all(ports.map((p) => p.terminate()));
      throw e;
    }
    const pool = new WorkerPool(ports, options.name, listener, options.isReport, options.isResult);
    tasks.forEach((task, w) => {
      const start: StartWorker<T> = { type: 'start', backend: backend.name, modulePaths: backend.modulePaths, task };
      ports[w]?.postMessage(start);
    });
    return pool;
  }

  /** True once every worker has posted `done`. */
  get allDone(): boolean {
    return this.finished.every(Boolean);
  }

  /** Steps done by the slowest worker. */
  get done(): number {
    return Math.min(...this.doneSteps);
  }

  /** Each worker's result (null for a worker that has not finished). */
  get results(): readonly (F | null)[] {
    return this.finalResults;
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
    this.failure = new Error(`${this.name} ${w + 1}: ${error.message}`);
    if (error.stack) this.failure.stack = `${this.failure.message}\n${error.stack.split('\n').slice(1).join('\n')}`;
  }

  private notify(): void {
    this.wake?.();
  }
}
