/**
 * A DrQ learner worker (bundled as dist/drq-learners.js; run from source under tsx in tests): a
 * worker_threads Worker that starts TensorFlow.js on the run's backend, trains its shard of
 * learners in lockstep (`trainShard`) and posts what the shard measures back to the run. The run
 * ends it by `terminate()` when asked to stop; any error is posted back before the thread exits.
 */
import { parentPort } from 'node:worker_threads';
import '../engine/tfSetup';
import { selectBackend, takeDeviceFault } from '../engine/backends';
import { makeLearner } from './learner';
import { type FromLearnerWorker, isStartShard, type StartShard } from './learnerProtocol';
import { trainShard } from './shard';

async function train(message: StartShard, post: (m: FromLearnerWorker) => void): Promise<void> {
  await selectBackend(message.backend, { modulePaths: message.modulePaths });
  const s = message.settings;
  const learners = message.learners.map((spec) => makeLearner(spec, s));
  try {
    const result = await trainShard(learners, s, message.roles, {
      evaluated: (step, returns) => post({ type: 'evaluated', step, returns }),
      trained: (step, stats, counters) => post({ type: 'trained', step, stats, counters }),
      output: (output) => post({ type: 'output', output }),
      stepDone: (done) => {
        post({ type: 'progress', done });
        return Promise.resolve();
      },
      aborted: false,
    });
    // This thread has its own GPU device: a kernel that failed validation here voids the shard.
    const fault = takeDeviceFault();
    if (fault !== null)
      throw new Error(
        `the GPU device reported an error in a learner worker, so its numbers cannot be trusted: ${fault}`,
      );
    const { done, envSteps, updates, trainMs } = result;
    post({ type: 'done', done, counters: { envSteps, updates, trainMs } });
  } finally {
    for (const l of learners) l.agent.dispose();
  }
}

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('drq learner worker: must run as a worker thread');
  const post = (message: FromLearnerWorker): void => port.postMessage(message);
  port.once('message', (message: unknown) => {
    if (!isStartShard(message)) {
      post({ type: 'error', message: 'drq learner worker: malformed start message' });
      port.close();
      return;
    }
    train(message, post).then(
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

main();
