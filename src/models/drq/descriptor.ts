/** DrQ (Yarats et al.): the paper as the catalog sees it. No TensorFlow.js. */
import type { ModelPaper } from '../types';
import { pixelSacDemo } from './demo';
import { equations, meta } from './paper';

export const drq: ModelPaper = {
  meta,
  equations,
  demos: [pixelSacDemo],
  sources: [
    'src/models/drq/sac.ts',
    'src/models/drq/augment.ts',
    'src/models/drq/networks.ts',
    'src/models/drq/conv.ts',
    'src/models/drq/env.ts',
    'src/models/drq/replay.ts',
    'src/models/drq/learner.ts',
    'src/models/drq/shard.ts',
    'src/models/drq/train.ts',
    'src/models/drq/learnerWorker.ts',
    'src/models/drq/demo.ts',
  ],
};
