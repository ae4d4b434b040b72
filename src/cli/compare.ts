/**
 * `paper-lab compare DIR DIR [DIR…]`: run folders of one demo side by side. First the settings
 * that tell the runs apart (the config fields that differ, and always seed, preset, backend and
 * status), then every claim with its measured value and PASS/FAIL in each run.
 */
import * as path from 'node:path';
import type { RunData } from '../models/engine/recorder';
import type { ConfigValue } from '../shared/catalog';
import { clip } from '../shared/config';
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

function valueText(value: ConfigValue | undefined): string {
  return value === undefined ? '—' : String(value);
}

/** The rows of the config table: seed, preset, backend, status, then each field that differs. */
export function configRows(runs: readonly RunData[]): string[][] {
  const rows: string[][] = [
    ['seed', ...runs.map((r) => String(r.record.seed))],
    ['preset', ...runs.map((r) => r.record.preset)],
    ['backend', ...runs.map((r) => r.record.backend?.chosen ?? '—')],
    ['status', ...runs.map((r) => r.record.status)],
  ];
  const keys: string[] = [];
  for (const r of runs) for (const k of Object.keys(r.record.config)) if (!keys.includes(k)) keys.push(k);
  for (const key of keys) {
    const values = runs.map((r) => (Object.hasOwn(r.record.config, key) ? r.record.config[key] : undefined));
    if (new Set(values.map((v) => (v === undefined ? '(missing)' : JSON.stringify(v)))).size > 1)
      rows.push([key, ...values.map(valueText)]);
  }
  const versions: [string, (r: RunData) => string | undefined][] = [
    ['Paper Lab version', (r) => r.record.paperLabVersion],
    ['TensorFlow.js version', (r) => r.record.tfjsVersion ?? r.record.versions['tfjs-core']],
  ];
  for (const [name, of] of versions) {
    const values = runs.map((r) => of(r) ?? '—');
    if (new Set(values).size > 1) rows.push([name, ...values]);
  }
  return rows;
}

/** The rows of the claims table: each claim any run measured, its target, and its result in every run. */
export function claimRows(runs: readonly RunData[]): string[][] {
  const claims: { id: string; text: string; target: string }[] = [];
  for (const r of runs)
    for (const c of r.summary?.claims ?? [])
      if (!claims.some((x) => x.id === c.id)) claims.push({ id: c.id, text: c.text, target: c.target });
  return claims.map((claim) => [
    claim.text,
    claim.target,
    ...runs.map((r) => {
      if (r.summary === null) return 'no summary';
      const c = r.summary.claims.find((x) => x.id === claim.id);
      return c ? `${formatNumber(c.measured, c.unit)} ${c.pass ? 'PASS' : 'FAIL'}` : '—';
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
