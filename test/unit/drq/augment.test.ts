import { strict as assert } from 'node:assert';
import { randomShift, shiftImage } from '../../../src/models/drq/augment';
import { Rng } from '../../../src/models/engine/rng';

const SHAPE = { height: 6, width: 5, channels: 2 };
const PIXELS = SHAPE.height * SHAPE.width * SHAPE.channels;

/** Distinct values per image, row, column and channel. */
function batch(n: number): Float32Array {
  return Float32Array.from({ length: n * PIXELS }, (_, i) => i);
}

/** Plain reference: replicate-pad an HWC image by p (explicitly), then crop at (dy, dx). */
function padThenCrop(src: Float32Array, b: number, p: number, dy: number, dx: number): number[] {
  const { height: h, width: w, channels: c } = SHAPE;
  const ph = h + 2 * p;
  const pw = w + 2 * p;
  const padded: number[] = [];
  for (let y = 0; y < ph; y++) {
    for (let x = 0; x < pw; x++) {
      const sy = y < p ? 0 : y >= h + p ? h - 1 : y - p;
      const sx = x < p ? 0 : x >= w + p ? w - 1 : x - p;
      for (let k = 0; k < c; k++) padded.push(src[b * PIXELS + (sy * w + sx) * c + k] as number);
    }
  }
  const out: number[] = [];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let k = 0; k < c; k++) out.push(padded[((y + dy) * pw + (x + dx)) * c + k] as number);
  return out;
}

describe('drq random shift', () => {
  it('keeps the batch shape and returns one offset pair per image, within {0, …, 2p}', () => {
    const { images, offsets } = randomShift(batch(7), 7, SHAPE, 2, new Rng(1));
    assert.equal(images.length, 7 * PIXELS);
    assert.equal(offsets.length, 14);
    for (const o of offsets) assert.ok(o >= 0 && o <= 4);
  });

  it('equals a crop of the replicate-padded image at the drawn offset', () => {
    const src = batch(16);
    for (const pad of [1, 2, 3]) {
      const { images, offsets } = randomShift(src, 16, SHAPE, pad, new Rng(pad));
      for (let b = 0; b < 16; b++) {
        const expected = padThenCrop(src, b, pad, offsets[2 * b] as number, offsets[2 * b + 1] as number);
        assert.deepEqual(Array.from(images.subarray(b * PIXELS, (b + 1) * PIXELS)), expected, `pad ${pad} image ${b}`);
      }
    }
  });

  it('equals the padded crop at every offset, for pads up to beyond the image, written at an offset', () => {
    const src = batch(2);
    for (const pad of [0, 1, 2, 4, 6]) {
      for (let dy = 0; dy <= 2 * pad; dy++) {
        for (let dx = 0; dx <= 2 * pad; dx++) {
          const dst = new Float32Array(3 * PIXELS).fill(-1);
          shiftImage(src, dst, 1, SHAPE, pad, dy, dx, PIXELS);
          const got = Array.from(dst.subarray(2 * PIXELS));
          assert.deepEqual(got, padThenCrop(src, 1, pad, dy, dx), `pad ${pad} at (${dy}, ${dx})`);
          assert.ok(
            dst.subarray(0, 2 * PIXELS).every((v) => v === -1),
            'nothing written before the image',
          );
        }
      }
    }
  });

  it('is the identity at the centre offset and covers every offset', () => {
    const src = batch(1);
    const dst = new Float32Array(PIXELS);
    shiftImage(src, dst, 0, SHAPE, 2, 2, 2);
    assert.deepEqual(dst, src);
    const seen = new Set<string>();
    const { offsets } = randomShift(batch(200), 200, SHAPE, 2, new Rng(3));
    for (let b = 0; b < 200; b++) seen.add(`${offsets[2 * b]},${offsets[2 * b + 1]}`);
    assert.equal(seen.size, 25);
  });

  it('draws independently per image: identical images get different shifts', () => {
    const one = batch(1);
    const same = new Float32Array(32 * PIXELS);
    for (let b = 0; b < 32; b++) same.set(one, b * PIXELS);
    const { images, offsets } = randomShift(same, 32, SHAPE, 2, new Rng(4));
    const distinctOffsets = new Set<string>();
    const distinctImages = new Set<string>();
    for (let b = 0; b < 32; b++) {
      distinctOffsets.add(`${offsets[2 * b]},${offsets[2 * b + 1]}`);
      distinctImages.add(Array.from(images.subarray(b * PIXELS, (b + 1) * PIXELS)).join(','));
    }
    // 32 draws from 25 offsets: far more than a few distinct ones unless the draws were shared.
    assert.ok(distinctOffsets.size >= 12, `${distinctOffsets.size} distinct offsets`);
    assert.equal(distinctImages.size, distinctOffsets.size);
    // And two calls with the same seed agree (deterministic), different seeds differ.
    assert.deepEqual(randomShift(same, 32, SHAPE, 2, new Rng(4)).offsets, offsets);
    assert.notDeepEqual(randomShift(same, 32, SHAPE, 2, new Rng(5)).offsets, offsets);
  });
});
