/**
 * Shared fixtures of the GENRE tests: a four-entity knowledge base with an ambiguous mention, and a
 * freshly initialised model sized for a data set.
 */
import { Rng } from '../../../src/models/engine/rng';
import type { Dataset } from '../../../src/models/genre/contexts';
import { type KnowledgeBase, makeKnowledgeBase } from '../../../src/models/genre/knowledgeBase';
import { createSeq2Seq, type Seq2Seq } from '../../../src/models/genre/model';

/** Georgia the country and the US state (one ambiguous mention), Ohio, and Atlanta, Georgia. */
export function georgiaKnowledgeBase(): KnowledgeBase {
  return makeKnowledgeBase([
    {
      name: 'Georgia (country)',
      type: 'country',
      mentions: ['Georgia'],
      facts: { continent: 'Asia', capital: 'Tbilisi' },
    },
    { name: 'Georgia (U.S. state)', type: 'state', mentions: ['Georgia'], facts: { capital: 'Atlanta' } },
    { name: 'Ohio', type: 'state', mentions: ['Ohio'], facts: { capital: 'Columbus' } },
    { name: 'Atlanta, Georgia', type: 'state-capital', mentions: ['Atlanta'], facts: { state: 'Georgia' } },
  ]);
}

/** A model over the data set's vocabulary with the given sizes and initial-weight seed. */
export function modelFor(data: Pick<Dataset, 'words'>, embedding: number, hidden = embedding, seed = 0): Seq2Seq {
  return createSeq2Seq({ vocabulary: data.words.length, embedding, hidden }, new Rng(seed));
}
