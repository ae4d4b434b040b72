/**
 * `@paper <paper-id> <equation-ref>` annotations in source comments, in any language:
 *
 *     // @paper fedopt server-yogi
 *     # @paper score-sde reverse-sde
 *
 * The annotation applies to the code that follows it (the next non-blank line).
 */

export interface Annotation {
  /** Zero-based line of the comment itself. */
  readonly line: number;
  /** Zero-based line of the code it annotates (next non-blank, non-annotation line), or `line` if none. */
  readonly target: number;
  /** Column where `@paper` starts, and the length of the whole `@paper id ref` text. */
  readonly column: number;
  readonly length: number;
  readonly paper: string;
  readonly ref: string;
}

const ANNOTATION = /(?:\/\/|#|--|\/\*+|\*|;|%)\s*@paper\s+([A-Za-z0-9_-]+)(?:\s+([A-Za-z0-9_.-]+))?/;

/** Finds every annotation in a text. Malformed ones (no ref) are returned with `ref: ''`. */
export function parseAnnotations(text: string): Annotation[] {
  const lines = text.split(/\r?\n/);
  const found: Annotation[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.includes('@paper')) continue;
    const match = ANNOTATION.exec(line);
    if (!match) continue;
    const at = line.indexOf('@paper', match.index);
    const paper = match[1] ?? '';
    const ref = match[2] ?? '';
    const length = line.slice(at).search(/\s*(\*\/)?\s*$/);
    found.push({
      line: i,
      target: nextCodeLine(lines, i),
      column: at,
      length: length > 0 ? length : line.length - at,
      paper,
      ref,
    });
  }
  return found;
}

function nextCodeLine(lines: readonly string[], from: number): number {
  for (let j = from + 1; j < lines.length; j++) {
    const l = lines[j] ?? '';
    if (l.trim() === '' || ANNOTATION.test(l)) continue;
    return j;
  }
  return from;
}

export interface AnnotationProblem {
  readonly annotation: Annotation;
  readonly message: string;
}

/**
 * Checks annotations against the catalog. `equations` maps a paper id to its equation refs.
 */
export function checkAnnotations(
  annotations: readonly Annotation[],
  equations: ReadonlyMap<string, readonly string[]>,
): AnnotationProblem[] {
  const problems: AnnotationProblem[] = [];
  for (const a of annotations) {
    const refs = equations.get(a.paper);
    if (!refs) {
      problems.push({
        annotation: a,
        message: `Unknown paper "${a.paper}" (known: ${[...equations.keys()].join(', ')})`,
      });
    } else if (a.ref === '') {
      problems.push({
        annotation: a,
        message: `@paper ${a.paper}: missing equation reference (one of: ${refs.join(', ')})`,
      });
    } else if (!refs.includes(a.ref)) {
      problems.push({
        annotation: a,
        message: `Unknown equation "${a.ref}" in ${a.paper} (known: ${refs.join(', ')})`,
      });
    }
  }
  return problems;
}
