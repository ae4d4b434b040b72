/**
 * Messages between a DrQ run and its learner workers (`learnerWorker.ts`). The run sends one
 * `start`; the worker trains its shard and streams back what the shard measures, then `done`
 * (or `error`). All payloads are plain numbers and outputs (structured clone).
 */
import type { RunOutput } from '../../shared/outputs';
import type { BackendName } from '../../shared/runs';
import type { LearnerSpec, Settings } from './learner';
import type { LearnerStats, ShardCounters, ShardRoles } from './shard';

/** Run → worker, once: the backend to start, the settings and the learners to train. */
export interface StartShard {
  readonly type: 'start';
  readonly backend: BackendName;
  /** Where the backend's optional packages resolve from (the run's module paths). */
  readonly modulePaths: readonly string[];
  readonly settings: Settings;
  readonly learners: readonly LearnerSpec[];
  readonly roles: ShardRoles;
}

export type FromLearnerWorker =
  | { readonly type: 'evaluated'; readonly step: number; readonly returns: readonly { id: number; value: number }[] }
  | {
      readonly type: 'trained';
      readonly step: number;
      readonly stats: readonly LearnerStats[];
      readonly counters: ShardCounters;
    }
  | { readonly type: 'output'; readonly output: RunOutput }
  | { readonly type: 'progress'; readonly done: number }
  | { readonly type: 'done'; readonly done: number; readonly counters: ShardCounters }
  | { readonly type: 'error'; readonly message: string; readonly stack?: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isStartShard(value: unknown): value is StartShard {
  return (
    isRecord(value) &&
    value['type'] === 'start' &&
    typeof value['backend'] === 'string' &&
    Array.isArray(value['modulePaths']) &&
    value['modulePaths'].every((p) => typeof p === 'string') &&
    isRecord(value['settings']) &&
    Array.isArray(value['learners']) &&
    isRecord(value['roles'])
  );
}

const isCounters = (v: unknown): v is ShardCounters =>
  isRecord(v) &&
  typeof v['envSteps'] === 'number' &&
  typeof v['updates'] === 'number' &&
  typeof v['trainMs'] === 'number';

export function isFromLearnerWorker(value: unknown): value is FromLearnerWorker {
  if (!isRecord(value)) return false;
  switch (value['type']) {
    case 'evaluated':
      return typeof value['step'] === 'number' && Array.isArray(value['returns']);
    case 'trained':
      return typeof value['step'] === 'number' && Array.isArray(value['stats']) && isCounters(value['counters']);
    case 'output':
      return isRecord(value['output']);
    case 'progress':
      return typeof value['done'] === 'number';
    case 'done':
      return typeof value['done'] === 'number' && isCounters(value['counters']);
    case 'error':
      return typeof value['message'] === 'string';
    default:
      return false;
  }
}
