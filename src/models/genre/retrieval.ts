/**
 * Entity retrieval with the trained model: ê = argmax_e log p_θ(y_e | x), approximated by beam search
 * (constrained by the trie, or free), and its evaluation on held-out contexts.
 *
 * A decoded name is valid when it is exactly the name of an entity of the knowledge base (checked
 * against the knowledge base's own name list, not assumed from the trie), and correct when it is the
 * gold entity's name.
 */
import * as tf from '@tensorflow/tfjs-core';
import { logSoftmaxRows } from '../engine/logSoftmax';
import { type Beam, beamSearch, lengthNormalisedScore, type NextTokenScorer } from './beamSearch';
import { BOS, type Dataset, detokenize, EOS, type Example, PAD } from './contexts';
import type { KnowledgeBase } from './knowledgeBase';
import { decodeStep, encode, type Seq2Seq } from './model';

/** Pads id sequences into a [B, T] int32 tensor and its [B, T] float mask. */
export function padBatch(sequences: readonly (readonly number[])[]): { ids: tf.Tensor2D; mask: tf.Tensor2D } {
  const length = Math.max(1, ...sequences.map((s) => s.length));
  const ids = new Int32Array(sequences.length * length);
  const mask = new Float32Array(sequences.length * length);
  sequences.forEach((s, b) =>
    s.forEach((id, t) => {
      ids[b * length + t] = id;
      mask[b * length + t] = 1;
    }),
  );
  return {
    ids: tf.tensor2d(ids, [sequences.length, length], 'int32'),
    mask: tf.tensor2d(mask, [sequences.length, length]),
  };
}

/**
 * A scorer over the model for a batch of contexts: keeps the decoder states of the previous call and
 * which example each row belongs to, so the search only passes parent rows and tokens. `dispose` frees
 * the encoder output and the last states.
 */
export function modelScorer(
  model: Seq2Seq,
  sources: readonly (readonly number[])[],
): { scorer: NextTokenScorer; dispose: () => void } {
  const { ids, mask } = padBatch(sources);
  const [memory, maskBias, initial] = tf.tidy(() => {
    const encoded = encode(model, ids, mask);
    return [encoded.memory, encoded.maskBias, encoded.initial];
  }) as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D];
  const encoded = { memory, maskBias, initial };
  tf.dispose([ids, mask]);
  let state: tf.Tensor2D = encoded.initial;
  let exampleOf: Int32Array = Int32Array.from(sources, (_, e) => e);
  let first = true;
  const scorer: NextTokenScorer = async (parents, tokens) => {
    const rowsExample: Int32Array = first ? parents : Int32Array.from(parents, (p) => exampleOf[p] as number);
    const out = tf.tidy(() => {
      const parentIndex = tf.tensor1d(parents, 'int32');
      const exampleIndex = tf.tensor1d(rowsExample, 'int32');
      const step = decodeStep(
        model,
        tf.tensor1d(tokens, 'int32'),
        tf.gather(state, parentIndex),
        tf.gather(encoded.memory, exampleIndex),
        tf.gather(encoded.maskBias, exampleIndex),
      );
      // score(e | x) = p_θ(y | x) = Π_{i=1}^{N} p_θ(y_i | y_<i, x)   (entity score as a name likelihood)
      // @paper genre autoregressive-score
      return { logProbs: logSoftmaxRows(step.logits), state: step.state };
    });
    if (state !== encoded.initial) state.dispose();
    state = out.state;
    exampleOf = rowsExample;
    first = false;
    const values = (await out.logProbs.data()) as Float32Array;
    out.logProbs.dispose();
    return values;
  };
  const dispose = () => {
    tf.dispose([encoded.memory, encoded.maskBias, encoded.initial]);
    if (state !== encoded.initial) state.dispose();
  };
  return { scorer, dispose };
}

/**
 * Scores examples in chunks of `chunk` contexts: `score` gets each chunk with a fresh scorer over
 * the model (freed afterwards) and returns one entry per example of the chunk; the entries of all
 * chunks are returned in order.
 */
async function perChunk<E extends Pick<Example, 'source'>, T>(
  model: Seq2Seq,
  examples: readonly E[],
  chunk: number,
  score: (part: readonly E[], scorer: NextTokenScorer) => Promise<T[]>,
): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < examples.length; start += chunk) {
    const part = examples.slice(start, start + chunk);
    const { scorer, dispose } = modelScorer(
      model,
      part.map((e) => e.source),
    );
    try {
      out.push(...(await score(part, scorer)));
    } finally {
      dispose();
    }
  }
  return out;
}

export interface DecodeSettings {
  readonly beamSize: number;
  readonly alpha: number;
  readonly maxLength: number;
}

/** Beams of every example (its marked context) for one decoder, in chunks of `chunk` contexts. */
export function retrieve(
  model: Seq2Seq,
  data: Pick<Dataset, 'words' | 'trie'>,
  examples: readonly Pick<Example, 'source'>[],
  settings: DecodeSettings,
  constrained: boolean,
  chunk = 256,
): Promise<Beam[][]> {
  return perChunk(model, examples, chunk, (part, scorer) =>
    // ê = argmax_{e ∈ ℰ} log p_θ(y_e | x)   (retrieved entity)
    // @paper genre retrieval
    beamSearch(
      {
        examples: part.length,
        vocabulary: data.words.length,
        beamSize: settings.beamSize,
        alpha: settings.alpha,
        maxLength: settings.maxLength,
        bos: BOS,
        eos: EOS,
        allowedNextTokens: constrained ? (prefix) => data.trie.allowedNextTokens(prefix) : undefined,
        neverTokens: [PAD, BOS],
      },
      scorer,
    ),
  );
}

/**
 * log p_θ(y_e | x) of each example's gold name ([EOS] included), read step by step from the same scorer
 * the beam search uses, so it is comparable with the beams' log-likelihoods.
 */
export function goldLogProbs(
  model: Seq2Seq,
  examples: readonly Pick<Example, 'source' | 'target'>[],
  chunk = 256,
): Promise<number[]> {
  const vocabulary = model.sizes.vocabulary;
  return perChunk(model, examples, chunk, async (part, scorer) => {
    const sums = new Array<number>(part.length).fill(0);
    // Row r always continues row r: the teacher-forced prefix of example r (finished names feed [EOS]).
    const parents = Int32Array.from(part, (_, r) => r);
    const length = Math.max(...part.map((e) => e.target.length));
    for (let i = 0; i < length; i++) {
      const tokens = Int32Array.from(part, (e) => (i === 0 ? BOS : (e.target[i - 1] ?? EOS)));
      const logProbs = await scorer(parents, tokens);
      part.forEach((e, r) => {
        const y = e.target[i];
        if (y !== undefined) sums[r] = (sums[r] as number) + (logProbs[r * vocabulary + y] as number);
      });
    }
    return sums;
  });
}

/**
 * Search errors: examples whose top beam is not the gold entity although the gold name's
 * length-normalised score beats the top beam's. The model preferred the right name; the search did
 * not return it (it stops once it has B finished names, and a name still being written is lost).
 */
export function searchErrors(
  kb: KnowledgeBase,
  data: Dataset,
  examples: readonly Example[],
  beams: readonly (readonly Beam[])[],
  gold: readonly number[],
  alpha: number,
): number {
  let errors = 0;
  examples.forEach((example, i) => {
    const top = beams[i]?.[0];
    if (entityOfBeam(kb, data, top) === example.entity) return;
    const goldScore = lengthNormalisedScore(gold[i] as number, example.target.length, alpha);
    if (top === undefined || goldScore > top.score) errors++;
  });
  return errors;
}

export interface Scores {
  /** Exact-match accuracy of the top beam. */
  readonly accuracy: number;
  /** Share of top beams that are not a name in the knowledge base. */
  readonly invalid: number;
  readonly ambiguousAccuracy: number;
  readonly unambiguousAccuracy: number;
}

/** Lower-cased names of each knowledge base (detokenised beams are lower case), built once. */
const lowerCaseNames = new WeakMap<KnowledgeBase, ReadonlyMap<string, number>>();

/** The entity a decoded beam names, by its detokenised string looked up in the knowledge base; −1 if none. */
export function entityOfBeam(kb: KnowledgeBase, data: Dataset, beam: Beam | undefined): number {
  if (!beam || !beam.finished) return -1;
  let names = lowerCaseNames.get(kb);
  if (!names) {
    const map = new Map<string, number>();
    // The first entity wins a lower-case clash, as the scan in name order did.
    for (const [known, index] of kb.byName) if (!map.has(known.toLowerCase())) map.set(known.toLowerCase(), index);
    lowerCaseNames.set(kb, (names = map));
  }
  return names.get(detokenize(data.words, beam.tokens)) ?? -1;
}

export function score(
  kb: KnowledgeBase,
  data: Dataset,
  examples: readonly Example[],
  beams: readonly Beam[][],
): Scores {
  let correct = 0;
  let invalid = 0;
  let ambiguous = 0;
  let ambiguousCorrect = 0;
  examples.forEach((example, i) => {
    const entity = entityOfBeam(kb, data, beams[i]?.[0]);
    const hit = entity === example.entity;
    if (entity === -1) invalid++;
    if (hit) correct++;
    if (example.ambiguous) {
      ambiguous++;
      if (hit) ambiguousCorrect++;
    }
  });
  const n = Math.max(1, examples.length);
  const other = Math.max(1, examples.length - ambiguous);
  return {
    accuracy: correct / n,
    invalid: invalid / n,
    ambiguousAccuracy: ambiguous > 0 ? ambiguousCorrect / ambiguous : NaN,
    unambiguousAccuracy: (correct - ambiguousCorrect) / other,
  };
}
