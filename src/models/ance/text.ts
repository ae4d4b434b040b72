/**
 * Text → hashed sub-word units, the input of the fastText-style encoder (equation `hashed-encoder`):
 * G(t) holds every word of t and the character 3–5-grams of each word wrapped in `<` `>`, and h
 * hashes a unit (FNV-1a, 32 bit) into one of `buckets` rows of the embedding table. Plain arrays.
 */

/** Lower-case words (runs of letters and digits, any script). */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

export const MIN_GRAM = 3;
export const MAX_GRAM = 5;

/** The units G(t): each word (prefixed `w:`), then the character n-grams of `<word>` for n = 3…5. */
export function subwordUnits(text: string): string[] {
  const units: string[] = [];
  for (const word of words(text)) {
    units.push(`w:${word}`);
    const chars = Array.from(`<${word}>`);
    for (let n = MIN_GRAM; n <= MAX_GRAM; n++) {
      for (let i = 0; i + n <= chars.length; i++) units.push(chars.slice(i, i + n).join(''));
    }
  }
  return units;
}

/** FNV-1a over the UTF-16 code units of `s`, as an unsigned 32-bit integer. */
export function fnv1a(s: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    hash ^= s.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Texts as rows of hashed unit ids in compressed-row form: text i has the ids
 * `ids[offsets[i] … offsets[i+1])` (with repeats; the encoder averages over them).
 */
export interface GramTable {
  readonly offsets: Int32Array;
  readonly ids: Int32Array;
}

export function gramTable(texts: readonly string[], buckets: number): GramTable {
  const offsets = new Int32Array(texts.length + 1);
  const ids: number[] = [];
  texts.forEach((text, i) => {
    // @paper ance hashed-encoder
    for (const unit of subwordUnits(text)) ids.push(fnv1a(unit) % buckets);
    offsets[i + 1] = ids.length;
  });
  return { offsets, ids: Int32Array.from(ids) };
}

export function rows(table: GramTable): number {
  return table.offsets.length - 1;
}
