/**
 * `paper-lab compare DIR DIR [DIR…]`: run folders of one demo side by side. First the settings
 * that tell the runs apart (the config fields that differ, and always seed, preset, backend and
 * status), then every claim with its measured value and PASS/FAIL in each run.
 */
import * as path from 'node:path';
import type { RunData } from '../models/engine/recorder';
import { clip } from '../shared/config';
import { claimsAcross, settingRows } from '../shared/runSet';
import { parseArgs, UsageError } from './args';
import { formatNumber, table } from './format';
import { openRunFolder } from './runFolder';

export const COMPARE_HELP = `Usage: paper-lab compare DIR DIR [DIR…]

Compares run folders of one paper's demo (from paper-lab run, or the seed-N folders of a
paper-lab run --seeds). Prints the config fields whose values differ between the runs, with
each run's seed, preset, backend and status, then each claim's measured value and PASS/FAIL in
every run. Runs of different papers or demos are refused.`;

/** Column titles: the folders' names, or the paths as given when two folders share a name. */
function labels(given: readonly string[]): string[] {
  const names = given.map((g) => path.basename(path.resolve(g)));
  const unique = (xs: readonly string[]): boolean => new Set(xs).size === xs.length;
  if (unique(names)) return names;
  if (unique(given)) return [...given];
  return given.map((g, i) => `#${i + 1} ${g}`);
}

/** The rows of the config table: seed, preset, backend, status, then each field that differs. */
export function configRows(runs: readonly RunData[]): string[][] {
  return settingRows(runs.map((r) => r.record));
}

/** The rows of the claims table: each claim any run measured, its target, and its result in every run. */
export function claimRows(runs: readonly RunData[]): string[][] {
  return claimsAcross(runs.map((r) => r.summary)).map((claim) => [
    claim.text,
    claim.target,
    ...runs.map((r, i) => {
      if (r.summary === null) return 'no summary';
      const c = claim.perRun[i];
      return c && r.summary.claims.some((x) => x.id === claim.id)
        ? `${formatNumber(c.measured, claim.unit)} ${c.pass ? 'PASS' : 'FAIL'}`
        : '—';
    }),
  ]);
}

export function compareCommand(argv: readonly string[]): number {
  const args = parseArgs(argv, { help: { kind: 'boolean' } });
  if (args.bool('help')) {
    console.log(COMPARE_HELP);
    return 0;
  }
  const given = args.positionals;
  if (given.length < 2)
    throw new UsageError(`compare: expected at least two run folders (got ${given.length === 0 ? 'none' : 'one'})`);
  const runs = given.map((g) => openRunFolder('compare', g));
  for (const field of ['paper', 'demo'] as const) {
    const values = [...new Set(runs.map((r) => r.record[field]))];
    if (values.length > 1)
      throw new UsageError(
        `compare: the runs are of different ${field === 'paper' ? 'papers' : 'demos'} (` +
          runs.map((r, i) => `${clip(given[i] ?? '')}: ${r.record[field]}`).join(', ') +
          ')',
      );
  }
  const first = runs[0];
  if (first === undefined) return 2;
  const titles = labels(given);
  console.log(`${first.record.paper} / ${first.record.demo}: ${runs.length} runs\n`);
  console.log(table(['setting', ...titles], configRows(runs)));
  console.log('');
  const rows = claimRows(runs);
  console.log(rows.length === 0 ? '(no run measured any claim)' : table(['claim', 'target', ...titles], rows));
  return 0;
}
