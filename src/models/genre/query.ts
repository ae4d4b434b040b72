/**
 * Entity retrieval for a sentence the user types, answered after a run from the `genre-model`
 * checkpoint (the trained weights, the vocabulary and the names): the same encoder–decoder computed
 * with plain arrays, decoded by the same beam search, constrained by the trie and free. No TensorFlow.js.
 */
import type { QuerySpec } from '../../shared/catalog';
import { isArrayOf, isRecord } from '../../shared/messages';
import type { TableOutput } from '../../shared/outputs';
import { type Beam, beamSearchSync } from './beamSearch';
import { BOS, contextTokens, detokenize, EOS, MENTION_END, MENTION_START, PAD, UNK } from './contexts';
import { PrefixTrie } from './prefixTrie';

/** Weight matrices, row-major as in the model: [in, out]. */
export const WEIGHT_NAMES = [
  'embedding',
  'targetEmbedding',
  'forwardW',
  'forwardU',
  'forwardB',
  'backwardW',
  'backwardU',
  'backwardB',
  'bridge',
  'decoderW',
  'decoderU',
  'decoderB',
  'combine',
  'output',
  'outputBias',
] as const;
export type WeightName = (typeof WEIGHT_NAMES)[number];

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

/** x W (+ b) for a row vector x and a row-major [x.length, out] matrix. */
function times(x: ArrayLike<number>, w: readonly number[], out: number, bias?: readonly number[]): Float64Array {
  const y = Float64Array.from({ length: out }, (_, j) => bias?.[j] ?? 0);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    if (xi === 0) continue;
    for (let j = 0; j < out; j++) y[j] = (y[j] as number) + xi * (w[i * out + j] as number);
  }
  return y;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** One GRU step: z, r, n gates along the columns, as in the model. */
function gru(
  w: readonly number[],
  u: readonly number[],
  b: readonly number[],
  x: ArrayLike<number>,
  h: Float64Array,
): Float64Array {
  const size = h.length;
  const xw = times(x, w, 3 * size, b);
  const hu = times(h, u, 3 * size);
  return h.map((hj, j) => {
    const z = sigmoid((xw[j] as number) + (hu[j] as number));
    const r = sigmoid((xw[size + j] as number) + (hu[size + j] as number));
    const n = Math.tanh((xw[2 * size + j] as number) + r * (hu[2 * size + j] as number));
    return (1 - z) * n + z * hj;
  });
}

/** The encoder–decoder of `model.ts` on plain arrays, for one context. */
export class PlainSeq2Seq {
  private readonly memory: Float64Array[];
  readonly initial: Float64Array;

  constructor(
    private readonly c: GenreCheckpoint,
    source: readonly number[],
  ) {
    const { weights: p, embedding: e, hidden: h } = c;
    const embed = (id: number) => p.embedding.slice(id * e, (id + 1) * e);
    const forward: Float64Array[] = [];
    const backward: Float64Array[] = [];
    let state: Float64Array = new Float64Array(h);
    for (const id of source) forward.push((state = gru(p.forwardW, p.forwardU, p.forwardB, embed(id), state)));
    state = new Float64Array(h);
    for (let t = source.length - 1; t >= 0; t--)
      backward[t] = state = gru(p.backwardW, p.backwardU, p.backwardB, embed(source[t] as number), state);
    this.memory = source.map((_, t) =>
      Float64Array.of(...(forward[t] as Float64Array), ...(backward[t] as Float64Array)),
    );
    const last = Float64Array.of(...(forward[source.length - 1] ?? []), ...(backward[0] ?? []));
    this.initial = times(last, p.bridge, 2 * h).map(Math.tanh);
  }

  /** Feeds `previous` to the decoder from `state`: the new state and log p_θ(· | y_<i, x). */
  step(state: Float64Array, previous: number): { state: Float64Array; logProbs: Float32Array } {
    const { weights: p, embedding: e, hidden: h, words } = this.c;
    const d = 2 * h;
    const next = gru(
      p.decoderW,
      p.decoderU,
      p.decoderB,
      p.targetEmbedding.slice(previous * e, (previous + 1) * e),
      state,
    );
    const scores = this.memory.map((m) => m.reduce((s, v, i) => s + v * (next[i] as number), 0));
    const top = Math.max(...scores);
    const weights = scores.map((s) => Math.exp(s - top));
    const total = weights.reduce((a, b) => a + b, 0);
    const context = new Float64Array(d);
    this.memory.forEach((m, t) =>
      m.forEach((v, i) => (context[i] = (context[i] as number) + ((weights[t] as number) / total) * v)),
    );
    const features = times(Float64Array.of(...next, ...context), p.combine, d).map(Math.tanh);
    const logits = times(features, p.output, words.length, p.outputBias);
    const max = Math.max(...logits);
    const logZ = max + Math.log(logits.reduce((s, l) => s + Math.exp(l - max), 0));
    return { state: next, logProbs: Float32Array.from(logits, (l) => l - logZ) };
  }
}

/** Beams of both decoders for one context (token ids, mention marked). */
export function retrievePlain(c: GenreCheckpoint, source: readonly number[]): { constrained: Beam[]; free: Beam[] } {
  const trie = new PrefixTrie(EOS);
  c.nameTokens.forEach((tokens, e) => trie.insert(tokens, e));
  const decode = (constrained: boolean): Beam[] => {
    const model = new PlainSeq2Seq(c, source);
    let states: Float64Array[] = [model.initial];
    const [beams] = beamSearchSync(
      {
        examples: 1,
        vocabulary: c.words.length,
        beamSize: c.beamSize,
        alpha: c.alpha,
        maxLength: c.maxLength,
        bos: BOS,
        eos: EOS,
        allowedNextTokens: constrained ? (prefix) => trie.allowedNextTokens(prefix) : undefined,
        neverTokens: [PAD, BOS],
      },
      (parents, tokens) => {
        const out = new Float32Array(parents.length * c.words.length);
        states = Array.from(parents, (parent, r) => {
          const step = model.step(states[parent] as Float64Array, tokens[r] as number);
          out.set(step.logProbs, r * c.words.length);
          return step.state;
        });
        return out;
      },
    );
    return beams ?? [];
  };
  return { constrained: decode(true), free: decode(false) };
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

export function beamsFor(c: GenreCheckpoint, input: string): TableOutput {
  const { ids, unknown } = markedContext(c, input);
  const { constrained, free } = retrievePlain(c, ids);
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

export const beamsQuery: QuerySpec = {
  id: 'beams',
  title: 'Entity names for a sentence you type',
  label: 'Sentence, mention in [brackets]',
  placeholder: 'e.g. the governor of [Georgia] signed the bill in Atlanta',
  description:
    'Encodes the sentence with this run’s model and shows the beams of constrained and free decoding for the marked mention.',
  checkpoint: 'genre-model',
  answer: (checkpoint, input) => {
    if (!isGenreCheckpoint(checkpoint))
      throw new Error('The run’s genre-model checkpoint is not in the expected format.');
    return beamsFor(checkpoint, input);
  },
};
