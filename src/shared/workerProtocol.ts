/**
 * Messages between the extension host (or CLI) and a training worker.
 *
 *   host → worker: start | stop, or query (a worker started for one question about a finished run)
 *   worker → host: ready | backend | stage | metrics (batched) | output | log | summary | error | queryAnswer
 *
 * The worker posts `ready` when it can accept `start`; metrics are batched and throttled
 * (at most about ten messages a second) and carry only new points.
 */
import { isPaperId, type DemoConfig, type PaperId } from './catalog';
import {
  defineMessage,
  isArrayOf,
  isConfigRecord,
  isFiniteNumber,
  isIdentifier,
  isNonNegativeInt,
  isRecord,
  isString,
  type MessageOf,
} from './messages';
import { OUTPUT_KINDS, type RunOutput } from './outputs';
import { isBackendChoice, type BackendChoice, type BackendReport, type MetricPoint, type RunSummary } from './runs';

export const StartRun = defineMessage<
  'start',
  {
    runId: string;
    paper: PaperId;
    demo: string;
    preset: string;
    config: DemoConfig;
    seed: number;
    backend: BackendChoice;
    /** Folder the worker writes the run record into. */
    runDir: string;
    /** Extra folders where optional backend packages may be installed (global storage). */
    modulePaths: readonly string[];
    /** `auto`: the file caching measured backend throughputs (global storage). */
    calibrationFile?: string;
  }
>(
  'start',
  (m) =>
    isIdentifier(m['runId']) &&
    isPaperId(m['paper']) &&
    isIdentifier(m['demo']) &&
    isIdentifier(m['preset']) &&
    isConfigRecord(m['config']) &&
    isNonNegativeInt(m['seed']) &&
    isBackendChoice(m['backend']) &&
    isString(m['runDir']) &&
    isArrayOf(m['modulePaths'], isString) &&
    (m['calibrationFile'] === undefined || isString(m['calibrationFile'])),
);

export const StopRun = defineMessage<'stop', { reason: string }>('stop', (m) => isString(m['reason']));

/**
 * Asks a fresh worker one question about a finished run (a demo's query): the worker loads the
 * paper's model code, reads the checkpoint file, answers with `queryAnswer` and exits.
 */
export const AskQuery = defineMessage<
  'query',
  { paper: PaperId; demo: string; query: string; checkpointFile: string; input: string; modulePaths: readonly string[] }
>(
  'query',
  (m) =>
    isPaperId(m['paper']) &&
    isIdentifier(m['demo']) &&
    isIdentifier(m['query']) &&
    isString(m['checkpointFile']) &&
    isString(m['input']) &&
    isArrayOf(m['modulePaths'], isString),
);

export type HostToWorker = MessageOf<typeof StartRun> | MessageOf<typeof StopRun> | MessageOf<typeof AskQuery>;

export const WorkerReady = defineMessage<'ready', Record<never, never>>('ready', () => true);

export const WorkerBackend = defineMessage<'backend', { report: BackendReport }>(
  'backend',
  (m) => isRecord(m['report']) && isString(m['report']['chosen']),
);

export const WorkerMetrics = defineMessage<'metrics', { points: readonly MetricPoint[] }>('metrics', (m) =>
  isArrayOf(
    m['points'],
    (p): p is MetricPoint =>
      isRecord(p) &&
      isFiniteNumber(p['step']) &&
      isRecord(p['values']) &&
      Object.values(p['values']).every((v) => typeof v === 'number'),
  ),
);

export const WorkerOutput = defineMessage<'output', { output: RunOutput }>(
  'output',
  (m) =>
    isRecord(m['output']) &&
    OUTPUT_KINDS.includes(m['output']['kind'] as RunOutput['kind']) &&
    isIdentifier(m['output']['id']),
);

export const WorkerLog = defineMessage<'log', { level: 'info' | 'warn'; text: string }>(
  'log',
  (m) => (m['level'] === 'info' || m['level'] === 'warn') && isString(m['text']),
);

/** What a run is doing before its first step. */
export const WorkerStage = defineMessage<'stage', { text: string }>('stage', (m) => isString(m['text']));

export const WorkerProgress = defineMessage<'progress', { step: number; total: number; stepsPerSecond: number }>(
  'progress',
  (m) => isFiniteNumber(m['step']) && isFiniteNumber(m['total']) && isFiniteNumber(m['stepsPerSecond']),
);

export const WorkerSummary = defineMessage<'summary', { summary: RunSummary }>(
  'summary',
  (m) => isRecord(m['summary']) && isString(m['summary']['status']) && Array.isArray(m['summary']['claims']),
);

export const WorkerError = defineMessage<'error', { message: string; stack?: string }>('error', (m) =>
  isString(m['message']),
);

/** The answer to `query`: an output to show, or an error message to show instead. */
export const WorkerQueryAnswer = defineMessage<'queryAnswer', { output?: RunOutput; error?: string }>(
  'queryAnswer',
  (m) =>
    (m['output'] === undefined ||
      (isRecord(m['output']) && OUTPUT_KINDS.includes(m['output']['kind'] as RunOutput['kind']))) &&
    (m['error'] === undefined || isString(m['error'])),
);

export type WorkerToHost =
  | MessageOf<typeof WorkerReady>
  | MessageOf<typeof WorkerBackend>
  | MessageOf<typeof WorkerMetrics>
  | MessageOf<typeof WorkerOutput>
  | MessageOf<typeof WorkerLog>
  | MessageOf<typeof WorkerProgress>
  | MessageOf<typeof WorkerStage>
  | MessageOf<typeof WorkerSummary>
  | MessageOf<typeof WorkerError>
  | MessageOf<typeof WorkerQueryAnswer>;

const WORKER_MESSAGES = [
  WorkerReady,
  WorkerBackend,
  WorkerMetrics,
  WorkerOutput,
  WorkerLog,
  WorkerProgress,
  WorkerStage,
  WorkerSummary,
  WorkerError,
  WorkerQueryAnswer,
];

export function isWorkerToHost(value: unknown): value is WorkerToHost {
  return WORKER_MESSAGES.some((m) => m.is(value));
}

export function isHostToWorker(value: unknown): value is HostToWorker {
  return StartRun.is(value) || StopRun.is(value) || AskQuery.is(value);
}
