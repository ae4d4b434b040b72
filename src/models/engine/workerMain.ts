/**
 * The training worker (dist/worker.js), started by the extension host (or the CLI) as a
 * worker_threads Worker. Protocol (src/shared/workerProtocol.ts):
 *
 *   worker → host: ready, then backend | metrics | output | log | progress | summary | error
 *   host → worker: start (once), stop
 *
 * The worker exits when the run ends; a stop lets the current step finish, writes the summary
 * with status `stopped` and exits.
 */
import * as path from 'node:path';
import { parentPort } from 'node:worker_threads';
import {
  AskQuery,
  StartRun,
  StopRun,
  WorkerBackend,
  WorkerError,
  WorkerLog,
  WorkerStage,
  WorkerMetrics,
  WorkerOutput,
  WorkerProgress,
  WorkerQueryAnswer,
  WorkerReady,
  WorkerSummary,
  type WorkerToHost,
} from '../../shared/workerProtocol';
import type { RunSink } from './context';
import { fsDataReader, setDataReader } from './dataFiles';
import { answerQuery } from './queries';
import { ConfigError, runDemo } from './runner';

function main(): void {
  // dist/worker.js: the extension (or repository) root is one folder up.
  setDataReader(fsDataReader(path.join(__dirname, '..')));
  const port = parentPort;
  if (!port) {
    console.error('paper-lab worker: must run as a worker thread');
    process.exitCode = 2;
    return;
  }
  const post = (message: WorkerToHost): void => port.postMessage(message);
  const controller = new AbortController();
  let started = false;

  const sink: RunSink = {
    backend: (report) => post(WorkerBackend.create({ report })),
    metrics: (points) => post(WorkerMetrics.create({ points })),
    output: (output) => post(WorkerOutput.create({ output })),
    log: (level, text) => post(WorkerLog.create({ level, text })),
    stage: (text) => post(WorkerStage.create({ text })),
    progress: (step, total, stepsPerSecond) => post(WorkerProgress.create({ step, total, stepsPerSecond })),
    summary: (summary) => post(WorkerSummary.create({ summary })),
    error: (message, stack) => post(WorkerError.create({ message, ...(stack !== undefined ? { stack } : {}) })),
  };

  const finish = (code: number): void => {
    port.close();
    process.exitCode = code;
  };

  port.on('message', (message: unknown) => {
    if (StopRun.is(message)) {
      controller.abort(message.reason);
      if (!started) finish(0);
      return;
    }
    if (AskQuery.is(message) && !started) {
      started = true;
      answerQuery(message).then(
        (answer) => {
          post(WorkerQueryAnswer.create(answer));
          finish(0);
        },
        (e: unknown) => {
          post(WorkerQueryAnswer.create({ error: e instanceof Error ? e.message : String(e) }));
          finish(1);
        },
      );
      return;
    }
    if (StartRun.is(message)) {
      if (started) {
        post(WorkerLog.create({ level: 'warn', text: 'this worker already runs a demo; start ignored' }));
        return;
      }
      started = true;
      runDemo({
        paper: message.paper,
        demo: message.demo,
        config: message.config,
        seed: message.seed,
        backend: message.backend,
        runDir: message.runDir,
        preset: message.preset,
        runId: message.runId,
        modulePaths: message.modulePaths,
        ...(message.calibrationFile !== undefined ? { calibrationFile: message.calibrationFile } : {}),
        sink,
        signal: controller.signal,
      }).then(
        (outcome) => finish(outcome.summary.status === 'failed' ? 1 : 0),
        (e: unknown) => {
          const text =
            e instanceof ConfigError ? `invalid config:\n${e.message}` : e instanceof Error ? e.message : String(e);
          post(WorkerError.create({ message: text, ...(e instanceof Error && e.stack ? { stack: e.stack } : {}) }));
          finish(e instanceof ConfigError ? 2 : 1);
        },
      );
      return;
    }
    post(WorkerLog.create({ level: 'warn', text: 'ignored a malformed message' }));
  });

  post(WorkerReady.create({}));
}

main();
