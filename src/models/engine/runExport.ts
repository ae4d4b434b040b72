/**
 * A run taken away from the editor: its metrics as CSV, its claims as Markdown (with the config,
 * seed, backend and versions), and each plot of its demo as an SVG and a PNG chart, written as one folder all
 * or nothing. Used by `paper-lab export` and the extension's Export Run. No TensorFlow.js here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DemoDescriptor, PaperDescriptor, PlotSpec } from '../../shared/catalog';
import type { MetricPoint } from '../../shared/runs';
import { formatNumber } from '../../shared/text';
import { RunWriteError, type RunData } from './recorder';
import { lineChartPng } from './pngChart';
import { lineChartSvg, type ChartSpec } from './svgChart';

export const METRICS_CSV = 'metrics.csv';
export const CLAIMS_MD = 'claims.md';
export const DEFAULT_EXPORT_DIR = 'export';

/** One row per step (steps in increasing order), every metric of the steps' points merged. */
export function metricsByStep(points: readonly MetricPoint[]): {
  readonly names: string[];
  readonly rows: { readonly step: number; readonly values: ReadonlyMap<string, number | null> }[];
} {
  const names: string[] = [];
  const byStep = new Map<number, Map<string, number | null>>();
  for (const p of points) {
    let row = byStep.get(p.step);
    if (!row) {
      row = new Map();
      byStep.set(p.step, row);
    }
    for (const [name, value] of Object.entries(p.values)) {
      if (!names.includes(name)) names.push(name);
      // JSON has no NaN or infinities: a run's NaN is written as null.
      row.set(name, typeof value === 'number' ? value : null);
    }
  }
  const rows = [...byStep.entries()].sort(([a], [b]) => a - b).map(([step, values]) => ({ step, values }));
  return { names, rows };
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * metrics.csv: a `step` column, then one column per metric in the order they first appear;
 * numbers are written exactly (shortest round-trip form); a metric a step did not report is an
 * empty cell, a NaN (null in metrics.jsonl) is `NaN`.
 */
export function metricsCsv(points: readonly MetricPoint[]): string {
  const { names, rows } = metricsByStep(points);
  const lines = [['step', ...names].map(csvCell).join(',')];
  for (const row of rows) {
    const cells = names.map((n) => {
      if (!row.values.has(n)) return '';
      const v = row.values.get(n);
      return typeof v === 'number' ? String(v) : 'NaN';
    });
    lines.push([String(row.step), ...cells].join(','));
  }
  return lines.join('\n') + '\n';
}

function mdCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(mdCell).join(' | ')} |`;
  return [line(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** The Paper Lab version a run was written with (recorded since 0.1.0; the extension's otherwise). */
export function paperLabVersionOf(run: RunData): string {
  return run.record.paperLabVersion ?? run.record.versions['extension'] ?? 'not recorded';
}

export function tfjsVersionOf(run: RunData): string {
  return run.record.tfjsVersion ?? run.record.versions['tfjs-core'] ?? 'not recorded';
}

/** claims.md: what the run was, then its claims. */
export function claimsMarkdown(run: RunData, paper?: PaperDescriptor, demo?: DemoDescriptor): string {
  const r = run.record;
  const title = `${paper?.meta.shortName ?? r.paper} — ${demo?.title ?? r.demo}`;
  const about = mdTable(
    ['run', ''],
    [
      ['Paper', paper ? `${paper.meta.title} (${r.paper})` : r.paper],
      ['Demo', demo ? `${demo.title} (${r.demo})` : r.demo],
      ['Preset', r.preset],
      ['Seed', String(r.seed)],
      ['Backend', r.backend?.chosen ?? 'not recorded'],
      ['Status', r.status],
      ['Run', r.runId],
      ['Started', r.startedAt],
      ...(r.trainSeconds !== undefined ? [['Training time', `${r.trainSeconds.toFixed(1)} s`]] : []),
      ['Paper Lab version', paperLabVersionOf(run)],
      ['TensorFlow.js version', tfjsVersionOf(run)],
    ],
  );
  const config = mdTable(
    ['setting', 'value'],
    Object.entries(r.config).map(([k, v]) => [k, String(v)]),
  );
  const claims = run.summary?.claims ?? [];
  const claimsText =
    run.summary === null
      ? 'The run has no summary (it did not end), so its claims were not measured.'
      : claims.length === 0
        ? 'The demo declares no claims for this config.'
        : mdTable(
            ['claim', 'measured', 'target', 'result'],
            claims.map((c) => [
              c.text + (c.caveat ? ` (${c.caveat})` : ''),
              formatNumber(c.measured, c.unit),
              c.target,
              c.pass ? 'PASS' : 'FAIL',
            ]),
          );
  return `# ${mdCell(title)}\n\n${about}\n\n## Config\n\n${config}\n\n## Claims\n\n${claimsText}\n`;
}

/** One plot's chart from the run's metrics. */
export function plotChart(plot: PlotSpec, points: readonly MetricPoint[]): ChartSpec {
  const { rows } = metricsByStep(points);
  return {
    title: plot.title,
    xLabel: plot.xLabel,
    yLabel: plot.yLabel,
    ...(plot.yUnit !== undefined ? { yUnit: plot.yUnit } : {}),
    ...(plot.yRange !== undefined ? { yRange: plot.yRange } : {}),
    ...(plot.logY !== undefined ? { logY: plot.logY } : {}),
    series: plot.series.map((s) => ({
      label: s.label,
      points: rows.flatMap((row) => {
        const v = row.values.get(s.metric);
        return typeof v === 'number' ? [[row.step, v] as const] : [];
      }),
    })),
  };
}

/** One plot's chart as SVG. */
export function plotSvg(plot: PlotSpec, points: readonly MetricPoint[]): string {
  return lineChartSvg(plotChart(plot, points));
}

/** A plot's file name: its id, made safe as a file name, with the extension. */
export function plotFileName(plot: PlotSpec, extension: 'svg' | 'png' = 'svg'): string {
  return `${plot.id.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^\.+/, '') || 'plot'}.${extension}`;
}

/** The files an export writes, by name. */
export function exportFiles(
  run: RunData,
  paper?: PaperDescriptor,
  demo?: DemoDescriptor,
): Map<string, string | Uint8Array> {
  const files = new Map<string, string | Uint8Array>([
    [METRICS_CSV, metricsCsv(run.points)],
    [CLAIMS_MD, claimsMarkdown(run, paper, demo)],
  ]);
  for (const plot of demo?.plots ?? []) {
    const chart = plotChart(plot, run.points);
    files.set(plotFileName(plot, 'svg'), lineChartSvg(chart));
    files.set(plotFileName(plot, 'png'), lineChartPng(chart));
  }
  return files;
}

/** The file operations of writeFolderAtomic; tests inject failures through them. */
export interface FolderWriter {
  mkdir(dir: string): string | undefined;
  /** Creates a new, empty folder (failing when it exists). */
  mkdirNew(dir: string): void;
  writeFile(file: string, data: string | Uint8Array): void;
  rename(from: string, to: string): void;
  rmdir(dir: string): void;
  removeTree(dir: string): void;
}

export const nodeFolderWriter: FolderWriter = {
  mkdir: (dir) => fs.mkdirSync(dir, { recursive: true }),
  mkdirNew: (dir) => fs.mkdirSync(dir),
  writeFile: (file, data) => fs.writeFileSync(file, data, { flag: 'wx' }),
  rename: (from, to) => fs.renameSync(from, to),
  rmdir: (dir) => fs.rmdirSync(dir),
  removeTree: (dir) => fs.rmSync(dir, { recursive: true, force: true }),
};

function errnoOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Writes `files` as the folder `target` (which must not exist, or be empty), all or nothing:
 * into a temporary folder beside it, renamed to `target` at the end. On failure everything it
 * created (the temporary folder, parent folders it made) is removed and a RunWriteError names the
 * file that could not be written.
 */
export function writeFolderAtomic(
  target: string,
  files: ReadonlyMap<string, string | Uint8Array>,
  io: FolderWriter = nodeFolderWriter,
): void {
  const parent = path.dirname(target);
  let createdParent: string | undefined;
  try {
    createdParent = io.mkdir(parent);
  } catch (e) {
    throw new RunWriteError(parent, e);
  }
  let tmp: string | undefined;
  let current = target;
  try {
    current = parent;
    const name = `.${path.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`;
    io.mkdirNew(path.join(parent, name));
    tmp = path.join(parent, name);
    for (const [name, text] of files) {
      current = path.join(target, name);
      io.writeFile(path.join(tmp, name), text);
    }
    current = target;
    try {
      io.rename(tmp, target);
    } catch (e) {
      // rename(2) replaces an empty folder; where the platform does not, remove it first.
      const code = errnoOf(e);
      if (code !== 'EEXIST' && code !== 'ENOTEMPTY' && code !== 'EPERM') throw e;
      io.rmdir(target);
      io.rename(tmp, target);
    }
  } catch (e) {
    for (const undo of [tmp, createdParent]) {
      if (undo === undefined) continue;
      try {
        io.removeTree(undo);
      } catch {
        // best effort
      }
    }
    throw new RunWriteError(current, e);
  }
}
