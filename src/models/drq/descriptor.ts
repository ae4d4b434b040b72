/**
 * drq descriptor: metadata, equations and the demo's definition. Imports no TensorFlow.js.
 * The demo's training code is not included yet, so the demo is listed as unavailable.
 */
import type { ClaimSpec, DemoDescriptor, PaperDescriptor } from '../../shared/catalog';
import { equations, meta } from './paper';

const notMeasured: ClaimSpec['measure'] = () => ({ measured: null, pass: false });

const demo: DemoDescriptor = {
  id: 'pixel-sac',
  title: 'Pixel SAC with and without augmentation',
  description:
    'A point mass must reach a target in a small continuous-control task rendered to pixels inside the project (24–32 px, two frames stacked). Three soft actor-critic agents with the same encoder and budget learn from the pixels: no augmentation, random shifts only (K = M = 1), and DrQ (K = M = 2). Shows evaluation return per agent, critic loss and a strip of augmented observations.',
  available: false,
  fields: [],
  presets: { quick: {}, paper: {} },
  totalSteps: () => 0,
  stepLabel: 'agent step',
  plots: [],
  outputs: [],
  claims: [
    {
      id: 'auc-ratio',
      text: 'Area under the evaluation-return curve, DrQ divided by no augmentation, over 3 seeds per agent',
      target: '≥ 1.5',
      unit: 'ratio',
      measure: notMeasured,
    },
    {
      id: 'threshold-seeds',
      text: 'Seeds in which DrQ reaches 3× the random policy’s return, minus seeds in which no augmentation does',
      target: '> 0',
      unit: 'seeds',
      caveat: 'Checked by the longer preset; the quick preset runs one seed per agent and only shows the curves.',
      measure: notMeasured,
    },
  ],
};

export const drq: PaperDescriptor = {
  meta,
  equations,
  demos: [demo],
  sources: [],
};
