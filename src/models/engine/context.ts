/**
 * The RunContext a trainer receives, and the throttling between it and the sink: metric points
 * are batched (at most one message per interval, only new points, in order), progress is
 * reported a few times a second with a steps-per-second rate, and `tick()` yields to the event
 * loop at most every few milliseconds so a stop message gets through without slowing training.
 */
import type { Json } from '../../shared/messages';
import type { RunOutput } from '../../shared/outputs';
import type { BackendName, BackendReport, MetricPoint, RunSummary } from '../../shared/runs';
import type { RunContext } from '../types';
import type { RunRecorder } from './recorder';
import { Rng } from './rng';

/** Where a run's events go (the worker posts them as messages; the CLI prints them). */
export interface RunSink {
  backend?(report: BackendReport): void;
  metrics?(points: readonly MetricPoint[]): void;
  output?(output: RunOutput): void;
  log?(level: 'info' | 'warn', text: string): void;
  /** What the run is doing before its first step ("Measuring backends: wasm, cpu…"). */
  stage?(text: string): void;
  progress?(step: number, total: number, stepsPerSecond: number): void;
  summary?(summary: RunSummary): void;
  error?(message: string, stack?: string): void;
}

export type Clock = () => number;
const defaultClock: Clock = () => performance.now();

/**
 * Collects metric points and hands them on in batches: the first point goes out at once, later
 * ones at most once per `intervalMs`; a timer sends what is left when the loop is idle.
 */
export class MetricBatcher {
  private pending: MetricPoint[] = [];
  private lastFlush = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deliver: (points: readonly MetricPoint[]) => void,
    private readonly intervalMs = 100,
    private readonly clock: Clock = defaultClock,
  ) {}

  push(point: MetricPoint): void {
    this.pending.push(point);
    const now = this.clock();
    if (now - this.lastFlush >= this.intervalMs) this.flush();
    else if (this.timer === null) {
      this.timer = setTimeout(() => this.flush(), Math.max(1, this.intervalMs - (now - this.lastFlush)));
      this.timer.unref?.();
    }
  }

  /** Sends everything pending now. */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0) return;
    const points = this.pending;
    this.pending = [];
    this.lastFlush = this.clock();
    this.deliver(points);
  }
}

/**
 * Throttles progress reports and measures steps per second over recent steps. Before `steadyFrom`
 * (steps that cost something else than a training step, such as DrQ's random-action seed steps)
 * it reports a rate of 0, which reads as "not known yet": no speed and no time left is shown that
 * the run would not keep. The rate is measured afresh from that step on.
 */
export class ProgressMeter {
  private lastSent = Number.NEGATIVE_INFINITY;
  private windowStart: { t: number; step: number } | null = null;
  private rate = 0;
  step = 0;

  constructor(
    private readonly total: number,
    private readonly deliver: (step: number, total: number, stepsPerSecond: number) => void,
    private readonly intervalMs = 250,
    private readonly clock: Clock = defaultClock,
    private readonly steadyFrom = 0,
  ) {}

  report(step: number): void {
    const now = this.clock();
    this.step = step;
    if (step < this.steadyFrom) {
      this.windowStart = null;
      this.rate = 0;
    }
    if (this.windowStart === null) this.windowStart = { t: now, step };
    const dt = (now - this.windowStart.t) / 1000;
    if (dt >= 0.5) {
      const instant = (step - this.windowStart.step) / dt;
      this.rate = this.rate === 0 ? instant : 0.5 * this.rate + 0.5 * instant;
      this.windowStart = { t: now, step };
    } else if (this.rate === 0 && dt > 0 && step > this.windowStart.step) {
      this.rate = (step - this.windowStart.step) / dt;
    }
    if (now - this.lastSent >= this.intervalMs || step >= this.total) {
      this.lastSent = now;
      this.deliver(step, this.total, this.rate);
    }
  }

  get stepsPerSecond(): number {
    return this.rate;
  }
}

/** Returns a `tick` that yields to the event loop (setImmediate) at most once every `everyMs`. */
export function makeTicker(everyMs = 4, clock: Clock = defaultClock): () => Promise<void> {
  let last = clock();
  return () => {
    const now = clock();
    if (now - last < everyMs) return Promise.resolve();
    last = now;
    return new Promise((resolve) => setImmediate(resolve));
  };
}

export interface ContextOptions {
  readonly seed: number;
  readonly backend: BackendName;
  readonly modulePaths?: readonly string[];
  readonly totalSteps: number;
  /** The first step whose cost is the training step's (see ProgressMeter); default 0. */
  readonly steadyFrom?: number;
  readonly sink: RunSink;
  readonly recorder: RunRecorder | null;
  readonly signal: AbortSignal;
  readonly metricsIntervalMs?: number;
  readonly clock?: Clock;
}

export interface EngineContext extends RunContext {
  /** Sends pending metrics (call when the trainer returns or throws). */
  flush(): void;
  readonly lastStep: number;
}

/** Builds the RunContext: records to disk as it goes and forwards events to the sink, throttled. */
export function createContext(options: ContextOptions): EngineContext {
  const { sink, recorder, signal } = options;
  const clock = options.clock ?? defaultClock;
  const batcher = new MetricBatcher(
    (points) => {
      recorder?.appendMetrics(points);
      sink.metrics?.(points);
    },
    options.metricsIntervalMs ?? 100,
    clock,
  );
  const meter = new ProgressMeter(
    options.totalSteps,
    (s, t, r) => sink.progress?.(s, t, r),
    250,
    clock,
    options.steadyFrom ?? 0,
  );
  const tick = makeTicker(4, clock);
  let lastStep = 0;
  return {
    seed: options.seed,
    rng: new Rng(options.seed),
    backend: options.backend,
    modulePaths: options.modulePaths ?? [],
    metric(step, values) {
      const clean: Record<string, number> = {};
      for (const [k, v] of Object.entries(values)) if (typeof v === 'number') clean[k] = v;
      batcher.push({ step, values: clean });
    },
    output(output) {
      recorder?.writeOutput(output);
      sink.output?.(output);
    },
    log(text, level = 'info') {
      sink.log?.(level, text);
    },
    progress(step) {
      lastStep = Math.max(lastStep, step);
      meter.report(step);
    },
    get aborted() {
      return signal.aborted;
    },
    tick,
    checkpoint(name: string, data: Json) {
      return recorder ? recorder.writeCheckpoint(name, data) : Promise.resolve();
    },
    flush() {
      batcher.flush();
    },
    get lastStep() {
      return lastStep;
    },
  };
}
