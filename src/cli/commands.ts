/**
 * The `paper-lab` commands: list papers, run a demo headless (at one seed or several), compare
 * and export run folders, benchmark backends and the host.
 *
 *   paper-lab list
 *   paper-lab run <paper> [--demo ID] [--preset quick|paper|…] [--seed N | --seeds 0,1,2] [--backend B]
 *                         [--set key=value …] [--out DIR] [--check] [--recalibrate]
 *   paper-lab compare DIR DIR [DIR…]
 *   paper-lab export DIR [--out DIR]
 *   paper-lab bench <paper> [--demo ID] [--backends wasm,cpu] [--steps N] [--json FILE]
 *                           [--reference [--python PATH] [--threads N]]
 *   paper-lab bench host [--dist DIR] [--json FILE]
 *   paper-lab runs [DIR]
 *
 * Exit status: 0 ok, 1 a run failed (or, with --check, a claim failed at some seed) or a file
 * could not be written, 2 bad usage, config or folder.
 */
import * as path from 'node:path';
import type { ConfigValue, DemoDescriptor, PaperDescriptor, PaperId } from '../shared/catalog';
import { clip } from '../shared/config';
import type { BackendChoice, SeedsSummary } from '../shared/runs';
import { makeRunId } from '../shared/runs';
import type { RunOutcome } from '../models/engine/runner';
import {
  checkNewRunFolder,
  RunFolderError,
  RunWriteError,
  SUMMARY_FILE,
  writeJsonAtomic,
} from '../models/engine/recorder';
import { parseArgs, parseBackend, parsePreset, parseSets, RUN_FLAGS, UsageError, type ParsedArgs } from './args';
import { benchCommand, BENCH_HELP } from './bench';
import { benchHostCommand, BENCH_HOST_HELP } from './benchHost';
import { compareCommand } from './compare';
import { exportCommand } from './export';
import { claimsTable, formatSeconds, ProgressLine } from './format';
import { runDeps, type CliDeps } from './deps';
import { demoArgument, loadPapers } from './papers';
import { runsCommand, RUNS_HELP } from './runs';
import { parseSeeds, seedFolderName, seedsClaimsTable, seedsFolderName, seedsSummary, type SeedOutcome } from './seeds';
import { RunSignals } from './signals';

const HELP = `paper-lab — run the ICLR 2021 paper demos headless

Usage:
  paper-lab list                 papers, demos, presets and whether they can run
  paper-lab run <paper> …        train a demo and check its claims (--seeds 0,1,2: at several seeds)
  paper-lab compare DIR DIR …    the config differences and claims of run folders side by side
  paper-lab export DIR           a run folder as metrics.csv, claims.md and one SVG per plot
  paper-lab bench <paper> …      training throughput and time-to-claim per backend
  paper-lab bench host …         extension activation time and event-loop delay during a run
  paper-lab runs [DIR]           the runs under DIR (default ./paper-lab-runs) and their status

Run "paper-lab <command> --help" for a command's options.`;

const LIST_HELP = `Usage: paper-lab list

Lists every paper with its demos, their presets, and whether their training code is available.`;

const RUN_HELP = `Usage: paper-lab run <paper> [options]

Options:
  --demo ID          demo to run (default: the paper's first)
  --preset NAME      preset the config starts from (quick, paper, …; default quick)
  --seed N           seed, 0 to 4294967295 (default 0)
  --seeds LIST       run the same config at each seed of a comma-separated list (e.g. 0,1,2),
                     one after another, instead of --seed: one run folder per seed (seed-0/, …)
                     under --out and an aggregate summary.json; the claims table shows every
                     seed and at how many seeds each claim holds
  --backend B        auto, tensorflow-gpu, tensorflow, webgpu, wasm or cpu (default auto). auto
                     starts every backend it can and, when several start, trains a few steps on
                     each and keeps the fastest (remembered per machine, version and model
                     in $XDG_CACHE_HOME/paper-lab/calibration.json)
  --recalibrate      auto: measure the backends again instead of using the remembered numbers
  --set key=value    change one config field (repeatable), e.g. --set rounds=50
  --out DIR          run folder, new or empty (default ./paper-lab-runs/<runId>; with --seeds,
                     ./paper-lab-runs/<paper>-<preset>-seeds-<time>)
  --module-path DIR  extra folder to resolve optional backend packages from (repeatable)
  --check            exit with status 1 when any claim fails (with --seeds: at any seed)
  --help             this text

SIGINT (Ctrl-C), SIGTERM or SIGHUP stops the run after the current step and writes its summary;
a second one marks the run interrupted and quits at once.`;

async function listCommand(argv: readonly string[], deps: CliDeps): Promise<number> {
  const args = parseArgs(argv, { help: { kind: 'boolean' } });
  if (args.bool('help')) {
    console.log(LIST_HELP);
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`list takes no arguments (got ${args.positionals.join(' ')})`);
  for (const paper of await loadPapers(deps.papers)) {
    console.log(`${paper.meta.id.padEnd(10)} ${paper.meta.title}`);
    for (const demo of paper.demos) {
      console.log(`  ${demo.id.padEnd(14)} ${demo.title} presets: ${Object.keys(demo.presets).join(', ')}`);
    }
  }
  return 0;
}

/** What one run of `paper-lab run` needs beyond its seed and folder. */
interface RunPlan {
  readonly paperId: PaperId;
  readonly demo: DemoDescriptor;
  readonly preset: string;
  readonly config: Readonly<Record<string, ConfigValue>>;
  readonly backend: BackendChoice;
  readonly args: ParsedArgs;
  readonly deps: CliDeps;
  readonly controller: AbortController;
  readonly signals: RunSignals;
  /** The progress line of the run going on, cleared before a signal's notice is printed. */
  readonly progress: { bar: ProgressLine | null };
}

/** Runs the demo once at `seed` into `runDir`, with a progress line; config and folder errors are usage errors. */
async function runOnce(plan: RunPlan, seed: number, runDir: string, runId: string): Promise<RunOutcome> {
  const { runDemo, ConfigError } = await import('../models/engine/runner');
  const { describeReport } = await import('../models/engine/backends');
  const { defaultCalibrationFile } = await import('../models/engine/calibration');
  const bar = new ProgressLine(process.stdout, plan.demo.stepLabel);
  plan.progress.bar = bar;
  try {
    return await runDemo({
      paper: plan.paperId,
      demo: plan.demo.id,
      config: plan.config,
      seed,
      backend: plan.backend,
      runDir,
      preset: plan.preset,
      runId,
      modulePaths: plan.args.strings('module-path'),
      calibrationFile: defaultCalibrationFile(),
      recalibrate: plan.args.bool('recalibrate'),
      signal: plan.controller.signal,
      onRecorder: (recorder) => plan.signals.attach(recorder),
      ...runDeps(plan.deps),
      sink: {
        backend: (report) => console.log(`backend: ${describeReport(report)}`),
        log: (level, text) => {
          bar.clear();
          console.log(level === 'warn' ? `warning: ${text}` : text);
        },
        progress: (step, total, rate) => bar.update(step, total, rate),
        error: (message) => {
          bar.clear();
          console.error(`error: ${message}`);
        },
      },
    });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    if (e instanceof RunFolderError) throw new UsageError(`--out: ${e.message}`);
    throw e;
  } finally {
    bar.done();
    plan.progress.bar = null;
  }
}

/** The signal handling of a run command: the first signal stops the current run, a second quits. */
function installSignals(controller: AbortController): {
  signals: RunSignals;
  progress: { bar: ProgressLine | null };
  stopListening: () => void;
} {
  const progress: { bar: ProgressLine | null } = { bar: null };
  const signals = new RunSignals(controller, {
    notice: (text) => {
      progress.bar?.clear();
      console.log(text);
    },
    exit: (code) => process.exit(code),
  });
  return { signals, progress, stopListening: signals.install(process) };
}

async function runCommand(argv: readonly string[], deps: CliDeps): Promise<number> {
  const args = parseArgs(argv, RUN_FLAGS);
  if (args.bool('help')) {
    console.log(RUN_HELP);
    return 0;
  }
  const { paperId, paper, demo } = await demoArgument(args, 'run', '<paper> (see paper-lab list)', deps.papers);
  const preset = parsePreset(demo, args.string('preset'));
  const config = parseSets(demo, args.strings('set'));
  const seedsFlag = args.string('seeds');
  if (seedsFlag !== undefined && args.int('seed') !== undefined)
    throw new UsageError('--seed and --seeds cannot be used together (give one seed or a list)');
  const seeds = seedsFlag !== undefined ? parseSeeds(seedsFlag) : null;
  const seed = args.int('seed') ?? 0;
  const backend = parseBackend(args.string('backend'));
  const outFlag = args.string('out');
  if (outFlag !== undefined && outFlag.trim() === '')
    throw new UsageError('--out: expected a folder (got an empty path)');
  // A single run's folder is named after its runId; a multi-seed run's after the paper, preset and time.
  const runId = makeRunId(paperId as PaperId, preset, seed);
  const out = path.resolve(
    outFlag ?? path.join('paper-lab-runs', seeds !== null ? seedsFolderName(paperId as PaperId, preset) : runId),
  );
  // Refused before anything is written; the run then claims the folder exclusively.
  const outProblem = checkNewRunFolder(out);
  if (outProblem !== null) throw new UsageError(`--out: ${outProblem}`);

  const controller = new AbortController();
  const { signals, progress, stopListening } = installSignals(controller);
  const plan: RunPlan = {
    paperId: paperId as PaperId,
    demo,
    preset,
    config,
    backend,
    args,
    deps,
    controller,
    signals,
    progress,
  };
  try {
    if (seeds !== null) return await runSeeds(plan, paper, seeds, out);
    const { summary } = await runOnce(plan, seed, out, runId);
    console.log(
      `\n${paper.meta.shortName} / ${demo.title}: ${summary.status} in ${formatSeconds(summary.trainSeconds)}`,
    );
    console.log(claimsTable(summary.claims));
    console.log(`\nrun folder: ${out}`);
    if (summary.status === 'failed') return 1;
    if (args.bool('check') && summary.claims.some((c) => !c.pass)) return 1;
    return 0;
  } finally {
    stopListening();
  }
}

/**
 * `run --seeds`: the same config at each seed, one after another, each into `out/seed-<n>/`,
 * with `out/summary.json` rewritten after each seed. A stop signal ends the current seed's run
 * and starts no further seed.
 */
async function runSeeds(plan: RunPlan, paper: PaperDescriptor, seeds: readonly number[], out: string): Promise<number> {
  const outcomes: SeedOutcome[] = [];
  let summary: SeedsSummary | null = null;
  for (const [i, seed] of seeds.entries()) {
    if (plan.controller.signal.aborted) break;
    console.log(`seed ${i + 1} of ${seeds.length} (seed ${seed})`);
    const outcome = await runOnce(
      plan,
      seed,
      path.join(out, seedFolderName(seed)),
      makeRunId(plan.paperId, plan.preset, seed),
    );
    const s = outcome.summary;
    console.log(`seed ${seed}: ${s.status} in ${formatSeconds(s.trainSeconds)}\n`);
    outcomes.push({ seed, summary: s });
    summary = seedsSummary(
      { paper: plan.paperId, demo: plan.demo.id, preset: plan.preset, config: outcome.record.config },
      outcomes,
    );
    writeJsonAtomic(path.join(out, SUMMARY_FILE), summary);
  }
  if (summary === null) return 1; // stopped before the first seed started
  const failed = outcomes.filter((o) => o.summary.status === 'failed').map((o) => o.seed);
  console.log(`${paper.meta.shortName} / ${plan.demo.title}: ${outcomes.length} of ${seeds.length} seeds ran`);
  console.log(seedsClaimsTable(summary));
  console.log(`\nrun folders: ${out}`);
  if (failed.length > 0) {
    console.error(`paper-lab: the run failed at seed${failed.length === 1 ? '' : 's'} ${failed.join(', ')}`);
    return 1;
  }
  const everywhere = outcomes.length === seeds.length && summary.claims.every((c) => c.holds === seeds.length);
  if (plan.args.bool('check') && !everywhere) return 1;
  return 0;
}

export async function main(argv: readonly string[], deps: CliDeps = {}): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        console.log(HELP);
        return command === undefined ? 2 : 0;
      case 'list':
        return await listCommand(rest, deps);
      case 'run':
        return await runCommand(rest, deps);
      case 'bench':
        if (rest[0] === 'host') return await benchHostCommand(rest.slice(1));
        return await benchCommand(rest, deps);
      case 'runs':
        return runsCommand(rest);
      case 'compare':
        return compareCommand(rest);
      case 'export':
        return await exportCommand(rest, deps);
      default:
        throw new UsageError(`unknown command "${clip(command)}" (commands: list, run, compare, export, bench, runs)`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`paper-lab: ${e.message}`);
      if (command === 'bench') console.error(rest[0] === 'host' ? BENCH_HOST_HELP : BENCH_HELP);
      if (command === 'runs') console.error(RUNS_HELP);
      return 2;
    }
    // A file that could not be written (a full disk): one line says it all.
    if (e instanceof RunWriteError) {
      console.error(`paper-lab: ${e.message}`);
      return 1;
    }
    console.error(`paper-lab: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}
