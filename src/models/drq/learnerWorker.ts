/**
 * A DrQ learner worker (bundled as dist/drq-learners.js; run from source under tsx in tests):
 * trains its shard of learners in lockstep (`trainShard`) and reports what the shard measures
 * back to the run. The thread's life (start message, backend, errors) is the pool's:
 * ../parallel/worker.ts.
 */
import { serveTask } from '../parallel/worker';
import { makeLearner } from './learner';
import { isShardTask, LEARNER_WORKER, type ShardReport, type ShardTask } from './learnerProtocol';
import { type ShardCounters, trainShard } from './shard';

serveTask<ShardTask, ShardReport, ShardCounters>({
  name: LEARNER_WORKER,
  isTask: isShardTask,
  async run({ settings: s, learners: specs, roles }, post) {
    const learners = specs.map((spec) => makeLearner(spec, s));
    try {
      const { done, envSteps, updates, trainMs } = await trainShard(learners, s, roles, {
        evaluated: (step, returns) => post({ type: 'evaluated', step, returns }),
        trained: (step, stats, counters) => post({ type: 'trained', step, stats, counters }),
        output: (output) => post({ type: 'output', output }),
        stepDone: (done) => {
          post({ type: 'progress', done });
          return Promise.resolve();
        },
        aborted: false,
      });
      return { done, result: { envSteps, updates, trainMs } };
    } finally {
      for (const l of learners) l.agent.dispose();
    }
  },
});
