/**
 * flyvec descriptor: metadata, equations and the demo's definition. Imports no TensorFlow.js.
 * The demo's training code is not included yet, so the demo is listed as unavailable.
 */
import type { ClaimSpec, DemoDescriptor, PaperDescriptor } from '../../shared/catalog';
import { equations, meta } from './paper';

const notMeasured: ClaimSpec['measure'] = () => ({ measured: null, pass: false });

const demo: DemoDescriptor = {
  id: 'embeddings',
  title: 'Fruit-fly word hashes',
  description:
    'Trains 400 Kenyon cells with the winner-take-all learning rule on real public-domain text (US State of the Union addresses, a vocabulary of the 2–3 thousand most frequent words, windows of 11 words), then hashes each word into a sparse binary code by keeping the top-k activations. Shows the energy per batch, how often each cell wins, nearest neighbours by Hamming distance, and how an ambiguous word’s code moves with its sentence.',
  available: false,
  fields: [],
  presets: { quick: {}, paper: {} },
  totalSteps: () => 0,
  stepLabel: 'batch',
  plots: [],
  outputs: [],
  claims: [
    {
      id: 'category-share',
      text: 'Share of the top-5 Hamming neighbours of the probe words that fall in the same hand-made category',
      target: '≥ 0.10',
      unit: 'share',
      measure: notMeasured,
    },
    {
      id: 'category-vs-random',
      text: 'Same-category share divided by that of random codes of the same sparsity',
      target: '≥ 10',
      unit: 'ratio',
      measure: notMeasured,
    },
    {
      id: 'energy-decreases',
      text: 'Energy at the end of training minus energy after the first batch',
      target: '< 0',
      measure: notMeasured,
    },
    {
      id: 'context-shift',
      text: 'Hamming distance between an ambiguous word’s codes in two different contexts',
      target: '> 0',
      unit: 'bits',
      measure: notMeasured,
    },
  ],
};

export const flyvec: PaperDescriptor = {
  meta,
  equations,
  demos: [demo],
  sources: [],
};
