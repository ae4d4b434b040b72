/**
 * Opening a run folder named on the command line (`compare`, `export`): it must exist, be a
 * folder and hold a readable run.json; otherwise a UsageError (exit 2) says which and why.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRun, RUN_FILE, SUMMARY_FILE, type RunData } from '../models/engine/recorder';
import { clip } from '../shared/config';
import { UsageError } from './args';

function errnoOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether `dir` looks like the folder of a multi-seed run (`run --seeds`): summary.json and seed-N folders. */
function isSeedsFolder(dir: string): boolean {
  try {
    return fs.existsSync(path.join(dir, SUMMARY_FILE)) && fs.readdirSync(dir).some((n) => /^seed-\d+$/.test(n));
  } catch {
    return false;
  }
}

/**
 * Reads the run folder `given` (as typed) for `command`; malformed parts other than run.json
 * (a torn metrics line, a bad summary) are skipped with a warning on stderr.
 */
export function openRunFolder(command: string, given: string): RunData {
  if (given.trim() === '') throw new UsageError(`${command}: expected a run folder (got an empty path)`);
  const dir = path.resolve(given);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new UsageError(`${command}: there is no folder ${clip(given)}`);
  }
  if (!stat.isDirectory()) throw new UsageError(`${command}: ${clip(given)} is a file, not a run folder`);
  try {
    return readRun(dir, { onWarning: (text) => console.error(`warning: ${text}`) });
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') {
      const hint = isSeedsFolder(dir) ? '; it holds a multi-seed run, whose run folders are its seed-N folders' : '';
      throw new UsageError(`${command}: ${clip(given)} is not a run folder (it has no ${RUN_FILE})${hint}`);
    }
    throw new UsageError(
      `${command}: ${clip(given)} is not a run folder: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}
