/**
 * `paper-lab run <paper> --seeds 0,1,2`: the seeds list, the folder a multi-seed run writes, its
 * aggregate summary.json and the claims table with one column per seed.
 *
 *   DIR/seed-0/       a run folder, as `paper-lab run --seed 0 --out DIR/seed-0` writes it
 *   DIR/seed-1/       …
 *   DIR/summary.json  SeedsSummary: each claim at every seed, and at how many it holds
 */
import type { DemoConfig, PaperId } from '../shared/catalog';
import type { RunSummary, SeedsClaim, SeedsRun, SeedsSummary } from '../shared/runs';
import { parseSeedList } from '../shared/runs';
import { UsageError } from './args';
import { formatNumber, table } from './format';

/** Parses `--seeds 0,1,2`: integers from 0 to 4294967295, at least one, none twice. */
export function parseSeeds(value: string): number[] {
  const seeds = parseSeedList(value);
  if (typeof seeds === 'string') throw new UsageError(`--seeds: ${seeds}`);
  return seeds;
}

/** The name of seed `seed`'s run folder inside a multi-seed run's folder. */
export function seedFolderName(seed: number): string {
  return `seed-${seed}`;
}

/** `fedopt-quick-seeds-20261128-081500123`: the default folder name of a multi-seed run. */
export function seedsFolderName(paper: PaperId, preset: string, date: Date = new Date()): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const stamp =
    `${date.getUTCFullYear()}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}-` +
    `${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}${p(date.getUTCMilliseconds(), 3)}`;
  const safePreset = preset.replace(/[^a-z0-9-]/gi, '').slice(0, 20) || 'custom';
  return `${paper}-${safePreset}-seeds-${stamp}`;
}

/** One seed's finished (or stopped, or failed) run. */
export interface SeedOutcome {
  readonly seed: number;
  readonly summary: RunSummary;
}

/**
 * The aggregate of the seeds that ran: every claim any of them measured, in the order the runs
 * report them, with its value and pass/fail at each seed (a seed whose run did not measure it
 * counts as not holding).
 */
export function seedsSummary(
  head: { readonly paper: PaperId; readonly demo: string; readonly preset: string; readonly config: DemoConfig },
  outcomes: readonly SeedOutcome[],
): SeedsSummary {
  const specs = new Map<string, { id: string; text: string; target: string; unit?: string }>();
  for (const o of outcomes)
    for (const c of o.summary.claims)
      if (!specs.has(c.id))
        specs.set(c.id, {
          id: c.id,
          text: c.text,
          target: c.target,
          ...(c.unit !== undefined ? { unit: c.unit } : {}),
        });
  const claims: SeedsClaim[] = [...specs.values()].map((spec) => {
    const perSeed = outcomes.map((o) => {
      const c = o.summary.claims.find((x) => x.id === spec.id);
      return { seed: o.seed, measured: c?.measured ?? null, pass: c?.pass ?? false };
    });
    return { ...spec, perSeed, holds: perSeed.filter((s) => s.pass).length, of: perSeed.length };
  });
  const runs: SeedsRun[] = outcomes.map((o) => ({
    seed: o.seed,
    folder: seedFolderName(o.seed),
    status: o.summary.status,
  }));
  return { ...head, seeds: outcomes.map((o) => o.seed), runs, claims };
}

/** The claims table of a multi-seed run: one column per seed, then "holds k/N". */
export function seedsClaimsTable(summary: SeedsSummary): string {
  if (summary.claims.length === 0) return '(this demo declares no claims)';
  return table(
    ['claim', 'target', ...summary.seeds.map((s) => `seed ${s}`), 'holds'],
    summary.claims.map((c) => [
      c.text,
      c.target,
      ...c.perSeed.map((p) => `${formatNumber(p.measured, c.unit)} ${p.pass ? 'PASS' : 'FAIL'}`),
      `${c.holds}/${c.of}`,
    ]),
  );
}
