/**
 * The GENRE demo: train the encoder–decoder with teacher forcing on templated contexts, then retrieve
 * entities for held-out contexts by beam search, constrained by the prefix trie and free, side by side.
 *
 * Random streams, all drawn from the run's seed: initial weights, batch order, the evaluation subset,
 * word dropout.
 *
 * The results it returns (`GenreResults`) are declared with the demo in ./demo.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Json } from '../../shared/messages';
import type { TableOutput } from '../../shared/outputs';
import { Rng } from '../engine/rng';
import type { RunContext } from '../types';
import type { Beam } from './beamSearch';
import { BOS, buildDataset, type Dataset, detokenize, dropContextWords, EOS, type Example, UNK } from './contexts';
import type { GenreConfig, GenreResults } from './demo';
import { type KnowledgeBase, loadKnowledgeBase } from './knowledgeBase';
import { createSeq2Seq, disposeSeq2Seq, nameLoss, type Seq2Seq } from './model';
import type { GenreCheckpoint, WeightName } from './query';
import {
  type DecodeSettings,
  entityOfBeam,
  goldLogProbs,
  modelScorer,
  padBatch,
  retrieve,
  score,
  type Scores,
  searchErrors,
} from './retrieval';

/** Held-out contexts shown in the beams table: the first context of each of these mentions. */
const SHOWN_MENTIONS = ['Georgia', 'Kingston', 'Congo', 'UAE', 'Singapore'];
/** Longest name (in tokens, with [EOS]) the decoders may write. */
const MAX_NAME_LENGTH = 14;

export async function train(config: GenreConfig, ctx: RunContext): Promise<GenreResults> {
  const kb = await loadKnowledgeBase();
  const data = buildDataset(kb, { validationTemplate: config.validationFold });
  const model = createSeq2Seq(
    {
      vocabulary: data.words.length,
      embedding: config.embedding,
      hidden: config.hidden,
    },
    new Rng(ctx.rng.seed()),
  );
  const batchRng = new Rng(ctx.rng.seed());
  const evalRng = new Rng(ctx.rng.seed());
  const dropoutRng = new Rng(ctx.rng.seed());
  const settings: DecodeSettings = { beamSize: config.beamSize, alpha: config.alpha, maxLength: MAX_NAME_LENGTH };
  const subset = evalRng
    .sample(data.test.length, Math.min(config.evalContexts, data.test.length))
    .map((i) => data.test[i] as Example);
  ctx.output(memoryTable(data, model));
  const unknown = unknownShare(data.test);
  const evaluated =
    config.validationFold === 0 ? 'held-out' : `validation (training template ${config.validationFold})`;
  ctx.log(
    `knowledge base: ${kb.entities.length} entities; ${data.train.length} training and ${data.test.length} ${evaluated} contexts; ` +
      `vocabulary ${data.words.length} word tokens; ${(100 * unknown).toFixed(1)}% of ${evaluated} context tokens read as [UNK]`,
  );

  const optimizer = tf.train.adam(config.learningRate);
  const steps = config.steps;
  const batchSize = config.batchSize;
  const evalEvery = config.evalEvery;
  let order: number[] = [];
  let losses: tf.Scalar[] = [];
  let done = 0;
  try {
    for (let step = 1; step <= steps && !ctx.aborted; step++) {
      if (order.length < batchSize) order = batchRng.shuffle(Array.from(data.train, (_, i) => i));
      const batch = order
        .splice(0, batchSize)
        .map((i) => withWordDropout(data.train[i] as Example, config.wordDropout, dropoutRng));
      const loss = tf.tidy(() => trainingStep(model, optimizer, batch));
      losses.push(loss);
      done = step;
      if (step % 10 === 0 || step === steps) {
        const mean = tf.tidy(() => tf.mean(tf.stack(losses)));
        tf.dispose(losses);
        losses = [];
        const value = (await mean.data())[0] ?? NaN;
        mean.dispose();
        ctx.metric(step, { loss: value });
      }
      if (step % evalEvery === 0 && step < steps) {
        const [c, f] = await evaluateBoth(model, kb, data, subset, settings);
        ctx.metric(step, {
          'em/constrained': c.scores.accuracy,
          'em/free': f.scores.accuracy,
          'invalid/free': f.scores.invalid,
        });
      }
      ctx.progress(step);
      await ctx.tick();
    }
    tf.dispose(losses);
    losses = [];
    if (ctx.aborted || done === 0) return { steps: done };

    const [constrained, free] = await evaluateBoth(model, kb, data, data.test, settings);
    ctx.metric(done, {
      'em/constrained': constrained.scores.accuracy,
      'em/free': free.scores.accuracy,
      'invalid/free': free.scores.invalid,
    });
    const gold = await goldLogProbs(model, data.test);
    const lost = {
      constrained: searchErrors(kb, data, data.test, constrained.beams, gold, settings.alpha),
      free: searchErrors(kb, data, data.test, free.beams, gold, settings.alpha),
    };
    ctx.output(accuracyTable(constrained.scores, free.scores, lost, data, unknown, config));
    ctx.output(templateTable(kb, data, data.test, constrained.beams, free.beams));
    ctx.output(beamsTable(kb, data, shownExamples(data), constrained.beams, free.beams));
    const traced = shownExamples(data)[0];
    if (traced)
      ctx.output(await pruningTable(model, data, data.test[traced] as Example, constrained.beams[traced]?.[0]));
    const results: GenreResults = {
      steps: done,
      constrainedAccuracy: constrained.scores.accuracy,
      freeAccuracy: free.scores.accuracy,
      accuracyGap: constrained.scores.accuracy - free.scores.accuracy,
      constrainedValid: 1 - constrained.scores.invalid,
      freeInvalid: free.scores.invalid,
      ambiguousAccuracy: constrained.scores.ambiguousAccuracy,
      freeAmbiguousAccuracy: free.scores.ambiguousAccuracy,
      unambiguousAccuracy: constrained.scores.unambiguousAccuracy,
      unknownShare: unknown,
      constrainedSearchErrors: lost.constrained / data.test.length,
      freeSearchErrors: lost.free / data.test.length,
    };
    await ctx.checkpoint('genre-model', await modelCheckpoint(model, kb, data, settings));
    return results;
  } finally {
    tf.dispose(losses);
    optimizer.dispose();
    disposeSeq2Seq(model);
  }
}

/** The example with its context's words outside the mention dropped to [UNK] with probability p. */
export function withWordDropout(example: Example, p: number, rng: Rng): Example {
  return p > 0 ? { ...example, source: dropContextWords(example.source, p, rng) } : example;
}

/** Share of the context tokens (mention markers included) that are [UNK]. */
export function unknownShare(examples: readonly Example[]): number {
  let tokens = 0;
  let unknown = 0;
  for (const e of examples) {
    tokens += e.source.length;
    for (const id of e.source) if (id === UNK) unknown++;
  }
  return tokens > 0 ? unknown / tokens : 0;
}

/** One Adam step on the teacher-forced loss of a batch; returns the batch loss (kept, for logging). */
export function trainingStep(model: Seq2Seq, optimizer: tf.Optimizer, batch: readonly Example[]): tf.Scalar {
  const source = padBatch(batch.map((e) => e.source));
  const targetIn = padBatch(batch.map((e) => [BOS, ...e.target.slice(0, -1)]));
  const targetOut = padBatch(batch.map((e) => e.target));
  const loss = optimizer.minimize(
    () => nameLoss(model, source.ids, source.mask, targetIn.ids, targetOut.ids, targetOut.mask),
    true,
  );
  if (!loss) throw new Error('the optimizer returned no loss');
  return loss;
}

interface Decoded {
  readonly beams: Beam[][];
  readonly scores: Scores;
}

async function evaluateBoth(
  model: Seq2Seq,
  kb: KnowledgeBase,
  data: Dataset,
  examples: readonly Example[],
  settings: DecodeSettings,
): Promise<[Decoded, Decoded]> {
  const decoded: Decoded[] = [];
  for (const constrained of [true, false]) {
    const beams = await retrieve(model, data, examples, settings, constrained);
    decoded.push({ beams, scores: score(kb, data, examples, beams) });
  }
  return decoded as [Decoded, Decoded];
}

/**
 * The trained model as the `genre-model` checkpoint read by the panel's query: weights (rounded to
 * 6 significant digits), vocabulary, names and decoding settings.
 */
export async function modelCheckpoint(
  model: Seq2Seq,
  kb: KnowledgeBase,
  data: Dataset,
  settings: DecodeSettings,
): Promise<GenreCheckpoint & Json> {
  // Read asynchronously: WebGPU has no synchronous reads in Node.
  const flat = async (v: tf.Variable): Promise<number[]> => Array.from(await v.data(), (x) => Number(x.toPrecision(6)));
  const variables: Record<WeightName, tf.Variable> = {
    embedding: model.embedding,
    targetEmbedding: model.targetEmbedding,
    forwardW: model.forward.w,
    forwardU: model.forward.u,
    forwardB: model.forward.b,
    backwardW: model.backward.w,
    backwardU: model.backward.u,
    backwardB: model.backward.b,
    bridge: model.bridge,
    decoderW: model.decoder.w,
    decoderU: model.decoder.u,
    decoderB: model.decoder.b,
    combine: model.combine,
    output: model.output,
    outputBias: model.outputBias,
  };
  const names = Object.keys(variables) as WeightName[];
  const read = await Promise.all(names.map((name) => flat(variables[name])));
  const weights = Object.fromEntries(names.map((name, i) => [name, read[i] ?? []])) as Record<WeightName, number[]>;
  return {
    words: [...data.words],
    names: kb.entities.map((e) => e.name),
    nameTokens: data.names.map((n) => [...n]),
    embedding: model.sizes.embedding,
    hidden: model.sizes.hidden,
    beamSize: settings.beamSize,
    alpha: settings.alpha,
    maxLength: settings.maxLength,
    weights,
  };
}

// ---------------------------------------------------------------------------------------------
// Outputs

/** Indices (into the held-out set) of the first context of each shown mention. */
function shownExamples(data: Dataset): number[] {
  const found: number[] = [];
  for (const mention of SHOWN_MENTIONS) {
    const marked = `[START_ENT] ${mention} [END_ENT]`;
    const i = data.test.findIndex((e) => e.text.includes(marked) && !found.includes(data.test.indexOf(e)));
    if (i >= 0) found.push(i);
  }
  return found;
}

function accuracyTable(
  constrained: Scores,
  free: Scores,
  lost: { readonly constrained: number; readonly free: number },
  data: Dataset,
  unknown: number,
  config: GenreConfig,
): TableOutput {
  const ambiguous = data.test.filter((e) => e.ambiguous).length;
  const n = data.test.length;
  const row = (label: string, s: Scores, errors: number) => [
    label,
    s.accuracy,
    s.unambiguousAccuracy,
    s.ambiguousAccuracy,
    s.invalid,
    `${errors} of ${Math.round((1 - s.accuracy) * n)}`,
  ];
  const which =
    config.validationFold === 0 ? 'Held-out' : `Validation (training template ${config.validationFold} left out)`;
  return {
    kind: 'table',
    id: 'accuracy',
    title: `${which} exact match (${data.test.length} contexts, ${ambiguous} with an ambiguous mention)`,
    columns: [
      'decoder',
      'exact match',
      'unambiguous mentions',
      'ambiguous mentions',
      'not a name',
      'misses where the gold name scores higher',
    ],
    rows: [row('constrained (trie)', constrained, lost.constrained), row('free', free, lost.free)],
    note:
      'Validity is checked by looking the decoded string up among the knowledge base’s names. ' +
      'A miss where the gold name’s length-normalised score beats the returned name’s is a search error, not a model error: ' +
      'the search stops once it has B finished names, so short names that finish early can crowd out a longer, better one. ' +
      `${(100 * unknown).toFixed(1)}% of these contexts’ tokens are outside the training vocabulary and read as [UNK]; ` +
      `training replaced context words outside the mention by [UNK] with p = ${config.wordDropout}.`,
  };
}

/**
 * Exact match per held-out template: which unseen wordings the model reads and which it does not.
 * "Another type": among constrained answers that miss, the share naming an entity of another type
 * (a country for a capital, say) rather than another entity of the right type.
 */
export function templateTable(
  kb: KnowledgeBase,
  data: Dataset,
  examples: readonly Example[],
  constrained: readonly (readonly Beam[])[],
  free: readonly (readonly Beam[])[],
): TableOutput {
  const groups = new Map<string, number[]>();
  examples.forEach((e, i) => {
    const group = groups.get(e.template);
    if (group) group.push(i);
    else groups.set(e.template, [i]);
  });
  const rows = [...groups].map(([template, indices]) => {
    const gold = (i: number) => (examples[i] as Example).entity;
    const typeOf = (entity: number) => kb.entities[entity]?.type;
    const answers = indices.map((i) => entityOfBeam(kb, data, constrained[i]?.[0]));
    const freeHits = indices.filter((i) => entityOfBeam(kb, data, free[i]?.[0]) === gold(i)).length;
    const misses = indices.filter((i, k) => answers[k] !== gold(i));
    const otherType = indices.filter((i, k) => {
      const answer = answers[k] as number;
      return answer !== gold(i) && answer !== -1 && typeOf(answer) !== typeOf(gold(i));
    }).length;
    return [
      typeOf(gold(indices[0] as number)) ?? '?',
      template,
      indices.length,
      (indices.length - misses.length) / indices.length,
      freeHits / indices.length,
      misses.length === 0 ? '—' : otherType / misses.length,
    ];
  });
  return {
    kind: 'table',
    id: 'templates',
    title: 'Held-out exact match per template (wordings never seen in training)',
    columns: ['type', 'template', 'contexts', 'constrained', 'free', 'misses naming another type'],
    rows,
    note: 'Words that occur only in held-out templates read as [UNK] (an embedding trained by word dropout). A template whose wording resembles another type’s training templates draws answers of that type.',
  };
}

function beamsTable(
  kb: KnowledgeBase,
  data: Dataset,
  shown: readonly number[],
  constrained: readonly Beam[][],
  free: readonly Beam[][],
): TableOutput {
  const rows: (string | number)[][] = [];
  for (const i of shown) {
    const example = data.test[i] as Example;
    const gold = kb.entities[example.entity]?.name ?? '?';
    for (const [label, beams] of [
      ['constrained', constrained[i] ?? []],
      ['free', free[i] ?? []],
    ] as const) {
      beams.forEach((beam, rank) => {
        const entity = entityOfBeam(kb, data, beam);
        rows.push([
          rank === 0 ? example.text : '',
          label,
          rank + 1,
          detokenize(data.words, beam.tokens) + (beam.finished ? '' : ' …'),
          beam.logProb,
          beam.score,
          entity === -1 ? 'no' : 'yes',
          entity === example.entity ? `yes (${gold})` : '',
        ]);
      });
    }
  }
  return {
    kind: 'table',
    id: 'beams',
    title: 'Beams of both decoders for chosen held-out contexts',
    columns: ['context', 'decoder', 'rank', 'name', 'log p(y|x)', 'score s(y|x)', 'in the KB', 'gold'],
    rows,
    note: 'Score: log-likelihood divided by the length (α = 1) in tokens, [EOS] included. "…": unfinished after the length limit.',
  };
}

/** The constrained search's best name for one context, token by token: what the trie allows and what it removes. */
async function pruningTable(
  model: Seq2Seq,
  data: Dataset,
  example: Example,
  best: Beam | undefined,
): Promise<TableOutput> {
  const path = best ? [...best.tokens, EOS] : [];
  const { scorer, dispose } = modelScorer(model, [example.source]);
  const rows: (string | number)[][] = [];
  try {
    for (let i = 0; i < path.length; i++) {
      const prefix = path.slice(0, i);
      const logProbs = await scorer(Int32Array.of(0), Int32Array.of(prefix[prefix.length - 1] ?? BOS));
      const allowed = data.trie.allowedNextTokens(prefix);
      let mass = 0;
      for (const v of allowed) mass += Math.exp(logProbs[v] as number);
      let freeTop = 0;
      for (let v = 0; v < logProbs.length; v++)
        if ((logProbs[v] as number) > (logProbs[freeTop] as number)) freeTop = v;
      const chosen = path[i] as number;
      rows.push([
        i + 1,
        detokenize(data.words, prefix) || '(start)',
        data.trie.reachable(prefix),
        allowed.length,
        mass,
        data.words[freeTop] ?? '?',
        data.words[chosen] ?? '?',
        Math.exp(logProbs[chosen] as number),
      ]);
    }
  } finally {
    dispose();
  }
  return {
    kind: 'table',
    id: 'trie-pruning',
    title: `The trie step by step: “${example.text}”`,
    columns: [
      'step',
      'prefix y<i',
      'names still reachable',
      '|V(y<i)| allowed tokens',
      'p mass allowed',
      'free top token',
      'chosen token',
      'p(chosen)',
    ],
    rows,
    note: `Of the ${data.words.length} tokens of the vocabulary, only |V(y<i)| may follow each prefix; the rest are masked out. The allowed set shrinks until one name is left.`,
  };
}

function memoryTable(data: Dataset, model: Seq2Seq): TableOutput {
  const entities = data.names.length;
  const { nodes, edges } = data.trie.size;
  const tokens = data.names.reduce((n, name) => n + name.length, 0);
  const dense = (d: number) => entities * d * 4;
  const hidden = 2 * model.sizes.hidden;
  return {
    kind: 'table',
    id: 'memory',
    title: `Memory of the prefix trie vs a dense index of the same ${entities} entities`,
    columns: ['index', 'what is stored', 'bytes'],
    rows: [
      ['prefix trie', `${nodes} nodes, ${edges} edges (names total ${tokens} tokens)`, data.trie.memoryBytes()],
      ['dense index, d = ' + hidden, `${entities} × ${hidden} float32`, dense(hidden)],
      ['dense index, d = 1024', `${entities} × 1024 float32 (BERT-large size)`, dense(1024)],
    ],
    note: 'The trie grows with the total length of the names (shared prefixes stored once); a dense index with the number of entities times the embedding size.',
  };
}
