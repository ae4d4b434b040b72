/**
 * One typed definition per demo. A demo declares its settings and its results as specs; the
 * compiler derives the trainer's `Config` and `Results` types from them, so a trainer reads
 * `config.rounds` as a number, a claim reads `results.roundsToTarget.fedyogi`, and a renamed field
 * or result is a compile error.
 *
 * Specs nest with `group` (and `each`, one group per key of a list); on disk, in the form and on
 * the command line everything stays flat, with dotted keys (`lr.fedyogi.server`), exactly as the
 * run folders and `--set` have always spelled them. `defineDemo` returns the flat descriptor the
 * host, the webview and the CLI read, with the typed parts behind it.
 *
 * Plain data and pure functions: no vscode, DOM, Node or TensorFlow.js imports.
 */
import type { RunOutput } from './outputs';
import type {
  BooleanField,
  ClaimSpec,
  ConfigValue,
  DemoConfig,
  DemoDescriptor,
  EnumField,
  FieldSpec,
  IntField,
  NumberField,
  PlacedPaperFigure,
  RunResults,
} from './catalog';

// ---------------------------------------------------------------------------------------------
// Settings

type FieldText = Omit<FieldSpec, 'kind' | 'key'>;
export type IntSpec = Omit<IntField, 'key'>;
export type NumberSpec = Omit<NumberField, 'key'>;
export type BooleanSpec = Omit<BooleanField, 'key'>;
export interface EnumSpec<O extends string> extends Omit<EnumField, 'key' | 'options'> {
  readonly options: readonly O[];
}
export type LeafSpec = IntSpec | NumberSpec | BooleanSpec | EnumSpec<string>;

export interface GroupSpec<C extends Readonly<Record<string, FieldNode>>> {
  readonly kind: 'group';
  readonly children: C;
}
export type FieldNode = LeafSpec | GroupSpec<Readonly<Record<string, FieldNode>>>;
export type Fields = Readonly<Record<string, FieldNode>>;

export const int = (spec: Omit<IntSpec, 'kind'>): IntSpec => ({ kind: 'int', ...spec });
export const num = (spec: Omit<NumberSpec, 'kind'>): NumberSpec => ({ kind: 'number', ...spec });
export const bool = (spec: Omit<BooleanSpec, 'kind'>): BooleanSpec => ({ kind: 'boolean', ...spec });
export const choice = <const O extends string>(options: readonly O[], spec: FieldText): EnumSpec<O> => ({
  kind: 'enum',
  options,
  ...spec,
});
export const group = <const C extends Fields>(children: C): GroupSpec<C> => ({ kind: 'group', children });
/** One group entry per key, e.g. one learning rate per optimizer: `each(OPTIMIZERS, (opt) => num(…))`. */
export function each<const K extends string, S extends FieldNode>(
  keys: readonly K[],
  make: (key: K) => S,
): GroupSpec<Readonly<Record<K, S>>> {
  const children = {} as Record<K, S>;
  for (const key of keys) children[key] = make(key);
  return { kind: 'group', children };
}

/** The config a trainer receives for these specs. */
export type ConfigOf<S> =
  S extends GroupSpec<infer C>
    ? { readonly [K in keyof C]: ConfigOf<C[K]> }
    : S extends EnumSpec<infer O>
      ? O
      : S extends BooleanSpec
        ? boolean
        : S extends IntSpec | NumberSpec
          ? number
          : S extends Fields
            ? { readonly [K in keyof S]: ConfigOf<S[K]> }
            : never;

// ---------------------------------------------------------------------------------------------
// Results

export interface ResultSpec {
  readonly kind: 'result';
  /** What the number is, for people reading summary.json. */
  readonly description?: string;
  readonly unit?: string;
  /** Present only in some runs (e.g. only when a baseline was trained). */
  readonly optional?: boolean;
}
export interface ResultGroup<C extends Readonly<Record<string, ResultNode>>> {
  readonly kind: 'results';
  readonly children: C;
}
export type ResultNode = ResultSpec | ResultGroup<Readonly<Record<string, ResultNode>>>;
export type ResultSpecs = Readonly<Record<string, ResultNode>>;

export const result = (spec: Omit<ResultSpec, 'kind' | 'optional'> = {}): ResultSpec & { optional?: false } => ({
  kind: 'result',
  ...spec,
});
export const optionalResult = (spec: Omit<ResultSpec, 'kind' | 'optional'> = {}): ResultSpec & { optional: true } => ({
  kind: 'result',
  optional: true,
  ...spec,
});
export const results = <const C extends ResultSpecs>(children: C): ResultGroup<C> => ({ kind: 'results', children });
/** One result entry per key: `eachResult(OPTIMIZERS, () => result({ unit: 'rounds' }))`. */
export function eachResult<const K extends string, S extends ResultNode>(
  keys: readonly K[],
  make: (key: K) => S,
): ResultGroup<Readonly<Record<K, S>>> {
  const children = {} as Record<K, S>;
  for (const key of keys) children[key] = make(key);
  return { kind: 'results', children };
}

type OptionalKeys<C> = { [K in keyof C]: C[K] extends { optional: true } ? K : never }[keyof C];
type RequiredKeys<C> = Exclude<keyof C, OptionalKeys<C>>;
type ResultsOfRecord<C> = { readonly [K in RequiredKeys<C>]: ResultsOf<C[K]> } & {
  readonly [K in OptionalKeys<C>]?: ResultsOf<C[K]>;
};
/** The results a trainer returns for these specs. */
export type ResultsOf<S> =
  S extends ResultGroup<infer C>
    ? ResultsOfRecord<C>
    : S extends ResultSpec
      ? number
      : S extends ResultSpecs
        ? ResultsOfRecord<S>
        : never;

// ---------------------------------------------------------------------------------------------
// Flat ↔ nested

const isGroup = (node: FieldNode): node is GroupSpec<Fields> => node.kind === 'group';

/** The flat field list (dotted keys, declaration order) the form, `--set` and the validator read. */
export function flattenFields(fields: Fields, prefix = ''): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (const [name, node] of Object.entries(fields)) {
    const key = prefix + name;
    if (isGroup(node)) out.push(...flattenFields(node.children, `${key}.`));
    else out.push({ ...node, key } as FieldSpec);
  }
  return out;
}

/** A flat config (dotted keys) as the nested object its specs describe; missing keys throw. */
export function nestConfig<F extends Fields>(fields: F, flat: DemoConfig): ConfigOf<F> {
  const build = (specs: Fields, prefix: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [name, node] of Object.entries(specs)) {
      const key = prefix + name;
      if (isGroup(node)) out[name] = build(node.children, `${key}.`);
      else {
        if (!Object.hasOwn(flat, key)) throw new Error(`config: "${key}" is missing`);
        out[name] = flat[key];
      }
    }
    return out;
  };
  return build(fields, '') as ConfigOf<F>;
}

/** A nested config as the flat record (dotted keys) stored in run.json and shown in the form. */
export function flattenConfig<F extends Fields>(fields: F, config: ConfigOf<F>): DemoConfig {
  const out: Record<string, ConfigValue> = {};
  const walk = (specs: Fields, value: Readonly<Record<string, unknown>>, prefix: string): void => {
    for (const [name, node] of Object.entries(specs)) {
      const v = value[name];
      if (isGroup(node)) walk(node.children, (v ?? {}) as Readonly<Record<string, unknown>>, `${prefix}${name}.`);
      else out[prefix + name] = v as ConfigValue;
    }
  };
  walk(fields, config as Readonly<Record<string, unknown>>, '');
  return out;
}

const isResultGroup = (node: ResultNode): node is ResultGroup<ResultSpecs> => node.kind === 'results';

/** Nested results as the flat record (dotted keys) in summary.json; absent optional results are left out. */
export function flattenResults<R extends ResultSpecs>(specs: R, values: ResultsOf<R>): RunResults {
  const out: Record<string, number> = {};
  const walk = (nodes: ResultSpecs, value: Readonly<Record<string, unknown>>, prefix: string): void => {
    for (const [name, node] of Object.entries(nodes)) {
      const v = value[name];
      if (isResultGroup(node)) walk(node.children, (v ?? {}) as Readonly<Record<string, unknown>>, `${prefix}${name}.`);
      else if (typeof v === 'number') out[prefix + name] = v;
      else if (!node.optional) throw new Error(`results: "${prefix + name}" is missing`);
    }
  };
  walk(specs, values as Readonly<Record<string, unknown>>, '');
  return out;
}

/**
 * Flat results read back (from a summary, or a run stopped early) as the nested object the claims
 * read. Results the run did not produce are left out, so a claim sees `undefined` and measures null.
 */
export function nestResults<R extends ResultSpecs>(specs: R, flat: RunResults): Partial<ResultsOf<R>> {
  const build = (nodes: ResultSpecs, prefix: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [name, node] of Object.entries(nodes)) {
      const key = prefix + name;
      if (isResultGroup(node)) out[name] = build(node.children, `${key}.`);
      else if (Object.hasOwn(flat, key) && typeof flat[key] === 'number') out[name] = flat[key];
    }
    return out;
  };
  return build(specs, '') as Partial<ResultsOf<R>>;
}

/** Every flat result key the specs declare. */
export function resultKeys(specs: ResultSpecs, prefix = ''): string[] {
  return Object.entries(specs).flatMap(([name, node]) =>
    isResultGroup(node) ? resultKeys(node.children, `${prefix}${name}.`) : [prefix + name],
  );
}

// ---------------------------------------------------------------------------------------------
// Claims

/** Deeply partial: a claim reads results of a run that may have stopped before producing them. */
export type Partially<T> = T extends number ? T | undefined : { readonly [K in keyof T]?: Partially<T[K]> };

export interface TypedClaim<C, R> extends Omit<ClaimSpec, 'measure' | 'appliesTo'> {
  /** Measures the claim; `measured` is null when the run did not produce what it reads. */
  readonly measure: (results: Partially<R>, config: C) => { readonly measured: number | null; readonly pass: boolean };
  readonly appliesTo?: (config: C) => boolean;
}

// ---------------------------------------------------------------------------------------------
// The definition

/** What training code receives besides its config (see src/models/types.ts). */
export interface Trainer<C, R, Ctx> {
  (config: C, ctx: Ctx): Promise<R>;
}

export interface DemoDefinition<F extends Fields, R extends ResultSpecs, Ctx> {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly fields: F;
  /** Named presets, each a whole config; every demo has `quick` and `paper`. */
  readonly presets: { readonly quick: ConfigOf<F>; readonly paper: ConfigOf<F> } & Readonly<
    Record<string, ConfigOf<F>>
  >;
  readonly results: R;
  /** Cross-field checks beyond each field's own range; messages name fields by their flat keys. */
  readonly validate?: (config: ConfigOf<F>) => readonly string[];
  readonly totalSteps: (config: ConfigOf<F>) => number;
  readonly calibrationWarmup?: (config: ConfigOf<F>) => number;
  readonly claims: readonly TypedClaim<ConfigOf<F>, ResultsOf<R>>[];
  /**
   * The paper's own numbers on what the demo plots or measures, each beside one of its claims or
   * plots (by id), with its table or figure and setting. Left out where the paper's notes quote none.
   */
  readonly paperFigures?: readonly PlacedPaperFigure[];
  /**
   * Loads the trainer. Written `() => import('./train').then((m) => m.train)`: the extension
   * host's bundle replaces training modules with a stub (esbuild.mjs), so TensorFlow.js stays out.
   */
  readonly load: () => Promise<Trainer<ConfigOf<F>, ResultsOf<R>, Ctx>>;
  /** Loads the answers of the queries in `extras.queries`: `() => import('./query').then((m) => m.answers)`. */
  readonly loadQueries?: () => Promise<QueryAnswers>;
}

/**
 * Answers one of a demo's queries (see `QuerySpec`) from the checkpoint a finished run saved, with
 * the paper's own model code; throws an Error whose message the panel shows when it cannot.
 */
export type QueryAnswer = (checkpoint: unknown, input: string) => Promise<RunOutput>;

/** A demo's query answers by query id. */
export type QueryAnswers = Readonly<Record<string, QueryAnswer>>;

/**
 * A demo as everything but its trainer reads it: the flat descriptor, and the trainer on flat
 * configs and results, as the engine calls it (`Ctx` is the run context of src/models/types.ts).
 */
export interface Demo<Ctx = unknown> extends DemoDescriptor {
  readonly loadTrainer: () => Promise<(config: DemoConfig, ctx: Ctx) => Promise<RunResults>>;
  /** Loads the answers of the demo's `queries` (worker side only, like the trainer). */
  readonly loadQueries?: () => Promise<QueryAnswers>;
}

/** The parts of a descriptor that are not derived from the specs. */
export type DemoExtras = Omit<
  DemoDescriptor,
  | 'id'
  | 'title'
  | 'description'
  | 'fields'
  | 'presets'
  | 'validate'
  | 'totalSteps'
  | 'calibrationWarmup'
  | 'claims'
  | 'paperFigures'
  | 'stepLabel'
> & {
  /** Label of the step axis (default "step"). */
  readonly stepLabel?: string;
};

/**
 * What is wrong with a demo's paper figures: an id used twice, a claim or plot it names that the
 * demo does not have, a figure with no source or setting. Empty when every figure resolves.
 */
export function paperFigureErrors(demo: Pick<DemoDescriptor, 'id' | 'claims' | 'plots' | 'paperFigures'>): string[] {
  const errors: string[] = [];
  const claims = new Set(demo.claims.map((c) => c.id));
  const plots = new Set(demo.plots.map((p) => p.id));
  const seen = new Set<string>();
  for (const f of demo.paperFigures ?? []) {
    const where = `${demo.id}: paper figure "${f.id}"`;
    if (seen.has(f.id)) errors.push(`${where} is declared twice`);
    seen.add(f.id);
    if (f.claim !== undefined && !claims.has(f.claim)) errors.push(`${where} names unknown claim "${f.claim}"`);
    if (f.plot !== undefined && !plots.has(f.plot)) errors.push(`${where} names unknown plot "${f.plot}"`);
    if (f.claim === undefined && f.plot === undefined) errors.push(`${where} sits beside no claim or plot`);
    if (!/^(Table|Figure) \S/.test(f.source)) errors.push(`${where} cites no table or figure`);
    if (f.setting.trim() === '') errors.push(`${where} has no setting`);
    if (f.value.trim() === '' || f.what.trim() === '') errors.push(`${where} has no value or label`);
  }
  return errors;
}

export function defineDemo<const F extends Fields, const R extends ResultSpecs, Ctx>(
  definition: DemoDefinition<F, R, Ctx>,
  extras: DemoExtras,
): Demo<Ctx> {
  const { fields, results: specs } = definition;
  const nest = (flat: DemoConfig): ConfigOf<F> => nestConfig(fields, flat);
  const presets: Record<string, DemoConfig> = {};
  for (const [name, preset] of Object.entries(definition.presets)) presets[name] = flattenConfig(fields, preset);
  const claims: ClaimSpec[] = definition.claims.map((c) => {
    const { measure, appliesTo, ...text } = c;
    return {
      ...text,
      measure: (flat: RunResults, config?: DemoConfig) =>
        measure(nestResults(specs, flat) as Partially<ResultsOf<R>>, config ? nest(config) : nest(presets['quick']!)),
      ...(appliesTo ? { appliesTo: (config: DemoConfig) => appliesTo(nest(config)) } : {}),
    };
  });
  const { validate, calibrationWarmup, loadQueries, paperFigures = [] } = definition;
  const figureErrors = paperFigureErrors({ id: definition.id, claims, plots: extras.plots, paperFigures });
  if (figureErrors.length > 0) throw new Error(figureErrors.join('; '));
  const notes = Object.keys(extras.presetNotes ?? {}).sort();
  if (extras.presetNotes && notes.join() !== Object.keys(presets).sort().join())
    throw new Error(
      `${definition.id}: preset notes for ${notes.join(', ')}, presets ${Object.keys(presets).join(', ')}`,
    );
  return {
    ...extras,
    stepLabel: extras.stepLabel ?? 'step',
    id: definition.id,
    title: definition.title,
    description: definition.description,
    fields: flattenFields(fields),
    presets,
    ...(validate ? { validate: (config: DemoConfig) => validate(nest(config)) } : {}),
    totalSteps: (config) => definition.totalSteps(nest(config)),
    ...(calibrationWarmup ? { calibrationWarmup: (config: DemoConfig) => calibrationWarmup(nest(config)) } : {}),
    claims,
    paperFigures,
    ...(loadQueries ? { loadQueries } : {}),
    loadTrainer: async () => {
      const train = await definition.load();
      return async (config, ctx) => flattenResults(specs, await train(nest(config), ctx));
    },
  };
}
