import { strict as assert } from 'node:assert';
import { type Beam, beamSearch, type NextTokenScorer } from '../../../src/models/genre/beamSearch';
import { PrefixTrie } from '../../../src/models/genre/prefixTrie';
import { Rng } from '../../../src/models/engine/rng';

const BOS = 1;
const EOS = 2;
const VOCABULARY = 7; // 0 pad, 1 BOS, 2 EOS, 3..6 name tokens

/**
 * A hand-specified model: p(v | prefix) is a fixed random distribution per prefix (drawn from a
 * seeded generator keyed on the prefix), the same for every example. The scorer tracks each row's prefix.
 */
/**
 * A beam-search scorer over a toy model given as log p(v | prefix): it follows each row's prefix
 * from the parents and tokens the search hands it (the first call starts from [BOS]).
 */
function prefixScorer(vocabulary: number, logProb: (prefix: readonly number[], v: number) => number): NextTokenScorer {
  let prefixes: number[][] = [];
  let first = true;
  return (parents, tokens) => {
    const next = Array.from(parents, (p, r) => {
      const base = first ? [] : (prefixes[p] as number[]);
      const t = tokens[r] as number;
      return t === BOS ? [...base] : [...base, t];
    });
    first = false;
    prefixes = next;
    const out = new Float32Array(next.length * vocabulary);
    next.forEach((prefix, r) => {
      for (let v = 0; v < vocabulary; v++) out[r * vocabulary + v] = logProb(prefix, v);
    });
    return Promise.resolve(out);
  };
}

function toyModel(seed: number): {
  scorer: () => NextTokenScorer;
  logProb: (prefix: readonly number[], v: number) => number;
} {
  const cache = new Map<string, Float64Array>();
  const dist = (prefix: readonly number[]): Float64Array => {
    const key = prefix.join(' ');
    let d = cache.get(key);
    if (!d) {
      let h = seed;
      for (const t of prefix) h = (h * 31 + t) >>> 0;
      const rng = new Rng(h);
      const w = Array.from({ length: VOCABULARY }, (_, v) => (v < 2 ? 0 : Math.exp(2 * rng.normal())));
      const z = w.reduce((a, b) => a + b, 0);
      d = Float64Array.from(w, (x) => x / z);
      cache.set(key, d);
    }
    return d;
  };
  const logProb = (prefix: readonly number[], v: number) => Math.log(dist(prefix)[v] as number);
  const scorer = (): NextTokenScorer => prefixScorer(VOCABULARY, logProb);
  return { scorer, logProb };
}

function randomNames(rng: Rng, count: number): number[][] {
  const seen = new Set<string>();
  const names: number[][] = [];
  while (names.length < count) {
    const name = Array.from({ length: 1 + rng.int(3) }, () => 3 + rng.int(4));
    if (!seen.has(name.join(' '))) {
      seen.add(name.join(' '));
      names.push(name);
    }
  }
  return names;
}

const nameLogProb = (logProb: (p: readonly number[], v: number) => number, name: readonly number[]): number =>
  name.reduce((s, t, i) => s + logProb(name.slice(0, i), t), 0) + logProb(name, EOS);

describe('genre constrained beam search', () => {
  for (const seed of [0, 1, 2, 3, 4]) {
    it(`returns the most probable valid name, as exhaustive enumeration does (seed ${seed})`, async () => {
      const rng = new Rng(100 + seed);
      const names = randomNames(rng, 12);
      const trie = new PrefixTrie(EOS);
      names.forEach((n, i) => trie.insert(n, i));
      const { scorer, logProb } = toyModel(seed);
      // Exhaustive: argmax_e log p(y_e | x) over all names.
      const best = [...names].sort((a, b) => nameLogProb(logProb, b) - nameLogProb(logProb, a))[0] as number[];
      // With B ≥ |E| and α = 0 the constrained search is exact.
      const [beams] = await beamSearch(
        {
          examples: 1,
          vocabulary: VOCABULARY,
          beamSize: names.length,
          alpha: 0,
          maxLength: 5,
          bos: BOS,
          eos: EOS,
          allowedNextTokens: (p) => trie.allowedNextTokens(p),
        },
        scorer(),
      );
      const top = (beams as Beam[])[0] as Beam;
      assert.deepEqual(top.tokens, best);
      assert.ok(Math.abs(top.logProb - nameLogProb(logProb, best)) < 1e-4);
      // Every beam is a name, scored by its log-likelihood; all names are found, in order.
      const all = beams as Beam[];
      assert.equal(all.length, names.length);
      for (const beam of all) {
        assert.ok(beam.finished && trie.has(beam.tokens));
        assert.ok(Math.abs(beam.logProb - nameLogProb(logProb, beam.tokens)) < 1e-4);
      }
    });
  }

  it('never leaves the trie, at any beam size and α, while free decoding may', async () => {
    let freeInvalid = 0;
    for (let seed = 0; seed < 20; seed++) {
      const rng = new Rng(seed);
      const names = randomNames(rng, 6);
      const trie = new PrefixTrie(EOS);
      names.forEach((n, i) => trie.insert(n, i));
      const { scorer } = toyModel(seed);
      // Wrap the trie to check that every expanded prefix is a prefix of some name.
      const allowed = (prefix: readonly number[]) => {
        assert.ok(trie.reachable(prefix) > 0, `left the trie at ${prefix.join(' ')}`);
        return trie.allowedNextTokens(prefix);
      };
      const options = {
        examples: 3,
        vocabulary: VOCABULARY,
        beamSize: 1 + (seed % 4),
        alpha: seed % 3 === 0 ? 0 : 1,
        maxLength: 6,
        bos: BOS,
        eos: EOS,
      };
      const constrained = await beamSearch({ ...options, allowedNextTokens: allowed }, scorer());
      for (const beams of constrained) for (const b of beams) assert.ok(b.finished && trie.has(b.tokens));
      const free = await beamSearch({ ...options, neverTokens: [0, BOS] }, scorer());
      for (const beams of free)
        if (!((beams[0] as Beam).finished && trie.has((beams[0] as Beam).tokens))) freeInvalid++;
    }
    assert.ok(freeInvalid > 0, 'free decoding should sometimes produce a non-name on a random model');
  });

  it('ranks finished beams by the length-normalised score', async () => {
    const names = [[3], [4, 5, 6]];
    const trie = new PrefixTrie(EOS);
    names.forEach((n, i) => trie.insert(n, i));
    const { scorer, logProb } = toyModel(7);
    for (const alpha of [0, 1]) {
      const [beams] = await beamSearch(
        {
          examples: 1,
          vocabulary: VOCABULARY,
          beamSize: 2,
          alpha,
          maxLength: 5,
          bos: BOS,
          eos: EOS,
          allowedNextTokens: (p) => trie.allowedNextTokens(p),
        },
        scorer(),
      );
      const expected = names
        .map((n) => ({ n, s: nameLogProb(logProb, n) / Math.pow(n.length + 1, alpha) }))
        .sort((a, b) => b.s - a.s)
        .map((x) => x.n);
      assert.deepEqual(
        (beams as Beam[]).map((b) => b.tokens),
        expected,
      );
    }
  });
});

describe('genre beam search termination', () => {
  /**
   * A hand-written model over tokens 3..9 that mirrors "Georgia" in a U.S.-state context: names
   * "ohio" [3], "georgia ( country )" [4, 5, 6, 7] and "georgia ( u.s. state )" [4, 5, 8, 9, 7]; the
   * model is sure of the state. Listed next-token probabilities per prefix; everything else is 0.
   */
  const table: Record<string, Record<number, number>> = {
    '': { 4: 0.9, 3: 0.1 },
    '3': { [EOS]: 1 },
    '4': { 5: 1 },
    '4 5': { 8: 0.99, 6: 0.01 },
    '4 5 6': { 7: 1 },
    '4 5 6 7': { [EOS]: 1 },
    '4 5 8': { 9: 1 },
    '4 5 8 9': { 7: 1 },
    '4 5 8 9 7': { [EOS]: 1 },
  };
  const vocabulary = 10;
  const logProb = (prefix: readonly number[], v: number): number => {
    const p = table[prefix.join(' ')]?.[v] ?? 0;
    return p > 0 ? Math.log(p) : -1e9;
  };
  const scorer = (): NextTokenScorer => prefixScorer(vocabulary, logProb);

  const search = async (beamSize: number): Promise<Beam[]> => {
    const trie = new PrefixTrie(EOS);
    [[3], [4, 5, 6, 7], [4, 5, 8, 9, 7]].forEach((n, i) => trie.insert(n, i));
    const [beams] = await beamSearch(
      {
        examples: 1,
        vocabulary,
        beamSize,
        alpha: 1,
        maxLength: 8,
        bos: BOS,
        eos: EOS,
        allowedNextTokens: (p) => trie.allowedNextTokens(p),
      },
      scorer(),
    );
    return beams ?? [];
  };

  it('keeps B live hypotheses while names finish, and stops at B finished names as fairseq does', async () => {
    // B = 3: "ohio" finishes at step 2 without taking the place of "georgia (", so all three names
    // finish and the state's, by far the most probable (log p = log 0.9 + log 0.99), wins.
    const three = await search(3);
    assert.deepEqual(
      three.map((b) => b.tokens),
      [[4, 5, 8, 9, 7], [4, 5, 6, 7], [3]],
    );
    const top = three[0] as Beam;
    assert.ok(Math.abs(top.logProb - (Math.log(0.9) + Math.log(0.99))) < 1e-5);
    assert.ok(Math.abs(top.score - top.logProb / 6) < 1e-6);
    // B = 2: "ohio" and "georgia ( country )" are finished before the state's name, and the search
    // stops there: a beam is a heuristic, and the better of the two finished names is returned.
    const two = await search(2);
    assert.deepEqual(
      two.map((b) => b.tokens),
      [[4, 5, 6, 7], [3]],
    );
  });
});
