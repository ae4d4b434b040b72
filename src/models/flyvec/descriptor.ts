/** Can a Fruit Fly Learn Word Embeddings? (FlyVec): the paper as the catalog sees it. No TensorFlow.js. */
import type { ModelPaper } from '../types';
import { embeddingsDemo } from './demo';
import { equations, meta } from './paper';

export const flyvec: ModelPaper = {
  meta,
  equations,
  demos: [embeddingsDemo],
  sources: [
    'src/models/flyvec/kenyonCells.ts',
    'src/models/flyvec/hashing.ts',
    'src/models/flyvec/train.ts',
    'src/models/flyvec/baseline.ts',
    'src/models/flyvec/data.ts',
    'src/models/flyvec/probes.ts',
    'src/models/flyvec/demo.ts',
  ],
};
