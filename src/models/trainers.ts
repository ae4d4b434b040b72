/**
 * Training entry points by paper and demo. Imports TensorFlow.js through the paper modules:
 * only the worker and the CLI's run command load this file.
 */
import type { PaperId } from '../shared/catalog';
import { runAnce } from './ance/train';
import { runDrq } from './drq/train';
import { runFedOpt } from './fedopt/train';
import { runFlyVec } from './flyvec/train';
import { runGenre } from './genre/train';
import { runRims } from './rims/train';
import { runScoreSde } from './score-sde/train';
import type { DemoRun } from './types';

export const TRAINERS: Partial<Record<PaperId, Readonly<Record<string, DemoRun>>>> = {
  rims: { generalize: runRims },
  'score-sde': { '2d-density': runScoreSde },
  genre: { 'constrained-beam': runGenre },
  fedopt: { compare: runFedOpt },
  flyvec: { embeddings: runFlyVec },
  ance: { negatives: runAnce },
  drq: { 'pixel-sac': runDrq },
};

export function getTrainer(paper: PaperId, demo: string): DemoRun | undefined {
  return TRAINERS[paper]?.[demo];
}
