/**
 * score-sde descriptor: metadata, equations and the demo's definition. Imports no TensorFlow.js.
 * The demo's training code is not included yet, so the demo is listed as unavailable.
 */
import type { ClaimSpec, DemoDescriptor, PaperDescriptor } from '../../shared/catalog';
import { equations, meta } from './paper';

const notMeasured: ClaimSpec['measure'] = () => ({ measured: null, pass: false });

const demo: DemoDescriptor = {
  id: '2d-density',
  title: 'Score SDEs on a 2-D density',
  description:
    'Trains a small MLP score network (3 × 128, sinusoidal time features) by denoising score matching on 2-D data with a known density (8 Gaussians on a ring, checkerboard, two moons) under the VE, VP or sub-VP SDE. Then samples with the reverse-diffusion predictor alone, with predictor-corrector (Langevin) steps, and with the probability-flow ODE, computes exact negative log-likelihoods through the ODE, and inpaints one coordinate given the other. The paper preset adds 14 × 14 MNIST digits.',
  available: false,
  fields: [],
  presets: { quick: {}, paper: {} },
  totalSteps: () => 0,
  stepLabel: 'step',
  plots: [],
  outputs: [],
  claims: [
    {
      id: 'nll-gap',
      text: 'Probability-flow NLL minus the true negative log-density on the same ≥ 1000 held-out points (VE SDE on the ring)',
      target: '≤ 1.0',
      unit: 'nats',
      measure: notMeasured,
    },
    {
      id: 'pc-beats-predictor',
      text: 'Mean true log-density of PC samples (snr 0.16) above predictor-only samples at N = 100, in standard errors of the difference',
      target: '> 2',
      unit: 'standard errors',
      measure: notMeasured,
    },
    {
      id: 'inpaint-fixed',
      text: 'Largest change to the fixed coordinate during inpainting',
      target: '= 0',
      measure: notMeasured,
    },
    {
      id: 'inpaint-near-mode',
      text: 'Share of generated coordinates within 3 std of a true conditional mode',
      target: 'reported (no target yet)',
      unit: 'share',
      measure: notMeasured,
    },
  ],
};

export const scoreSde: PaperDescriptor = {
  meta,
  equations,
  demos: [demo],
  sources: [],
};
