/**
 * The prefix trie over the token sequences of all entity names (the paper's `Trie`): each node is a
 * prefix, each edge a token. Given a partial output y_<i it answers which tokens may come next,
 *
 *   𝒱(y_<i) = { v : y_<i v is a prefix of y_e for some e ∈ ℰ },
 *
 * with the end-of-name token allowed exactly where y_<i is a complete name. Exact and independent of
 * any model; its size grows with the total length of the names (shared prefixes stored once).
 */

interface TrieNode {
  readonly children: Map<number, TrieNode>;
  /** Index of the entity whose name ends here, or −1. */
  entity: number;
  /** Names that pass through (or end at) this node. */
  count: number;
}

const newNode = (): TrieNode => ({ children: new Map(), entity: -1, count: 0 });

export class PrefixTrie {
  private readonly root: TrieNode = newNode();
  private nodes = 1;
  private names = 0;

  /** @param endOfName the token that closes a name (it never appears inside one). */
  constructor(readonly endOfName: number) {}

  /** Adds a name (its tokens, without the end token) for entity `entity`. */
  insert(tokens: readonly number[], entity: number): void {
    let node = this.root;
    node.count++;
    for (const t of tokens) {
      if (t === this.endOfName) throw new Error('a name cannot contain the end-of-name token');
      let child = node.children.get(t);
      if (!child) {
        child = newNode();
        node.children.set(t, child);
        this.nodes++;
      }
      child.count++;
      node = child;
    }
    if (node.entity !== -1) throw new Error(`two entities share the name ${tokens.join(' ')}`);
    node.entity = entity;
    this.names++;
  }

  private find(prefix: readonly number[]): TrieNode | undefined {
    let node: TrieNode | undefined = this.root;
    for (const t of prefix) {
      node = node.children.get(t);
      if (!node) return undefined;
    }
    return node;
  }

  /** 𝒱(prefix): tokens that continue the prefix toward some name, plus the end token where a name is complete. */
  allowedNextTokens(prefix: readonly number[]): number[] {
    // 𝒱(y_<i) = { v : y_<i v is a prefix of y_e for some e ∈ ℰ }   (tokens allowed by the prefix trie)
    // @paper genre trie-allowed
    const node = this.find(prefix);
    if (!node) return [];
    const allowed = [...node.children.keys()];
    if (node.entity !== -1) allowed.push(this.endOfName);
    return allowed;
  }

  /** The entity whose full name is `tokens`, or −1. */
  entityOf(tokens: readonly number[]): number {
    return this.find(tokens)?.entity ?? -1;
  }

  /** True when `tokens` is exactly a name in the trie. */
  has(tokens: readonly number[]): boolean {
    return this.entityOf(tokens) !== -1;
  }

  /** Names that still start with `prefix` (0 when the prefix left the trie). */
  reachable(prefix: readonly number[]): number {
    return this.find(prefix)?.count ?? 0;
  }

  get size(): { readonly names: number; readonly nodes: number; readonly edges: number } {
    return { names: this.names, nodes: this.nodes, edges: this.nodes - 1 };
  }

  /**
   * Bytes of a compact array layout: per edge a 4-byte token id and a 4-byte child index, per node a
   * 4-byte offset into the edge array and a 4-byte entity id.
   */
  memoryBytes(): number {
    return 8 * this.size.edges + 8 * this.nodes;
  }
}
