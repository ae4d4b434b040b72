/**
 * A RunContext for tests: records everything in memory and never writes to disk.
 */
import type { Json } from '../../src/shared/messages';
import type { RunOutput } from '../../src/shared/outputs';
import type { BackendName, MetricPoint } from '../../src/shared/runs';
import { Rng } from '../../src/models/engine/rng';
import type { RunContext } from '../../src/models/types';

export interface RecordingContext extends RunContext {
  readonly points: MetricPoint[];
  readonly outputs: Map<string, RunOutput>;
  readonly logs: string[];
  readonly checkpoints: Map<string, Json>;
  lastProgress: number;
  /** Makes `aborted` true once `progress` reaches this step. */
  abortAt: number;
}

export function recordingContext(seed: number, backend: BackendName = 'cpu'): RecordingContext {
  const ctx: RecordingContext = {
    seed,
    rng: new Rng(seed),
    backend,
    modulePaths: [],
    points: [],
    outputs: new Map(),
    logs: [],
    checkpoints: new Map(),
    lastProgress: 0,
    abortAt: Number.POSITIVE_INFINITY,
    metric(step, values) {
      ctx.points.push({ step, values: { ...values } });
    },
    output(output) {
      ctx.outputs.set(output.id, output);
    },
    log(text) {
      ctx.logs.push(text);
    },
    progress(step) {
      ctx.lastProgress = step;
    },
    get aborted() {
      return ctx.lastProgress >= ctx.abortAt;
    },
    tick: () => Promise.resolve(),
    checkpoint(name, data) {
      ctx.checkpoints.set(name, data);
      return Promise.resolve();
    },
  };
  return ctx;
}
