/**
 * Runs `paper-lab` from the sources in a child process (test/helpers/cli.ts), from any working
 * folder, and collects what it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const REPO = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(REPO, 'test', 'helpers', 'cli.ts');
/** The command line on a fake catalog (see fakeCli.ts). */
const FAKE_CLI = path.join(__dirname, 'fakeCli.ts');
const TSX = pathToFileURL(path.join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** The fake demo (fakeCli.ts), `steps` steps of `stepMs` ms each. */
export function toy(steps: number, stepMs = 0): string[] {
  return ['fedopt', '--set', `steps=${steps}`, '--set', `stepMs=${stepMs}`];
}

export interface CliProcess {
  readonly child: ChildProcess;
  readonly output: { stdout: string; stderr: string };
  /** Resolves with the exit code (or 128 + n for a signal) once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface CliOptions {
  /** Working folder (default: the repository). */
  readonly cwd?: string;
  /** Run the real catalog (test/helpers/cli.ts) instead of the fake one. */
  readonly real?: boolean;
}

export function spawnCli(args: readonly string[], options: CliOptions = {}): CliProcess {
  const cwd = options.cwd ?? REPO;
  const child = spawn(process.execPath, ['--import', TSX, options.real ? CLI : FAKE_CLI, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output.stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output, exited };
}

export async function runCli(
  args: readonly string[],
  options: CliOptions = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawnCli(args, options);
  const { code } = await p.exited;
  return { code, ...p.output };
}

/** Waits until `ready()` holds, checking every 50 ms; fails after `timeoutMs`. */
export async function waitFor(ready: () => boolean, what: string, timeoutMs = 60000): Promise<void> {
  const t0 = Date.now();
  while (!ready()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether a run folder's metrics.jsonl has at least one line. */
export function hasMetrics(dir: string): boolean {
  try {
    return fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').includes('\n');
  } catch {
    return false;
  }
}

/** Every file under `dir`, relative, sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}
