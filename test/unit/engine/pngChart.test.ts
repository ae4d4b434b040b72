import { strict as assert } from 'node:assert';
import { inflateSync } from 'node:zlib';
import { GLYPH_ROWS, glyphRows, hasGlyph } from '../../../src/models/engine/bitmapFont';
import { chartRaster, crc32, encodePng, lineChartPng, Raster } from '../../../src/models/engine/pngChart';
import { chartFrame, type ChartSpec } from '../../../src/models/engine/svgChart';

/** A minimal PNG reader for the files encodePng writes: chunks with their CRCs checked, RGB rows unfiltered. */
function readPng(png: Buffer): { width: number; height: number; rgb: Buffer; chunks: string[] } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunks: string[] = [];
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.subarray(at + 4, at + 8).toString('latin1');
    const data = png.subarray(at + 8, at + 8 + length);
    assert.equal(png.readUInt32BE(at + 8 + length), crc32(png.subarray(at + 4, at + 8 + length)), `${type} CRC`);
    chunks.push(type);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.deepEqual([...data.subarray(8)], [8, 2, 0, 0, 0], 'RGB, 8 bits, no interlace');
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  assert.equal(raw.length, height * (width * 3 + 1));
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    assert.equal(raw[y * (width * 3 + 1)], 0, 'filter type 0');
    raw.copy(rgb, y * width * 3, y * (width * 3 + 1) + 1, (y + 1) * (width * 3 + 1));
  }
  return { width, height, rgb, chunks };
}

const pixel = (img: { width: number; rgb: Uint8Array }, x: number, y: number): number[] => {
  const i = (Math.round(y) * img.width + Math.round(x)) * 3;
  return [img.rgb[i] ?? -1, img.rgb[i + 1] ?? -1, img.rgb[i + 2] ?? -1];
};

describe('PNG charts', () => {
  it('computes CRC-32 as PNG does (the standard check value, and the CRC every IEND chunk carries)', () => {
    assert.equal(crc32(Buffer.from('123456789', 'latin1')), 0xcbf43926);
    assert.equal(crc32(Buffer.from('IEND', 'latin1')), 0xae426082);
  });

  it('encodes a raster that reads back pixel for pixel', () => {
    const r = new Raster(3, 2);
    r.blend(0, 0, [255, 0, 0], 1);
    r.blend(2, 1, [0, 0, 255], 0.5);
    const img = readPng(encodePng(r));
    assert.deepEqual(img.chunks, ['IHDR', 'IDAT', 'IEND']);
    assert.deepEqual([img.width, img.height], [3, 2]);
    assert.deepEqual(pixel(img, 0, 0), [255, 0, 0]);
    assert.deepEqual(pixel(img, 1, 0), [255, 255, 255]);
    assert.deepEqual(pixel(img, 2, 1), [128, 128, 255]);
  });

  it('draws a glyph exactly as its bitmap, standing on the baseline', () => {
    const r = new Raster(10, 14);
    r.text(2, 8, 'F', 1, [0, 0, 0]);
    const rows = glyphRows('F');
    for (let row = 0; row < GLYPH_ROWS; row++)
      for (let col = 0; col < 5; col++) {
        const on = ((rows[row] ?? 0) & (0x10 >> col)) !== 0;
        // Row 6 of a glyph is the row just above the baseline.
        assert.deepEqual(pixel({ width: 10, rgb: r.pixels }, 2 + col, 8 + row - 7), on ? [0, 0, 0] : [255, 255, 255]);
      }
    assert.equal(hasGlyph('η'), true);
    assert.equal(hasGlyph('\u{1F600}'), false);
  });

  it('covers the pixels within half the width of a line and leaves the rest', () => {
    const r = new Raster(40, 20);
    r.line(5, 10, 35, 10, 4, [0, 0, 0]);
    const img = { width: 40, rgb: r.pixels };
    assert.deepEqual(pixel(img, 20, 9), [0, 0, 0]);
    assert.deepEqual(pixel(img, 20, 10), [0, 0, 0]);
    assert.deepEqual(pixel(img, 20, 14), [255, 255, 255]);
    assert.deepEqual(pixel(img, 20, 5), [255, 255, 255]);
  });

  it('draws each series in its colour where the SVG puts it, clipped to the plot', () => {
    const spec: ChartSpec = {
      title: 'Loss',
      xLabel: 'step',
      yLabel: 'loss',
      series: [
        {
          label: 'train',
          points: [
            [0, 0],
            [10, 10],
          ],
        },
      ],
    };
    const frame = chartFrame(spec);
    const img = readPng(lineChartPng(spec));
    assert.deepEqual([img.width, img.height], [frame.width * 2, frame.height * 2]);
    const [a, b] = frame.series[0]?.points ?? [];
    assert.ok(a && b);
    // The middle of the series' line is the first series colour (#1f77b4).
    assert.deepEqual(pixel(img, (a[0] + b[0]) * 1, (a[1] + b[1]) * 1), [0x1f, 0x77, 0xb4]);
    // The title is drawn: dark pixels in its band, none far left of it.
    const raster = chartRaster(spec);
    const dark = (x0: number, x1: number, y0: number, y1: number): number => {
      let n = 0;
      for (let y = y0; y < y1; y++)
        for (let x = x0; x < x1; x++)
          if ((pixel({ width: raster.width, rgb: raster.pixels }, x, y)[0] ?? 255) < 100) n++;
      return n;
    };
    assert.ok(dark(frame.width - 60, frame.width + 60, 10, 50) > 50, 'title pixels');
    assert.equal(dark(0, 100, 10, 50), 0);
  });
});
