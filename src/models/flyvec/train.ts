/**
 * The FlyVec demo: trains the Kenyon cells on windows of the State of the Union corpus with the
 * winner-take-all rule, then reads out hash codes and measures the claims.
 *
 * Each epoch shuffles the corpus's windows and learns from the first `windowShare` of them in
 * minibatches of B windows (the presets use all windows; a smaller share draws a different
 * random subset in each epoch). The energy is plotted per batch as its mean per window, E / B.
 *
 * The results it returns (`FlyVecResults`) are declared with the demo in ./demo.ts.
 *
 * Checkpoint `hash-codes`: every vocabulary word's active cells, for neighbour look-ups after the run.
 */
import type { BarsOutput, TableOutput } from '../../shared/outputs';
import { Rng } from '../engine/rng';
import type { RunContext } from '../types';
import { type Corpus, inputIndices, inverseFrequencies, loadCorpus, windowBatch, windowCentres } from './data';
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
  staticCodes,
} from './hashing';
import { kenyonCells, type KenyonCells, learningRate, learningStep, stepScratch } from './kenyonCells';
import { CONTEXT_EXAMPLES, type ContextExample, FUNCTION_WORDS, PROBE_CATEGORIES, SHOWN_PROBES } from './probes';

/** Random-code draws averaged for the baseline. */
const RANDOM_DRAWS = 10;
/** Batches averaged for the final energy. */
const ENERGY_TAIL = 10;
/** Kenyon cells whose top words are shown, and words per cell. */
const CELLS_SHOWN = 8;
const WORDS_PER_CELL = 8;
/** Neighbours listed per word in the tables. */
const NEIGHBOURS_SHOWN = 8;

export async function train(config: FlyVecConfig, ctx: RunContext): Promise<FlyVecResults> {
  const corpus = await loadCorpus();
  const vocabulary = corpus.words.length;
  const width = config.windowWidth;
  const k = config.hashLength;
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
  for (let epoch = 0; epoch < epochs && !ctx.aborted; epoch++) {
    shuffleInPlace(centres, orderRng);
    const rate = learningRate(config.learningRate, epoch, epochs);
    for (let b = 0; b < perEpoch && !ctx.aborted; b++) {
      const from = b * batchSize;
      if (from + batchSize > centres.length) break;
      const batch = windowBatch(corpus, centres, from, from + batchSize, width);
      const { energy, winners } = learningStep(net, batch, inverseFrequency, rate, scratch);
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
  const results: FlyVecResults = {
    ...evaluate(ctx, corpus, net, k, config),
    ...energyResults(energies),
    batches: step,
  };
  await saveCodes(ctx, corpus, net, k);
  return results;
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

// ---------------------------------------------------------------------------------------------
// Live outputs: how often each cell wins, and what the busiest cells respond to

function reportCells(ctx: RunContext, corpus: Corpus, net: KenyonCells, wins: Float64Array, step: number): void {
  const order = Array.from(wins, (_, mu) => mu).sort((a, b) => (wins[b] as number) - (wins[a] as number));
  const dead = order.filter((mu) => wins[mu] === 0).length;
  const histogram: BarsOutput = {
    kind: 'bars',
    id: 'win-histogram',
    title: `Wins per Kenyon cell after ${step} batches (cells sorted by wins)`,
    categories: order.map((mu) => `KC ${mu}`),
    series: [{ label: 'windows won', values: order.map((mu) => wins[mu] as number) }],
    stacked: false,
    xLabel: 'Kenyon cell',
    yLabel: 'windows won',
    note: `${dead} of ${net.cells} cells never won (dead cells contribute nothing to the codes).`,
  };
  ctx.output(histogram);
  const vocabulary = corpus.words.length;
  const shown = order.slice(0, CELLS_SHOWN);
  const topWords: TableOutput = {
    kind: 'table',
    id: 'cell-words',
    title: 'Top target words of the busiest Kenyon cells',
    columns: ['cell', 'wins', 'strongest target synapses W_{μ,V+w}'],
    rows: shown.map((mu) => {
      const strongest = Array.from({ length: vocabulary }, (_, w) => w)
        .sort((a, b) => weight(net, vocabulary + b, mu) - weight(net, vocabulary + a, mu))
        .slice(0, WORDS_PER_CELL);
      return [`KC ${mu}`, wins[mu] as number, strongest.map((w) => corpus.words[w]).join(', ')];
    }),
  };
  ctx.output(topWords);
}

function weight(net: KenyonCells, input: number, cell: number): number {
  return net.synapses[input * net.cells + cell] as number;
}

// ---------------------------------------------------------------------------------------------
// Hashing and claims

/** The results read from the trained network's hash codes (all but the energies and the batch count). */
type HashResults = Omit<FlyVecResults, keyof EnergyResults | 'batches'>;

function evaluate(ctx: RunContext, corpus: Corpus, net: KenyonCells, k: number, config: FlyVecConfig): HashResults {
  const vocabulary = corpus.words.length;
  const normalized = normalizedCells(net);
  const codes = staticCodes(normalized, vocabulary, k);
  const all = Array.from({ length: vocabulary }, (_, w) => w);
  const content = all.filter((w) => !FUNCTION_WORDS.has(corpus.words[w] as string));
  const probes = probeList(corpus);

  const share = categoryShare(probes, codes, all, NEIGHBOURS_SCORED);
  const shareContent = categoryShare(probes, codes, content, NEIGHBOURS_SCORED);
  const randomRng = new Rng(ctx.rng.seed());
  let randomShare = 0;
  for (let d = 0; d < RANDOM_DRAWS; d++) {
    randomShare += categoryShare(probes, randomCodes(vocabulary, net.cells, k, randomRng), all, NEIGHBOURS_SCORED);
  }
  randomShare /= RANDOM_DRAWS;

  const query = config.query;
  const shownWords = [query, ...SHOWN_PROBES.filter((w) => w !== query)];
  const table: TableOutput = {
    kind: 'table',
    id: 'neighbours',
    title: `Nearest words by Hamming distance (k = ${k} of ${net.cells} cells active)`,
    columns: ['word', 'neighbours among content words (distance)', 'neighbours among all words'],
    rows: shownWords
      .filter((w) => corpus.ids.has(w))
      .map((w) => {
        const id = corpus.ids.get(w) as number;
        const list = (candidates: readonly number[]): string =>
          nearestNeighbours(codes[id] as Uint32Array, codes, candidates, NEIGHBOURS_SHOWN, id)
            .map((nb) => `${corpus.words[nb.word]} (${nb.distance})`)
            .join(', ');
        return [w, list(content), list(all)];
      }),
    note: `Content words leave out ${FUNCTION_WORDS.size} function words, which otherwise crowd the lists. Probe categories: same-category share of the top ${NEIGHBOURS_SCORED} = ${pct(share)} (content words: ${pct(shareContent)}), random codes of the same sparsity: ${pct(randomShare)}.`,
  };
  ctx.output(table);

  const contextWord = config.contextWord;
  const example = CONTEXT_EXAMPLES.find((e) => e.word === contextWord) ?? (CONTEXT_EXAMPLES[0] as ContextExample);
  const context = contextResults(ctx, corpus, normalized, codes, content, example, k, config.windowWidth);

  return {
    categoryShare: share,
    categoryShareContent: shareContent,
    randomShare,
    categoryRatio: randomShare > 0 ? share / randomShare : Number.POSITIVE_INFINITY,
    ...context,
  };
}

function probeList(corpus: Corpus): Probe[] {
  return Object.entries(PROBE_CATEGORIES).flatMap(([category, words]) =>
    words.filter((w) => corpus.ids.has(w)).map((w) => ({ word: corpus.ids.get(w) as number, category })),
  );
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/**
 * The context-dependent codes of an ambiguous word in its two sentences: the window of W words
 * around it gives the context bag c, and the code is the top-k of ⟨Ŵ_μ, [c ; e_w]⟩.
 */
function contextResults(
  ctx: RunContext,
  corpus: Corpus,
  normalized: KenyonCells,
  codes: readonly Uint32Array[],
  content: readonly number[],
  example: ContextExample,
  k: number,
  width: number,
): { contextDistance: number; contextFollow: number } {
  const vocabulary = corpus.words.length;
  const target = corpus.ids.get(example.word) as number;
  const half = Math.floor(width / 2);
  const senses = example.senses.map((sense) => {
    const tokens = sense.sentence.split(' ');
    const at = tokens.indexOf(example.word);
    const window = tokens.slice(Math.max(0, at - half), at + half + 1).filter((_, i, arr) => arr[i] !== example.word);
    const context = window.map((w) => corpus.ids.get(w)).filter((id): id is number => id !== undefined);
    const code = contextCode(normalized, inputIndices(context, target, vocabulary), k);
    return { sense, context, code };
  });
  const [a, b] = senses as [(typeof senses)[number], (typeof senses)[number]];
  const meanDistance = (code: Uint32Array, words: readonly number[]): number =>
    words.reduce((sum, w) => sum + hammingDistance(code, codes[w] as Uint32Array), 0) / Math.max(1, words.length);
  const contentOf = (words: readonly number[]): number[] =>
    words.filter((w) => !FUNCTION_WORDS.has(corpus.words[w] as string));
  const follows = (own: typeof a, other: typeof a): boolean =>
    meanDistance(own.code, contentOf(own.context)) < meanDistance(own.code, contentOf(other.context));
  const staticOwn = codes[target] as Uint32Array;
  const rows = [
    [`${example.word} (static)`, '', 0, list(staticOwn)],
    ...senses.map((s) => [
      `${example.word} (${s.sense.label})`,
      s.sense.sentence,
      hammingDistance(s.code, staticOwn),
      list(s.code),
    ]),
  ];
  function list(code: Uint32Array): string {
    return nearestNeighbours(code, codes, content, NEIGHBOURS_SHOWN, target)
      .map((nb) => `${corpus.words[nb.word]} (${nb.distance})`)
      .join(', ');
  }
  const contextDistance = hammingDistance(a.code, b.code);
  const table: TableOutput = {
    kind: 'table',
    id: 'context',
    title: `“${example.word}” in two sentences: context-dependent codes`,
    columns: ['code', 'sentence', 'Hamming distance to the static code', 'nearest content words (distance)'],
    rows,
    note: `The two context-dependent codes differ in ${contextDistance} of ${2 * k} possible bits. Words outside the vocabulary are skipped; the window is the ${width} words around “${example.word}”.`,
  };
  ctx.output(table);
  return { contextDistance, contextFollow: Number(follows(a, b)) + Number(follows(b, a)) };
}
