/**
 * `paper-lab bench <paper>`: training throughput per backend on the demo's quick preset, and
 * time-to-claim (wall seconds of the whole quick run and whether its claims passed).
 */
import { plural } from '../shared/text';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DemoConfig, PaperId, PerformanceResult } from '../shared/catalog';
import { validateConfig } from '../shared/config';
import { BACKEND_NAMES, type BackendName } from '../shared/runs';
import { describeFsError } from '../models/engine/recorder';
import {
  BENCH_FLAGS,
  checkOutputFile,
  type FlagSpec,
  parseArgs,
  parseBackend,
  parsePreset,
  parseSets,
  UsageError,
} from './args';
import { runDeps, type CliDeps } from './deps';
import { demoArgument } from './papers';
import { formatNumber, table } from './format';
import {
  findPython,
  findReferenceRoot,
  hasReference,
  type ProgressMark,
  REFERENCE_STEPS,
  type ReferenceResult,
  referenceSpec,
  runReference,
  steadyRate,
  throughputRatio,
} from './reference';

export const BENCH_HELP = `Usage: paper-lab bench <paper> [options]

Runs the demo's quick preset (or --preset) once per backend and reports training throughput
(steps/s) and time-to-claim (wall seconds of the run, and whether its claims passed).

Options:
  --demo ID          demo (default: the paper's first)
  --backends LIST    comma-separated backends (default: all; those that cannot start are listed as skipped)
  --steps N          stop each run after N steps: throughput only, no time-to-claim
  --seed N           seed (default 0)
  --preset NAME      preset the config starts from (default quick; not with --reference)
  --set key=value    change one config field (repeatable), e.g. --set batch=4096 (not with --reference)
  --json FILE        also write the results as JSON
  --module-path DIR  extra folder to resolve optional backend packages from (repeatable)
  --reference        also time the same training step in PyTorch (bench/reference/) and report
                     ours ÷ PyTorch; each run then stops after --warmup + --steps steps (defaults
                     per demo) and both sides are timed after the warm-up
  --python PATH      python3 with torch for --reference (default: $PAPER_LAB_PYTHON, then python3 on PATH)
  --threads N        torch threads for --reference (default 1; ours runs on one thread)
  --warmup N         steps before the steady rate is timed (with --reference: defaults per demo;
                     without it, adds an "after warm-up" rate that leaves out start-up and
                     shader compilation)
  --help             this text

Also: paper-lab bench host --help`;

export interface BenchRow {
  readonly backend: BackendName;
  readonly ok: boolean;
  /** Why the backend was skipped or the run failed. */
  readonly reason: string;
  readonly steps: number;
  readonly trainSeconds: number;
  /**
   * CPU seconds the process spent on the whole run (user + system). Training runs on one thread,
   * so on a busy machine this is closer to what an idle core would take than the wall time.
   */
  readonly cpuSeconds: number;
  readonly stepsPerSecond: number | null;
  /** Wall seconds of the complete quick run (null when stopped after --steps). */
  readonly timeToClaimSeconds: number | null;
  readonly claimsPassed: number | null;
  readonly claims: number;
  /** The demo's own throughput figures (its descriptor's `performance`), e.g. "RIM alone 3.2 steps/s". */
  readonly performance?: readonly string[];
}

/** The demo's own throughput figures found in a run's results, as `label: value unit`. */
export function performanceFigures(
  specs: readonly PerformanceResult[] | undefined,
  results: Readonly<Record<string, number>>,
): string[] {
  return (specs ?? []).flatMap(({ key, label, unit }) => {
    const value = results[key];
    return value !== undefined && Number.isFinite(value) ? [`${label} ${formatNumber(value)} ${unit}`] : [];
  });
}

/** The bench flags with those of the PyTorch reference. */
const FLAGS: Readonly<Record<string, FlagSpec>> = {
  ...BENCH_FLAGS,
  reference: { kind: 'boolean' },
  python: { kind: 'string' },
  threads: { kind: 'int' },
  warmup: { kind: 'int' },
};

/** Our throughput after the warm-up and its ratio to PyTorch's (with --reference). */
export interface SteadyThroughput {
  readonly stepsPerSecond: number | null;
  readonly steps: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  /** Ours ÷ PyTorch steps per second. */
  readonly ratio: number | null;
  /**
   * Ours ÷ PyTorch steps per CPU second: on a busy machine wall time includes waiting for a
   * core, CPU time does not, so this is the steadier figure there.
   */
  readonly ratioCpu: number | null;
}

/** What `--json FILE` writes: the table's rows with the run's settings (read by bench/gpu/report.ts). */
export interface BenchFile {
  readonly paper: string;
  readonly demo: string;
  readonly preset: string;
  readonly config: DemoConfig;
  readonly seed: number;
  /** --steps, or null for the complete run. */
  readonly steps: number | null;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly loadAverage: readonly number[] };
  readonly date: string;
  readonly rows: readonly (BenchRow & { readonly afterWarmup?: SteadyThroughput })[];
  /** With --warmup or --reference: the steps left out of `afterWarmup`. */
  readonly warmup?: number;
  readonly reference?: ReferenceResult & { readonly threads: number; readonly warmup: number; readonly steps: number };
}

export async function benchCommand(argv: readonly string[], deps: CliDeps = {}): Promise<number> {
  const args = parseArgs(argv, FLAGS);
  if (args.bool('help')) {
    console.log(BENCH_HELP);
    return 0;
  }
  const { paperId, paper, demo } = await demoArgument(args, 'bench', '<paper> (or "host")', deps.papers);
  const backendsFlag = args.string('backends');
  const backends: BackendName[] = backendsFlag
    ? backendsFlag.split(',').map((b) => {
        const choice = parseBackend(b.trim(), '--backends');
        if (choice === 'auto') throw new UsageError('--backends: list backends by name, not auto');
        return choice;
      })
    : [...BACKEND_NAMES];
  const stepsFlag = args.int('steps');
  if (stepsFlag === 0) throw new UsageError('--steps: must be at least 1');
  const seed = args.int('seed') ?? 0;
  const withReference = args.bool('reference');
  const preset = parsePreset(demo, args.string('preset'));
  const sets = args.strings('set');
  // The PyTorch reference is written for the quick preset's model and batch.
  if (withReference && (preset !== 'quick' || sets.length > 0))
    throw new UsageError('--preset and --set: not with --reference (the reference times the quick preset)');
  const config = parseSets(demo, sets);
  // Rejected before any backend runs: the same check the engine makes at a run's start.
  const checked = validateConfig(demo, config, demo.presets[preset]);
  if (!checked.ok) throw new UsageError(checked.errors.join('; '));
  for (const flag of ['python', 'threads'])
    if (!withReference && args.flags.has(flag)) throw new UsageError(`--${flag}: only with --reference`);
  const threads = args.int('threads') ?? 1;
  if (threads === 0) throw new UsageError('--threads: must be at least 1');
  const defaults = hasReference(paperId) ? REFERENCE_STEPS[paperId] : { steps: 20, warmup: 2 };
  const timedSteps = stepsFlag ?? defaults.steps;
  const warmup = args.int('warmup') ?? defaults.warmup;
  // With the reference, every run stops after the warm-up and the timed steps.
  const maxSteps = withReference ? warmup + timedSteps : stepsFlag;
  // Checked now, not after the whole benchmark.
  const jsonFlag = args.string('json');
  const json = jsonFlag !== undefined ? checkOutputFile('--json', jsonFlag) : undefined;

  const { runDemo } = await import('../models/engine/runner');
  const rows: BenchRow[] = [];
  const marksByRow: ProgressMark[][] = [];
  for (const backend of backends) {
    const marks: ProgressMark[] = [];
    marksByRow.push(marks);
    const controller = new AbortController();
    let steps = 0;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const cpuSeconds = (): number => {
      const used = process.cpuUsage(cpu0);
      return (used.user + used.system) / 1e6;
    };
    try {
      const { summary, record } = await runDemo({
        paper: paperId as PaperId,
        demo: demo.id,
        config,
        preset,
        seed,
        backend,
        runDir: null,
        modulePaths: args.strings('module-path'),
        signal: controller.signal,
        ...runDeps(deps),
        sink: {
          progress: (step) => {
            steps = step;
            marks.push({ step, seconds: (performance.now() - t0) / 1000, cpuSeconds: cpuSeconds() });
            if (maxSteps !== undefined && step >= maxSteps) controller.abort('bench');
          },
        },
      });
      const wall = (performance.now() - t0) / 1000;
      const ok = summary.status !== 'failed';
      steps = Math.max(steps, summary.steps);
      const complete = summary.status === 'completed';
      rows.push({
        backend,
        ok,
        reason: ok ? (record.backend?.attempts.find((a) => a.ok)?.reason ?? '') : (record.error ?? 'failed'),
        steps,
        trainSeconds: summary.trainSeconds,
        cpuSeconds: cpuSeconds(),
        stepsPerSecond: ok && summary.trainSeconds > 0 ? steps / summary.trainSeconds : null,
        timeToClaimSeconds: complete ? wall : null,
        claimsPassed: complete ? summary.claims.filter((c) => c.pass).length : null,
        claims: summary.claims.length,
        performance: performanceFigures(demo.performance, summary.results),
      });
    } catch (e) {
      rows.push({
        backend,
        ok: false,
        reason: e instanceof Error ? e.message : String(e),
        steps: 0,
        trainSeconds: 0,
        cpuSeconds: cpuSeconds(),
        stepsPerSecond: null,
        timeToClaimSeconds: null,
        claimsPassed: null,
        claims: demo.claims.length,
      });
    }
    const row = rows[rows.length - 1];
    if (row)
      console.error(
        `${backend}: ${row.ok ? `${formatNumber(row.stepsPerSecond)} ${plural(demo.stepLabel)}/s` : row.reason}`,
      );
  }

  let reference: ReferenceResult | null = null;
  let steady: SteadyThroughput[] = [];
  const withSteady = withReference || args.flags.has('warmup');
  if (withReference)
    reference = await timeReference(paperId, demo.presets['quick'] ?? {}, args.string('python'), {
      threads,
      steps: timedSteps,
      warmup,
      seed,
    });
  if (withSteady) {
    const theirs = reference?.ok ? reference.timing.stepsPerSecond : null;
    const theirsCpu = reference?.ok ? perCpuSecond(reference.timing) : null;
    steady = rows.map((row, i) => {
      const rate = row.ok ? steadyRate(marksByRow[i] ?? [], warmup) : null;
      return {
        stepsPerSecond: rate?.stepsPerSecond ?? null,
        steps: rate?.steps ?? 0,
        seconds: rate?.seconds ?? 0,
        cpuSeconds: rate?.cpuSeconds ?? 0,
        ratio: throughputRatio(rate?.stepsPerSecond ?? null, theirs),
        ratioCpu: throughputRatio(perCpuSecond(rate), theirsCpu),
      };
    });
  }

  console.log(
    `\n${paper.meta.shortName} / ${demo.title}, ${preset} preset${sets.length > 0 ? ` (${sets.join(', ')})` : ''}, seed ${seed}${maxSteps ? `, ${maxSteps} steps` : ''}`,
  );
  const header = ['backend', `${plural(demo.stepLabel)}/s`, 'steps', 'train s', 'CPU s', 'time-to-claim', 'claims'];
  const steadyHeader = [`after warm-up /s`, 'CPU s', ...(withReference ? ['× PyTorch', '× PyTorch (CPU s)'] : [])];
  console.log(
    table(
      [...header, ...(withSteady ? steadyHeader : []), 'note'],
      rows.map((r, i) => {
        const s = steady[i];
        const ratio = s?.ratio ?? null;
        const ratioCpu = s?.ratioCpu ?? null;
        return [
          r.backend,
          r.ok ? formatNumber(r.stepsPerSecond) : 'skipped',
          r.ok ? String(r.steps) : '',
          r.ok ? r.trainSeconds.toFixed(2) : '',
          r.ok ? r.cpuSeconds.toFixed(1) : '',
          r.timeToClaimSeconds !== null ? `${r.timeToClaimSeconds.toFixed(1)} s` : '—',
          r.claimsPassed !== null ? `${r.claimsPassed}/${r.claims} pass` : '—',
          ...(withSteady
            ? [formatNumber(s?.stepsPerSecond ?? null), s && s.stepsPerSecond !== null ? s.cpuSeconds.toFixed(1) : '']
            : []),
          ...(withReference
            ? [ratio !== null ? `${ratio.toFixed(2)}×` : '—', ratioCpu !== null ? `${ratioCpu.toFixed(2)}×` : '—']
            : []),
          r.reason.slice(0, 80),
        ];
      }),
    ),
  );
  for (const r of rows) {
    if (r.performance && r.performance.length > 0) console.log(`${r.backend}: ${r.performance.join(', ')}`);
  }
  if (reference) console.log(referenceLine(reference, threads, plural(demo.stepLabel)));
  if (json !== undefined) {
    const file: BenchFile = {
      paper: paperId,
      demo: demo.id,
      preset,
      config,
      seed,
      steps: maxSteps ?? null,
      machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, loadAverage: os.loadavg() },
      date: new Date().toISOString(),
      rows: withSteady ? rows.map((r, i) => ({ ...r, afterWarmup: steady[i] })) : rows,
      ...(withSteady ? { warmup } : {}),
      ...(reference ? { reference: { ...reference, threads, warmup, steps: timedSteps } } : {}),
    };
    try {
      fs.writeFileSync(json, JSON.stringify(file, null, 2) + '\n');
    } catch (e) {
      console.error(`paper-lab: could not write ${json}: ${describeFsError(e)}`);
      return 1;
    }
    console.log(`wrote ${json}`);
  }
  return rows.some((r) => r.ok) ? 0 : 1;
}

/** Steps per CPU second of a timed span; null when no CPU time was measured. */
function perCpuSecond(span: { steps: number; cpuSeconds: number } | null): number | null {
  return span && span.cpuSeconds > 0 ? span.steps / span.cpuSeconds : null;
}

/** Builds the spec from the quick preset and runs the PyTorch reference; every failure becomes a reason. */
async function timeReference(
  paperId: string,
  quick: DemoConfig,
  pythonFlag: string | undefined,
  options: { threads: number; steps: number; warmup: number; seed: number },
): Promise<ReferenceResult> {
  const python = findPython(pythonFlag);
  if (!hasReference(paperId)) return { ok: false, python: python.path, reason: `no PyTorch reference for ${paperId}` };
  const root = findReferenceRoot();
  try {
    const spec = await referenceSpec(paperId, quick, { ...options, dataRoot: root ?? path.join(__dirname, '..') });
    console.error(`PyTorch reference: ${python.path ?? '(no python)'}, ${options.threads} thread(s)…`);
    return runReference(spec, { python, root });
  } catch (e) {
    return { ok: false, python: python.path, reason: e instanceof Error ? e.message : String(e) };
  }
}

/** The line under the table naming the reference, or saying why it is unavailable. */
export function referenceLine(reference: ReferenceResult, threads: number, unit: string): string {
  if (!reference.ok) return `reference unavailable: ${reference.reason}`;
  const t = reference.timing;
  const lines = [
    `PyTorch reference: ${formatNumber(t.stepsPerSecond)} ${unit}/s (${t.steps} steps after ${t.warmup} warm-up, ` +
      `${t.seconds.toFixed(2)} s, ${t.cpuSeconds.toFixed(1)} CPU s), torch ${t.torch}, BLAS ${t.blas}, ` +
      `${t.threads} thread(s), python ${t.python} (${reference.python})`,
  ];
  if (threads !== 1) lines.push(`note: ours runs on one thread (the wasm backend here is single-threaded).`);
  return lines.join('\n');
}
