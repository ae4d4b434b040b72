import { strict as assert } from 'node:assert';
import { Rng } from '../../../src/models/engine/rng';
import { PrefixTrie } from '../../../src/models/genre/prefixTrie';

const EOS = 0;

/** Random distinct names over a small alphabet (1–4), so that prefixes are shared often. */
function randomNames(rng: Rng, count: number): number[][] {
  const seen = new Set<string>();
  const names: number[][] = [];
  while (names.length < count) {
    const name = Array.from({ length: 1 + rng.int(4) }, () => 1 + rng.int(4));
    if (!seen.has(name.join(' '))) {
      seen.add(name.join(' '));
      names.push(name);
    }
  }
  return names;
}

/** 𝒱(prefix) by scanning every name. */
function bruteForceAllowed(names: readonly number[][], prefix: readonly number[]): number[] {
  const allowed = new Set<number>();
  for (const name of names) {
    if (name.length < prefix.length || prefix.some((t, i) => name[i] !== t)) continue;
    allowed.add(name.length === prefix.length ? EOS : (name[prefix.length] as number));
  }
  return [...allowed].sort((a, b) => a - b);
}

describe('genre prefix trie', () => {
  for (const seed of [0, 1, 2, 3]) {
    it(`matches a brute-force scan on random name sets (seed ${seed})`, () => {
      const rng = new Rng(seed);
      const names = randomNames(rng, 20 + rng.int(40));
      const trie = new PrefixTrie(EOS);
      names.forEach((n, i) => trie.insert(n, i));
      for (let trial = 0; trial < 300; trial++) {
        const prefix = Array.from({ length: rng.int(5) }, () => 1 + rng.int(4));
        const allowed = trie.allowedNextTokens(prefix).sort((a, b) => a - b);
        assert.deepEqual(allowed, bruteForceAllowed(names, prefix), `prefix ${prefix.join(' ')}`);
        const index = names.findIndex((n) => n.join(' ') === prefix.join(' '));
        assert.equal(trie.has(prefix), index !== -1);
        assert.equal(trie.entityOf(prefix), index);
        const reachable = names.filter((n) => prefix.every((t, i) => n[i] === t)).length;
        assert.equal(trie.reachable(prefix), reachable);
      }
      assert.equal(trie.size.names, names.length);
    });
  }

  it('counts nodes once per distinct prefix', () => {
    const trie = new PrefixTrie(EOS);
    trie.insert([1, 2, 3], 0);
    trie.insert([1, 2, 4], 1);
    trie.insert([1], 2);
    // root, [1], [1 2], [1 2 3], [1 2 4]
    assert.deepEqual(trie.size, { names: 3, nodes: 5, edges: 4 });
    assert.equal(trie.memoryBytes(), 8 * 4 + 8 * 5);
    assert.throws(() => trie.insert([1, 2, 3], 3));
    assert.throws(() => trie.insert([1, EOS], 3));
  });
});
