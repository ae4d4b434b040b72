/**
 * Outputs a run produces besides its metric curves. Each is plain JSON, written to
 * `outputs/<id>.json` and rendered by the panel according to its `kind`.
 */

export interface TableOutput {
  readonly kind: 'table';
  readonly id: string;
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number | null)[])[];
  readonly note?: string;
}

/** Grouped or stacked bars, e.g. the label histogram of each client. */
export interface BarsOutput {
  readonly kind: 'bars';
  readonly id: string;
  readonly title: string;
  /** One entry per bar group (e.g. per client). */
  readonly categories: readonly string[];
  /** One series per stacked segment (e.g. per label); `values[i]` belongs to `categories[i]`. */
  readonly series: readonly { readonly label: string; readonly values: readonly number[] }[];
  readonly stacked: boolean;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly note?: string;
}

/** A matrix of values, e.g. final accuracy over a learning-rate grid. */
export interface HeatmapOutput {
  readonly kind: 'heatmap';
  readonly id: string;
  readonly title: string;
  readonly rowLabels: readonly string[];
  readonly colLabels: readonly string[];
  readonly rowTitle: string;
  readonly colTitle: string;
  /** values[r][c]; null where not measured. */
  readonly values: readonly (readonly (number | null)[])[];
  readonly note?: string;
}

/** Points in 2-D, optionally grouped, e.g. samples beside data. */
export interface ScatterOutput {
  readonly kind: 'scatter';
  readonly id: string;
  readonly title: string;
  readonly groups: readonly { readonly label: string; readonly points: readonly (readonly [number, number])[] }[];
  readonly note?: string;
}

/** Grayscale images in [0, 1], row-major, e.g. generated digits or pixel observations. */
export interface ImagesOutput {
  readonly kind: 'images';
  readonly id: string;
  readonly title: string;
  readonly width: number;
  readonly height: number;
  readonly images: readonly { readonly label: string; readonly pixels: readonly number[] }[];
  readonly note?: string;
}

export interface TextOutput {
  readonly kind: 'text';
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

export type RunOutput = TableOutput | BarsOutput | HeatmapOutput | ScatterOutput | ImagesOutput | TextOutput;

export const OUTPUT_KINDS: readonly RunOutput['kind'][] = ['table', 'bars', 'heatmap', 'scatter', 'images', 'text'];

// ---------------------------------------------------------------------------------------------
// Checks before rendering: an output file or message is JSON from a run, so its shape is checked
// per kind, and a malformed output is reported by what is wrong with it instead of being drawn.

/** Largest image side (pixels) the panel draws. */
const MAX_IMAGE_SIDE = 4096;

type Check = (value: unknown, path: string) => string | undefined;

function asRecord(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Readonly<Record<string, unknown>>)
    : undefined;
}

const isStr: Check = (v, p) => (typeof v === 'string' ? undefined : `${p} is not a string`);
const isBool: Check = (v, p) => (typeof v === 'boolean' ? undefined : `${p} is not true or false`);
/** A number, or null (JSON writes NaN and ±Infinity as null); the renderers skip those. */
const isNumOrNull: Check = (v, p) => (typeof v === 'number' || v === null ? undefined : `${p} is not a number`);
const isCell: Check = (v, p) =>
  typeof v === 'string' || typeof v === 'number' || v === null ? undefined : `${p} is not a string, number or null`;
const isSide: Check = (v, p) =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= MAX_IMAGE_SIDE
    ? undefined
    : `${p} is not a whole number of pixels from 1 to ${MAX_IMAGE_SIDE}`;

function arrayOf(item: Check, length?: number): Check {
  return (v, p) => {
    if (!Array.isArray(v)) return `${p} is not an array`;
    if (length !== undefined && v.length !== length) return `${p} does not have ${length} entries`;
    for (let i = 0; i < v.length; i++) {
      const problem = item(v[i], `${p}[${i}]`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
}

function recordOf(fields: Readonly<Record<string, Check>>, optional: Readonly<Record<string, Check>> = {}): Check {
  return (v, p) => {
    const r = asRecord(v);
    if (!r) return `${p || 'the output'} is not an object`;
    const at = (key: string): string => (p ? `${p}.${key}` : key);
    for (const [key, check] of Object.entries(fields)) {
      const problem = check(r[key], at(key));
      if (problem !== undefined) return problem;
    }
    for (const [key, check] of Object.entries(optional)) {
      if (r[key] === undefined) continue;
      const problem = check(r[key], at(key));
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
}

const COMMON = { id: (v: unknown, p: string) => (typeof v === 'string' && v !== '' ? undefined : `${p} is missing`) };
const TITLED = { ...COMMON, title: isStr };
const NOTE = { note: isStr };

const KIND_CHECKS: Readonly<Record<RunOutput['kind'], Check>> = {
  table: recordOf({ ...TITLED, columns: arrayOf(isStr), rows: arrayOf(arrayOf(isCell)) }, NOTE),
  bars: recordOf(
    {
      ...TITLED,
      categories: arrayOf(isStr),
      series: arrayOf(recordOf({ label: isStr, values: arrayOf(isNumOrNull) })),
      stacked: isBool,
      xLabel: isStr,
      yLabel: isStr,
    },
    NOTE,
  ),
  heatmap: recordOf(
    {
      ...TITLED,
      rowLabels: arrayOf(isStr),
      colLabels: arrayOf(isStr),
      rowTitle: isStr,
      colTitle: isStr,
      values: arrayOf(arrayOf(isNumOrNull)),
    },
    NOTE,
  ),
  scatter: recordOf(
    { ...TITLED, groups: arrayOf(recordOf({ label: isStr, points: arrayOf(arrayOf(isNumOrNull, 2)) })) },
    NOTE,
  ),
  images: recordOf(
    {
      ...TITLED,
      width: isSide,
      height: isSide,
      images: arrayOf(recordOf({ label: isStr, pixels: arrayOf(isNumOrNull) })),
    },
    NOTE,
  ),
  text: recordOf({ ...TITLED, text: isStr }),
};

function isOutputKind(value: unknown): value is RunOutput['kind'] {
  return typeof value === 'string' && (OUTPUT_KINDS as readonly string[]).includes(value);
}

/** What keeps a value from being drawn as a run output (the first problem found); undefined when it can be. */
export function outputProblem(value: unknown): string | undefined {
  const r = asRecord(value);
  if (!r) return 'the output is not an object';
  if (!isOutputKind(r['kind']))
    return `kind ${JSON.stringify(r['kind']) ?? 'undefined'} is not one of ${OUTPUT_KINDS.join(', ')}`;
  return KIND_CHECKS[r['kind']](value, '');
}

export function isRenderableOutput(value: unknown): value is RunOutput {
  return outputProblem(value) === undefined;
}

/** The id of an output for messages, also when it is malformed. */
export function outputIdOf(value: unknown): string {
  const id = asRecord(value)?.['id'];
  return typeof id === 'string' && id !== '' ? id : '(no id)';
}
