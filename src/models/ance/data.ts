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
 * The file lists (query, document) pairs. Here they become queries with sets of relevant documents:
 * pairs with the same query text are one query, and every document paired with it is relevant to
 * it (WordNet has 213 such query strings in 502 pairs: "head" names several synsets), as is a
 * document whose text equals a relevant one's. A query with any pair on the held-out side is held
 * out whole, so no held-out query text is trained on. Samplers never draw a relevant document as a
 * negative, and evaluation ranks the first relevant document (MS MARCO's MRR@10). No TensorFlow.js here.
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

/** One (query, document) pair of the file. */
export interface QueryPair {
  readonly text: string;
  readonly positive: number;
}

/** A query: its text, the documents paired with it, and every document relevant to it. */
export interface RetrievalQuery {
  readonly text: string;
  /** The documents the file pairs with this text (training uses each as a positive). */
  readonly positives: readonly number[];
  /** The positives and every document with the same text as one of them, ascending. */
  readonly relevant: readonly number[];
}

/** Training and held-out queries over one corpus. */
export interface Split {
  readonly train: readonly RetrievalQuery[];
  readonly heldOut: readonly RetrievalQuery[];
}

export interface RetrievalCorpus extends Split {
  readonly id: CorpusId;
  readonly source: string;
  readonly docs: readonly string[];
  /** Pairs of the file, and how many of them were merged into a query with the same text. */
  readonly pairs: number;
  readonly mergedPairs: number;
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

/**
 * Pairs as queries: one query per distinct text, with all of its documents; a text with a pair
 * among `heldOut` is held out with all of its documents, its training pairs included. Queries keep
 * the order in which their text first appears in `train` (training queries) or `heldOut` (held out).
 */
export function mergeQueries(
  docs: readonly string[],
  train: readonly QueryPair[],
  heldOut: readonly QueryPair[],
): Split {
  const sameText = new Map<string, number[]>();
  docs.forEach((d, i) => {
    const list = sameText.get(d);
    if (list) list.push(i);
    else sameText.set(d, [i]);
  });
  const held = new Set(heldOut.map((p) => p.text));
  const group = (list: readonly QueryPair[], keep: (text: string) => boolean): RetrievalQuery[] => {
    const byText = new Map<string, number[]>();
    for (const { text, positive } of list) {
      if (!keep(text)) continue;
      const positives = byText.get(text);
      if (!positives) byText.set(text, [positive]);
      else if (!positives.includes(positive)) positives.push(positive);
    }
    return [...byText].map(([text, positives]) => {
      const relevant = new Set<number>();
      for (const p of positives) for (const d of sameText.get(docs[p] as string) ?? [p]) relevant.add(d);
      return { text, positives, relevant: [...relevant].sort((a, b) => a - b) };
    });
  };
  return {
    train: group(train, (text) => !held.has(text)),
    heldOut: group([...heldOut, ...train], (text) => held.has(text)),
  };
}

/** Every query of the corpus in one fixed order, the one fold ids refer to: held-out ones, then training ones. */
export function allQueries(corpus: Split): RetrievalQuery[] {
  return [...corpus.heldOut, ...corpus.train];
}

/** One cross-validation split, as ids into `allQueries`. */
export interface Fold {
  readonly train: readonly number[];
  readonly heldOut: readonly number[];
}

/**
 * The corpus's queries in `k` folds for cross-validation: with k = 1 the file's split; otherwise
 * query i of `allQueries` (each side in the file's fixed shuffled order) is in fold i mod k, and
 * split f holds out fold f and trains on the others. Every query is then held out exactly once,
 * so the pooled held-out set is the whole query set, whatever the seed.
 */
export function folds(corpus: Split, k: number): Fold[] {
  const held = corpus.heldOut.length;
  const total = held + corpus.train.length;
  const ids = Array.from({ length: total }, (_, i) => i);
  if (k <= 1) return [{ train: ids.slice(held), heldOut: ids.slice(0, held) }];
  return Array.from({ length: k }, (_, f) => ({
    train: ids.filter((i) => i % k !== f),
    heldOut: ids.filter((i) => i % k === f),
  }));
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
  const train = pairs(raw['train'], docs.length, 'train');
  const heldOut = pairs(raw['heldOut'], docs.length, 'heldOut');
  const split = mergeQueries(docs, train, heldOut);
  const queries = split.train.length + split.heldOut.length;
  return {
    id,
    source: String(raw['source'] ?? ''),
    docs,
    ...split,
    pairs: train.length + heldOut.length,
    mergedPairs: train.length + heldOut.length - queries,
  };
}

export async function loadCorpus(id: CorpusId): Promise<RetrievalCorpus> {
  return decodeCorpus(id, await readDataFile(CORPUS_FILES[id]));
}
