/**
 * Random-shift augmentation f(s, ν): replicate-pad each image by `pad` pixels on every side,
 * then crop back to the original size at an offset ν drawn uniformly from {0, …, 2·pad}² —
 * independently for every image of the batch (the official code pads with `nn.ReplicationPad2d`
 * and crops with `kornia.augmentation.RandomCrop`). Runs on plain arrays: observations are
 * small and the crop is an index computation, so no tensor work is needed before upload.
 */
import type { Rng } from '../engine/rng';

export interface ImageShape {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/**
 * Crops image `b` of `src` (batch of HWC images) at offset (dy, dx) of its replicate-padded
 * copy into image `b` of `dst`, whose images start at `dstOffset`:
 * dst[y][x] = src[clamp(y + dy − pad)][clamp(x + dx − pad)]. Row by row: the columns left of
 * the image repeat its first pixel, those right of it its last, and the rest is one run of the
 * source row.
 */
export function shiftImage(
  src: Float32Array,
  dst: Float32Array,
  b: number,
  shape: ImageShape,
  pad: number,
  dy: number,
  dx: number,
  dstOffset = 0,
): void {
  const { height: h, width: w, channels: c } = shape;
  const base = b * h * w * c;
  const shift = dx - pad;
  // Output columns [0, left) read column 0, [right, w) read column w − 1, [left, right) read x + shift.
  const left = Math.min(w, Math.max(0, -shift));
  const right = Math.max(left, Math.min(w, w - shift));
  for (let y = 0; y < h; y++) {
    const sy = Math.min(h - 1, Math.max(0, y + dy - pad));
    const from = base + sy * w * c;
    const to = dstOffset + base + y * w * c;
    for (let x = 0; x < left; x++) for (let k = 0; k < c; k++) dst[to + x * c + k] = src[from + k] as number;
    const run = from + (left + shift) * c;
    if (right > left) dst.set(src.subarray(run, run + (right - left) * c), to + left * c);
    const last = from + (w - 1) * c;
    for (let x = right; x < w; x++) for (let k = 0; k < c; k++) dst[to + x * c + k] = src[last + k] as number;
  }
}

/**
 * One independent random shift per image of a batch of `batch` HWC images. Returns the shifted
 * batch and the offsets drawn (dy, dx per image), which tests and the observation strip read.
 * The batch is written into `dst` from `dstOffset` (by default a new array of the batch's size).
 */
// @paper drq random-shift
export function randomShift(
  src: Float32Array,
  batch: number,
  shape: ImageShape,
  pad: number,
  rng: Rng,
  dst: Float32Array = new Float32Array(src.length),
  dstOffset = 0,
): { images: Float32Array; offsets: Int32Array } {
  const offsets = new Int32Array(2 * batch);
  for (let b = 0; b < batch; b++) {
    const dy = rng.int(2 * pad + 1);
    const dx = rng.int(2 * pad + 1);
    offsets[2 * b] = dy;
    offsets[2 * b + 1] = dx;
    shiftImage(src, dst, b, shape, pad, dy, dx, dstOffset);
  }
  return { images: dst, offsets };
}
