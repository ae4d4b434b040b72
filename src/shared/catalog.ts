/**
 * The catalog schema: what every paper module declares about itself.
 *
 * Everything here is plain data plus pure functions, readable by the extension host, the
 * webview, the CLI and the worker alike. No vscode, DOM, Node or TensorFlow.js imports.
 */

/** Stable paper ids: they appear in commands, annotations, run folders and tests. */
export const PAPER_IDS = ['rims', 'score-sde', 'genre', 'ance', 'drq', 'fedopt', 'flyvec'] as const;
export type PaperId = (typeof PAPER_IDS)[number];

export function isPaperId(value: unknown): value is PaperId {
  return typeof value === 'string' && (PAPER_IDS as readonly string[]).includes(value);
}

export interface PaperLinks {
  /** OpenReview forum page. */
  readonly openreview: string;
  readonly arxiv?: string;
  /** The official code repository. */
  readonly code: string;
}

export interface PaperMeta {
  readonly id: PaperId;
  readonly title: string;
  /** Short name used in CodeLens titles and the status bar, e.g. "FedOpt". */
  readonly shortName: string;
  readonly authors: readonly string[];
  readonly venue: string;
  readonly links: PaperLinks;
  /** One sentence: what the demo shows. */
  readonly tagline: string;
}

export interface Equation {
  /** Stable short key used in annotations, e.g. `server-yogi`. Lowercase letters, digits and dashes. */
  readonly ref: string;
  /** Human label, e.g. "FedYogi server update". */
  readonly label: string;
  /** KaTeX source, display mode, without `\tag`. */
  readonly tex: string;
  /** The paper's own number, only where it has been confirmed against the paper. */
  readonly paperNumber?: string;
  /** Optional one-line note shown under the equation. */
  readonly note?: string;
}

// ---------------------------------------------------------------------------------------------
// Demo configuration

export type ConfigValue = number | string | boolean;
/** Demo configs are flat so that every field can be set from the CLI as `--set key=value`. */
export type DemoConfig = Readonly<Record<string, ConfigValue>>;

interface FieldBase {
  readonly key: string;
  readonly label: string;
  readonly description: string;
  /** Fields in the same group are shown together in the form. */
  readonly group?: string;
}

export interface NumberField extends FieldBase {
  readonly kind: 'number';
  readonly min: number;
  readonly max: number;
  /** Show and edit on a log10 scale (learning rates). */
  readonly log?: boolean;
  readonly unit?: string;
}

export interface IntField extends FieldBase {
  readonly kind: 'int';
  readonly min: number;
  readonly max: number;
  readonly unit?: string;
}

export interface EnumField extends FieldBase {
  readonly kind: 'enum';
  readonly options: readonly string[];
}

export interface BooleanField extends FieldBase {
  readonly kind: 'boolean';
}

export type FieldSpec = NumberField | IntField | EnumField | BooleanField;

// ---------------------------------------------------------------------------------------------
// What a demo streams and produces

/** A line plot; each series reads one metric name. */
export interface PlotSpec {
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly yUnit?: string;
  readonly yRange?: readonly [number, number];
  readonly logY?: boolean;
  readonly series: readonly { readonly metric: string; readonly label: string }[];
}

export interface OutputSpec {
  /** Matches `RunOutput.id`. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
}

/** Numbers a run reports at its end, from which the claims are measured. */
export type RunResults = Readonly<Record<string, number>>;

export interface ClaimSpec {
  readonly id: string;
  /** The claim in words, e.g. "FedYogi reaches 0.9 test accuracy in at most half the rounds FedAvg needs". */
  readonly text: string;
  /** The target in words, e.g. "≤ 0.5". */
  readonly target: string;
  /**
   * Measures the claim from the run's results (and its config, which a claim may read; without it
   * the claim sees the quick preset); `measured` is null when the run did not produce it.
   */
  readonly measure: (
    results: RunResults,
    config?: DemoConfig,
  ) => { readonly measured: number | null; readonly pass: boolean };
  /** Unit or format hint for `measured`, e.g. "rounds", "ratio", "nats". */
  readonly unit?: string;
  /** Set when the paper's claim is known not to reproduce at this scale; shown in the UI. */
  readonly caveat?: string;
  /**
   * Whether the claim is about runs with this config (default: always). A claim that does not
   * apply, e.g. a 2-D density claim on an image run, is left out of that run's claims.
   */
  readonly appliesTo?: (config: DemoConfig) => boolean;
}

/**
 * A number the paper itself reports on an axis the demo plots or measures, shown beside that plot
 * or claim as "paper: <value> <unit> (<source>)", with the paper's setting, so a figure from a
 * CIFAR-10 U-Net is never read as one from this demo's small model.
 */
export interface PaperFigure {
  /** Stable short key, unique within the demo. */
  readonly id: string;
  /** What the number is, in a few words, e.g. "cartpole swingup return". */
  readonly what: string;
  /** The value exactly as the paper prints it, e.g. "2.99" or "759 / 869". */
  readonly value: string;
  readonly unit?: string;
  /** Where the paper prints it: a table or figure number, e.g. "Table 2". */
  readonly source: PaperFigureSource;
  /** The paper's setting: dataset, model (and size), budget (steps, rounds, seeds). */
  readonly setting: string;
}

/** A table or figure of the paper, by its number (optionally with a panel or part), e.g. "Table 2". */
export type PaperFigureSource = `Table ${string}` | `Figure ${string}`;

/** Where a figure sits: beside one of the demo's claims, or under one of its plots. */
export type PaperFigurePlace =
  { readonly claim: string; readonly plot?: never } | { readonly plot: string; readonly claim?: never };

/** A figure with its place, as a demo declares it. */
export type PlacedPaperFigure = PaperFigure & PaperFigurePlace;

/**
 * A question a finished run can answer from one of its checkpoints, asked from the panel, e.g.
 * "nearest words to a word the user types" for FlyVec. The answer is computed by the paper's own
 * model code (`loadQueries` of the demo) in a short-lived worker, never on the extension host.
 */
export interface QuerySpec {
  readonly id: string;
  readonly title: string;
  /** Label of the input box, e.g. "Word". */
  readonly label: string;
  readonly placeholder: string;
  readonly description: string;
  /** Name of the JSON checkpoint (`checkpoints/<name>.json`) the answer reads. */
  readonly checkpoint: string;
}

export interface DemoDescriptor {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly fields: readonly FieldSpec[];
  /** Named presets; every demo has `quick` and `paper`. */
  readonly presets: Readonly<Record<string, DemoConfig>>;
  /** Cross-field checks beyond each field's own range; returns error messages naming fields. */
  readonly validate?: (config: DemoConfig) => readonly string[];
  /** Total steps for a config, for progress and ETA. */
  readonly totalSteps: (config: DemoConfig) => number;
  /** Label of the step axis, e.g. "round". */
  readonly stepLabel: string;
  readonly plots: readonly PlotSpec[];
  readonly outputs: readonly OutputSpec[];
  readonly claims: readonly ClaimSpec[];
  /** Questions a finished run answers in the panel. */
  readonly queries?: readonly QuerySpec[];
  /**
   * Steps `auto` calibration lets pass before it times any (default 1, the warm-up step): for a
   * demo whose first steps are not its training step, e.g. DrQ's random-action seed steps.
   */
  readonly calibrationWarmup?: (config: DemoConfig) => number;
  /** The paper's own numbers on what this demo plots or measures, each beside a claim or a plot. */
  readonly paperFigures?: readonly PlacedPaperFigure[];
  /** One line per preset: what a run of it shows (the Run Demo picker and the panel show it). */
  readonly presetNotes?: Readonly<Record<string, string>>;
  /** Throughput figures the run measures itself (result keys), printed by `paper-lab bench`. */
  readonly performance?: readonly PerformanceResult[];
}

/** A throughput figure in a run's results, e.g. `{ key: 'docsPerSecond', label: 'corpus encoding', unit: 'docs/s' }`. */
export interface PerformanceResult {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
}

export interface PaperDescriptor {
  readonly meta: PaperMeta;
  readonly equations: readonly Equation[];
  readonly demos: readonly DemoDescriptor[];
  /**
   * Source files (relative to the extension root) that implement the paper and are shipped
   * for reading, e.g. `src/models/fedopt/server.ts`. The first is opened by "Open Implementation".
   */
  readonly sources: readonly string[];
}

/** The explanation prose for a paper lives in `media/papers/<id>.md`. */
export function explanationPath(id: PaperId): string {
  return `media/papers/${id}.md`;
}
