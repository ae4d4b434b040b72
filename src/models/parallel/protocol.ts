/**
 * Messages between a run and the worker threads of its pool (`pool.ts`, `worker.ts`). The run
 * sends each worker one `start` with its task; the worker runs it and posts what the task reports
 * (messages of the task's own types), its progress, and at the end `done` with its result, or
 * `error`. All payloads are plain data (structured clone).
 */
import type { BackendName } from '../../shared/runs';

/** Checks that an incoming value is a T. */
export type Guard<T> = (value: unknown) => value is T;

/** Run → worker, once: the backend to start and the task to run. */
export interface StartWorker<T> {
  readonly type: 'start';
  readonly backend: BackendName;
  /** Where the backend's optional packages resolve from (the run's module paths). */
  readonly modulePaths: readonly string[];
  readonly task: T;
}

/** Steps the worker's task has done. */
export interface WorkerProgress {
  readonly type: 'progress';
  readonly done: number;
}

/** The task finished: the steps it did, and its result. */
export interface WorkerDone<F> {
  readonly type: 'done';
  readonly done: number;
  readonly result: F;
}

export interface WorkerError {
  readonly type: 'error';
  readonly message: string;
  readonly stack?: string;
}

/** A report's own `type` must not be one of the pool's: 'start', 'progress', 'done', 'error'. */
export type Report = { readonly type: string };

/** Worker → run: the task's reports, progress, the end, or an error. */
export type FromWorker<R extends Report, F> = R | WorkerProgress | WorkerDone<F> | WorkerError;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isStartWorker<T>(value: unknown, isTask: Guard<T>): value is StartWorker<T> {
  return (
    isRecord(value) &&
    value['type'] === 'start' &&
    typeof value['backend'] === 'string' &&
    Array.isArray(value['modulePaths']) &&
    value['modulePaths'].every((p) => typeof p === 'string') &&
    isTask(value['task'])
  );
}

export function isFromWorker<R extends Report, F>(
  value: unknown,
  isReport: Guard<R>,
  isResult: Guard<F>,
): value is FromWorker<R, F> {
  if (!isRecord(value)) return false;
  switch (value['type']) {
    case 'start':
      return false;
    case 'progress':
      return typeof value['done'] === 'number';
    case 'done':
      return typeof value['done'] === 'number' && isResult(value['result']);
    case 'error':
      return typeof value['message'] === 'string';
    default:
      return isReport(value);
  }
}
