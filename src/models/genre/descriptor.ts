/** Autoregressive Entity Retrieval (GENRE): the paper as the catalog sees it. No TensorFlow.js. */
import type { ModelPaper } from '../types';
import { constrainedBeamDemo } from './demo';
import { equations, meta } from './paper';

export const genre: ModelPaper = {
  meta,
  equations,
  demos: [constrainedBeamDemo],
  sources: [
    'src/models/genre/knowledgeBase.ts',
    'src/models/genre/contexts.ts',
    'src/models/genre/prefixTrie.ts',
    'src/models/genre/model.ts',
    'src/models/genre/beamSearch.ts',
    'src/models/genre/retrieval.ts',
    'src/models/genre/train.ts',
    'src/models/genre/demo.ts',
  ],
};
