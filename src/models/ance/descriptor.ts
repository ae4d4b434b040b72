/** ANCE dense retrieval: the paper as the catalog sees it. No TensorFlow.js. */
import type { ModelPaper } from '../types';
import { negativesDemo } from './demo';
import { equations, meta } from './paper';

export const ance: ModelPaper = {
  meta,
  equations,
  demos: [negativesDemo],
  sources: [
    'src/models/ance/train.ts',
    'src/models/ance/loss.ts',
    'src/models/ance/encoder.ts',
    'src/models/ance/text.ts',
    'src/models/ance/samplers.ts',
    'src/models/ance/refresher.ts',
    'src/models/ance/refreshWorker.ts',
    'src/models/ance/timing.ts',
    'src/models/ance/inferencer.ts',
    'src/models/ance/search.ts',
    'src/models/ance/bm25.ts',
    'src/models/ance/evaluate.ts',
    'src/models/ance/optim.ts',
    'src/models/ance/data.ts',
    'src/models/ance/demo.ts',
  ],
};
