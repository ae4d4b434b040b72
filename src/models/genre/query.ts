/**
 * Entity retrieval for a sentence the user types, answered after a run from its `genre-model`
 * checkpoint (the trained weights, the vocabulary and the names) by the run's own code: the
 * encoder–decoder of model.ts rebuilt from the saved weights and decoded by retrieval.ts's beam
 * search, constrained by the prefix trie and free. Loaded by the query worker (the demo's
 * `loadQueries`), not by the extension host.
 */
import type { QueryAnswers } from '../../shared/demo';
import { isArrayOf, isRecord } from '../../shared/messages';
import type { TableOutput } from '../../shared/outputs';
import type { Beam } from './beamSearch';
import { contextTokens, detokenize, EOS, MENTION_END, MENTION_START, UNK } from './contexts';
import { disposeSeq2Seq, restoreSeq2Seq, WEIGHT_NAMES, type WeightName } from './model';
import { PrefixTrie } from './prefixTrie';
import { retrieve } from './retrieval';

export { WEIGHT_NAMES, type WeightName };

/** The checkpoint `genre-model` written at the end of a run. */
export interface GenreCheckpoint {
  readonly words: readonly string[];
  /** Entity names, in knowledge-base order, and their token ids. */
  readonly names: readonly string[];
  readonly nameTokens: readonly (readonly number[])[];
  readonly embedding: number;
  readonly hidden: number;
  readonly beamSize: number;
  readonly alpha: number;
  readonly maxLength: number;
  readonly weights: Readonly<Record<WeightName, readonly number[]>>;
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown): v is number => isNumber(v) && Number.isInteger(v) && v > 0;

export function isGenreCheckpoint(value: unknown): value is GenreCheckpoint {
  if (!isRecord(value)) return false;
  const weights = value['weights'];
  return (
    isArrayOf(value['words'], (w): w is string => typeof w === 'string') &&
    isArrayOf(value['names'], (w): w is string => typeof w === 'string') &&
    isArrayOf(value['nameTokens'], (n): n is number[] => isArrayOf(n, isNumber)) &&
    value['names'].length === value['nameTokens'].length &&
    isCount(value['embedding']) &&
    isCount(value['hidden']) &&
    isCount(value['beamSize']) &&
    isNumber(value['alpha']) &&
    isCount(value['maxLength']) &&
    isRecord(weights) &&
    WEIGHT_NAMES.every((name) => isArrayOf(weights[name], isNumber))
  );
}

/** Beams of both decoders for one marked context, from the model rebuilt from the checkpoint. */
export async function retrieveFromCheckpoint(
  c: GenreCheckpoint,
  source: readonly number[],
): Promise<{ constrained: Beam[]; free: Beam[] }> {
  const trie = new PrefixTrie(EOS);
  c.nameTokens.forEach((tokens, e) => trie.insert(tokens, e));
  const model = restoreSeq2Seq({ vocabulary: c.words.length, embedding: c.embedding, hidden: c.hidden }, c.weights);
  try {
    const data = { words: c.words, trie };
    const settings = { beamSize: c.beamSize, alpha: c.alpha, maxLength: c.maxLength };
    const [constrained] = await retrieve(model, data, [{ source }], settings, true);
    const [free] = await retrieve(model, data, [{ source }], settings, false);
    return { constrained: constrained ?? [], free: free ?? [] };
  } finally {
    disposeSeq2Seq(model);
  }
}

/** The sentence's tokens with the mention marked: the mention is the text in square brackets. */
export function markedContext(c: GenreCheckpoint, input: string): { ids: number[]; unknown: string[] } {
  const match = /^([^[\]]*)\[([^[\]]+)\]([^[\]]*)$/.exec(input);
  if (!match) throw new Error('Mark exactly one mention with square brackets, e.g. “the governor of [Georgia] spoke”.');
  const text = `${match[1] ?? ''} ${MENTION_START} ${match[2] ?? ''} ${MENTION_END} ${match[3] ?? ''}`;
  const index = new Map(c.words.map((w, i) => [w, i]));
  const words = contextTokens(text);
  return {
    ids: words.map((w) => index.get(w) ?? UNK),
    unknown: words.filter((w) => !index.has(w)),
  };
}

export async function beamsFor(c: GenreCheckpoint, input: string): Promise<TableOutput> {
  const { ids, unknown } = markedContext(c, input);
  const { constrained, free } = await retrieveFromCheckpoint(c, ids);
  const known = new Set(c.names.map((n) => n.toLowerCase()));
  const rows = (label: string, beams: readonly Beam[]) =>
    beams.map((beam, rank) => {
      const name = detokenize(c.words, beam.tokens);
      return [
        label,
        rank + 1,
        name + (beam.finished ? '' : ' …'),
        beam.logProb,
        beam.score,
        beam.finished && known.has(name) ? 'yes' : 'no',
      ];
    });
  return {
    kind: 'table',
    id: 'query-beams',
    title: `Entity names for “${input}”`,
    columns: ['decoder', 'rank', 'name', 'log p(y|x)', 'score s(y|x)', 'in the KB'],
    rows: [...rows('constrained (trie)', constrained), ...rows('free', free)],
    note:
      `Beam size ${c.beamSize}, α = ${c.alpha}. ` +
      (unknown.length > 0 ? `Not in this run's vocabulary (read as [UNK]): ${[...new Set(unknown)].join(', ')}.` : ''),
  };
}

/** The answers of the GENRE demo's queries (see `beamsQuery` in ./demo.ts). */
export const answers: QueryAnswers = {
  beams: async (checkpoint, input) => {
    if (!isGenreCheckpoint(checkpoint))
      throw new Error('The run’s genre-model checkpoint is not in the expected format.');
    return beamsFor(checkpoint, input);
  },
};
