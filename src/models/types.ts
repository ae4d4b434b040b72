/**
 * What a paper's training code receives and returns. Training code imports TensorFlow.js
 * (`@tensorflow/tfjs-core`) directly; the engine has already chosen and initialised the
 * backend before `run` is called. No vscode, DOM or Node imports in training code.
 */
import type { DemoConfig, PaperDescriptor, RunResults } from '../shared/catalog';
import type { Demo } from '../shared/demo';
import type { Json } from '../shared/messages';
import type { RunOutput } from '../shared/outputs';
import type { BackendName } from '../shared/runs';
import type { Rng } from './engine/rng';

export interface RunContext {
  readonly seed: number;
  /** Seeded random numbers: every random choice in a run comes from here (or from seeds drawn from it). */
  readonly rng: Rng;
  readonly backend: BackendName;
  /**
   * Extra folders the backend's optional packages resolve from (e.g. an installed tfjs-node), for
   * training code that starts workers of its own on the same backend.
   */
  readonly modulePaths: readonly string[];
  /** Records metric values at a step (e.g. `{ 'acc/fedyogi': 0.91 }`); streamed to plots, appended to metrics.jsonl. */
  metric(step: number, values: Readonly<Record<string, number>>): void;
  /** Records an output (table, bars, heatmap, …); a later output with the same id replaces it. */
  output(output: RunOutput): void;
  log(text: string, level?: 'info' | 'warn'): void;
  /** Reports that `step` steps (of the demo's `totalSteps`) are done. */
  progress(step: number): void;
  /** True once the run has been asked to stop: finish the current step and return what you have. */
  readonly aborted: boolean;
  /** Lets pending messages (such as stop) through; call once per step. Cheap. */
  tick(): Promise<void>;
  /** Saves a JSON checkpoint under `checkpoints/<name>.json` in the run folder (no-op in tests). */
  checkpoint(name: string, data: Json): Promise<void>;
}

/** A demo's training entry point: trains, reports through `ctx`, and returns the results the claims read. */
export type DemoRun = (config: DemoConfig, ctx: RunContext) => Promise<RunResults>;

/** A demo with its trainer (loaded on demand: the extension host's bundle holds no training code). */
export type TrainableDemo = Demo<RunContext>;

/** A paper as the engine reads it: its descriptor, and a trainer behind every demo. */
export interface ModelPaper extends PaperDescriptor {
  readonly demos: readonly TrainableDemo[];
}
