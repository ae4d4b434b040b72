/**
 * What the Select Training Backend picker offers: every backend, with the ones that cannot run
 * here marked and the reason given, and what a failed run offers when the backend chosen for it
 * could not start. No VS Code API here.
 */
import { OPTIONAL_BACKEND_PACKAGES } from '../shared/backendPackages';
import { BACKEND_NAMES, type BackendChoice, type BackendReport } from '../shared/runs';

export interface BackendChoiceItem {
  readonly name: BackendChoice;
  readonly available: boolean;
  /** Why it cannot run here (absent when it can, or when nothing says it cannot). */
  readonly why?: string;
}

/**
 * Each backend, `auto` first. One whose package is not installed is unavailable; so is one the
 * last run's backend report says did not start, with the reason it gave.
 */
export function backendChoices(
  report: BackendReport | undefined,
  isInstalled: (pkg: string) => boolean,
): BackendChoiceItem[] {
  const items: BackendChoiceItem[] = [{ name: 'auto', available: true }];
  for (const name of BACKEND_NAMES) {
    const pkg = OPTIONAL_BACKEND_PACKAGES[name];
    if (pkg !== undefined && !isInstalled(pkg)) {
      items.push({ name, available: false, why: `${pkg} is not installed (Paper Lab: Install GPU Backend…)` });
      continue;
    }
    const failed = report?.attempts.find((a) => a.name === name && !a.ok);
    items.push(
      failed
        ? { name, available: false, why: `did not start on the last run: ${failed.reason}` }
        : { name, available: true },
    );
  }
  return items;
}

export type BackendFix = 'Use auto' | 'Install GPU Backend…';

/** The fixes a failed run offers when the backend it was forced to use could not start. */
export function backendFixes(setting: BackendChoice, error: string | undefined): BackendFix[] {
  if (setting === 'auto' || error === undefined || !error.includes(`backend ${setting} cannot start`)) return [];
  return OPTIONAL_BACKEND_PACKAGES[setting] !== undefined ? ['Use auto', 'Install GPU Backend…'] : ['Use auto'];
}
