/**
 * The FlyVec demo: trains the Kenyon cells on windows of the State of the Union corpus with the
 * winner-take-all rule, builds the dense baseline from the same windows, then reads out hash
 * codes and measures the claims.
 *
 * Function words are masked out of the text first (they keep their place, so a window still spans
 * W tokens, but they are never a target or a context word), as the official preprocessing masks
 * its stop words. Each epoch shuffles the remaining windows and learns from the first
 * `windowShare` of them in minibatches of B windows. The energy is plotted per batch as its mean
 * per window, E / B.
 *
 * The results it returns (`FlyVecResults`) are declared with the demo in ./demo.ts.
 *
 * Checkpoint `hash-codes`: every vocabulary word's active cells, for neighbour look-ups after the run.
 */
import type { BarsOutput, TableOutput } from '../../shared/outputs';
import { Rng } from '../engine/rng';
import type { RunContext } from '../types';
import {
  BASELINE,
  addCooccurrences,
  cosineNeighbours,
  ppmiInPlace,
  projectionCodes,
  svdVectors,
  truncatedSvd,
  unitRows,
} from './baseline';
import {
  type Corpus,
  inputIndices,
  inverseFrequencies,
  loadCorpus,
  maskWords,
  windowBatch,
  windowCentres,
} from './data';
import { batchesPerEpoch, type FlyVecConfig, type FlyVecResults, NEIGHBOURS_SCORED } from './demo';
import {
  activeCells,
  categoryShare,
  contextCode,
  hammingDistance,
  nearestNeighbours,
  normalizedCells,
  type Probe,
  randomCodes,
  shareInCategory,
  staticCodes,
} from './hashing';
import { kenyonCells, type KenyonCells, learningRate, learningStep, stepScratch } from './kenyonCells';
import {
  FUNCTION_WORDS,
  PROBE_CATEGORIES,
  SENSE_EXAMPLES,
  type SenseExample,
  SHOWN_PROBES,
  VALIDATION_CATEGORIES,
} from './probes';

/** Random-code draws averaged for the chance baseline. */
const RANDOM_DRAWS = 10;
/** Batches averaged for the final energy. */
const ENERGY_TAIL = 10;
/** Kenyon cells whose top words are shown, and words per cell. */
const CELLS_SHOWN = 8;
const WORDS_PER_CELL = 8;
/** Neighbours listed per word in the tables. */
const NEIGHBOURS_SHOWN = 8;
/** Windows per chunk when counting co-occurrences for the baseline. */
const COUNT_CHUNK = 20000;

export async function train(config: FlyVecConfig, ctx: RunContext): Promise<FlyVecResults> {
  const corpus = maskWords(await loadCorpus(), FUNCTION_WORDS);
  const vocabulary = corpus.words.length;
  const width = config.windowWidth;
  const epochs = config.epochs;
  const batchSize = config.batchSize;
  const perEpoch = batchesPerEpoch(config);

  const inverseFrequency = inverseFrequencies(corpus.counts);
  const centres = windowCentres(corpus, width);
  const net = kenyonCells(config.kenyonCells, 2 * vocabulary, new Rng(ctx.rng.seed()));
  const orderRng = new Rng(ctx.rng.seed());
  const scratch = stepScratch(net);
  const wins = new Float64Array(net.cells);
  const energies: number[] = [];
  const reportEvery = Math.max(1, Math.round((epochs * perEpoch) / 10));

  let step = 0;
  let trainingMs = 0;
  for (let epoch = 0; epoch < epochs && !ctx.aborted; epoch++) {
    shuffleInPlace(centres, orderRng);
    const rate = learningRate(config.learningRate, epoch, epochs);
    for (let b = 0; b < perEpoch && !ctx.aborted; b++) {
      const from = b * batchSize;
      if (from + batchSize > centres.length) break;
      const started = performance.now();
      const batch = windowBatch(corpus, centres, from, from + batchSize, width);
      const { energy, winners } = learningStep(net, batch, inverseFrequency, rate, scratch);
      trainingMs += performance.now() - started;
      for (const mu of winners) wins[mu] = (wins[mu] as number) + 1;
      energies.push(energy / batchSize);
      step++;
      ctx.metric(step, { energy: energy / batchSize, rate });
      if (step % reportEvery === 0) reportCells(ctx, corpus, net, wins, step);
      ctx.progress(step);
      await ctx.tick();
    }
  }
  if (step > 0) reportCells(ctx, corpus, net, wins, step);
  // A stopped run skips the baseline (seconds of work) and reports FlyVec alone.
  const baselineRng = new Rng(ctx.rng.seed());
  const baseline = ctx.aborted
    ? undefined
    : denseBaseline(corpus, centres, width, net.cells, config.hashLength, baselineRng);
  const results: FlyVecResults = {
    ...evaluate(ctx, corpus, net, baseline, config),
    ...energyResults(energies),
    ...usage(wins),
    flyvecSeconds: trainingMs / 1000,
    flyvecBytes: 4 * net.synapses.length,
    ...(baseline === undefined ? {} : { baselineSeconds: baseline.seconds, baselineBytes: baseline.bytes }),
    batches: step,
  };
  if (baseline !== undefined) reportCost(ctx, results, net, baseline, step);
  await saveCodes(ctx, corpus, net, config.hashLength);
  return results;
}

/** Words that get codes and can be neighbours: the vocabulary without the masked function words. */
function trainedWords(corpus: Corpus): number[] {
  return corpus.words.flatMap((w, id) => (FUNCTION_WORDS.has(w) ? [] : [id]));
}

/**
 * Saves every word's static code (its active cells) as the checkpoint `hash-codes`, so that
 * neighbours of any vocabulary word can be looked up after the run without the network.
 */
async function saveCodes(ctx: RunContext, corpus: Corpus, net: KenyonCells, k: number): Promise<void> {
  const codes = staticCodes(normalizedCells(net), corpus.words.length, k);
  await ctx.checkpoint('hash-codes', {
    cells: net.cells,
    hashLength: k,
    words: [...corpus.words],
    activeCells: codes.map(activeCells),
  });
}

/** Fisher–Yates over a typed array. */
function shuffleInPlace(items: Int32Array, rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = items[i] as number;
    items[i] = items[j] as number;
    items[j] = tmp;
  }
}

type EnergyResults = Pick<FlyVecResults, 'energyFirst' | 'energyLast' | 'energyChange'>;

function energyResults(energies: readonly number[]): EnergyResults {
  if (energies.length === 0) return {};
  const tail = energies.slice(-ENERGY_TAIL);
  const energyFirst = energies[0] as number;
  const energyLast = tail.reduce((a, b) => a + b, 0) / tail.length;
  return { energyFirst, energyLast, energyChange: energyLast - energyFirst };
}

/**
 * How evenly the cells share the windows: the busiest cell's share, and the effective number of
 * cells exp(−Σ_μ s_μ log s_μ) (K when every cell wins equally often, 1 when one cell wins all).
 */
export function usage(wins: Float64Array): Pick<FlyVecResults, 'topCellShare' | 'effectiveCells'> {
  const total = wins.reduce((a, b) => a + b, 0);
  if (total === 0) return { topCellShare: 0, effectiveCells: 0 };
  let entropy = 0;
  let top = 0;
  for (const w of wins) {
    const s = w / total;
    if (s > 0) entropy -= s * Math.log(s);
    if (s > top) top = s;
  }
  return { topCellShare: top, effectiveCells: Math.exp(entropy) };
}

// ---------------------------------------------------------------------------------------------
// Live outputs: how often each cell wins, and what the busiest cells respond to

function reportCells(ctx: RunContext, corpus: Corpus, net: KenyonCells, wins: Float64Array, step: number): void {
  const order = Array.from(wins, (_, mu) => mu).sort((a, b) => (wins[b] as number) - (wins[a] as number));
  const dead = order.filter((mu) => wins[mu] === 0).length;
  const { topCellShare, effectiveCells } = usage(wins);
  const totalWins = wins.reduce((a, b) => a + b, 0);
  const histogram: BarsOutput = {
    kind: 'bars',
    id: 'win-histogram',
    title: `Wins per Kenyon cell after ${step} batches (cells sorted by wins)`,
    categories: order.map((mu) => `KC ${mu}`),
    series: [{ label: 'windows won', values: order.map((mu) => wins[mu] as number) }],
    stacked: false,
    xLabel: 'Kenyon cell',
    yLabel: 'windows won',
    note:
      `The busiest cell won ${pct(topCellShare)} of the windows (${pct(1 / net.cells)} each if all ${net.cells} shared them equally); ` +
      `the effective number of cells, exp of the entropy of the win shares, is ${effectiveCells.toFixed(0)} of ${net.cells}. ` +
      `${dead} cells never won.`,
  };
  ctx.output(histogram);
  const vocabulary = corpus.words.length;
  const shown = order.slice(0, CELLS_SHOWN);
  const topWords: TableOutput = {
    kind: 'table',
    id: 'cell-words',
    title: 'Top target words of the busiest Kenyon cells',
    columns: ['cell', 'share of windows won', 'strongest target synapses W_{μ,V+w}'],
    rows: shown.map((mu) => {
      const strongest = Array.from({ length: vocabulary }, (_, w) => w)
        .filter((w) => !FUNCTION_WORDS.has(corpus.words[w] as string))
        .sort((a, b) => weight(net, vocabulary + b, mu) - weight(net, vocabulary + a, mu))
        .slice(0, WORDS_PER_CELL);
      return [
        `KC ${mu}`,
        pct((wins[mu] as number) / Math.max(1, totalWins)),
        strongest.map((w) => corpus.words[w]).join(', '),
      ];
    }),
  };
  ctx.output(topWords);
}

function weight(net: KenyonCells, input: number, cell: number): number {
  return net.synapses[input * net.cells + cell] as number;
}

// ---------------------------------------------------------------------------------------------
// The dense baseline: PPMI-SVD vectors from the same windows, and their binary hash at equal bits

interface DenseBaseline {
  /** Row-normalised PPMI-SVD vectors, V × d. */
  readonly unit: Float32Array;
  readonly dimensions: number;
  /** Binary codes of the vectors with FlyVec's K and k. */
  readonly codes: Uint32Array[];
  /** Wall time to count, weight and factorise. */
  readonly seconds: number;
  /** Bytes of the V × V matrix it factorises (stored densely here). */
  readonly bytes: number;
  /** Non-zero entries of the PPMI matrix. */
  readonly nonZeros: number;
}

function denseBaseline(
  corpus: Corpus,
  centres: Int32Array,
  width: number,
  cells: number,
  k: number,
  rng: Rng,
): DenseBaseline {
  const vocabulary = corpus.words.length;
  const started = performance.now();
  const matrix = new Float32Array(vocabulary * vocabulary);
  for (let from = 0; from < centres.length; from += COUNT_CHUNK) {
    addCooccurrences(
      matrix,
      vocabulary,
      windowBatch(corpus, centres, from, Math.min(centres.length, from + COUNT_CHUNK), width),
    );
  }
  ppmiInPlace(matrix, vocabulary, BASELINE.smoothing);
  const { u, singularValues } = truncatedSvd(matrix, vocabulary, BASELINE, rng);
  const vectors = svdVectors(u, singularValues);
  const seconds = (performance.now() - started) / 1000;
  const d = singularValues.length;
  let nonZeros = 0;
  for (const x of matrix) if (x !== 0) nonZeros++;
  return {
    unit: unitRows(vectors, d),
    dimensions: d,
    codes: projectionCodes(vectors, d, cells, k, rng),
    seconds,
    bytes: 4 * matrix.length,
    nonZeros,
  };
}

// ---------------------------------------------------------------------------------------------
// Hashing and claims

/** The results read from the codes and vectors (all but the energies, the usage, the costs and the batch count). */
type HashResults = Pick<
  FlyVecResults,
  | 'categoryShare'
  | 'validationShare'
  | 'randomShare'
  | 'categoryRatio'
  | 'denseShare'
  | 'hashShare'
  | 'denseBaselineRatio'
  | 'senseAccuracy'
  | 'senseBaseline'
  | 'sensePairs'
>;

function evaluate(
  ctx: RunContext,
  corpus: Corpus,
  net: KenyonCells,
  baseline: DenseBaseline | undefined,
  config: FlyVecConfig,
): HashResults {
  const vocabulary = corpus.words.length;
  const k = config.hashLength;
  const normalized = normalizedCells(net);
  const codes = staticCodes(normalized, vocabulary, k);
  const candidates = trainedWords(corpus);
  const probes = probeList(corpus, PROBE_CATEGORIES);
  const cosineList = (b: DenseBaseline, w: number, n: number): number[] =>
    cosineNeighbours(b.unit, b.dimensions, w, candidates, n).map((nb) => nb.word);

  const share = categoryShare(probes, codes, candidates, NEIGHBOURS_SCORED);
  const validationShare = categoryShare(probeList(corpus, VALIDATION_CATEGORIES), codes, candidates, NEIGHBOURS_SCORED);
  const dense =
    baseline === undefined
      ? undefined
      : {
          denseShare: shareInCategory(probes, NEIGHBOURS_SCORED, (w) => cosineList(baseline, w, NEIGHBOURS_SCORED)),
          hashShare: categoryShare(probes, baseline.codes, candidates, NEIGHBOURS_SCORED),
        };
  const randomRng = new Rng(ctx.rng.seed());
  let randomShare = 0;
  for (let draw = 0; draw < RANDOM_DRAWS; draw++) {
    randomShare += categoryShare(
      probes,
      randomCodes(vocabulary, net.cells, k, randomRng),
      candidates,
      NEIGHBOURS_SCORED,
    );
  }
  randomShare /= RANDOM_DRAWS;

  const query = config.query;
  const shownWords = [query, ...SHOWN_PROBES.filter((w) => w !== query)];
  const hammingList = (id: number, list: readonly Uint32Array[]): string =>
    nearestNeighbours(list[id] as Uint32Array, list, candidates, NEIGHBOURS_SHOWN, id)
      .map((nb) => corpus.words[nb.word])
      .join(', ');
  const table: TableOutput = {
    kind: 'table',
    id: 'neighbours',
    title: `Nearest words: FlyVec codes (k = ${k} of ${net.cells} cells) against the dense PPMI-SVD baseline`,
    columns: [
      'word',
      'FlyVec (Hamming)',
      ...(baseline === undefined
        ? []
        : [
            `PPMI-SVD, ${baseline.dimensions} dimensions (cosine)`,
            `PPMI-SVD hash, ${k} of ${net.cells} bits (Hamming)`,
          ]),
    ],
    rows: shownWords
      .filter((w) => corpus.ids.has(w) && !FUNCTION_WORDS.has(w))
      .map((w) => {
        const id = corpus.ids.get(w) as number;
        return [
          w,
          hammingList(id, codes),
          ...(baseline === undefined
            ? []
            : [
                cosineList(baseline, id, NEIGHBOURS_SHOWN)
                  .map((nb) => corpus.words[nb])
                  .join(', '),
                hammingList(id, baseline.codes),
              ]),
        ];
      }),
    note:
      `Same-category share of the top ${NEIGHBOURS_SCORED} neighbours of the ${probes.length} probe words: ` +
      `FlyVec ${pct(share)}, ` +
      (dense === undefined
        ? '(the run was stopped before the baseline was built), '
        : `PPMI-SVD ${pct(dense.denseShare)}, its binary hash at equal bits ${pct(dense.hashShare)}, `) +
      `random codes of the same sparsity ${pct(randomShare)}. Neighbours are drawn from the ${candidates.length} words ` +
      `left after masking ${FUNCTION_WORDS.size} function words.`,
  };
  ctx.output(table);

  const senses = senseResults(ctx, corpus, normalized, codes, baseline, config);
  return {
    categoryShare: share,
    validationShare,
    randomShare,
    categoryRatio: randomShare > 0 ? share / randomShare : Number.POSITIVE_INFINITY,
    ...(dense === undefined
      ? {}
      : {
          ...dense,
          denseBaselineRatio: dense.hashShare > 0 ? share / dense.hashShare : Number.POSITIVE_INFINITY,
        }),
    ...senses,
  };
}

function probeList(corpus: Corpus, categories: Readonly<Record<string, readonly string[]>>): Probe[] {
  return Object.entries(categories).flatMap(([category, words]) =>
    words.filter((w) => corpus.ids.has(w)).map((w) => ({ word: corpus.ids.get(w) as number, category })),
  );
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

// ---------------------------------------------------------------------------------------------
// Context-dependent codes: ambiguous words in sentences of two senses

/** The context of `word` in `sentence`: the in-vocabulary, unmasked words within W/2 positions of it. */
export function sentenceContext(corpus: Corpus, sentence: string, word: string, width: number): number[] {
  const tokens = sentence.split(' ');
  const at = tokens.indexOf(word);
  const half = Math.floor(width / 2);
  return tokens
    .slice(Math.max(0, at - half), at + half + 1)
    .filter((w) => w !== word && !FUNCTION_WORDS.has(w))
    .map((w) => corpus.ids.get(w))
    .filter((id): id is number => id !== undefined);
}

/**
 * Whether a pair of sentences of the two senses a and b is told apart: with D(x, I) the distance
 * of representation x from the indicator words I of a sense, the pair counts 1 when
 * D(x_a, I_a) − D(x_a, I_b) < D(x_b, I_a) − D(x_b, I_b) (the sense-a sentence leans further
 * towards sense a than the sense-b sentence does), ½ on a tie and 0 otherwise. A static code is
 * the same in both sentences and always ties.
 */
export function pairScore(leanA: number, leanB: number): number {
  if (leanA < leanB) return 1;
  return leanA === leanB ? 0.5 : 0;
}

function senseResults(
  ctx: RunContext,
  corpus: Corpus,
  normalized: KenyonCells,
  codes: readonly Uint32Array[],
  baseline: DenseBaseline | undefined,
  config: FlyVecConfig,
): Pick<FlyVecResults, 'senseAccuracy' | 'senseBaseline' | 'sensePairs'> {
  const vocabulary = corpus.words.length;
  const k = config.hashLength;
  const d = baseline?.dimensions ?? 0;
  const unit = baseline?.unit ?? new Float32Array(0);
  const idsOf = (words: readonly string[]): number[] =>
    words.map((w) => corpus.ids.get(w)).filter((id): id is number => id !== undefined);
  const meanHamming = (code: Uint32Array, words: readonly number[]): number =>
    words.reduce((sum, w) => sum + hammingDistance(code, codes[w] as Uint32Array), 0) / Math.max(1, words.length);
  const meanCosineDistance = (x: Float64Array, words: readonly number[]): number =>
    words.reduce((sum, w) => {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += (x[j] as number) * (unit[w * d + j] as number);
      return sum + 1 - dot;
    }, 0) / Math.max(1, words.length);
  /** The dense analogue of [c ; e_w]: the sum of the unit vectors of the window, normalised. */
  const denseContext = (context: readonly number[], target: number): Float64Array => {
    const x = new Float64Array(d);
    for (const w of [...context, target])
      for (let j = 0; j < d; j++) x[j] = (x[j] as number) + (unit[w * d + j] as number);
    const norm = Math.sqrt(x.reduce((a, b) => a + b * b, 0));
    return norm > 0 ? x.map((v) => v / norm) : x;
  };

  let flyScore = 0;
  let denseScore = 0;
  let pairs = 0;
  let shown: { example: SenseExample; rows: (string | number)[][]; score: number; count: number } | undefined;
  for (const example of SENSE_EXAMPLES) {
    const target = corpus.ids.get(example.word);
    if (target === undefined) continue;
    const [indicatorsA, indicatorsB] = example.senses.map((s) => idsOf(s.indicators)) as [number[], number[]];
    const readings = example.senses.map((sense, s) =>
      sense.sentences.map((sentence) => {
        const context = sentenceContext(corpus, sentence, example.word, config.windowWidth);
        const code = contextCode(normalized, inputIndices(context, target, vocabulary), k);
        const dense = denseContext(context, target);
        return {
          sense: s,
          sentence,
          code,
          leanFly: meanHamming(code, indicatorsA) - meanHamming(code, indicatorsB),
          leanDense: meanCosineDistance(dense, indicatorsA) - meanCosineDistance(dense, indicatorsB),
        };
      }),
    );
    const [ofA, ofB] = readings as [(typeof readings)[number], (typeof readings)[number]];
    let exampleScore = 0;
    for (const a of ofA) {
      for (const b of ofB) {
        // D(x_a, I_a) − D(x_a, I_b) < D(x_b, I_a) − D(x_b, I_b)   (sense pair told apart)
        const score = pairScore(a.leanFly, b.leanFly);
        exampleScore += score;
        flyScore += score;
        denseScore += pairScore(a.leanDense, b.leanDense);
        pairs++;
      }
    }
    if (example.word === config.contextWord) {
      const staticCode = codes[target] as Uint32Array;
      const list = (code: Uint32Array): string =>
        nearestNeighbours(code, codes, trainedWords(corpus), NEIGHBOURS_SHOWN, target)
          .map((nb) => corpus.words[nb.word])
          .join(', ');
      const rows: (string | number)[][] = [
        [`${example.word} (static)`, '', 0, '', list(staticCode)],
        ...[...ofA, ...ofB].map((r) => [
          `${example.word} (${example.senses[r.sense]?.label ?? ''})`,
          r.sentence,
          hammingDistance(r.code, staticCode),
          r.leanFly.toFixed(1),
          list(r.code),
        ]),
      ];
      shown = { example, rows, score: exampleScore, count: ofA.length * ofB.length };
    }
  }
  if (shown !== undefined) {
    const [a, b] = shown.example.senses;
    const table: TableOutput = {
      kind: 'table',
      id: 'context',
      title: `“${shown.example.word}” in four sentences: context-dependent codes`,
      columns: [
        'code',
        'sentence',
        'Hamming distance to the static code',
        `lean: D(code, ${a.label}) − D(code, ${b.label})`,
        'nearest words',
      ],
      rows: shown.rows,
      note:
        `D is the mean Hamming distance to the static codes of the indicator words of a sense (${a.label}: ${a.indicators.join(', ')}; ` +
        `${b.label}: ${b.indicators.join(', ')}), none of which is in the sentences; a negative lean is nearer “${a.label}”. ` +
        `This word's ${shown.count} sense pairs: ${shown.score} told apart. Over all ${SENSE_EXAMPLES.length} words, ` +
        `${pct(flyScore / Math.max(1, pairs))} of ${pairs} pairs (ties count half; chance and the static code: 50%); ` +
        (baseline === undefined
          ? ''
          : `PPMI-SVD vectors summed over the same windows: ${pct(denseScore / Math.max(1, pairs))}.`),
    };
    ctx.output(table);
  }
  return {
    senseAccuracy: flyScore / Math.max(1, pairs),
    ...(baseline === undefined ? {} : { senseBaseline: denseScore / Math.max(1, pairs) }),
    sensePairs: pairs,
  };
}

// ---------------------------------------------------------------------------------------------
// Cost: the paper's efficiency claim, measured

function reportCost(
  ctx: RunContext,
  results: FlyVecResults,
  net: KenyonCells,
  baseline: DenseBaseline,
  batches: number,
): void {
  const vocabulary = net.inputs / 2;
  const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
  const kb = (bytes: number): string => `${(bytes / 1e3).toFixed(0)} kB`;
  const codeBytes = (vocabulary * net.cells) / 8;
  const table: TableOutput = {
    kind: 'table',
    id: 'cost',
    title: 'Training time and memory: FlyVec against the PPMI-SVD baseline (measured in this run)',
    columns: ['', 'FlyVec', 'PPMI-SVD'],
    rows: [
      [
        'training time (this machine, one core)',
        `${results.flyvecSeconds.toFixed(1)} s for ${batches} batches`,
        `${baseline.seconds.toFixed(1)} s (count, PPMI, rank-${baseline.dimensions} SVD)`,
      ],
      [
        'state while training',
        `${mb(results.flyvecBytes)} (W: ${net.cells} × ${net.inputs} floats)`,
        `${mb(baseline.bytes)} (V × V floats; ${baseline.nonZeros} non-zero, ${mb(8 * baseline.nonZeros)} stored sparsely)`,
      ],
      [
        'embeddings',
        `${kb(codeBytes)} (${net.cells}-bit codes)`,
        `${kb(4 * vocabulary * baseline.dimensions)} (${baseline.dimensions} floats a word); hash ${kb(codeBytes)}`,
      ],
    ],
    note: 'Times are wall clock on this machine and vary with its load; the byte counts do not. The paper reports FlyVec training faster and in less memory than dense embeddings on a 20 000-word vocabulary; here the vocabulary is 3000 words and the V × V co-occurrence matrix is small.',
  };
  ctx.output(table);
}
