/**
 * A 5 × 7 bitmap font (with two rows below the baseline for descenders) for text in the PNG
 * charts that `paper-lab export` writes without a browser or system fonts. Each glyph is nine rows
 * of five bits, the leftmost pixel the highest bit; rows 0–6 stand on the baseline, rows 7–8 hang
 * below it. A character the font lacks is drawn as a box.
 */
import font from './bitmapFont.json';

/** Width and height of a glyph cell in font pixels (one column and two rows of spacing included). */
export const GLYPH_ADVANCE = 6;
export const GLYPH_ROWS = 9;

/** The glyphs, from ./bitmapFont.json: each character's rows as two hex digits a row. */
const G: ReadonlyMap<string, readonly number[]> = new Map(
  Object.entries(font.glyphs).map(([char, hex]) => [char, (hex.match(/../g) ?? []).map((h) => parseInt(h, 16))]),
);

const BOX: readonly number[] = [0x1f, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1f];

/** The rows of `char`'s glyph (nine, missing ones empty); a box for a character the font lacks. */
export function glyphRows(char: string): number[] {
  const rows = G.get(char) ?? BOX;
  return Array.from({ length: GLYPH_ROWS }, (_, i) => rows[i] ?? 0);
}

/** Whether the font draws `char` (rather than a box). */
export function hasGlyph(char: string): boolean {
  return G.has(char);
}
