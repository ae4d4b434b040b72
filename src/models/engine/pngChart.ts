/**
 * The same chart as ./svgChart.ts, as a PNG image: drawn at twice the SVG's size into an RGB
 * raster (anti-aliased lines, a bitmap font for the text) and encoded with Node's zlib. No
 * browser, canvas or system font is needed, so `paper-lab export` writes it anywhere.
 */
import { deflateSync } from 'node:zlib';
import { GLYPH_ADVANCE, GLYPH_ROWS, glyphRows } from './bitmapFont';
import { chartFrame, type ChartSpec } from './svgChart';

/** Raster pixels per chart pixel. */
const SCALE = 2;

type Rgb = readonly [number, number, number];

function parseColour(hex: string): Rgb {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  const v = m?.[1] ? parseInt(m[1], 16) : 0;
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

interface Clip {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

/** An RGB raster on a white background. */
export class Raster {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = new Uint8Array(width * height * 3).fill(255);
  }

  /** Blends `colour` over pixel (x, y) with opacity `alpha` (pixels outside the raster or `clip` are left alone). */
  blend(x: number, y: number, colour: Rgb, alpha: number, clip?: Clip): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || alpha <= 0) return;
    if (clip && (x < clip.x0 || y < clip.y0 || x >= clip.x1 || y >= clip.y1)) return;
    const a = Math.min(1, alpha);
    const i = (y * this.width + x) * 3;
    for (let c = 0; c < 3; c++) {
      const old = this.pixels[i + c] ?? 255;
      this.pixels[i + c] = Math.round(old + ((colour[c] ?? 0) - old) * a);
    }
  }

  /**
   * A line segment of `width` pixels with round ends, anti-aliased: each pixel is covered by how
   * far its centre lies inside the stroke (distance to the segment against half the width).
   */
  line(ax: number, ay: number, bx: number, by: number, width: number, colour: Rgb, clip?: Clip): void {
    const half = width / 2;
    const x0 = Math.floor(Math.min(ax, bx) - half - 1);
    const x1 = Math.ceil(Math.max(ax, bx) + half + 1);
    const y0 = Math.floor(Math.min(ay, by) - half - 1);
    const y1 = Math.ceil(Math.max(ay, by) + half + 1);
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const cx = x + 0.5;
        const cy = y + 0.5;
        const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((cx - ax) * dx + (cy - ay) * dy) / len2));
        const d = Math.hypot(cx - (ax + t * dx), cy - (ay + t * dy));
        const cover = Math.max(0, Math.min(1, half + 0.5 - d));
        if (cover > 0) this.blend(x, y, colour, cover, clip);
      }
    }
  }

  /**
   * Text in the bitmap font, each font pixel `size` raster pixels square; `anchor` places the text's
   * start, middle or end at x; y is the baseline. `rotated` turns it a quarter anticlockwise
   * (reading upwards), anchored on (x, y) the same way along its direction.
   */
  text(
    x: number,
    y: number,
    text: string,
    size: number,
    colour: Rgb,
    anchor: 'start' | 'middle' | 'end' = 'start',
    rotated = false,
  ): void {
    const chars = [...text];
    const length = chars.length * GLYPH_ADVANCE * size - size;
    const shift = anchor === 'start' ? 0 : anchor === 'middle' ? length / 2 : length;
    chars.forEach((ch, k) => {
      const rows = glyphRows(ch);
      for (let r = 0; r < GLYPH_ROWS; r++) {
        const bits = rows[r] ?? 0;
        for (let c = 0; c < 5; c++) {
          if ((bits & (0x10 >> c)) === 0) continue;
          // Along the text and across it, in raster pixels from the anchor; row 6 sits on the baseline.
          const along = k * GLYPH_ADVANCE * size + c * size - shift;
          const across = (r - 6) * size - size;
          for (let i = 0; i < size; i++)
            for (let j = 0; j < size; j++) {
              const px = rotated ? x + across + j : x + along + i;
              const py = rotated ? y - along - i : y + across + j;
              this.blend(Math.round(px), Math.round(py), colour, 1);
            }
        }
      }
    });
  }
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO 3309, as PNG uses it) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const b of bytes) crc = (crcTable[(crc ^ b) & 255] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** The raster as a PNG file: 8-bit RGB, no interlacing, each row unfiltered. */
export function encodePng(raster: Raster): Buffer {
  const { width, height, pixels } = raster;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const rows = Buffer.alloc(height * (width * 3 + 1));
  for (let y = 0; y < height; y++) {
    rows[y * (width * 3 + 1)] = 0; // filter: none
    Buffer.from(pixels.buffer, pixels.byteOffset + y * width * 3, width * 3).copy(rows, y * (width * 3 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

const INK: Rgb = [0x33, 0x33, 0x33];
const GRID: Rgb = [0xe0, 0xe0, 0xe0];

/** The chart drawn into a raster at SCALE × the SVG's size. */
export function chartRaster(spec: ChartSpec): Raster {
  const f = chartFrame(spec);
  const s = SCALE;
  const img = new Raster(f.width * s, f.height * s);
  const { left, top, plotWidth, plotHeight } = f;
  img.text((f.width / 2) * s, 22 * s, f.title, 3, [0, 0, 0], 'middle');
  for (const item of f.legend) {
    img.line(item.x * s, (item.y - 4) * s, (item.x + 20) * s, (item.y - 4) * s, 2 * s, parseColour(item.colour));
    img.text((item.x + 26) * s, item.y * s, item.label, s, INK);
  }
  for (const t of f.yTicks) img.line(left * s, t.at * s, (left + plotWidth) * s, t.at * s, s, GRID);
  for (const t of f.xTicks) img.line(t.at * s, top * s, t.at * s, (top + plotHeight) * s, s, GRID);
  for (const t of f.yTicks) img.text((left - 6) * s, (t.at + 4) * s, t.text, s, INK, 'end');
  for (const t of f.xTicks) img.text(t.at * s, (top + plotHeight + 16) * s, t.text, s, INK, 'middle');
  img.line(left * s, top * s, left * s, (top + plotHeight) * s, s, INK);
  img.line(left * s, (top + plotHeight) * s, (left + plotWidth) * s, (top + plotHeight) * s, s, INK);
  img.text((left + plotWidth / 2) * s, (f.height - 12) * s, f.xTitle, s, INK, 'middle');
  img.text(20 * s, (top + plotHeight / 2) * s, f.yTitle, s, INK, 'middle', true);
  if (f.empty)
    img.text((left + plotWidth / 2) * s, (top + plotHeight / 2) * s, 'no data', s, [0x77, 0x77, 0x77], 'middle');
  const clip: Clip = { x0: left * s, y0: top * s, x1: (left + plotWidth) * s, y1: (top + plotHeight) * s };
  for (const series of f.series) {
    const colour = parseColour(series.colour);
    const pts = series.points;
    if (pts.length === 1 && pts[0])
      img.line(pts[0][0] * s, pts[0][1] * s, pts[0][0] * s, pts[0][1] * s, 3 * s, colour, clip);
    for (let i = 1; i < pts.length; i++) {
      const a = pts[i - 1];
      const b = pts[i];
      if (a && b) img.line(a[0] * s, a[1] * s, b[0] * s, b[1] * s, 1.5 * s, colour, clip);
    }
  }
  return img;
}

/** The chart as a PNG file. */
export function lineChartPng(spec: ChartSpec): Buffer {
  return encodePng(chartRaster(spec));
}
