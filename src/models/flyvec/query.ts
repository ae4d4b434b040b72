/**
 * Nearest words by Hamming distance for any word the user types, answered after a run from the
 * `hash-codes` checkpoint (every vocabulary word's static code) by the same hashing code the run
 * uses. Loaded by the query worker (the demo's `loadQueries`), not by the extension host.
 */
import type { QueryAnswers } from '../../shared/demo';
import { isArrayOf, isRecord } from '../../shared/messages';
import type { TableOutput } from '../../shared/outputs';
import { nearestNeighbours, toCode } from './hashing';
import { FUNCTION_WORDS } from './probes';

/** The checkpoint `hash-codes` written at the end of a run. */
export interface HashCodes {
  readonly cells: number;
  readonly hashLength: number;
  readonly words: readonly string[];
  /** Active Kenyon cells of each word's static code (hashLength of `cells`). */
  readonly activeCells: readonly (readonly number[])[];
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

export function isHashCodes(value: unknown): value is HashCodes {
  return (
    isRecord(value) &&
    isNumber(value['cells']) &&
    isNumber(value['hashLength']) &&
    isArrayOf(value['words'], (w): w is string => typeof w === 'string') &&
    isArrayOf(value['activeCells'], (a): a is number[] => isArrayOf(a, isNumber)) &&
    value['words'].length === value['activeCells'].length
  );
}

/** The `count` nearest content words to `word`, with their Hamming distances. */
export function neighboursOf(codes: HashCodes, word: string, count = 10): TableOutput {
  const index = codes.words.indexOf(word.toLowerCase());
  if (index < 0) {
    throw new Error(`“${word}” is not in the ${codes.words.length}-word vocabulary of this run.`);
  }
  if (FUNCTION_WORDS.has(codes.words[index] as string)) {
    throw new Error(
      `“${codes.words[index]}” is a function word: it is masked out of training and has no learned code.`,
    );
  }
  const packed = codes.activeCells.map((active) => toCode(active, codes.cells));
  const query = packed[index] as Uint32Array;
  const candidates = codes.words.flatMap((w, i) => (FUNCTION_WORDS.has(w) ? [] : [i]));
  const nearest = nearestNeighbours(query, packed, candidates, count, index);
  return {
    kind: 'table',
    id: 'query-neighbours',
    title: `Nearest words to “${codes.words[index]}”`,
    columns: ['rank', 'word', 'Hamming distance (bits)', 'shared active cells'],
    rows: nearest.map((n, rank) => [
      rank + 1,
      codes.words[n.word] ?? '?',
      n.distance,
      codes.hashLength - n.distance / 2,
    ]),
    note: `Static codes: ${codes.hashLength} active of ${codes.cells} Kenyon cells; function words, masked out of training, are left out.`,
  };
}

/** The answers of the FlyVec demo's queries (see `neighboursQuery` in ./demo.ts). */
export const answers: QueryAnswers = {
  neighbours: async (checkpoint, input) => {
    if (!isHashCodes(checkpoint)) throw new Error('The run’s hash-codes checkpoint is not in the expected format.');
    return neighboursOf(checkpoint, input);
  },
};
