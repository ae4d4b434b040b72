/**
 * The `paper-lab` commands: list papers, run a demo headless, benchmark backends and the host.
 *
 *   paper-lab list
 *   paper-lab run <paper> [--demo ID] [--preset quick|paper|…] [--seed N] [--backend B]
 *                         [--set key=value …] [--out DIR] [--check] [--recalibrate]
 *   paper-lab bench <paper> [--demo ID] [--backends wasm,cpu] [--steps N] [--json FILE]
 *                           [--reference [--python PATH] [--threads N]]
 *   paper-lab bench host [--dist DIR] [--json FILE]
 *   paper-lab runs [DIR]
 *
 * Exit status: 0 ok, 1 a run failed (or, with --check, a claim failed), 2 bad usage or config.
 */
import * as path from 'node:path';
import type { PaperId } from '../shared/catalog';
import { clip } from '../shared/config';
import type { RunSummary } from '../shared/runs';
import { makeRunId } from '../shared/runs';
import { checkNewRunFolder, RunFolderError, RunWriteError } from '../models/engine/recorder';
import { parseArgs, parseBackend, parsePreset, parseSets, RUN_FLAGS, UsageError } from './args';
import { benchCommand, BENCH_HELP } from './bench';
import { benchHostCommand, BENCH_HOST_HELP } from './benchHost';
import { claimsTable, formatSeconds, ProgressLine } from './format';
import { runDeps, type CliDeps } from './deps';
import { demoArgument, loadPapers } from './papers';
import { runsCommand, RUNS_HELP } from './runs';
import { RunSignals } from './signals';

const HELP = `paper-lab — run the ICLR 2021 paper demos headless

Usage:
  paper-lab list                 papers, demos, presets and whether they can run
  paper-lab run <paper> …        train a demo and check its claims
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
  --backend B        auto, tensorflow-gpu, tensorflow, webgpu, wasm or cpu (default auto). auto
                     starts every backend it can and, when several start, trains a few steps on
                     each and keeps the fastest (remembered per machine, version and model
                     in $XDG_CACHE_HOME/paper-lab/calibration.json)
  --recalibrate      auto: measure the backends again instead of using the remembered numbers
  --set key=value    change one config field (repeatable), e.g. --set rounds=50
  --out DIR          run folder, new or empty (default ./paper-lab-runs/<runId>)
  --module-path DIR  extra folder to resolve optional backend packages from (repeatable)
  --check            exit with status 1 when any claim fails
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

async function runCommand(argv: readonly string[], deps: CliDeps): Promise<number> {
  const args = parseArgs(argv, RUN_FLAGS);
  if (args.bool('help')) {
    console.log(RUN_HELP);
    return 0;
  }
  const { paperId, paper, demo } = await demoArgument(args, 'run', '<paper> (see paper-lab list)', deps.papers);
  const preset = parsePreset(demo, args.string('preset'));
  const config = parseSets(demo, args.strings('set'));
  const seed = args.int('seed') ?? 0;
  const backend = parseBackend(args.string('backend'));
  const runId = makeRunId(paperId as PaperId, preset, seed);
  const outFlag = args.string('out');
  if (outFlag !== undefined && outFlag.trim() === '')
    throw new UsageError('--out: expected a folder (got an empty path)');
  const out = path.resolve(outFlag ?? path.join('paper-lab-runs', runId));
  // Refused before anything is written; the run then claims the folder exclusively.
  const outProblem = checkNewRunFolder(out);
  if (outProblem !== null) throw new UsageError(`--out: ${outProblem}`);

  const { runDemo, ConfigError } = await import('../models/engine/runner');
  const { describeReport } = await import('../models/engine/backends');
  const { defaultCalibrationFile } = await import('../models/engine/calibration');
  const bar = new ProgressLine(process.stdout, demo.stepLabel);
  const controller = new AbortController();
  const signals = new RunSignals(controller, {
    notice: (text) => {
      bar.clear();
      console.log(text);
    },
    exit: (code) => process.exit(code),
  });
  const stopListening = signals.install(process);
  let summary: RunSummary;
  try {
    const outcome = await runDemo({
      paper: paperId as PaperId,
      demo: demo.id,
      config,
      seed,
      backend,
      runDir: out,
      preset,
      runId,
      modulePaths: args.strings('module-path'),
      calibrationFile: defaultCalibrationFile(),
      recalibrate: args.bool('recalibrate'),
      signal: controller.signal,
      onRecorder: (recorder) => signals.attach(recorder),
      ...runDeps(deps),
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
    summary = outcome.summary;
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    if (e instanceof RunFolderError) throw new UsageError(`--out: ${e.message}`);
    throw e;
  } finally {
    stopListening();
    bar.done();
  }
  console.log(`\n${paper.meta.shortName} / ${demo.title}: ${summary.status} in ${formatSeconds(summary.trainSeconds)}`);
  console.log(claimsTable(summary.claims));
  console.log(`\nrun folder: ${out}`);
  if (summary.status === 'failed') return 1;
  if (args.bool('check') && summary.claims.some((c) => !c.pass)) return 1;
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
      default:
        throw new UsageError(`unknown command "${clip(command)}" (commands: list, run, bench, runs)`);
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
