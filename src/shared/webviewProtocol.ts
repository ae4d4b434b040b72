/**
 * Messages between the extension host and a paper panel (webview).
 *
 *   webview → host: ready | startRun | stopRun | openLocation | openRun | openLink | validateConfig
 *   host → webview: init | focusEquation | locations | runs | runStarted | runMetrics | runOutput |
 *                   runProgress | runEnded | runLoaded | configErrors | runNotStarted | backend
 *
 * The host posts nothing until the webview says `ready`. Every webview message is untrusted
 * input and passes its guard (and the host's own checks, e.g. that a location is one it sent)
 * before anything is done with it.
 */
import type {
  ClaimSpec,
  DemoDescriptor,
  Equation,
  PaperDescriptor,
  PaperFigure,
  PaperMeta,
  PlacedPaperFigure,
  PlotSpec,
  QuerySpec,
} from './catalog';
import { defineMessage, isConfigRecord, isIdentifier, isNonNegativeInt, isString, type MessageOf } from './messages';
import type { RunOutput } from './outputs';
import { isRunFolderName, type MetricPoint, type RunRecord, type RunSummary } from './runs';

// ---------------------------------------------------------------------------------------------
// Serializable views of the catalog (descriptors without functions)

export interface CodeLocation {
  /** Display path, e.g. `src/models/fedopt/server.ts` or a workspace-relative path. */
  readonly label: string;
  /** Absolute file URI as a string; the host only opens locations it has itself sent. */
  readonly uri: string;
  /** Zero-based line of the annotated code (the line after the annotation comment). */
  readonly line: number;
  /** True for the extension's own shipped sources, false for the user's workspace. */
  readonly shipped: boolean;
}

/**
 * A claim as the panel sees it: no functions; `presets` names the presets it applies to when not all;
 * `paperFigures` the paper's own numbers shown beside it.
 */
export type ClaimView = Omit<ClaimSpec, 'measure' | 'appliesTo'> & {
  readonly presets?: readonly string[];
  readonly paperFigures?: readonly PaperFigure[];
};
/** A plot as the panel sees it, with the paper's own numbers shown under it. */
export type PlotView = PlotSpec & { readonly paperFigures?: readonly PaperFigure[] };
export type QueryView = QuerySpec;

/** A demo as the panel sees it: its descriptor's data, without functions. */
export interface DemoView extends Pick<
  DemoDescriptor,
  'id' | 'title' | 'description' | 'fields' | 'presets' | 'stepLabel' | 'outputs' | 'presetNotes'
> {
  readonly plots: readonly PlotView[];
  readonly claims: readonly ClaimView[];
  readonly queries: readonly QueryView[];
  /** Every paper figure of the demo, each also on the claim or plot it sits beside. */
  readonly paperFigures: readonly PlacedPaperFigure[];
}

/** The figures placed beside one claim or plot, without their place. */
function figuresAt(
  figures: readonly PlacedPaperFigure[],
  place: 'claim' | 'plot',
  id: string,
): { readonly paperFigures?: readonly PaperFigure[] } {
  const here = figures
    .filter((f) => f[place] === id)
    .map(({ claim: _claim, plot: _plot, ...figure }): PaperFigure => figure);
  return here.length > 0 ? { paperFigures: here } : {};
}

export interface PaperView {
  readonly meta: PaperMeta;
  readonly equations: readonly Equation[];
  readonly demos: readonly DemoView[];
  /** Markdown with `$inline$` and `$$display$$` math. */
  readonly explanation: string;
}

export function toDemoView(demo: DemoDescriptor): DemoView {
  const figures = demo.paperFigures ?? [];
  return {
    id: demo.id,
    title: demo.title,
    description: demo.description,
    fields: demo.fields,
    presets: demo.presets,
    ...(demo.presetNotes ? { presetNotes: demo.presetNotes } : {}),
    stepLabel: demo.stepLabel,
    plots: demo.plots.map((p) => ({ ...p, ...figuresAt(figures, 'plot', p.id) })),
    outputs: demo.outputs,
    claims: demo.claims.map(({ measure: _measure, appliesTo, ...rest }) => ({
      ...rest,
      ...(appliesTo === undefined
        ? {}
        : { presets: Object.keys(demo.presets).filter((p) => appliesTo(demo.presets[p] ?? {})) }),
      ...figuresAt(figures, 'claim', rest.id),
    })),
    queries: demo.queries ?? [],
    paperFigures: figures,
  };
}

export function toPaperView(paper: PaperDescriptor, explanation: string): PaperView {
  return { meta: paper.meta, equations: paper.equations, demos: paper.demos.map(toDemoView), explanation };
}

/** A past or current run as listed in the panel and the tree. */
export interface RunListItem {
  readonly runId: string;
  /** The run's folder under the runs folder: the key the host opens and deletes a run by (a copy keeps its runId). */
  readonly folder: string;
  readonly demo: string;
  readonly preset: string;
  readonly seed: number;
  readonly status: RunRecord['status'];
  readonly startedAt: string;
  readonly backend?: string;
  /** e.g. "3 of 3 claims hold", or "claims not evaluated (run stopped)". */
  readonly claimsLine?: string;
  /** The claims in one word: held, failed, not evaluated (absent for a demo without claims). */
  readonly verdict?: 'held' | 'failed' | 'not-evaluated';
}

// ---------------------------------------------------------------------------------------------
// webview → host

export const PanelReady = defineMessage<'ready', Record<never, never>>('ready', () => true);

export const PanelStartRun = defineMessage<
  'startRun',
  { demo: string; preset: string; config: Readonly<Record<string, number | string | boolean>>; seed: number }
>(
  'startRun',
  (m) =>
    isIdentifier(m['demo']) && isIdentifier(m['preset']) && isConfigRecord(m['config']) && isNonNegativeInt(m['seed']),
);

/**
 * The checks of a well-formed `startRun` that need the paper: the demo exists, and the preset is one of its own (never a silent fallback to another preset). Empty when the
 * run may start; each error reads `demo: …` or `preset: …` for the panel to show.
 */
export function startRunErrors(
  demos: readonly Pick<DemoView, 'id' | 'title' | 'presets'>[],
  request: { readonly demo: string; readonly preset: string },
): string[] {
  const demo = demos.find((d) => d.id === request.demo);
  if (!demo) return [`demo: unknown demo "${request.demo}" (demos: ${demos.map((d) => d.id).join(', ')})`];
  if (!Object.prototype.hasOwnProperty.call(demo.presets, request.preset)) {
    return [`preset: ${demo.id} has no preset "${request.preset}" (presets: ${Object.keys(demo.presets).join(', ')})`];
  }
  return [];
}

/** Run Seeds… in the form: the host asks which seeds, then trains the config at each in turn. */
export const PanelRunSeeds = defineMessage<
  'runSeeds',
  { demo: string; preset: string; config: Readonly<Record<string, number | string | boolean>> }
>('runSeeds', (m) => isIdentifier(m['demo']) && isIdentifier(m['preset']) && isConfigRecord(m['config']));

/** Runs are named by their folder (a copied folder keeps the runId written inside it). */
export const PanelStopRun = defineMessage<'stopRun', { folder: string }>('stopRun', (m) =>
  isRunFolderName(m['folder']),
);

export const PanelOpenLocation = defineMessage<'openLocation', { uri: string; line: number }>(
  'openLocation',
  (m) => isString(m['uri']) && m['uri'].length < 4096 && isNonNegativeInt(m['line']),
);

export const PanelOpenRun = defineMessage<'openRun', { folder: string }>('openRun', (m) =>
  isRunFolderName(m['folder']),
);

export const PanelOpenLink = defineMessage<'openLink', { url: string }>(
  'openLink',
  (m) => isString(m['url']) && /^https:\/\/[^\s]+$/.test(m['url']) && m['url'].length < 2048,
);

export const PanelValidateConfig = defineMessage<
  'validateConfig',
  { demo: string; config: Readonly<Record<string, number | string | boolean>> }
>('validateConfig', (m) => isIdentifier(m['demo']) && isConfigRecord(m['config']));

export const PanelQuery = defineMessage<'query', { folder: string; query: string; input: string }>(
  'query',
  (m) => isRunFolderName(m['folder']) && isIdentifier(m['query']) && isString(m['input']) && m['input'].length <= 200,
);

export type PanelToHost =
  | MessageOf<typeof PanelReady>
  | MessageOf<typeof PanelStartRun>
  | MessageOf<typeof PanelRunSeeds>
  | MessageOf<typeof PanelStopRun>
  | MessageOf<typeof PanelOpenLocation>
  | MessageOf<typeof PanelOpenRun>
  | MessageOf<typeof PanelOpenLink>
  | MessageOf<typeof PanelValidateConfig>
  | MessageOf<typeof PanelQuery>;

const PANEL_MESSAGES = [
  PanelReady,
  PanelStartRun,
  PanelRunSeeds,
  PanelStopRun,
  PanelOpenLocation,
  PanelOpenRun,
  PanelOpenLink,
  PanelValidateConfig,
  PanelQuery,
];

export function isPanelToHost(value: unknown): value is PanelToHost {
  return PANEL_MESSAGES.some((m) => m.is(value));
}

// ---------------------------------------------------------------------------------------------
// host → webview (trusted: the host builds them; the webview still checks `type`)

export interface HostInit {
  readonly type: 'init';
  readonly paper: PaperView;
  readonly locations: Readonly<Record<string, readonly CodeLocation[]>>;
  readonly runs: readonly RunListItem[];
  readonly backend: string;
  /** Seed a new run's form starts with (the `paperLab.defaultSeed` setting). */
  readonly defaultSeed: number;
  /** Equation ref to scroll to, if the panel was opened from a CodeLens or the tree. */
  readonly focus?: string;
}

export interface HostFocusEquation {
  readonly type: 'focusEquation';
  readonly ref: string;
}

export interface HostLocations {
  readonly type: 'locations';
  readonly locations: Readonly<Record<string, readonly CodeLocation[]>>;
}

export interface HostRuns {
  readonly type: 'runs';
  readonly runs: readonly RunListItem[];
}

export interface HostRunStarted {
  readonly type: 'runStarted';
  readonly record: RunRecord;
}

export interface HostRunMetrics {
  readonly type: 'runMetrics';
  readonly runId: string;
  readonly points: readonly MetricPoint[];
}

export interface HostRunOutput {
  readonly type: 'runOutput';
  readonly runId: string;
  readonly output: RunOutput;
}

/** What a live run is doing before its first step (starting backends, measuring them, loading data). */
export interface HostRunStage {
  readonly type: 'runStage';
  readonly runId: string;
  readonly text: string;
}

export interface HostRunProgress {
  readonly type: 'runProgress';
  readonly runId: string;
  readonly step: number;
  readonly total: number;
  readonly stepsPerSecond: number;
  readonly backend?: string;
}

export interface HostRunEnded {
  readonly type: 'runEnded';
  readonly record: RunRecord;
  readonly summary?: RunSummary;
}

/** A whole past run, for reopening it with its plots. */
export interface HostRunLoaded {
  readonly type: 'runLoaded';
  /** The run's folder: what the panel sends back to name this run. */
  readonly folder: string;
  readonly record: RunRecord;
  readonly points: readonly MetricPoint[];
  readonly outputs: readonly RunOutput[];
  readonly summary?: RunSummary;
  readonly live: boolean;
}

/** One run of a comparison or seed set, whole. */
export interface RunSetEntry {
  readonly folder: string;
  readonly record: RunRecord;
  readonly points: readonly MetricPoint[];
  readonly summary?: RunSummary;
}

/** Several runs of one demo, shown together: the seeds of one config with a band, or runs laid over each other. */
export interface HostRunSet {
  readonly type: 'runSet';
  readonly demo: string;
  readonly entries: readonly RunSetEntry[];
}

export interface HostConfigErrors {
  readonly type: 'configErrors';
  readonly demo: string;
  readonly errors: readonly string[];
}

/** A run the panel asked for that will not start (another run was training and the user cancelled), or waits. */
export interface HostRunNotStarted {
  readonly type: 'runNotStarted';
  readonly demo: string;
  /** Shown where the progress line is; `queued` keeps the form waiting. */
  readonly reason: string;
  readonly queued: boolean;
}

export interface HostBackend {
  readonly type: 'backend';
  readonly backend: string;
}

/** The answer to a `query` from the panel: an output to show, or why there is none. */
export interface HostQueryResult {
  readonly type: 'queryResult';
  readonly folder: string;
  readonly query: string;
  readonly input: string;
  readonly output?: RunOutput;
  readonly error?: string;
}

export type HostToPanel =
  | HostInit
  | HostFocusEquation
  | HostLocations
  | HostRuns
  | HostRunStarted
  | HostRunMetrics
  | HostRunOutput
  | HostRunProgress
  | HostRunStage
  | HostRunEnded
  | HostRunLoaded
  | HostRunSet
  | HostConfigErrors
  | HostRunNotStarted
  | HostBackend
  | HostQueryResult;
