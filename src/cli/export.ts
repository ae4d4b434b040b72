/**
 * `paper-lab export DIR [--out DIR]`: a run folder as files to share, written into a new folder
 * (default DIR/export/):
 *
 *   metrics.csv   one row per step, a `step` column and one column per metric (from metrics.jsonl)
 *   claims.md     the run (paper, demo, preset, seed, backend, versions, config) and its claims table
 *   <plot>.svg    one line chart per plot the demo declares, drawn from the metrics
 *   <plot>.png    the same chart as an image (1440 × 840)
 *
 * All or nothing: the files are written into a temporary folder beside the target, which is
 * renamed to the target at the end; on any failure the temporary folder is removed.
 */
import * as path from 'node:path';
import { checkNewRunFolder } from '../models/engine/recorder';
import { DEFAULT_EXPORT_DIR, exportFiles, writeFolderAtomic } from '../models/engine/runExport';
import { clip } from '../shared/config';
import { parseArgs, UsageError } from './args';
import type { CliDeps } from './deps';
import { loadPapers } from './papers';
import { openRunFolder } from './runFolder';

export const EXPORT_HELP = `Usage: paper-lab export DIR [--out OUT]

Writes a run folder's data as files to share, into OUT (a new or empty folder; default DIR/export):
  metrics.csv   one row per step: step, then one column per metric series
  claims.md     paper, demo, preset, seed, backend, Paper Lab and TensorFlow.js versions, the
                config, and the claims table (measured value, target, PASS/FAIL)
  <plot>.svg    one line chart per plot the demo declares
  <plot>.png    the same chart as a PNG image

Nothing is left half-written: the files go into a temporary folder beside OUT, renamed to OUT
at the end. Exit status 2 when DIR is not a run folder or OUT cannot be used, 1 when a file
cannot be written.`;

export async function exportCommand(argv: readonly string[], deps: CliDeps): Promise<number> {
  const args = parseArgs(argv, { out: { kind: 'string' }, help: { kind: 'boolean' } });
  if (args.bool('help')) {
    console.log(EXPORT_HELP);
    return 0;
  }
  const [given, ...rest] = args.positionals;
  if (given === undefined) throw new UsageError('export: missing the run folder DIR');
  if (rest.length > 0) throw new UsageError(`export: expected one run folder (got also ${clip(rest.join(' '))})`);
  const run = openRunFolder('export', given);
  const outFlag = args.string('out');
  if (outFlag !== undefined && outFlag.trim() === '')
    throw new UsageError('--out: expected a folder (got an empty path)');
  const target = path.resolve(outFlag ?? path.join(run.dir, DEFAULT_EXPORT_DIR));
  const problem = checkNewRunFolder(target);
  if (problem !== null) throw new UsageError(`--out: ${problem.replace('a run needs', 'an export needs')}`);

  const paper = (await loadPapers(deps.papers)).find((p) => p.meta.id === run.record.paper);
  const demo = paper?.demos.find((d) => d.id === run.record.demo);
  if (!demo)
    console.error(
      `warning: ${run.record.paper}/${run.record.demo} is not a demo of this Paper Lab, so no plots are drawn`,
    );
  const files = exportFiles(run, paper, demo);
  writeFolderAtomic(target, files);
  console.log(`exported ${run.record.runId} to ${target}:`);
  for (const name of files.keys()) console.log(`  ${name}`);
  return 0;
}
