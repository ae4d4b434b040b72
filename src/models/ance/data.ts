/**
 * The two retrieval corpora of the ANCE demo, prepared at build time by `scripts/data/ance.mjs`:
 *
 *   countries  records generated from the `countries-list` knowledge base: every country's true record
 *              ("Paris | continent EU | currency EUR | languages fr") and nine near-duplicates that each
 *              change one attribute; a query names the facts in words ("capital Paris, in Europe, pays in
 *              Euro, speaks French"). Random negatives are easy here, near neighbours are confusable.
 *   wordnet    a reverse dictionary from WordNet: documents are noun glosses, queries the synsets' lemmas,
 *              with synsets whose lemmas appear in their own gloss left out.
 *
 * Each query has exactly one relevant document. No TensorFlow.js here.
 */
import { readDataFile } from '../engine/dataFiles';

export const CORPORA = ['countries', 'wordnet'] as const;
export type CorpusId = (typeof CORPORA)[number];

export const CORPUS_FILES: Readonly<Record<CorpusId, string>> = {
  countries: 'media/data/ance-countries.json',
  wordnet: 'media/data/ance-wordnet.json',
};

export const CORPUS_LABELS: Readonly<Record<CorpusId, string>> = {
  countries: 'confusable countries',
  wordnet: 'WordNet reverse dictionary',
};

/** The data format the build script writes (its `FORMAT`). */
const FORMAT = 2;

export interface QueryPair {
  readonly text: string;
  /** Index of the one relevant document. */
  readonly positive: number;
}

export interface RetrievalCorpus {
  readonly id: CorpusId;
  readonly source: string;
  readonly docs: readonly string[];
  readonly train: readonly QueryPair[];
  readonly heldOut: readonly QueryPair[];
}

function pairs(value: unknown, docs: number, name: string): QueryPair[] {
  if (!Array.isArray(value)) throw new Error(`ANCE corpus: ${name} is not a list`);
  return value.map((entry: unknown) => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number') {
      throw new Error(`ANCE corpus: malformed ${name} entry`);
    }
    const positive = entry[1];
    if (!Number.isInteger(positive) || positive < 0 || positive >= docs) {
      throw new Error(`ANCE corpus: ${name} names document ${positive} of ${docs}`);
    }
    return { text: entry[0], positive };
  });
}

/** Parses and checks a prepared corpus file. */
export function decodeCorpus(id: CorpusId, bytes: Uint8Array): RetrievalCorpus {
  const raw = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  if (raw['format'] !== FORMAT)
    throw new Error(`ANCE corpus ${id}: format ${String(raw['format'])}, expected ${FORMAT}`);
  const docs = raw['docs'];
  if (!Array.isArray(docs) || !docs.every((d): d is string => typeof d === 'string')) {
    throw new Error(`ANCE corpus ${id}: docs is not a list of strings`);
  }
  return {
    id,
    source: String(raw['source'] ?? ''),
    docs,
    train: pairs(raw['train'], docs.length, 'train'),
    heldOut: pairs(raw['heldOut'], docs.length, 'heldOut'),
  };
}

export async function loadCorpus(id: CorpusId): Promise<RetrievalCorpus> {
  return decodeCorpus(id, await readDataFile(CORPUS_FILES[id]));
}
