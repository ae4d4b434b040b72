/**
 * Shape checks for what a run folder holds (run.json, summary.json, metrics.jsonl lines,
 * outputs/*.json). A folder may have been edited, copied or truncated by hand: readers check
 * every field they use and skip what does not pass, naming the problem.
 *
 * Each `check…` returns null when the value is well formed, else a short description of the
 * first problem found (e.g. "claims[0] is not a claim").
 */
import { isPaperId } from '../../shared/catalog';
import { isRecord } from '../../shared/messages';
import { outputProblem } from '../../shared/outputs';
import { BACKEND_NAMES, isBackendChoice, RUN_ID_PATTERN, type RunStatus } from '../../shared/runs';

export const RUN_STATUSES: readonly RunStatus[] = ['running', 'completed', 'stopped', 'failed', 'interrupted'];

type Problem = string | null;

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isNumberOrNull = (v: unknown): boolean => v === null || isNumber(v);
const isBackendName = (v: unknown): boolean => isString(v) && (BACKEND_NAMES as readonly string[]).includes(v);
const isStatus = (v: unknown): v is RunStatus => isString(v) && (RUN_STATUSES as readonly string[]).includes(v);
const isDate = (v: unknown): boolean => isString(v) && !Number.isNaN(Date.parse(v));

function optional(record: Readonly<Record<string, unknown>>, key: string, ok: (v: unknown) => boolean): Problem {
  return record[key] === undefined || ok(record[key]) ? null : `${key} is malformed`;
}

function required(record: Readonly<Record<string, unknown>>, key: string, ok: (v: unknown) => boolean): Problem {
  if (record[key] === undefined) return `${key} is missing`;
  return ok(record[key]) ? null : `${key} is malformed`;
}

function first(...problems: (() => Problem)[]): Problem {
  for (const p of problems) {
    const problem = p();
    if (problem !== null) return problem;
  }
  return null;
}

function everyItem(value: unknown, name: string, check: (item: unknown) => Problem): Problem {
  if (!Array.isArray(value)) return `${name} is not a list`;
  for (let i = 0; i < value.length; i++) {
    const problem = check(value[i]);
    if (problem !== null) return `${name}[${i}] ${problem}`;
  }
  return null;
}

function isRecordOf(value: unknown, ok: (v: unknown) => boolean): boolean {
  return isRecord(value) && Object.values(value).every(ok);
}

const isArrayOf = (value: unknown, ok: (v: unknown) => boolean): boolean => Array.isArray(value) && value.every(ok);

function checkBackendReport(value: unknown): Problem {
  if (!isRecord(value)) return 'is not an object';
  return first(
    () => required(value, 'requested', isBackendChoice),
    () => required(value, 'chosen', isBackendName),
    () =>
      everyItem(value['attempts'], 'attempts', (a) =>
        isRecord(a) && isBackendName(a['name']) && isBoolean(a['ok']) && isString(a['reason'])
          ? null
          : 'is not a backend attempt',
      ),
    () =>
      optional(
        value,
        'calibration',
        (c) =>
          isRecord(c) &&
          isString(c['signature']) &&
          isBoolean(c['cached']) &&
          isString(c['measuredAt']) &&
          isArrayOf(
            c['measurements'],
            (m) => isRecord(m) && isBackendName(m['name']) && isNumberOrNull(m['stepsPerSecond']),
          ),
      ),
  );
}

/** run.json: a RunRecord whose runId can name a folder. */
export function checkRunRecord(value: unknown): Problem {
  if (!isRecord(value)) return 'is not an object';
  return first(
    () => required(value, 'runId', (v) => isString(v) && RUN_ID_PATTERN.test(v)),
    () => required(value, 'paper', isPaperId),
    () => required(value, 'demo', (v) => isString(v) && v.length > 0),
    () => required(value, 'preset', isString),
    () => required(value, 'config', (v) => isRecordOf(v, (x) => isNumber(x) || isString(x) || isBoolean(x))),
    () => required(value, 'seed', (v) => Number.isSafeInteger(v) && (v as number) >= 0),
    () => required(value, 'status', isStatus),
    () => required(value, 'startedAt', isDate),
    () => optional(value, 'endedAt', isDate),
    () => optional(value, 'backend', (v) => checkBackendReport(v) === null),
    () => required(value, 'versions', (v) => isRecordOf(v, isString)),
    () => optional(value, 'trainSeconds', isNumber),
    () => optional(value, 'error', isString),
    () => optional(value, 'pid', (v) => Number.isSafeInteger(v) && (v as number) > 0),
    () => optional(value, 'hostname', isString),
    () => optional(value, 'processStartedAt', isDate),
  );
}

/** One claim of summary.json. */
export function checkClaim(value: unknown): Problem {
  if (!isRecord(value)) return 'is not a claim';
  return first(
    () => required(value, 'id', isString),
    () => required(value, 'text', isString),
    () => (value['measured'] === null || isNumber(value['measured']) ? null : 'measured is malformed'),
    () => required(value, 'target', isString),
    () => required(value, 'pass', isBoolean),
    () => optional(value, 'unit', isString),
    () => optional(value, 'caveat', isString),
  );
}

/** summary.json: a RunSummary, every claim included. */
export function checkRunSummary(value: unknown): Problem {
  if (!isRecord(value)) return 'is not an object';
  return first(
    () => required(value, 'runId', isString),
    () => required(value, 'status', isStatus),
    () => required(value, 'results', (v) => isRecordOf(v, isNumberOrNull)),
    () => everyItem(value['claims'], 'claims', (c) => (checkClaim(c) === null ? null : 'is not a claim')),
    () => required(value, 'trainSeconds', isNumber),
    () => required(value, 'steps', isNumber),
  );
}

/** One line of metrics.jsonl. */
export function checkMetricPoint(value: unknown): Problem {
  if (!isRecord(value)) return 'is not an object';
  return first(
    () => required(value, 'step', isNumber),
    () => required(value, 'values', (v) => isRecordOf(v, isNumberOrNull)),
  );
}

/** outputs/<id>.json: a RunOutput the panel can draw (the panel's own check, see shared/outputs.ts). */
export function checkRunOutput(value: unknown): Problem {
  return outputProblem(value) ?? null;
}
