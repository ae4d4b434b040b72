/**
 * Trains a set of learners in lockstep: every learner takes one agent step (and one gradient update
 * once the seed steps are done) before any takes the next, and all are evaluated at the same agent
 * steps. The whole run is one shard when it trains in one thread; with learner workers, each worker
 * trains one shard. What the shard measures goes out through `ShardHooks`, as plain numbers, so
 * the run assembles the same curves and results either way.
 */
import type { RunOutput } from '../../shared/outputs';
import { agentStep, evaluateLearner, type Learner, type Settings } from './learner';
import { augmentationStrip, rollout } from './outputs';

/** Throughput counters of a shard: agent steps, gradient updates and the milliseconds they took. */
export interface ShardCounters {
  readonly envSteps: number;
  readonly updates: number;
  readonly trainMs: number;
}

/** Latest training statistics of one learner. */
export interface LearnerStats {
  readonly id: number;
  readonly criticLoss: number;
  readonly alpha: number;
}

export interface ShardHooks {
  /** Evaluation returns of the shard's learners at agent step `step`. */
  evaluated(step: number, returns: readonly { readonly id: number; readonly value: number }[]): void;
  /** Training statistics after `step` agent steps (every 10 steps after the seed steps, and at the end). */
  trained(step: number, stats: readonly LearnerStats[], counters: ShardCounters): void;
  output(output: RunOutput): void;
  /** Called after each agent step with the steps done; may yield. */
  stepDone(done: number): Promise<void>;
  /** True once the run has been asked to stop. */
  readonly aborted: boolean;
}

export interface ShardRoles {
  /** The learner whose replay buffer shows the augmentation strip (the run's first), if in this shard. */
  readonly stripId: number | null;
  /** The learner whose trained policy is shown as a rollout (the run's first DrQ learner), if in this shard. */
  readonly rolloutId: number | null;
}

/** Trains the learners to `s.steps` agent steps (or until aborted); returns the steps done and the counters. */
export async function trainShard(
  learners: readonly Learner[],
  s: Settings,
  roles: ShardRoles,
  hooks: ShardHooks,
): Promise<ShardCounters & { readonly done: number }> {
  let done = 0;
  let lastEval = -1;
  let envSteps = 0;
  let updates = 0;
  let trainMs = 0;
  const strip = learners.find((l) => l.id === roles.stripId);
  let stripShown = strip === undefined;

  const evaluateAll = async (step: number): Promise<void> => {
    lastEval = step;
    const returns: { id: number; value: number }[] = [];
    for (const l of learners) returns.push({ id: l.id, value: await evaluateLearner(l, s) });
    hooks.evaluated(step, returns);
  };

  for (let step = 0; step < s.steps && !hooks.aborted; step++) {
    if (step % s.evalEvery === 0) await evaluateAll(step);
    const started = Date.now();
    for (const l of learners) if (await agentStep(l, step, s)) updates++;
    trainMs += Date.now() - started;
    envSteps += learners.length;
    done = step + 1;
    if (step >= s.seedSteps && (done % 10 === 0 || done === s.steps)) {
      const stats: { id: number; criticLoss: number; alpha: number }[] = [];
      for (const l of learners) stats.push({ id: l.id, criticLoss: l.criticLoss, alpha: await l.agent.readAlpha() });
      hooks.trained(done, stats, { envSteps, updates, trainMs });
    }
    if (!stripShown && strip && step + 1 >= s.seedSteps) {
      hooks.output(augmentationStrip(strip, s));
      stripShown = true;
    }
    await hooks.stepDone(done);
  }
  if (done > 0 && lastEval !== done) await evaluateAll(done);
  const shown = learners.find((l) => l.id === roles.rolloutId);
  if (shown) hooks.output(await rollout(shown, s));
  return { done, envSteps, updates, trainMs };
}
