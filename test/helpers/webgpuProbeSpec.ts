/** What test/helpers/webgpuProbe.ts checks and reports (imported by the test that judges it). */
import type { PaperId } from '../../src/shared/catalog';
import type { BackendAttempt } from '../../src/shared/runs';

/** A metric value a trainer reported, by backend. */
export interface MetricPoint {
  readonly step: number;
  readonly key: string;
  readonly value: number;
}

export interface DemoProbe {
  readonly paper: PaperId;
  readonly overrides: Readonly<Record<string, number>>;
  readonly steps: number;
  /** Per backend: the metrics reported, the device error seen (if any), tensors left, seconds. */
  readonly runs: Record<
    'wasm' | 'webgpu',
    { metrics: MetricPoint[]; error: string | null; fault: string | null; leftover: number; seconds: number }
  >;
}

export interface ProbeReport {
  /** `auto` with webgpu first: what happened to webgpu (a software adapter must be skipped). */
  readonly auto: BackendAttempt | null;
  /** `--backend webgpu`: the reason line, or the error. */
  readonly forced: { ok: boolean; reason: string };
  /** The backend's own AddN with 11 inputs (one over the device's storage-buffer limit with the output). */
  readonly unfixedAddN: { fault: string | null };
  /** The engine's AddN (webgpuFixes) against sums computed in JavaScript. */
  readonly fixedAddN: { maxError: number; fault: string | null };
  /**
   * int32 and bool tensors through the kernels that transpose inside (webgpuFixes), against the
   * cpu backend: elements that differ, the result's dtype and the one it must have, and the
   * device error seen after all of them (if any).
   */
  readonly intKernels: {
    cases: { name: string; dtype: string; expectedDtype: string; size: number; mismatches: number }[];
    fault: string | null;
  };
  readonly demos: DemoProbe[];
}

/**
 * Tiny versions of each demo that trains through TensorFlow.js ops: a few steps, the metrics
 * they report at their last step compared between cpu and webgpu.
 */
export const DEMO_PROBES: Readonly<Record<string, { overrides: Record<string, number>; steps: number }>> = {
  fedopt: { overrides: { rounds: 2, roundCap: 2 }, steps: 2 },
  'score-sde': { overrides: { steps: 20, warmup: 10 }, steps: 20 },
  rims: { overrides: { steps: 3, evalEvery: 3, evalBatch: 16 }, steps: 3 },
  genre: { overrides: { steps: 10, evalEvery: 10 }, steps: 10 },
  drq: { overrides: { steps: 110, seedSteps: 100, evalEvery: 110, evalEpisodes: 2 }, steps: 110 },
};
