/**
 * What a DrQ run and its learner workers (`learnerWorker.ts`) tell each other. The start message,
 * progress, end and errors are the pool's (../parallel/protocol.ts); the task is a shard (the
 * settings, its learners and the roles it holds), the reports are what the shard measures, and
 * the result is its throughput counters. All plain numbers and outputs (structured clone).
 */
import type { RunOutput } from '../../shared/outputs';
import { type FromWorker, isRecord, type StartWorker } from '../parallel/protocol';
import type { LearnerSpec, Settings } from './learner';
import type { LearnerStats, ShardCounters, ShardRoles } from './shard';

/** What the learner workers are called in errors ("DrQ learner worker 2: …"). */
export const LEARNER_WORKER = 'DrQ learner worker';

/** A worker's task: the settings, the learners to train and the roles among them it holds. */
export interface ShardTask {
  readonly settings: Settings;
  readonly learners: readonly LearnerSpec[];
  readonly roles: ShardRoles;
}

/** What a shard reports while it trains. */
export type ShardReport =
  | { readonly type: 'evaluated'; readonly step: number; readonly returns: readonly { id: number; value: number }[] }
  | {
      readonly type: 'trained';
      readonly step: number;
      readonly stats: readonly LearnerStats[];
      readonly counters: ShardCounters;
    }
  | { readonly type: 'output'; readonly output: RunOutput };

export type StartShard = StartWorker<ShardTask>;
export type FromLearnerWorker = FromWorker<ShardReport, ShardCounters>;

/**
 * The task of each shard: its learners, and of the run's roles (the learner that shows the
 * augmentation strip, the one whose rollout is shown) those it holds.
 */
export function shardTasks(s: Settings, shards: readonly (readonly LearnerSpec[])[], roles: ShardRoles): ShardTask[] {
  return shards.map((learners) => {
    const ids = new Set(learners.map((l) => l.id));
    return {
      settings: s,
      learners,
      roles: {
        stripId: roles.stripId !== null && ids.has(roles.stripId) ? roles.stripId : null,
        rolloutId: roles.rolloutId !== null && ids.has(roles.rolloutId) ? roles.rolloutId : null,
      },
    };
  });
}

export function isShardTask(value: unknown): value is ShardTask {
  return isRecord(value) && isRecord(value['settings']) && Array.isArray(value['learners']) && isRecord(value['roles']);
}

export function isShardCounters(v: unknown): v is ShardCounters {
  return (
    isRecord(v) &&
    typeof v['envSteps'] === 'number' &&
    typeof v['updates'] === 'number' &&
    typeof v['trainMs'] === 'number'
  );
}

export function isShardReport(value: unknown): value is ShardReport {
  if (!isRecord(value)) return false;
  switch (value['type']) {
    case 'evaluated':
      return typeof value['step'] === 'number' && Array.isArray(value['returns']);
    case 'trained':
      return typeof value['step'] === 'number' && Array.isArray(value['stats']) && isShardCounters(value['counters']);
    case 'output':
      return isRecord(value['output']);
    default:
      return false;
  }
}
