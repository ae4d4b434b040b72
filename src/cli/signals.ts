/**
 * Signals during `paper-lab run`. The first SIGINT, SIGTERM or SIGHUP stops the run after its
 * current step (it then writes its summary as `stopped`); a second one marks run.json
 * `interrupted`, with the time, synchronously, and exits at once with 128 + the signal number.
 */
import type { RunRecord } from '../shared/runs';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** 128 + the signal's number, as shells report a process ended by it. */
export const SIGNAL_EXIT_CODES: Readonly<Record<StopSignal, number>> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/** What the handler needs of a run's recorder. */
export interface EndableRun {
  readonly record: RunRecord;
  finish(patch: Partial<RunRecord>): RunRecord;
}

export interface SignalHooks {
  /** Tells the person at the terminal what happens. */
  readonly notice: (text: string) => void;
  /** Leaves the process (`process.exit`). */
  readonly exit: (code: number) => void;
}

/** Where signal listeners go (`process`). */
export interface SignalSource {
  on(signal: StopSignal, listener: () => void): unknown;
  off(signal: StopSignal, listener: () => void): unknown;
}

export class RunSignals {
  private run: EndableRun | null = null;
  private readonly listeners = new Map<StopSignal, () => void>();

  constructor(
    private readonly controller: AbortController,
    private readonly hooks: SignalHooks,
  ) {}

  /** The run to mark when a second signal comes (once its folder is claimed). */
  attach(run: EndableRun): void {
    this.run = run;
  }

  handle(signal: StopSignal): void {
    if (!this.controller.signal.aborted) {
      this.hooks.notice(`${signal}: stopping after the current step (send it again to quit now)…`);
      this.controller.abort(`stopped by ${signal}`);
      return;
    }
    const run = this.run;
    if (run && run.record.status === 'running') {
      try {
        run.finish({ status: 'interrupted', endedAt: new Date().toISOString() });
      } catch (e) {
        this.hooks.notice(`error: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    this.hooks.exit(SIGNAL_EXIT_CODES[signal]);
  }

  /** Listens for the stop signals on `source`; returns the function that stops listening. */
  install(source: SignalSource): () => void {
    for (const signal of STOP_SIGNALS) {
      const listener = (): void => this.handle(signal);
      this.listeners.set(signal, listener);
      source.on(signal, listener);
    }
    return () => {
      for (const [signal, listener] of this.listeners) source.off(signal, listener);
      this.listeners.clear();
    };
  }
}
