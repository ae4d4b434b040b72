/**
 * ance descriptor: metadata, equations and the demo's definition. Imports no TensorFlow.js.
 * The demo's training code is not included yet, so the demo is listed as unavailable.
 */
import type { ClaimSpec, DemoDescriptor, PaperDescriptor } from '../../shared/catalog';
import { equations, meta } from './paper';

const notMeasured: ClaimSpec['measure'] = () => ({ measured: null, pass: false });

const demo: DemoDescriptor = {
  id: 'negatives',
  title: 'Random, BM25 and ANCE negatives',
  description:
    'Trains the same hashed sub-word dual encoder three times, with random negatives, BM25 negatives, and ANCE negatives taken from a nearest-neighbour index over the whole corpus that a second worker rebuilds asynchronously every m steps. Tracks dev MRR@10, Recall@k, gradient norms and the rank of sampled negatives, on a WordNet reverse dictionary (glosses as documents, lemmas as queries) and on a corpus built to contain confusable near-duplicates.',
  available: false,
  fields: [],
  presets: { quick: {}, paper: {} },
  totalSteps: () => 0,
  stepLabel: 'step',
  plots: [],
  outputs: [],
  claims: [
    {
      id: 'grad-norm-checkpoint',
      text: 'Gradient norm from ANCE negatives divided by that from random negatives, at the same checkpoint',
      target: '≥ 3',
      unit: 'ratio',
      measure: notMeasured,
    },
    {
      id: 'grad-norm-training',
      text: 'Mean gradient norm during training, ANCE divided by random negatives',
      target: '≥ 1.5',
      unit: 'ratio',
      measure: notMeasured,
    },
    {
      id: 'mrr-confusable',
      text: 'MRR@10 of ANCE divided by random negatives at equal steps, on the corpus with confusable near-duplicates',
      target: '≥ 1.2',
      unit: 'ratio',
      caveat: 'Not yet calibrated at this scale: the measured value is shown whether or not it holds.',
      measure: notMeasured,
    },
    {
      id: 'mrr-wordnet',
      text: 'MRR@10 of all three samplers on the WordNet reverse dictionary',
      target: 'reported (no target)',
      unit: 'MRR@10',
      caveat: 'At laptop scale on this corpus the samplers were within seed noise of each other.',
      measure: notMeasured,
    },
  ],
};

export const ance: PaperDescriptor = {
  meta,
  equations,
  demos: [demo],
  sources: [],
};
