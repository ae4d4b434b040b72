/**
 * `paper-lab runs [DIR]`: the run folders under DIR (default ./paper-lab-runs), newest first.
 * A run left `running` whose process is gone (killed, crashed) is shown as interrupted; a folder
 * whose files are malformed is named in a warning and left out.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listRuns, type ListedRun } from '../models/engine/recorder';
import { clip } from '../shared/config';
import { parseArgs, UsageError } from './args';
import { table } from './format';

export const RUNS_HELP = `Usage: paper-lab runs [DIR]

Lists the run folders under DIR (default ./paper-lab-runs), newest first, with their status,
paper, demo, preset, seed and claims passed. A run whose process is gone is shown as
interrupted; a folder whose files are malformed is named in a warning and left out.`;

export const DEFAULT_RUNS_DIR = 'paper-lab-runs';

function claimsText(run: ListedRun): string {
  const claims = run.summary?.claims ?? [];
  return claims.length === 0 ? '—' : `${claims.filter((c) => c.pass).length}/${claims.length}`;
}

export function runsTable(runs: readonly ListedRun[]): string {
  return table(
    ['folder', 'status', 'paper', 'demo', 'preset', 'seed', 'claims passed', 'started'],
    runs.map((r) => [
      r.folder,
      r.record.status,
      r.record.paper,
      r.record.demo,
      r.record.preset,
      String(r.record.seed),
      claimsText(r),
      r.record.startedAt,
    ]),
  );
}

export function runsCommand(argv: readonly string[]): number {
  const args = parseArgs(argv, { help: { kind: 'boolean' } });
  if (args.bool('help')) {
    console.log(RUNS_HELP);
    return 0;
  }
  if (args.positionals.length > 1)
    throw new UsageError(`runs: expected one folder (got ${args.positionals.map((p) => clip(p)).join(' ')})`);
  const given = args.positionals[0];
  if (given !== undefined && given.trim() === '') throw new UsageError('runs: expected a folder (got an empty path)');
  const dir = path.resolve(given ?? DEFAULT_RUNS_DIR);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new UsageError(`runs: there is no folder ${clip(dir)}`);
  }
  if (!stat.isDirectory()) throw new UsageError(`runs: ${clip(dir)} is a file, not a folder`);
  const runs = listRuns(dir, { onWarning: (text) => console.error(`warning: ${text}`) });
  if (runs.length === 0) {
    console.log(`no runs in ${dir}`);
    return 0;
  }
  console.log(runsTable(runs));
  return 0;
}
