/**
 * The FlyVec demo: its settings, presets, plots, outputs and claims. Imports no TensorFlow.js
 * (the extension host and the CLI read it).
 */
import type { DemoConfig, QuerySpec } from '../../shared/catalog';
import { threshold } from '../../shared/claims';
import type { ConfigOf, Partially, ResultsOf, TypedClaim } from '../../shared/demo';
import { choice, defineDemo, int, nestConfig, num, optionalResult, result } from '../../shared/demo';
import { PROBE_CATEGORIES, SENSE_EXAMPLES, SHOWN_PROBES } from './probes';

/** Neighbours per probe word scored by the category claim. */
export const NEIGHBOURS_SCORED = 5;

/**
 * Training windows in the corpus at W = 11 once function words are masked (679 985, one per
 * content-word token with a full window inside its address): an epoch of `windowShare` s has
 * ⌊s · NOMINAL_WINDOWS / B⌋ batches, so progress is known before the data loads.
 */
export const NOMINAL_WINDOWS = 679_985;

type BatchSettings = Pick<FlyVecConfig, 'windowShare' | 'batchSize'>;

/** Batches in one epoch. */
export function batchesPerEpoch(config: BatchSettings): number {
  return Math.max(1, Math.floor((config.windowShare * NOMINAL_WINDOWS) / config.batchSize));
}

/** The typed config of a flat one (as run.json and the command line hold it). */
export function flyvecConfigOf(flat: DemoConfig): FlyVecConfig {
  return nestConfig(fields, flat);
}

const queryWords = [...new Set([...SHOWN_PROBES, ...Object.values(PROBE_CATEGORIES).flat()])];

const fields = {
  kenyonCells: int({
    label: 'Kenyon cells K',
    description: 'Number of Kenyon cells (the length of the hash codes).',
    min: 20,
    max: 1000,
    group: 'Network',
  }),
  windowWidth: int({
    label: 'Window W',
    description: 'Words per training window: the centre word is the target, the others form the context bag.',
    min: 3,
    max: 21,
    unit: 'words',
    group: 'Network',
  }),
  hashLength: int({
    label: 'Hash length k',
    description: 'Active cells per hash code (the top k activations).',
    min: 1,
    max: 200,
    group: 'Network',
  }),
  epochs: int({
    label: 'Epochs',
    description: 'Passes over the (shuffled, possibly subsampled) windows; the learning rate falls linearly to 0.',
    min: 1,
    max: 20,
    group: 'Training',
  }),
  windowShare: num({
    label: 'Windows per epoch',
    description: 'Share of the corpus’s ≈ 680 000 windows (one per content word) drawn at random in each epoch.',
    min: 0.01,
    max: 1,
    group: 'Training',
  }),
  batchSize: int({
    label: 'Batch size B',
    description: 'Windows per minibatch: their updates are summed and scaled by their largest entry.',
    min: 100,
    max: 50000,
    unit: 'windows',
    group: 'Training',
  }),
  learningRate: num({
    label: 'Learning rate ε₀',
    description: 'Initial rate: the largest synapse change of a batch; decays linearly over the epochs.',
    min: 1e-4,
    max: 1,
    log: true,
    group: 'Training',
  }),
  query: choice(queryWords, {
    label: 'Query word',
    description: 'Word listed first in the neighbour table (the probe words and a few others).',
    group: 'Outputs',
  }),
  contextWord: choice(
    SENSE_EXAMPLES.map((e) => e.word),
    {
      label: 'Ambiguous word',
      description: 'Word whose context-dependent codes are shown in four sentences, two for each of its senses.',
      group: 'Outputs',
    },
  ),
};

export type FlyVecConfig = ConfigOf<typeof fields>;

/**
 * What a run reports at its end (read by the claims). The energies are absent when no batch ran,
 * the baseline's results when the run was stopped before it was built.
 */
const resultSpecs = {
  categoryShare: result({
    description: "FlyVec: same-category share of the probes' top-5 Hamming neighbours",
    unit: 'share',
  }),
  validationShare: result({
    description: 'the same share on the validation categories, which settings were chosen by',
    unit: 'share',
  }),
  randomShare: result({
    description: 'the same share for random codes of the same sparsity (mean of 10 draws)',
    unit: 'share',
  }),
  categoryRatio: result({ description: 'categoryShare / randomShare', unit: 'ratio' }),
  denseShare: optionalResult({
    description: "PPMI-SVD baseline: same-category share of the probes' top-5 cosine neighbours",
    unit: 'share',
  }),
  hashShare: optionalResult({
    description:
      "binary hash of the PPMI-SVD vectors (FlyVec's K and k): same-category share of the top-5 Hamming neighbours",
    unit: 'share',
  }),
  denseBaselineRatio: optionalResult({ description: 'categoryShare / hashShare', unit: 'ratio' }),
  senseAccuracy: result({
    description:
      'share of sense pairs (two sentences of an ambiguous word in different senses) whose context-dependent codes lean apart towards the indicator words of their own senses; ties count half',
    unit: 'share',
  }),
  senseBaseline: optionalResult({
    description: 'the same for the PPMI-SVD vectors summed over the same windows',
    unit: 'share',
  }),
  sensePairs: result({ description: 'sense pairs scored', unit: 'pairs' }),
  topCellShare: result({ description: 'share of the windows won by the busiest Kenyon cell', unit: 'share' }),
  effectiveCells: result({ description: 'exp of the entropy of the cells’ win shares', unit: 'cells' }),
  flyvecSeconds: result({ description: 'wall time of the learning steps', unit: 's' }),
  baselineSeconds: optionalResult({ description: 'wall time to count, weight and factorise the baseline', unit: 's' }),
  flyvecBytes: result({ description: 'bytes of the synapses W', unit: 'bytes' }),
  baselineBytes: optionalResult({ description: 'bytes of the V × V matrix the baseline factorises', unit: 'bytes' }),
  energyFirst: optionalResult({ description: 'energy per window of the first batch' }),
  energyLast: optionalResult({ description: 'energy per window, mean of the last 10 batches' }),
  energyChange: optionalResult({ description: 'energyLast − energyFirst' }),
  batches: result({ description: 'batches completed', unit: 'batches' }),
};

export type FlyVecResults = ResultsOf<typeof resultSpecs>;

/**
 * Eight epochs over all ≈ 680 000 windows, learning rate 0.05 falling linearly, minibatches of
 * 5000. Chosen on the validation categories at seed 0 (same-category share of the top 5): four
 * epochs reached 0.12 at ε₀ = 0.05, 0.10 at 0.1, 0.07 at 0.2 and 0.02 at 0.02; eight epochs 0.15 at
 * 0.05 and 0.10 at 0.1; sixteen epochs 0.15 at 0.05, so more epochs stop helping here.
 */
const quick: FlyVecConfig = {
  kenyonCells: 400,
  windowWidth: 11,
  hashLength: 32,
  epochs: 8,
  windowShare: 1,
  batchSize: 5000,
  learningRate: 0.05,
  query: 'army',
  contextWord: 'interest',
};

/** Closer to the paper: 15 epochs (on a corpus thousands of times smaller than OpenWebText). */
const paper: FlyVecConfig = { ...quick, epochs: 15 };

/** The presets as typed configs, for code that calls the trainer directly (tests, benchmarks). */
export const FLYVEC_PRESETS = { quick, paper } as const;

function validate(config: FlyVecConfig): string[] {
  const errors: string[] = [];
  if (config.windowWidth % 2 !== 1) errors.push('windowWidth: must be odd (the target sits in the middle)');
  if (config.hashLength >= config.kenyonCells) errors.push('hashLength: must be smaller than kenyonCells');
  if (config.batchSize > config.windowShare * NOMINAL_WINDOWS) {
    errors.push('batchSize: must be at most the windows per epoch (windowShare × 680 000)');
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Claims

type FlyVecClaim = TypedClaim<FlyVecConfig, FlyVecResults>;

/** Sense pairs: each word's two sentences of one sense against its two of the other. */
const SENSE_PAIRS = SENSE_EXAMPLES.reduce((n, e) => n + e.senses[0].sentences.length * e.senses[1].sentences.length, 0);

/**
 * Targets. FlyVec's same-category share over random codes measured 27.9, 28.1 and 26.4 at seeds
 * 0–2 of the quick preset; 15 is about half the lowest, so a model that lost half its structure
 * fails. The sense pairs measured 0.86, 0.90 and 0.86 (chance and the static code: 0.5); 0.75
 * leaves room for seed-to-seed spread several times that seen.
 */
const CATEGORY_VS_RANDOM = 15;
const SENSE_TARGET = 0.75;
/** The paper's "competitive", stated as FlyVec within 20% of the baseline at equal bits: not calibrated, and not reached here. */
const COMPETITIVE = 0.8;
const DENSE_CAVEAT =
  'Not reached at this scale: FlyVec places about half as many neighbours in the right category as the hashed baseline (0.47–0.54 at seeds 0–2; against the unhashed vectors 0.43–0.48). ' +
  'Training longer does not close the gap (seed 0: 0.44, 0.47 and 0.47 of the baseline after 4, 8 and 15 epochs); more text narrows it ' +
  '(about 1050 batches on a quarter of the addresses: 0.35; on half: 0.51). The paper trains on OpenWebText, thousands of times this corpus.';

/** A claim that a result is at least `value`. */
function atLeast(
  id: string,
  text: string,
  read: (results: Partially<FlyVecResults>) => number | undefined,
  value: number,
  unit: string,
  format: (v: number) => string,
  caveat?: string,
): FlyVecClaim {
  return threshold({
    id,
    text,
    read,
    comparison: '>=',
    value,
    unit,
    target: `≥ ${format(value)}`,
    ...(caveat === undefined ? {} : { caveat }),
  });
}

const claims: FlyVecClaim[] = [
  atLeast(
    'category-vs-random',
    `Same-category share of FlyVec's top-${NEIGHBOURS_SCORED} Hamming neighbours of the probe words, divided by that of random codes of the same sparsity`,
    (r) => r.categoryRatio,
    CATEGORY_VS_RANDOM,
    'ratio',
    String,
  ),
  atLeast(
    'dense-baseline-ratio',
    `FlyVec's same-category share divided by that of the dense PPMI-SVD baseline hashed to codes of the same size and sparsity (FlyVec's K and k): "competitive" in the paper's sense`,
    (r) => r.denseBaselineRatio,
    COMPETITIVE,
    'ratio',
    (v) => v.toFixed(1),
    DENSE_CAVEAT,
  ),
  {
    id: 'energy-decreases',
    text: 'Energy per window at the end of training (mean of the last 10 batches) minus that of the first batch',
    target: '< 0',
    measure(results) {
      const change = results.energyChange;
      if (change === undefined) return { measured: null, pass: false };
      return { measured: change, pass: change < 0 };
    },
  },
  atLeast(
    'sense-pairs',
    `Share of the sense pairs (${SENSE_PAIRS} pairs of sentences using one of ${SENSE_EXAMPLES.length} ambiguous words in different senses) whose context-dependent codes lean towards the indicator words of their own senses, which are not in the sentences; chance and the static code score 0.5`,
    (r) => r.senseAccuracy,
    SENSE_TARGET,
    'share',
    (v) => v.toFixed(2),
  ),
];

/** Asked in the panel after a run; answered by ./query.ts from the run's checkpoint. */
const neighboursQuery: QuerySpec = {
  id: 'neighbours',
  title: 'Nearest words to a word you type',
  label: 'Word',
  placeholder: 'e.g. war, tax, freedom',
  description: 'Looks the word up in this run’s static hash codes and lists its nearest words by Hamming distance.',
  checkpoint: 'hash-codes',
};

export const embeddingsDemo = defineDemo(
  {
    id: 'embeddings',
    title: 'Fruit-fly word hashes',
    description:
      'Trains Kenyon cells with the winner-take-all learning rule on real public-domain text (US State of the Union addresses, a vocabulary of the 3000 most frequent words with function words masked, windows of 11 words), then hashes each word into a sparse binary code by keeping the top-k activations. Compares the codes with a dense PPMI-SVD baseline built from the same windows and with its binary hash at equal bits, shows the energy per batch, how evenly the cells share the windows, nearest neighbours, how an ambiguous word’s code moves with its sentence, and the training time and memory of both.',
    fields,
    presets: FLYVEC_PRESETS,
    results: resultSpecs,
    validate,
    totalSteps: (config) => config.epochs * batchesPerEpoch(config),
    claims,
    load: () => import('./train').then((m) => m.train),
    loadQueries: () => import('./query').then((m) => m.answers),
  },
  {
    stepLabel: 'batch',
    presetNotes: {
      quick:
        'Eight epochs over the corpus: word hashes, nearest neighbours, context codes that separate senses, against a PPMI-SVD baseline.',
      paper: 'Fifteen epochs, closer to the paper (on a corpus thousands of times smaller than OpenWebText).',
    },
    plots: [
      {
        id: 'energy',
        title: 'Energy per window',
        xLabel: 'batch',
        yLabel: 'E / B',
        series: [{ metric: 'energy', label: 'energy' }],
      },
      {
        id: 'rate',
        title: 'Learning rate',
        xLabel: 'batch',
        yLabel: 'ε',
        series: [{ metric: 'rate', label: 'ε_e' }],
      },
    ],
    queries: [neighboursQuery],
    outputs: [
      {
        id: 'win-histogram',
        title: 'Wins per Kenyon cell',
        description:
          'How many training windows each cell has won, cells sorted by wins: cells that never win are dead.',
      },
      {
        id: 'cell-words',
        title: 'What the busiest cells respond to',
        description: 'For the cells that win most often, the target words with the strongest synapses.',
      },
      {
        id: 'neighbours',
        title: 'Hamming nearest neighbours against the dense baseline',
        description:
          'For the query word and a few probe words: the nearest words by Hamming distance between FlyVec codes, by cosine similarity between PPMI-SVD vectors, and by Hamming distance between the binary hash of those vectors.',
      },
      {
        id: 'context',
        title: 'Context-dependent codes',
        description:
          'An ambiguous word in four sentences, two for each sense: each context-dependent code, its distance from the static code, how far it leans towards the indicator words of either sense, and its nearest words.',
      },
      {
        id: 'cost',
        title: 'Training time and memory',
        description:
          'FlyVec against the PPMI-SVD baseline, measured in this run: wall time, the state each keeps while training, and the size of the embeddings.',
      },
    ],
  },
);
