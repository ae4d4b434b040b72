/**
 * Config validation shared by the host (before a run starts), the CLI and the worker.
 */
import type { ConfigValue, DemoConfig, DemoDescriptor, FieldSpec } from './catalog';

export interface ValidationResult {
  readonly ok: boolean;
  /** One message per problem, each naming the field, e.g. "rounds: must be an integer from 1 to 2000 (got 0.5)". */
  readonly errors: readonly string[];
  /** The config with every field present (missing ones filled from the base preset). */
  readonly config: DemoConfig;
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

/** Checks one value against its field; returns an error message or null. */
export function checkField(field: FieldSpec, value: unknown): string | null {
  const bad = (): string => `${field.key}: must be ${describeRange(field)} (got ${JSON.stringify(value)})`;
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
  base: DemoConfig = demo.presets['quick'] ?? {},
): ValidationResult {
  const errors: string[] = [];
  const known = new Map(demo.fields.map((f) => [f.key, f]));
  for (const key of Object.keys(partial)) {
    if (!known.has(key)) errors.push(`${key}: unknown setting for ${demo.id} (known: ${[...known.keys()].join(', ')})`);
  }
  const config: Record<string, ConfigValue> = {};
  for (const field of demo.fields) {
    const value = key_in(partial, field.key) ? partial[field.key] : base[field.key];
    const error = checkField(field, value);
    if (error) errors.push(error);
    else config[field.key] = value as ConfigValue;
  }
  if (errors.length === 0 && demo.validate) errors.push(...demo.validate(config));
  return { ok: errors.length === 0, errors, config };
}

function key_in(record: Readonly<Record<string, unknown>>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
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
  if (eq <= 0) return { error: `--set ${assignment}: expected key=value` };
  const key = assignment.slice(0, eq).trim();
  const raw = assignment.slice(eq + 1).trim();
  const field = demo.fields.find((f) => f.key === key);
  if (!field)
    return { error: `${key}: unknown setting for ${demo.id} (known: ${demo.fields.map((f) => f.key).join(', ')})` };
  switch (field.kind) {
    case 'int':
    case 'number': {
      const value = Number(raw);
      if (raw === '' || !Number.isFinite(value)) return { error: `${key}: "${raw}" is not a number` };
      return { key, value };
    }
    case 'boolean':
      if (raw === 'true' || raw === 'false') return { key, value: raw === 'true' };
      return { error: `${key}: "${raw}" is not true or false` };
    case 'enum':
      return { key, value: raw };
  }
}
