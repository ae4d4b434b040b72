/**
 * genre descriptor: metadata, equations and the demo's definition. Imports no TensorFlow.js.
 * The demo's training code is not included yet, so the demo is listed as unavailable.
 */
import type { ClaimSpec, DemoDescriptor, PaperDescriptor } from '../../shared/catalog';
import { equations, meta } from './paper';

const notMeasured: ClaimSpec['measure'] = () => ({ measured: null, pass: false });

const demo: DemoDescriptor = {
  id: 'constrained-beam',
  title: 'Entity names by constrained beam search',
  description:
    'Trains a small word-level encoder–decoder (bi-GRU encoder, GRU decoder with attention) to generate the name of the entity a marked mention refers to, over a knowledge base of about 600 real countries, capitals, US states and state capitals with deliberately ambiguous names. Compares free beam search with beam search constrained by a prefix trie over all entity names on held-out context templates, and shows the trie being followed step by step.',
  available: false,
  fields: [],
  presets: { quick: {}, paper: {} },
  totalSteps: () => 0,
  stepLabel: 'step',
  plots: [],
  outputs: [],
  claims: [
    {
      id: 'constrained-valid',
      text: 'Share of constrained outputs that are names in the knowledge base',
      target: '= 100%',
      unit: 'share',
      measure: notMeasured,
    },
    {
      id: 'constrained-accuracy',
      text: 'Exact-match accuracy of constrained decoding on held-out contexts',
      target: '≥ 0.50',
      unit: 'accuracy',
      measure: notMeasured,
    },
    {
      id: 'constrained-ge-free',
      text: 'Constrained exact match minus free exact match',
      target: '≥ 0',
      unit: 'accuracy',
      measure: notMeasured,
    },
    {
      id: 'free-invalid',
      text: 'Share of free-decoding outputs that are not entity names',
      target: 'measured and shown (> 0 at the quick budget)',
      unit: 'share',
      measure: notMeasured,
    },
    {
      id: 'ambiguous-accuracy',
      text: 'Exact-match accuracy on the ambiguous mentions (Georgia, Congo, Kingston, …)',
      target: 'reported separately',
      unit: 'accuracy',
      measure: notMeasured,
    },
  ],
};

export const genre: PaperDescriptor = {
  meta,
  equations,
  demos: [demo],
  sources: [],
};
