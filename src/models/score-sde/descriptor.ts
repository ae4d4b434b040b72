/** Score-Based Generative Modeling through SDEs (Song et al.): the paper as the catalog sees it. No TensorFlow.js. */
import type { ModelPaper } from '../types';
import { densityDemo } from './demo';
import { equations, meta } from './paper';

export const scoreSde: ModelPaper = {
  meta,
  equations,
  demos: [densityDemo],
  sources: [
    'src/models/score-sde/sdes.ts',
    'src/models/score-sde/loss.ts',
    'src/models/score-sde/model.ts',
    'src/models/score-sde/samplers.ts',
    'src/models/score-sde/ode.ts',
    'src/models/score-sde/conditional.ts',
    'src/models/score-sde/fit.ts',
    'src/models/score-sde/train.ts',
    'src/models/score-sde/pipeline.ts',
    'src/models/score-sde/field.ts',
    'src/models/score-sde/data.ts',
    'src/models/score-sde/images.ts',
    'src/models/score-sde/digits.ts',
    'src/models/score-sde/gaussian.ts',
    'src/models/score-sde/optim.ts',
    'src/models/score-sde/demo.ts',
  ],
};
