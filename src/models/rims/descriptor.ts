/** Recurrent Independent Mechanisms (Goyal et al.): the paper as the catalog sees it. No TensorFlow.js. */
import type { ModelPaper } from '../types';
import { generalizeDemo } from './demo';
import { equations, meta } from './paper';

export const rims: ModelPaper = {
  meta,
  equations,
  demos: [generalizeDemo],
  sources: [
    'src/models/rims/rim.ts',
    'src/models/rims/data.ts',
    'src/models/rims/lstm.ts',
    'src/models/rims/model.ts',
    'src/models/rims/loss.ts',
    'src/models/rims/optim.ts',
    'src/models/rims/train.ts',
    'src/models/rims/demo.ts',
  ],
};
