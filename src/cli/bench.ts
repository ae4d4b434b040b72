/**
 * `paper-lab bench <paper>`: training throughput per backend on the demo's quick preset, and
 * time-to-claim (wall seconds of the whole quick run and whether its claims passed).
 */
import { plural } from '../shared/text';
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { PaperId } from '../shared/catalog';
import { BACKEND_NAMES, type BackendName } from '../shared/runs';
import { BENCH_FLAGS, flagBool, flagInt, flagString, flagStrings, parseArgs, parseBackend, UsageError } from './args';
import { findPaper } from './papers';
import { formatNumber, table } from './format';

export const BENCH_HELP = `Usage: paper-lab bench <paper> [options]

Runs the demo's quick preset once per backend and reports training throughput (steps/s) and
time-to-claim (wall seconds of the quick run, and whether its claims passed).

Options:
  --demo ID          demo (default: the paper's first)
  --backends LIST    comma-separated backends (default: all; those that cannot start are listed as skipped)
  --steps N          stop each run after N steps: throughput only, no time-to-claim
  --seed N           seed (default 0)
  --json FILE        also write the results as JSON
  --module-path DIR  extra folder to resolve optional backend packages from (repeatable)
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
}

export async function benchCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, BENCH_FLAGS);
  if (flagBool(args, 'help')) {
    console.log(BENCH_HELP);
    return 0;
  }
  const [paperId, ...rest] = args.positionals;
  if (paperId === undefined) throw new UsageError('bench: missing <paper> (or "host")');
  if (rest.length > 0) throw new UsageError(`bench: unexpected arguments ${rest.join(' ')}`);
  const paper = await findPaper(paperId);
  const demoId = flagString(args, 'demo');
  const demo = demoId === undefined ? paper.demos[0] : paper.demos.find((d) => d.id === demoId);
  if (!demo) throw new UsageError(`--demo: ${paperId} has no demo "${demoId ?? ''}"`);
  const backendsFlag = flagString(args, 'backends');
  const backends: BackendName[] = backendsFlag
    ? backendsFlag.split(',').map((b) => {
        const choice = parseBackend(b.trim(), '--backends');
        if (choice === 'auto') throw new UsageError('--backends: list backends by name, not auto');
        return choice;
      })
    : [...BACKEND_NAMES];
  const maxSteps = flagInt(args, 'steps');
  if (maxSteps === 0) throw new UsageError('--steps: must be at least 1');
  const seed = flagInt(args, 'seed') ?? 0;

  const { runDemo } = await import('../models/engine/runner');
  const rows: BenchRow[] = [];
  for (const backend of backends) {
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
        config: {},
        preset: 'quick',
        seed,
        backend,
        runDir: null,
        modulePaths: flagStrings(args, 'module-path'),
        signal: controller.signal,
        sink: {
          progress: (step) => {
            steps = step;
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

  console.log(
    `\n${paper.meta.shortName} / ${demo.title}, quick preset, seed ${seed}${maxSteps ? `, ${maxSteps} steps` : ''}`,
  );
  console.log(
    table(
      ['backend', `${plural(demo.stepLabel)}/s`, 'steps', 'train s', 'CPU s', 'time-to-claim', 'claims', 'note'],
      rows.map((r) => [
        r.backend,
        r.ok ? formatNumber(r.stepsPerSecond) : 'skipped',
        r.ok ? String(r.steps) : '',
        r.ok ? r.trainSeconds.toFixed(2) : '',
        r.ok ? r.cpuSeconds.toFixed(1) : '',
        r.timeToClaimSeconds !== null ? `${r.timeToClaimSeconds.toFixed(1)} s` : '—',
        r.claimsPassed !== null ? `${r.claimsPassed}/${r.claims} pass` : '—',
        r.reason.slice(0, 80),
      ]),
    ),
  );
  const json = flagString(args, 'json');
  if (json) {
    fs.writeFileSync(
      json,
      JSON.stringify(
        {
          paper: paperId,
          demo: demo.id,
          preset: 'quick',
          seed,
          steps: maxSteps ?? null,
          machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, loadAverage: os.loadavg() },
          date: new Date().toISOString(),
          rows,
        },
        null,
        2,
      ) + '\n',
    );
    console.log(`wrote ${json}`);
  }
  return rows.some((r) => r.ok) ? 0 : 1;
}
