/**
 * The demo form's logic without the DOM: parsing what a person typed, validating a config with
 * the same checks the host runs (`checkField`, `validateConfig`), sorting error messages to the
 * fields they name, and the state the panel persists across reloads.
 */
import type { ConfigValue, DemoConfig, DemoDescriptor, FieldSpec } from '../shared/catalog';
import { checkField, validateConfig } from '../shared/config';
import { isRecord } from '../shared/messages';
import type { DemoView } from '../shared/webviewProtocol';

export type ParsedInput = { readonly value: ConfigValue; readonly error: string | null };

/** Parses a field's raw input (text for numbers, the option for enums, checked for booleans) and checks it. */
export function parseFieldInput(field: FieldSpec, raw: string | boolean): ParsedInput {
  let value: ConfigValue;
  switch (field.kind) {
    case 'int':
    case 'number': {
      const text = String(raw).trim().replace(/−/g, '-');
      const n = text === '' ? Number.NaN : Number(text);
      if (!Number.isFinite(n)) return { value: text, error: `${field.key}: "${text}" is not a number` };
      value = n;
      break;
    }
    case 'boolean':
      value = raw === true || raw === 'true';
      break;
    case 'enum':
      value = String(raw);
      break;
  }
  return { value, error: checkField(field, value) };
}

/** The text a field's input shows for a value. */
export function displayValue(field: FieldSpec, value: ConfigValue | undefined): string {
  if (value === undefined) return '';
  if (field.kind === 'number' && typeof value === 'number' && value !== 0) {
    const abs = Math.abs(value);
    if (abs < 1e-3 || abs >= 1e6) return value.toExponential().replace(/\.?0+e/, 'e');
  }
  return String(value);
}

/** Whether a number field is edited on a log10 scale (only possible for positive ranges). */
export function isLogField(field: FieldSpec): boolean {
  return field.kind === 'number' && field.log === true && field.min > 0 && field.max > field.min;
}

export interface FormErrors {
  /** Messages per field key. */
  readonly byField: ReadonlyMap<string, readonly string[]>;
  /** Messages that name no field of the form (cross-field checks, unknown keys). */
  readonly general: readonly string[];
  readonly ok: boolean;
}

/** Sorts `key: message` errors to their fields; the longest matching key wins (keys may contain dots). */
export function sortErrors(errors: readonly string[], keys: readonly string[]): FormErrors {
  const byLength = [...keys].sort((a, b) => b.length - a.length);
  const byField = new Map<string, string[]>();
  const general: string[] = [];
  for (const error of errors) {
    const key = byLength.find((k) => error.startsWith(`${k}:`));
    if (key === undefined) general.push(error);
    else byField.set(key, [...(byField.get(key) ?? []), error]);
  }
  return { byField, general, ok: errors.length === 0 };
}

/** Runs the shared validator on a demo view (which carries the fields and presets but no cross-field check). */
export function validateForm(demo: DemoView, values: Readonly<Record<string, unknown>>): FormErrors {
  const descriptor: DemoDescriptor = { ...demo, claims: [], queries: [], totalSteps: () => 0 };
  const base = demo.presets['quick'] ?? Object.values(demo.presets)[0] ?? {};
  const result = validateConfig(descriptor, values, base);
  return sortErrors(
    result.errors,
    demo.fields.map((f) => f.key),
  );
}

/** True when the values equal the preset's (so the form can say "edited"). */
export function matchesPreset(values: Readonly<Record<string, ConfigValue>>, preset: DemoConfig | undefined): boolean {
  if (!preset) return false;
  return Object.keys(preset).every((k) => values[k] === preset[k]);
}

/** Fields grouped for the form, in first-appearance order; fields without a group come first. */
export function groupFields(fields: readonly FieldSpec[]): { group: string | null; fields: FieldSpec[] }[] {
  const groups: { group: string | null; fields: FieldSpec[] }[] = [];
  for (const field of fields) {
    const name = field.group ?? null;
    let g = groups.find((x) => x.group === name);
    if (!g) {
      g = { group: name, fields: [] };
      if (name === null) groups.unshift(g);
      else groups.push(g);
    }
    g.fields.push(field);
  }
  return groups;
}

// ---------------------------------------------------------------------------------------------
// Persisted panel state (vscode.setState / getState)

export interface DemoFormState {
  readonly preset: string;
  readonly values: Readonly<Record<string, ConfigValue>>;
  readonly seed: number;
}

export interface PanelState {
  readonly paper: string;
  readonly demo?: string;
  readonly forms: Readonly<Record<string, DemoFormState>>;
  /** The run whose plots were shown. */
  readonly shownRun?: string;
}

function isConfigValue(v: unknown): v is ConfigValue {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function isDemoFormState(v: unknown): v is DemoFormState {
  return (
    isRecord(v) &&
    typeof v['preset'] === 'string' &&
    typeof v['seed'] === 'number' &&
    Number.isInteger(v['seed']) &&
    v['seed'] >= 0 &&
    isRecord(v['values']) &&
    Object.values(v['values']).every(isConfigValue)
  );
}

/** Reads a stored state defensively: anything malformed is dropped, not trusted. */
export function readPanelState(value: unknown): PanelState | undefined {
  if (!isRecord(value) || typeof value['paper'] !== 'string') return undefined;
  const forms: Record<string, DemoFormState> = {};
  const rawForms = value['forms'];
  if (isRecord(rawForms)) {
    for (const [demo, form] of Object.entries(rawForms)) if (isDemoFormState(form)) forms[demo] = form;
  }
  return {
    paper: value['paper'],
    demo: typeof value['demo'] === 'string' ? value['demo'] : undefined,
    forms,
    shownRun: typeof value['shownRun'] === 'string' ? value['shownRun'] : undefined,
  };
}
