/**
 * Beam search over names, constrained by the prefix trie or free, for many examples at once.
 * Independent of the model: it sees only a scorer that returns log p_θ(v | y_<i, x) for a batch of
 * hypotheses.
 *
 * At each step every live hypothesis y_<i is extended by the tokens v it may take (𝒱(y_<i) from the
 * trie when constrained, the whole vocabulary when free), scored by log p_θ(y_<i | x) + log p_θ(v | y_<i, x).
 * Tokens outside 𝒱(y_<i) get probability 0 (their log-probabilities are masked to −∞, as in the official
 * implementation, so a finished name's score is its likelihood under p_θ). As in fairseq's beam search,
 * which the official code runs, the 2B best candidates of each example are ranked: a candidate that
 * takes [EOS] among the first B is finished, and the B best candidates that do not take [EOS] stay
 * live, so finishing names never shrink the beam. Finished names are ranked by the length-normalised
 * score log p_θ(y | x) / |y|^α (|y| counts [EOS]). An example stops once it has B finished names (so a
 * better name still being written can be lost: a beam is a heuristic). Hypotheses still open after
 * `maxLength` tokens are returned as unfinished (not a name).
 */

/**
 * Scores the next token of a batch of hypotheses. Row r of the call continues row `parents[r]` of the
 * previous call (for the first call, `parents[r]` is the example index) with token `tokens[r]` ([BOS] at
 * the start). Resolves to log-probabilities, row-major [rows × vocabulary].
 */
export type NextTokenScorer = (parents: Int32Array, tokens: Int32Array) => Promise<Float32Array>;

export interface BeamSearchOptions {
  readonly examples: number;
  readonly vocabulary: number;
  readonly beamSize: number;
  /** Length-normalisation exponent α (0: raw log-likelihood). */
  readonly alpha: number;
  readonly maxLength: number;
  readonly bos: number;
  readonly eos: number;
  /** 𝒱(y_<i): the tokens a prefix may take; absent for free decoding. */
  readonly allowedNextTokens?: (prefix: readonly number[]) => readonly number[];
  /** Tokens free decoding never takes (padding, [BOS]). */
  readonly neverTokens?: readonly number[];
}

export interface Beam {
  /** Generated tokens, without [BOS] and [EOS]. */
  readonly tokens: readonly number[];
  /** log p_θ(y | x), including [EOS] when finished. */
  readonly logProb: number;
  /** Length-normalised score s(y | x). */
  readonly score: number;
  readonly finished: boolean;
}

interface Hypothesis {
  readonly tokens: number[];
  readonly logProb: number;
  /** Row of the last scorer call that holds this hypothesis's state. */
  readonly row: number;
}

interface Candidate {
  readonly parent: Hypothesis;
  readonly token: number;
  readonly logProb: number;
}

/** s(y | x) = log p_θ(y | x) / |y|^α. */
export function lengthNormalisedScore(logProb: number, length: number, alpha: number): number {
  // s(y | x) = (1 / |y|^α) · Σ_{i=1}^{|y|} log p_θ(y_i | y_<i, x)   (length-normalised beam score)
  // @paper genre length-normalised-score
  return logProb / Math.pow(Math.max(1, length), alpha);
}

/** Keeps the `k` best candidates in a small array sorted by decreasing log-probability. */
function pushTopK(top: Candidate[], candidate: Candidate, k: number): void {
  if (top.length === k && (top[k - 1] as Candidate).logProb >= candidate.logProb) return;
  let i = top.length < k ? top.length : k - 1;
  if (top.length < k) top.push(candidate);
  while (i > 0 && (top[i - 1] as Candidate).logProb < candidate.logProb) {
    top[i] = top[i - 1] as Candidate;
    i--;
  }
  top[i] = candidate;
}

/** One scorer call the search asks for: row r continues row `parents[r]` of the previous call with `tokens[r]`. */
export interface ScoreRequest {
  readonly parents: Int32Array;
  readonly tokens: Int32Array;
}

/** Beam search for every example; resolves to each example's beams, best first. */
export async function beamSearch(options: BeamSearchOptions, scorer: NextTokenScorer): Promise<Beam[][]> {
  const search = beamSearchSteps(options);
  let request = search.next();
  while (!request.done) request = search.next(await scorer(request.value.parents, request.value.tokens));
  return request.value;
}

/** The same search with a synchronous scorer (a plain-array model). */
export function beamSearchSync(
  options: BeamSearchOptions,
  scorer: (parents: Int32Array, tokens: Int32Array) => Float32Array,
): Beam[][] {
  const search = beamSearchSteps(options);
  let request = search.next();
  while (!request.done) request = search.next(scorer(request.value.parents, request.value.tokens));
  return request.value;
}

/** The search itself, independent of how scores are computed: yields score requests, receives log-probabilities. */
function* beamSearchSteps(options: BeamSearchOptions): Generator<ScoreRequest, Beam[][], Float32Array> {
  const { examples, vocabulary, beamSize, alpha, maxLength, bos, eos, allowedNextTokens } = options;
  const never = new Set(options.neverTokens ?? []);
  const everyToken = Array.from({ length: vocabulary }, (_, v) => v).filter((v) => !never.has(v));
  const live: Hypothesis[][] = Array.from({ length: examples }, (_, e) => [{ tokens: [], logProb: 0, row: e }]);
  const finished: Beam[][] = Array.from({ length: examples }, () => []);

  for (let step = 0; step < maxLength; step++) {
    const rows = live.flat();
    if (rows.length === 0) break;
    const rowOf = new Map(rows.map((h, i) => [h, i]));
    const parents = Int32Array.from(rows, (h) => h.row);
    const tokens = Int32Array.from(rows, (h) => h.tokens[h.tokens.length - 1] ?? bos);
    const logProbs: Float32Array = yield { parents, tokens };
    let r = 0;
    for (let e = 0; e < examples; e++) {
      const top: Candidate[] = [];
      for (const parent of live[e] as Hypothesis[]) {
        const offset = r++ * vocabulary;
        // p̃_θ(v | y_<i, x) ∝ p_θ(v | y_<i, x) · 𝟙[v ∈ 𝒱(y_<i)]   (constrained next-token distribution)
        // @paper genre constrained-distribution
        const allowed = allowedNextTokens ? allowedNextTokens(parent.tokens) : everyToken;
        // B_i = top_B { (y_<i v, log p_θ(y_<i | x) + log p_θ(v | y_<i, x)) : y_<i ∈ B_{i−1}, v ∈ 𝒱(y_<i) }
        //   (one step of constrained beam search)
        // @paper genre beam-step
        for (const v of allowed) {
          const logProb = parent.logProb + (logProbs[offset + v] as number);
          // Most tokens cannot enter a full list: skip them before building a candidate.
          if (top.length === 2 * beamSize && (top[top.length - 1] as Candidate).logProb >= logProb) continue;
          pushTopK(top, { parent, token: v, logProb }, 2 * beamSize);
        }
      }
      const done = finished[e] as Beam[];
      const next: Hypothesis[] = [];
      top.forEach((c, rank) => {
        if (c.token === eos) {
          if (rank < beamSize && done.length < beamSize) {
            const score = lengthNormalisedScore(c.logProb, c.parent.tokens.length + 1, alpha);
            done.push({ tokens: c.parent.tokens, logProb: c.logProb, score, finished: true });
          }
        } else if (next.length < beamSize) {
          next.push({ tokens: [...c.parent.tokens, c.token], logProb: c.logProb, row: rowOf.get(c.parent) ?? 0 });
        }
      });
      live[e] = done.length >= beamSize ? [] : next;
    }
  }

  return finished.map((done, e) => {
    const open = (live[e] as Hypothesis[]).map((h): Beam => ({
      tokens: h.tokens,
      logProb: h.logProb,
      score: lengthNormalisedScore(h.logProb, h.tokens.length, alpha),
      finished: false,
    }));
    const ranked = [...done].sort((a, b) => b.score - a.score);
    if (ranked.length < beamSize) ranked.push(...open.sort((a, b) => b.score - a.score));
    return ranked.slice(0, beamSize);
  });
}
