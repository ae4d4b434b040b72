/**
 * The Markdown tables of docs/benchmarks.md from the logs of one `bench/gpu/check.sh` pass: each
 * demo's quick preset on webgpu with its claims, steps/s on webgpu and wasm from the same
 * invocation, ours against PyTorch on one CPU thread, and what `auto` measured and chose.
 *
 * Usage: npx tsx bench/gpu/report.ts <folder>   (the gpu-logs folder of logs.tar.gz)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BenchFile } from '../../src/cli/bench';
import { type CachedCalibration, chooseFastest } from '../../src/models/engine/calibration';
import { BACKEND_NAMES, type RunRecord, type RunSummary } from '../../src/shared/runs';

/** The target: ours at least half of PyTorch's CPU steps/s at equal threads. */
export const REFERENCE_TARGET = 0.5;

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** Three significant figures, as the tables in docs/benchmarks.md. */
export function figure(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return x >= 100 ? x.toFixed(0) : Number(x.toPrecision(3)).toString();
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Files of the folder named `<prefix><name>.json`, by name. */
function filesNamed(dir: string, prefix: string): { name: string; file: string }[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.slice(prefix.length, -'.json'.length), file: path.join(dir, f) }));
}

function webgpuRuns(dir: string): string {
  const rows = filesNamed(dir, 'runjson-')
    .filter(({ name }) => !name.startsWith('auto-'))
    .map(({ name, file }) => {
      const run = readJson<RunRecord>(file);
      const summary = readJson<RunSummary>(path.join(dir, `summary-${name}.json`));
      const claims = summary?.claims ?? [];
      const passed = claims.filter((c) => c.pass).length;
      const failing = claims
        .filter((c) => !c.pass)
        .map((c) => `${c.id} ${figure(c.measured)} (${c.target}${c.caveat ? ', caveated' : ''})`);
      const note = run?.error ?? (failing.length > 0 ? `failing: ${failing.join('; ')}` : 'every claim passes');
      return [
        name,
        run?.status ?? 'no run.json',
        run?.backend?.chosen ?? '—',
        `${figure(run?.trainSeconds)} s`,
        summary ? `${passed} of ${claims.length}` : '—',
        note,
      ];
    });
  return markdownTable(['demo', 'status', 'backend', 'training', 'claims passed', 'note'], rows);
}

/** The after-warm-up rate of a backend's row, or why there is none. */
function rate(bench: BenchFile, backend: string): { value: number | null; text: string } {
  const row = bench.rows.find((r) => r.backend === backend);
  if (!row) return { value: null, text: '—' };
  if (!row.ok) return { value: null, text: `skipped: ${row.reason}` };
  const value = row.afterWarmup?.stepsPerSecond ?? row.stepsPerSecond;
  return { value, text: figure(value) };
}

function throughput(dir: string): string {
  const rows = filesNamed(dir, 'bench-').flatMap(({ name, file }) => {
    const bench = readJson<BenchFile>(file);
    if (!bench) return [];
    const sets = Object.entries(bench.config).map(([k, v]) => `${k}=${String(v)}`);
    const webgpu = rate(bench, 'webgpu');
    const wasm = rate(bench, 'wasm');
    const ratio = webgpu.value !== null && wasm.value !== null && wasm.value > 0 ? webgpu.value / wasm.value : null;
    return [
      [
        sets.length > 0 ? `${name} (${sets.join(', ')})` : name,
        `${bench.steps ?? 'all'}, ${bench.warmup ?? 0}`,
        webgpu.text,
        wasm.text,
        ratio === null ? '—' : `${figure(ratio)}×`,
      ],
    ];
  });
  return markdownTable(['demo', 'steps, warm-up', 'webgpu steps/s', 'wasm steps/s', 'webgpu ÷ wasm'], rows);
}

function againstPytorch(dir: string): string {
  const rows = filesNamed(dir, 'reference-').flatMap(({ name, file }) => {
    const bench = readJson<BenchFile>(file);
    if (!bench) return [];
    const ours = bench.rows.find((r) => r.backend === 'wasm');
    const reference = bench.reference;
    if (!reference?.ok)
      return [[name, figure(ours?.afterWarmup?.stepsPerSecond), '—', '—', '—', reference?.reason ?? 'no reference']];
    const ratio = ours?.afterWarmup?.ratio ?? null;
    const verdict = ratio === null ? '—' : ratio >= REFERENCE_TARGET ? 'met' : 'missed';
    const { timing } = reference;
    return [
      [
        name,
        figure(ours?.afterWarmup?.stepsPerSecond),
        `${figure(timing.stepsPerSecond)} (torch ${timing.torch}, ${timing.threads} thread${timing.threads === 1 ? '' : 's'})`,
        ratio === null ? '—' : `${figure(ratio)}×`,
        ours?.afterWarmup?.ratioCpu == null ? '—' : `${figure(ours.afterWarmup.ratioCpu)}×`,
        verdict,
      ],
    ];
  });
  return markdownTable(
    ['demo', 'ours after warm-up', 'PyTorch', 'ours ÷ PyTorch (wall)', '(CPU s)', `target (≥ ${REFERENCE_TARGET}×)`],
    rows,
  );
}

function auto(dir: string): string {
  const entries = readJson<CachedCalibration[]>(path.join(dir, 'calibration.json')) ?? [];
  const rows = entries.map((e) => [
    e.signature,
    e.measurements.map((m) => `${m.name} ${figure(m.stepsPerSecond)}`).join(', '),
    chooseFastest(e.measurements, BACKEND_NAMES) ?? '—',
  ]);
  return markdownTable(['model', 'steps/s measured', 'chosen'], rows);
}

export function gpuReport(dir: string): string {
  const machine = fs.existsSync(path.join(dir, 'machine.txt'))
    ? fs.readFileSync(path.join(dir, 'machine.txt'), 'utf8').trim()
    : '(no machine.txt)';
  return [
    '### Machine',
    '',
    '```text',
    machine,
    '```',
    '',
    "### Each demo's quick preset on `webgpu` (seed 0)",
    '',
    webgpuRuns(dir),
    '',
    '### Steps/s on `webgpu` and `wasm` in the same invocation',
    '',
    throughput(dir),
    '',
    "### Against PyTorch on the same machine's CPU (ours: wasm, one thread)",
    '',
    againstPytorch(dir),
    '',
    '### `auto`: what calibration measured',
    '',
    auto(dir),
    '',
  ].join('\n');
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir || !fs.existsSync(dir)) {
    console.error('usage: npx tsx bench/gpu/report.ts <gpu-logs folder>');
    process.exit(2);
  }
  process.stdout.write(gpuReport(dir));
}
