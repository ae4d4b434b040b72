/**
 * The worker's side of a pool (`pool.ts`): a worker_threads Worker that waits for its one start
 * message, starts TensorFlow.js on the run's backend, runs its task, posting what the task
 * reports, and ends with `done` (its result) or `error`; then the thread exits. The run ends it
 * by `terminate()` when asked to stop.
 */
import { parentPort } from 'node:worker_threads';
import '../engine/tfSetup';
import { selectBackend, takeDeviceFault } from '../engine/backends';
import { type FromWorker, type Guard, isStartWorker, type Report, type StartWorker } from './protocol';

export interface WorkerTask<T, R extends Report, F> {
  /** What the worker is called in its errors, e.g. "DrQ learner worker". */
  readonly name: string;
  readonly isTask: Guard<T>;
  /** Runs the task, posting its reports and progress; resolves to the steps done and the result. */
  run(task: T, post: (message: FromWorker<R, F>) => void): Promise<{ readonly done: number; readonly result: F }>;
}

async function runTask<T, R extends Report, F>(
  spec: WorkerTask<T, R, F>,
  message: StartWorker<T>,
  post: (message: FromWorker<R, F>) => void,
): Promise<void> {
  await selectBackend(message.backend, { modulePaths: message.modulePaths });
  const { done, result } = await spec.run(message.task, post);
  // This thread has its own GPU device: a kernel that failed validation here voids the task.
  const fault = takeDeviceFault();
  if (fault !== null)
    throw new Error(`the GPU device reported an error in a ${spec.name}, so its numbers cannot be trusted: ${fault}`);
  post({ type: 'done', done, result });
}

/** Serves one task in this worker thread (the whole body of a worker's entry file). */
export function serveTask<T, R extends Report, F>(spec: WorkerTask<T, R, F>): void {
  const port = parentPort;
  if (!port) throw new Error(`${spec.name}: must run as a worker thread`);
  const post = (message: FromWorker<R, F>): void => port.postMessage(message);
  port.once('message', (message: unknown) => {
    if (!isStartWorker(message, spec.isTask)) {
      post({ type: 'error', message: `${spec.name}: malformed start message` });
      port.close();
      return;
    }
    runTask(spec, message, post).then(
      () => port.close(),
      (e: unknown) => {
        post({
          type: 'error',
          message: e instanceof Error ? e.message : String(e),
          ...(e instanceof Error && e.stack ? { stack: e.stack } : {}),
        });
        port.close();
      },
    );
  });
}
