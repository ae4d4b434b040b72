/** Adaptive Federated Optimization (Reddi et al.): the paper as the catalog sees it. No TensorFlow.js. */
import type { ModelPaper } from '../types';
import { compareDemo } from './demo';
import { equations, meta } from './paper';

export const fedopt: ModelPaper = {
  meta,
  equations,
  demos: [compareDemo],
  sources: [
    'src/models/fedopt/server.ts',
    'src/models/fedopt/train.ts',
    'src/models/fedopt/data.ts',
    'src/models/fedopt/model.ts',
    'src/models/fedopt/demo.ts',
    'src/models/fedopt/tuning.ts',
  ],
};
