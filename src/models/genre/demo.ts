/**
 * The GENRE demo: its settings, presets, plots, outputs and claims. Imports no TensorFlow.js (the
 * extension host and the CLI read it).
 */
import type { QuerySpec } from '../../shared/catalog';
import {
  type ConfigOf,
  defineDemo,
  int,
  num,
  optionalResult,
  type Partially,
  result,
  type ResultsOf,
  type TypedClaim,
} from '../../shared/demo';

const fields = {
  steps: int({
    label: 'Training steps',
    description: 'Adam steps on batches of training contexts.',
    min: 10,
    max: 5000,
    group: 'Training',
  }),
  batchSize: int({
    label: 'Batch size',
    description: 'Contexts per step.',
    min: 4,
    max: 512,
    unit: 'contexts',
    group: 'Training',
  }),
  learningRate: num({
    label: 'Learning rate',
    description: 'Adam step size.',
    min: 1e-4,
    max: 0.1,
    log: true,
    group: 'Training',
  }),
  embedding: int({
    label: 'Embedding size',
    description: 'Size of the word embeddings (source and target).',
    min: 8,
    max: 256,
    group: 'Model',
  }),
  hidden: int({
    label: 'Encoder GRU size',
    description: 'Hidden units per encoder direction; the decoder has twice as many.',
    min: 8,
    max: 256,
    group: 'Model',
  }),
  beamSize: int({
    label: 'Beam size B',
    description: 'Hypotheses kept per step by both decoders.',
    min: 1,
    max: 20,
    group: 'Decoding',
  }),
  alpha: num({
    label: 'Length normalisation α',
    description: 'Finished names are ranked by log p(y|x) / |y|^α.',
    min: 0,
    max: 2,
    group: 'Decoding',
  }),
  evalEvery: int({
    label: 'Evaluate every',
    description:
      'Steps between evaluations of both decoders on a subset of held-out contexts (all of them at the end).',
    min: 10,
    max: 5000,
    unit: 'steps',
    group: 'Decoding',
  }),
  evalContexts: int({
    label: 'Contexts per evaluation',
    description: 'Held-out contexts (drawn at random once) used for the evaluations during training.',
    min: 10,
    max: 2000,
    unit: 'contexts',
    group: 'Decoding',
  }),
};

export type GenreConfig = ConfigOf<typeof fields>;

/**
 * What a run reports at its end (read by the claims). Everything but the steps run is absent when
 * the run stopped before its final evaluation.
 */
const resultSpecs = {
  steps: result({ description: 'training steps done (fewer than configured when stopped)', unit: 'steps' }),
  constrainedAccuracy: optionalResult({
    description: 'exact match of the constrained top beam on all held-out contexts',
  }),
  freeAccuracy: optionalResult({ description: 'exact match of the free top beam on all held-out contexts' }),
  accuracyGap: optionalResult({ description: 'constrainedAccuracy − freeAccuracy' }),
  constrainedValid: optionalResult({ description: 'share of constrained top beams that are knowledge-base names' }),
  freeInvalid: optionalResult({ description: 'share of free top beams that are not knowledge-base names' }),
  ambiguousAccuracy: optionalResult({
    description: 'constrained exact match on held-out contexts whose mention is ambiguous',
  }),
  freeAmbiguousAccuracy: optionalResult({
    description: 'free exact match on held-out contexts whose mention is ambiguous',
  }),
  unambiguousAccuracy: optionalResult({
    description: 'constrained exact match on held-out contexts whose mention is not ambiguous',
  }),
};

export type GenreResults = ResultsOf<typeof resultSpecs>;

/** The calibration setting: word tokens, embedding 64, bi-GRU 64, decoder 128, Adam 3e-3, batch 64, beam 5, α = 1, about 400 steps. */
const quick: GenreConfig = {
  steps: 400,
  batchSize: 64,
  learningRate: 3e-3,
  embedding: 64,
  hidden: 64,
  beamSize: 5,
  alpha: 1,
  evalEvery: 100,
  evalContexts: 300,
};

/** Longer training (the calibration's constrained exact match rose with steps). */
const paper: GenreConfig = { ...quick, steps: 1200, evalEvery: 200 };

/** The presets as typed configs, for code that calls the trainer directly (tests, benchmarks). */
export const GENRE_PRESETS = { quick, paper } as const;

function validate(config: GenreConfig): string[] {
  const errors: string[] = [];
  if (config.evalEvery > config.steps) errors.push('evalEvery: must be at most steps');
  return errors;
}

type GenreClaim = TypedClaim<GenreConfig, GenreResults>;

function claim(
  id: string,
  text: string,
  target: string,
  read: (results: Partially<GenreResults>) => number | undefined,
  unit: string,
  pass: (v: number) => boolean,
  caveat?: string,
): GenreClaim {
  return {
    id,
    text,
    target,
    unit,
    ...(caveat === undefined ? {} : { caveat }),
    measure(results) {
      const measured = read(results);
      if (measured === undefined || Number.isNaN(measured)) return { measured: null, pass: false };
      return { measured, pass: pass(measured) };
    },
  };
}

const claims: GenreClaim[] = [
  claim(
    'constrained-valid',
    'Share of constrained outputs that are names in the knowledge base',
    '= 100%',
    (r) => r.constrainedValid,
    'share',
    (v) => v === 1,
  ),
  claim(
    'constrained-accuracy',
    'Exact-match accuracy of constrained decoding on held-out contexts',
    '≥ 0.50',
    (r) => r.constrainedAccuracy,
    'accuracy',
    (v) => v >= 0.5,
    'Not reproduced: after 400 steps seeds 0, 1 and 2 measured 0.38, 0.12 and 0.31 (free decoding 0.32, 0.11 and 0.24), and the paper preset (1,200 steps) 0.42 at seed 0 (free 0.37), below the 0.58–0.59 that a PyTorch calibration run reached at 400 steps. A PyTorch implementation of this model and training step (bench/reference/genre.py) gives the same losses from the same weights, so the gap lies in the contexts; the “Exact match per held-out template” table shows where. At seed 0 two held-out wordings are read well (0.89 and 0.96) while capitals are found in 0.12 and 0.02 of their contexts: nearly all of those misses name a country, most often the capital’s own, whose training contexts contain the capital’s name (“the capital of jamaica is kingston”). Words seen only in held-out templates read as [UNK], so nothing in the new wording outweighs that association; a pretrained model such as the paper’s BART does not start from this gap. At seed 1 training is also slower: the loss is still 0.96 at step 400.',
  ),
  claim(
    'constrained-ge-free',
    'Constrained exact match minus free exact match',
    '≥ 0',
    (r) => r.accuracyGap,
    'accuracy',
    (v) => v >= 0,
  ),
  claim(
    'free-invalid',
    'Share of free-decoding outputs that are not entity names',
    'measured and shown (> 0 at the quick budget)',
    (r) => r.freeInvalid,
    'share',
    (v) => v > 0,
  ),
  claim(
    'ambiguous-accuracy',
    'Exact-match accuracy on the ambiguous mentions (Georgia, Congo, Kingston, …)',
    'reported separately',
    (r) => r.ambiguousAccuracy,
    'accuracy',
    () => true,
  ),
];

/** Asked in the panel after a run; answered by ./query.ts with the run's own model from its checkpoint. */
const beamsQuery: QuerySpec = {
  id: 'beams',
  title: 'Entity names for a sentence you type',
  label: 'Sentence, mention in [brackets]',
  placeholder: 'e.g. the governor of [Georgia] signed the bill in Atlanta',
  description:
    'Encodes the sentence with this run’s model and shows the beams of constrained and free decoding for the marked mention.',
  checkpoint: 'genre-model',
};

export const constrainedBeamDemo = defineDemo(
  {
    id: 'constrained-beam',
    title: 'Entity names by constrained beam search',
    description:
      'Trains a small word-level encoder–decoder (bi-GRU encoder, GRU decoder with attention) to generate the name of the entity a marked mention refers to, over a knowledge base of 599 real countries, capitals, US states and state capitals with deliberately ambiguous names. Compares free beam search with beam search constrained by a prefix trie over all entity names on held-out context templates, and shows the trie being followed step by step.',
    fields,
    presets: GENRE_PRESETS,
    results: resultSpecs,
    validate,
    totalSteps: (config) => config.steps,
    claims,
    load: () => import('./train').then((m) => m.train),
    loadQueries: () => import('./query').then((m) => m.answers),
  },
  {
    stepLabel: 'step',
    queries: [beamsQuery],
    plots: [
      {
        id: 'loss',
        title: 'Training loss',
        xLabel: 'step',
        yLabel: '−log p per token',
        yUnit: 'nats',
        series: [{ metric: 'loss', label: 'loss' }],
      },
      {
        id: 'exact-match',
        title: 'Held-out exact match',
        xLabel: 'step',
        yLabel: 'share',
        yRange: [0, 1],
        series: [
          { metric: 'em/constrained', label: 'constrained' },
          { metric: 'em/free', label: 'free' },
          { metric: 'invalid/free', label: 'free: not a name' },
        ],
      },
    ],
    outputs: [
      {
        id: 'accuracy',
        title: 'Held-out accuracy',
        description:
          'Exact match of both decoders on all held-out contexts, split into ambiguous and unambiguous mentions, and the share of outputs that are not names.',
      },
      {
        id: 'templates',
        title: 'Exact match per held-out template',
        description:
          'Both decoders’ exact match on each held-out wording, and how often a constrained miss names an entity of another type: where the gap to the paper’s setting lies.',
      },
      {
        id: 'beams',
        title: 'Beams side by side',
        description:
          'For chosen held-out contexts, the beams of the constrained and the free decoder with their log-likelihoods and length-normalised scores.',
      },
      {
        id: 'trie-pruning',
        title: 'The trie step by step',
        description:
          'For one context, each step of the best constrained name: names still reachable, allowed tokens, the probability mass the trie keeps.',
      },
      {
        id: 'memory',
        title: 'Trie vs dense index',
        description: 'Bytes of the prefix trie over all names against one float32 vector per entity.',
      },
    ],
  },
);
