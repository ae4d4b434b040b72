/**
 * Training entry points by paper and demo, loaded from each demo's own definition: only the
 * worker and the CLI's run command call these.
 */
import type { PaperId } from '../shared/catalog';
import { findDemo } from './catalog';
import type { DemoRun } from './types';

export function getTrainer(paper: PaperId, demo: string): DemoRun | undefined {
  const found = findDemo(paper, demo);
  if (!found) return undefined;
  return async (config, ctx) => (await found.loadTrainer())(config, ctx);
}
