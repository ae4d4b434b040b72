/**
 * Config validation shared by the host (before a run starts), the CLI and the worker.
 */
import type { ConfigValue, DemoConfig, DemoDescriptor, FieldSpec } from './catalog';
import { isValidSeed, MAX_SEED } from './runs';

export interface ValidationResult {
  readonly ok: boolean;
  /** One message per problem, each naming the field, e.g. "rounds: must be an integer from 1 to 2000 (got 0.5)". */
  readonly errors: readonly string[];
  /** The config with every field present (missing ones filled from the base preset). */
  readonly config: DemoConfig;
}

/** Longest user-supplied text an error message repeats whole. */
const ECHO_LIMIT = 60;

/**
 * A user-supplied value as an error message repeats it: cut to about 60 characters, with an
 * ellipsis and the original length, so a huge value does not flood the message.
 */
export function clip(text: string, limit = ECHO_LIMIT): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length} characters)`;
}

/** The preset named `name` (an own entry only: "__proto__" or "toString" are not presets). */
export function presetOf(demo: DemoDescriptor, name: string): DemoConfig | undefined {
  return Object.hasOwn(demo.presets, name) ? demo.presets[name] : undefined;
}

/** The error for a preset the demo does not have, naming the ones it has. */
export function unknownPresetError(demo: DemoDescriptor, name: string): string {
  return `${demo.id} has no preset "${clip(name)}" (presets: ${Object.keys(demo.presets).join(', ')})`;
}

function describeRange(field: FieldSpec): string {
  switch (field.kind) {
    case 'int':
      return `an integer from ${field.min} to ${field.max}`;
    case 'number':
      return `a number from ${field.min} to ${field.max}`;
    case 'enum':
      return `one of ${field.options.map((o) => `"${o}"`).join(', ')}`;
    case 'boolean':
      return 'true or false';
  }
}

/** A value as an error message shows it, clipped. */
function shown(value: unknown): string {
  if (typeof value === 'string') return `"${clip(value)}"`;
  const json = JSON.stringify(value) as string | undefined;
  return clip(json ?? String(value));
}

/** Checks one value against its field; returns an error message or null. */
export function checkField(field: FieldSpec, value: unknown): string | null {
  const bad = (): string => `${field.key}: must be ${describeRange(field)} (got ${shown(value)})`;
  switch (field.kind) {
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= field.min && value <= field.max
        ? null
        : bad();
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && value >= field.min && value <= field.max
        ? null
        : bad();
    case 'enum':
      return typeof value === 'string' && field.options.includes(value) ? null : bad();
    case 'boolean':
      return typeof value === 'boolean' ? null : bad();
  }
}

/**
 * Validates a (possibly partial) config for a demo. Unknown keys are errors, so a typo in
 * `--set` is caught instead of silently ignored. Missing keys come from `base`.
 */
export function validateConfig(
  demo: DemoDescriptor,
  partial: Readonly<Record<string, unknown>>,
  base: DemoConfig = presetOf(demo, 'quick') ?? {},
): ValidationResult {
  const errors: string[] = [];
  const known = new Map(demo.fields.map((f) => [f.key, f]));
  for (const key of Object.keys(partial)) {
    if (!known.has(key))
      errors.push(`${clip(key)}: unknown setting for ${demo.id} (known: ${[...known.keys()].join(', ')})`);
  }
  const config: Record<string, ConfigValue> = {};
  for (const field of demo.fields) {
    const value = Object.hasOwn(partial, field.key)
      ? partial[field.key]
      : Object.hasOwn(base, field.key)
        ? base[field.key]
        : undefined;
    const error = checkField(field, value);
    if (error) errors.push(error);
    else config[field.key] = value as ConfigValue;
  }
  if (errors.length === 0 && demo.validate) errors.push(...demo.validate(config));
  return { ok: errors.length === 0, errors, config };
}

/** The error for a seed that is not an integer from 0 to MAX_SEED, or null. */
export function checkSeed(seed: unknown): string | null {
  return isValidSeed(seed) ? null : `seed: must be an integer from 0 to ${MAX_SEED} (got ${shown(seed)})`;
}

/**
 * Checks what a new run needs before anything is created for it: the preset (an own preset of
 * the demo), the seed and the config. An unknown preset is reported alone, not as every field
 * missing.
 */
export function validateRunRequest(
  demo: DemoDescriptor,
  preset: string,
  partial: Readonly<Record<string, unknown>>,
  seed: unknown,
): ValidationResult {
  const base = presetOf(demo, preset);
  const seedError = checkSeed(seed);
  if (!base) {
    const errors = [`preset: ${unknownPresetError(demo, preset)}`, ...(seedError ? [seedError] : [])];
    return { ok: false, errors, config: {} };
  }
  const result = validateConfig(demo, partial, base);
  if (!seedError) return result;
  return { ok: false, errors: [seedError, ...result.errors], config: result.config };
}

/**
 * Parses a `key=value` string from the CLI against the field's kind, e.g. `rounds=50`,
 * `lr.fedyogi.server=0.316`, `dataset=mnist`, `augment=false`.
 */
export function parseAssignment(
  demo: DemoDescriptor,
  assignment: string,
): { key: string; value: ConfigValue } | { error: string } {
  const eq = assignment.indexOf('=');
  if (eq <= 0) return { error: `--set ${clip(assignment)}: expected key=value` };
  const key = assignment.slice(0, eq).trim();
  const raw = assignment.slice(eq + 1).trim();
  const fields = new Map(demo.fields.map((f) => [f.key, f]));
  const field = fields.get(key);
  if (!field)
    return { error: `${clip(key)}: unknown setting for ${demo.id} (known: ${[...fields.keys()].join(', ')})` };
  switch (field.kind) {
    case 'int':
    case 'number': {
      const value = Number(raw);
      if (raw === '' || !Number.isFinite(value)) return { error: `${key}: "${clip(raw)}" is not a number` };
      return { key, value };
    }
    case 'boolean':
      if (raw === 'true' || raw === 'false') return { key, value: raw === 'true' };
      return { error: `${key}: "${clip(raw)}" is not true or false` };
    case 'enum':
      return { key, value: raw };
  }
}
