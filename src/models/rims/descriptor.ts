/**
 * rims descriptor: metadata, equations and the demo's definition. Imports no TensorFlow.js.
 * The demo's training code is not included yet, so the demo is listed as unavailable.
 */
import type { ClaimSpec, DemoDescriptor, PaperDescriptor } from '../../shared/catalog';
import { equations, meta } from './paper';

const notMeasured: ClaimSpec['measure'] = () => ({ measured: null, pass: false });

const demo: DemoDescriptor = {
  id: 'generalize',
  title: 'Copying beyond the training length',
  description:
    'Trains a RIM (small recurrent modules, top-k active, with input and communication attention) and an LSTM with a matched parameter count on the copying task: remember 10 symbols from an alphabet of 8, wait through T blanks, then reproduce them after a marker. Both are trained at T = 20 (quick) or 50 (paper preset) and tested at four times that length. Shows copy-position accuracy at both lengths and a heat map of which modules are active over time.',
  available: false,
  fields: [],
  presets: { quick: {}, paper: {} },
  totalSteps: () => 0,
  stepLabel: 'step',
  plots: [],
  outputs: [],
  claims: [
    {
      id: 'rim-long-accuracy',
      text: 'RIM per-symbol accuracy on the copy positions at T = 80 (trained at T = 20), quick preset',
      target: '≥ 0.20',
      unit: 'accuracy',
      measure: notMeasured,
    },
    {
      id: 'rim-beats-lstm',
      text: 'RIM accuracy at T = 80 minus that of the LSTM with a matched parameter count',
      target: '≥ 0.05',
      unit: 'accuracy',
      measure: notMeasured,
    },
    {
      id: 'rim-long-accuracy-paper',
      text: 'RIM accuracy at T = 80 after about 2500 steps or more (paper preset; T = 200 is reported beside it)',
      target: '≥ 0.35',
      unit: 'accuracy',
      caveat: "The paper's near-perfect copying needs far longer training than this demo runs.",
      measure: notMeasured,
    },
    {
      id: 'dormant-quiet',
      text: 'Mean state change of the modules during the dormant phase divided by that during the input phase',
      target: 'far below 1',
      unit: 'ratio',
      measure: notMeasured,
    },
  ],
};

export const rims: PaperDescriptor = {
  meta,
  equations,
  demos: [demo],
  sources: [],
};
