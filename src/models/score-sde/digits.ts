/**
 * 14×14 MNIST digits for the image preset: the digits prepared at build time (the file the FedOpt
 * demo reads, 2×2-averaged from the `mnist` package and stored as 8-bit levels), their scaling to
 * the range the official code trains on, uniform dequantisation, and the conversion of a
 * likelihood in nats to bits per dimension of the 8-bit data.
 *
 * Scaling as in the official code: pixels x ∈ [0, 1] for the VE SDE, centred to 2x − 1 ∈ [−1, 1]
 * for VP and sub-VP (`config.data.centered`). Dequantisation (the official `uniform_dequantization`):
 * the 8-bit level k becomes (k + u)/256 with u ~ U[0, 1), so the data has a density on the cube.
 * The official code dequantises only the digits whose bits/dim it computes; the image preset here
 * dequantises the training digits as well (see ./images.ts for why).
 * No TensorFlow.js here.
 */
import type { Rng } from '../engine/rng';
import { loadMnist } from '../fedopt/data';
import type { SdeName } from './sdes';

/** Grey levels of the 8-bit data. */
export const LEVELS = 256;

export interface Digits {
  readonly side: number;
  /** Pixels per digit (side²). */
  readonly dims: number;
  /** 8-bit levels, row-major [n, dims]. */
  readonly train: Uint8Array;
  readonly trainLabels: Int32Array;
  readonly test: Uint8Array;
  readonly testLabels: Int32Array;
}

/** Reads the prepared digits (through the engine's data reader) as 8-bit levels. */
export async function loadDigits(): Promise<Digits> {
  const mnist = await loadMnist();
  // The file stores levels k; its decoder returns k/255, so rounding recovers k exactly.
  const levels = (v: Float32Array | Int32Array): Uint8Array => Uint8Array.from(v, (p) => Math.round(p * 255));
  return {
    side: mnist.side,
    dims: mnist.side * mnist.side,
    train: levels(mnist.train.features),
    trainLabels: mnist.train.labels,
    test: levels(mnist.test.features),
    testLabels: mnist.test.labels,
  };
}

/** The interval the model sees pixels in: x_model = lo + (hi − lo)·x for x ∈ [0, 1]. */
export interface PixelRange {
  readonly lo: number;
  readonly hi: number;
}

/** [0, 1] for VE (uncentred), [−1, 1] for VP and sub-VP (centred), as in the official configs. */
export function pixelRange(sde: SdeName): PixelRange {
  return sde === 've' ? { lo: 0, hi: 1 } : { lo: -1, hi: 1 };
}

/**
 * Dequantised, scaled digits: row `rows[i]` of `levels` becomes lo + (hi − lo)·(k + u)/256 per
 * pixel with u ~ U[0, 1) from `rng` (u = ½ everywhere when `rng` is null: the cell centres).
 */
export function dequantize(
  levels: Uint8Array,
  dims: number,
  rows: readonly number[],
  range: PixelRange,
  rng: Rng | null,
): Float32Array {
  const out = new Float32Array(rows.length * dims);
  const width = range.hi - range.lo;
  rows.forEach((row, i) => {
    for (let j = 0; j < dims; j++) {
      const u = rng ? rng.next() : 0.5;
      out[i * dims + j] = range.lo + (width * ((levels[row * dims + j] as number) + u)) / LEVELS;
    }
  });
  return out;
}

/** The inverse scaling for display: (x − lo)/(hi − lo), clipped to [0, 1]. */
export function toPixels(x: ArrayLike<number>, range: PixelRange): number[] {
  const width = range.hi - range.lo;
  return Array.from({ length: x.length }, (_, i) => Math.min(1, Math.max(0, ((x[i] as number) - range.lo) / width)));
}

/**
 * Bits per dimension of the 8-bit data from the NLL (nats) of one dequantised, scaled digit:
 *   bpd = NLL / (D·ln 2) + log₂(256 / (hi − lo)),
 * the second term being the change of variables from the model's range to levels in [0, 256)
 * (the official code's `offset = 7 − inverse_scaler(−1)`: 7 for [−1, 1], 8 for [0, 1]).
 */
export function bitsPerDim(nllNats: number, dims: number, range: PixelRange): number {
  return nllNats / (dims * Math.LN2) + Math.log2(LEVELS / (range.hi - range.lo));
}

/** Mean of the 8-bit levels over the training digits, as pixels in [0, 1] (for the inpainting baseline). */
export function meanDigit(digits: Digits): Float32Array {
  const n = digits.train.length / digits.dims;
  const mean = new Float32Array(digits.dims);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < digits.dims; j++) mean[j] = (mean[j] as number) + (digits.train[i * digits.dims + j] as number);
  }
  for (let j = 0; j < digits.dims; j++) mean[j] = (mean[j] as number) / (n * (LEVELS - 1));
  return mean;
}
