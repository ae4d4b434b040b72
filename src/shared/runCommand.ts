/**
 * The `paper-lab run …` command line that reproduces a run: its paper, demo, preset, seed and
 * backend, and a `--set` for every config field that differs from the preset. No VS Code API here.
 */
import type { ConfigValue, DemoConfig } from './catalog';
import type { RunRecord } from './runs';

/** A shell word: left bare when it is safe, else in single quotes. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:=,+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function same(a: ConfigValue | undefined, b: ConfigValue | undefined): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
}

export function runCommandLine(
  record: Pick<RunRecord, 'paper' | 'demo' | 'preset' | 'seed' | 'config' | 'backend'>,
  preset: DemoConfig | undefined,
): string {
  const words = ['npx', 'paper-lab', 'run', record.paper, '--demo', record.demo, '--preset', record.preset];
  words.push('--seed', String(record.seed));
  if (record.backend) words.push('--backend', record.backend.chosen);
  for (const [key, value] of Object.entries(record.config)) {
    if (!same(value, preset?.[key])) words.push('--set', `${key}=${String(value)}`);
  }
  return words.map(shellWord).join(' ');
}
