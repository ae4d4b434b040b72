/**
 * Help for writing `@paper <paper> <ref>` annotations: what to complete at the cursor, which known
 * id a misspelt one most likely meant, and the annotation under the cursor. No VS Code API here.
 */

/** What the text before the cursor on its line asks for: a paper id, an equation ref of a paper, or nothing. */
export type CompletionContext =
  | { readonly kind: 'paper'; readonly typed: string }
  | { readonly kind: 'ref'; readonly paper: string; readonly typed: string }
  | { readonly kind: 'none' };

const BEFORE_CURSOR = /@paper\s+([A-Za-z0-9_-]*)(?:\s+([A-Za-z0-9_.-]*))?$/;

export function completionContext(lineBeforeCursor: string): CompletionContext {
  const m = BEFORE_CURSOR.exec(lineBeforeCursor);
  if (!m) return { kind: 'none' };
  const paper = m[1] ?? '';
  if (m[2] === undefined) {
    // "@paper fedopt" with no space after it: still completing the paper id.
    return { kind: 'paper', typed: paper };
  }
  return { kind: 'ref', paper, typed: m[2] };
}

/** Levenshtein distance (insertions, deletions and substitutions cost 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The known ids closest to a misspelt one, best first: at most `limit`, and only those within
 * half the longer id's length (anything further is a different word, not a typo). A known id that
 * contains the typed one, or is contained in it, counts as close.
 */
export function closestIds(typed: string, known: readonly string[], limit = 3): string[] {
  const scored = known.map((id) => {
    const d = editDistance(typed.toLowerCase(), id.toLowerCase());
    const contains = typed.length > 0 && (id.includes(typed) || typed.includes(id));
    return { id, d: contains ? Math.min(d, 1) : d };
  });
  return scored
    .filter(({ id, d }) => d <= Math.max(typed.length, id.length) / 2)
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
    .slice(0, limit)
    .map((s) => s.id);
}
