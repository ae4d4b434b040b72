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
 * copy into `dst` at the same position: dst[y][x] = src[clamp(y + dy − pad)][clamp(x + dx − pad)].
 */
export function shiftImage(
  src: Float32Array,
  dst: Float32Array,
  b: number,
  shape: ImageShape,
  pad: number,
  dy: number,
  dx: number,
): void {
  const { height: h, width: w, channels: c } = shape;
  const base = b * h * w * c;
  for (let y = 0; y < h; y++) {
    const sy = Math.min(h - 1, Math.max(0, y + dy - pad));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(w - 1, Math.max(0, x + dx - pad));
      const from = base + (sy * w + sx) * c;
      const to = base + (y * w + x) * c;
      for (let k = 0; k < c; k++) dst[to + k] = src[from + k] as number;
    }
  }
}

/**
 * One independent random shift per image of a batch of `batch` HWC images. Returns the shifted
 * batch and the offsets drawn (dy, dx per image), which tests and the observation strip read.
 */
// @paper drq random-shift
export function randomShift(
  src: Float32Array,
  batch: number,
  shape: ImageShape,
  pad: number,
  rng: Rng,
): { images: Float32Array; offsets: Int32Array } {
  const images = new Float32Array(src.length);
  const offsets = new Int32Array(2 * batch);
  for (let b = 0; b < batch; b++) {
    const dy = rng.int(2 * pad + 1);
    const dx = rng.int(2 * pad + 1);
    offsets[2 * b] = dy;
    offsets[2 * b + 1] = dx;
    shiftImage(src, images, b, shape, pad, dy, dx);
  }
  return { images, offsets };
}
