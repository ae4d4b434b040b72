/**
 * Every paper's descriptor, in the order the tree shows them. Imports no TensorFlow.js: the
 * extension host, the webview side and the CLI read this.
 */
import type { PaperId } from '../shared/catalog';
import type { ModelPaper } from './types';
import { ance } from './ance/descriptor';
import { drq } from './drq/descriptor';
import { fedopt } from './fedopt/descriptor';
import { flyvec } from './flyvec/descriptor';
import { genre } from './genre/descriptor';
import { rims } from './rims/descriptor';
import { scoreSde } from './score-sde/descriptor';

export const PAPERS: readonly ModelPaper[] = [rims, scoreSde, genre, ance, drq, fedopt, flyvec];

export function getPaper(id: PaperId): ModelPaper {
  const paper = PAPERS.find((p) => p.meta.id === id);
  if (!paper) throw new Error(`unknown paper ${id}`);
  return paper;
}

export function findDemo(id: PaperId, demoId?: string): ModelPaper['demos'][number] | undefined {
  const paper = getPaper(id);
  return demoId === undefined ? paper.demos[0] : paper.demos.find((d) => d.id === demoId);
}

/** Paper id → equation refs, for checking annotations. */
export function equationIndex(): Map<string, string[]> {
  return new Map(PAPERS.map((p) => [p.meta.id, p.equations.map((e) => e.ref)]));
}
