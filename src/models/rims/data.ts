/**
 * The copying task, generated. A sequence shows `SYMBOLS` symbols drawn from an alphabet of
 * `ALPHABET`, then a dormant phase of T blanks, then a marker, then `SYMBOLS` more blanks during
 * which the model must reproduce the symbols in order:
 *
 *   input   s₁ … s₁₀  ∅ … ∅ (T)  ▸  ∅ … ∅ (10)
 *   target  —            —         —   s₁ … s₁₀      (only the copy positions are scored)
 *
 * Length L = 10 + T + 1 + 10. Tensors are laid out time-major ([L, B, V]) for the unrolled models.
 */
import type { Rng } from '../engine/rng';

/** Symbols to remember per sequence. */
export const SYMBOLS = 10;
/** Alphabet size; chance accuracy on a copy position is 1 / ALPHABET. */
export const ALPHABET = 8;
/** Input tokens: 0 blank, 1…ALPHABET symbols, ALPHABET + 1 the marker. */
export const BLANK = 0;
export const MARKER = ALPHABET + 1;
export const VOCAB = ALPHABET + 2;

/** Where each phase starts and ends in a sequence with a dormant phase of `dormant` blanks. */
export interface CopyLayout {
  readonly length: number;
  /** Positions [0, SYMBOLS): the symbols to remember. */
  readonly inputEnd: number;
  /** Positions [inputEnd, markerAt): the dormant phase. */
  readonly markerAt: number;
  /** Positions [copyStart, length): the copy positions, scored by the loss. */
  readonly copyStart: number;
}

export function copyLayout(dormant: number): CopyLayout {
  const markerAt = SYMBOLS + dormant;
  return { length: markerAt + 1 + SYMBOLS, inputEnd: SYMBOLS, markerAt, copyStart: markerAt + 1 };
}

export interface CopyBatch {
  readonly layout: CopyLayout;
  readonly batch: number;
  /** Input tokens, time-major: tokens[t * batch + b]. */
  readonly tokens: Int32Array;
  /** One-hot inputs, time-major [length, batch, VOCAB]. */
  readonly inputs: Float32Array;
  /** Targets on the copy positions, time-major [SYMBOLS, batch], as symbol indices 0…ALPHABET−1. */
  readonly targets: Int32Array;
}

/** `batch` copying sequences with a dormant phase of `dormant` blanks. */
export function copyingBatch(rng: Rng, batch: number, dormant: number): CopyBatch {
  const layout = copyLayout(dormant);
  const tokens = new Int32Array(layout.length * batch).fill(BLANK);
  const targets = new Int32Array(SYMBOLS * batch);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < SYMBOLS; i++) {
      const symbol = rng.int(ALPHABET);
      tokens[i * batch + b] = symbol + 1;
      targets[i * batch + b] = symbol;
    }
    tokens[layout.markerAt * batch + b] = MARKER;
  }
  const inputs = new Float32Array(tokens.length * VOCAB);
  tokens.forEach((token, i) => (inputs[i * VOCAB + token] = 1));
  return { layout, batch, tokens, inputs, targets };
}

/** A token as a reader sees it: a–h for symbols, · for blank, ▸ for the marker. */
export function tokenText(token: number): string {
  if (token === BLANK) return '·';
  if (token === MARKER) return '▸';
  return String.fromCharCode(96 + token);
}
