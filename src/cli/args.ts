/**
 * The command line: `--flag value`, `--flag=value`, boolean `--flag`, repeatable flags and
 * positionals, parsed by node:util and checked against each command's flag specs. Errors name
 * the flag and exit with status 2.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs as nodeParseArgs } from 'node:util';
import type { ConfigValue, DemoDescriptor } from '../shared/catalog';
import { clip, parseAssignment, presetOf, unknownPresetError } from '../shared/config';
import { isBackendChoice, MAX_SEED, type BackendChoice } from '../shared/runs';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface FlagSpec {
  readonly kind: 'string' | 'boolean' | 'int';
  /** May be given several times (values collected in order). */
  readonly repeat?: boolean;
  /** `int`: the largest value accepted. */
  readonly max?: number;
}

/** What parseArgs read: the positionals, and each flag's values as checked against its spec. */
export class ParsedArgs {
  constructor(
    readonly positionals: string[],
    readonly flags: Map<string, (string | boolean | number)[]>,
  ) {}

  /** A string flag's value, if given. */
  string(name: string): string | undefined {
    const v = this.flags.get(name)?.[0];
    return typeof v === 'string' ? v : undefined;
  }

  /** An integer flag's value, if given. */
  int(name: string): number | undefined {
    const v = this.flags.get(name)?.[0];
    return typeof v === 'number' ? v : undefined;
  }

  /** Whether a boolean flag is set. */
  bool(name: string): boolean {
    return this.flags.get(name)?.[0] === true;
  }

  /** Every value of a repeatable string flag, in order. */
  strings(name: string): string[] {
    return (this.flags.get(name) ?? []).filter((v): v is string => typeof v === 'string');
  }
}

/**
 * Parses `argv` with node:util's parseArgs (its tokens, so that every error can name the flag the
 * way this CLI does), then checks each value against its spec: integers, booleans given as
 * `--flag=true|false`, a flag given twice that is not repeatable, `-h` for help.
 */
export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, FlagSpec>>): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; multiple: true; short?: string }> = {};
  for (const [name, f] of Object.entries(spec))
    options[name] = { type: f.kind === 'boolean' ? 'boolean' : 'string', multiple: true };
  // -h is help whether or not the command declares --help.
  options['help'] = { type: 'boolean', multiple: true, short: 'h' };
  const { tokens } = nodeParseArgs({ args: [...argv], options, allowPositionals: true, strict: false, tokens: true });
  const positionals: string[] = [];
  const flags = new Map<string, (string | boolean | number)[]>();
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind === 'option-terminator') continue;
    const { name, rawName } = token;
    if (rawName === '-h') {
      flags.set('help', [true]);
      continue;
    }
    if (!rawName.startsWith('--')) throw new UsageError(`unknown option ${clip(rawName)}`);
    const f = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!f) {
      const known = Object.keys(spec).map((k) => `--${k}`);
      throw new UsageError(`unknown option --${clip(name)} (options: ${known.join(', ')})`);
    }
    const raw = token.value;
    let value: string | boolean | number;
    if (f.kind === 'boolean') {
      if (raw === undefined) value = true;
      else if (raw === 'true' || raw === 'false') value = raw === 'true';
      else throw new UsageError(`--${name}: expected true or false (got "${clip(raw)}")`);
    } else {
      // A string option takes the next argument even when it is another flag: that is a missing value.
      if (raw === undefined || (!token.inlineValue && raw.startsWith('--') && raw.length > 2))
        throw new UsageError(`--${name}: missing value`);
      if (f.kind === 'int') {
        const n = Number(raw);
        if (raw.trim() === '' || !Number.isSafeInteger(n) || n < 0 || (f.max !== undefined && n > f.max))
          throw new UsageError(
            f.max !== undefined
              ? `--${name}: expected an integer from 0 to ${f.max} (got "${clip(raw)}")`
              : `--${name}: expected a non-negative integer (got "${clip(raw)}")`,
          );
        value = n;
      } else value = raw;
    }
    const list = flags.get(name) ?? [];
    if (list.length > 0 && !f.repeat) throw new UsageError(`--${name} given more than once`);
    list.push(value);
    flags.set(name, list);
  }
  return new ParsedArgs(positionals, flags);
}

export function parseBackend(value: string | undefined, flag = '--backend'): BackendChoice {
  if (value === undefined) return 'auto';
  if (!isBackendChoice(value))
    throw new UsageError(
      `${flag}: "${clip(value)}" is not a backend (auto, tensorflow-gpu, tensorflow, webgpu, wasm, cpu)`,
    );
  return value;
}

/** The `--preset` flag's value (default `quick`), checked against the demo's own presets. */
export function parsePreset(demo: DemoDescriptor, value: string | undefined): string {
  const preset = value ?? 'quick';
  if (!presetOf(demo, preset)) throw new UsageError(`--preset: ${unknownPresetError(demo, preset)}`);
  return preset;
}

function errnoOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function canWrite(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks, before any work, that a file flag (`--json FILE`) names a file that can be written:
 * not a folder, in a folder that exists. Returns the absolute path; throws a UsageError naming
 * the flag. `writable` replaces the access check (tests).
 */
export function checkOutputFile(flag: string, file: string, writable: (p: string) => boolean = canWrite): string {
  if (file.trim() === '') throw new UsageError(`${flag}: expected a file name (got an empty one)`);
  const resolved = path.resolve(file);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(resolved);
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'ENOTDIR') throw new UsageError(`${flag}: ${clip(file)} is inside a file, not a folder`);
    if (code !== 'ENOENT') throw new UsageError(`${flag}: cannot use ${clip(file)} (${code ?? String(e)})`);
  }
  if (stat?.isDirectory()) throw new UsageError(`${flag}: ${clip(file)} is a folder, not a file`);
  if (stat) {
    if (!writable(resolved)) throw new UsageError(`${flag}: ${clip(file)} is not writable`);
    return resolved;
  }
  const parent = path.dirname(resolved);
  let parentStat: fs.Stats;
  try {
    parentStat = fs.statSync(parent);
  } catch {
    throw new UsageError(`${flag}: the folder ${clip(parent)} does not exist`);
  }
  if (!parentStat.isDirectory()) throw new UsageError(`${flag}: ${clip(parent)} is a file, not a folder`);
  if (!writable(parent)) throw new UsageError(`${flag}: cannot write into the folder ${clip(parent)}`);
  return resolved;
}

/** Turns `--set key=value` assignments into a partial config; errors name the field. */
export function parseSets(demo: DemoDescriptor, sets: readonly string[]): Record<string, ConfigValue> {
  const config: Record<string, ConfigValue> = {};
  const errors: string[] = [];
  for (const s of sets) {
    const r = parseAssignment(demo, s);
    if ('error' in r) errors.push(r.error);
    else config[r.key] = r.value;
  }
  if (errors.length > 0) throw new UsageError(errors.join('\n'));
  return config;
}

export const RUN_FLAGS: Readonly<Record<string, FlagSpec>> = {
  demo: { kind: 'string' },
  preset: { kind: 'string' },
  seed: { kind: 'int', max: MAX_SEED },
  seeds: { kind: 'string' },
  backend: { kind: 'string' },
  set: { kind: 'string', repeat: true },
  out: { kind: 'string' },
  check: { kind: 'boolean' },
  'module-path': { kind: 'string', repeat: true },
  recalibrate: { kind: 'boolean' },
  help: { kind: 'boolean' },
};

export const BENCH_FLAGS: Readonly<Record<string, FlagSpec>> = {
  demo: { kind: 'string' },
  backends: { kind: 'string' },
  steps: { kind: 'int' },
  seed: { kind: 'int', max: MAX_SEED },
  preset: { kind: 'string' },
  set: { kind: 'string', repeat: true },
  json: { kind: 'string' },
  'module-path': { kind: 'string', repeat: true },
  help: { kind: 'boolean' },
};

export const BENCH_HOST_FLAGS: Readonly<Record<string, FlagSpec>> = {
  dist: { kind: 'string' },
  json: { kind: 'string' },
  backend: { kind: 'string' },
  'skip-worker': { kind: 'boolean' },
  help: { kind: 'boolean' },
};
