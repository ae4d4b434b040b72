/**
 * Adam for the encoder: dense for W, lazy for the embedding table E (only the rows with a gradient
 * in this step are updated, as PyTorch's SparseAdam does), with the usual bias correction by the
 * global step count.
 */
import type { EncoderWeights } from './encoder';
import type { Gradient } from './loss';

export class Adam {
  private readonly mTable: Float32Array;
  private readonly vTable: Float32Array;
  private readonly mLinear: Float32Array;
  private readonly vLinear: Float32Array;
  private t = 0;

  constructor(
    private readonly w: EncoderWeights,
    private readonly lr: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    this.mTable = new Float32Array(w.table.length);
    this.vTable = new Float32Array(w.table.length);
    this.mLinear = new Float32Array(w.linear.length);
    this.vLinear = new Float32Array(w.linear.length);
  }

  /** An Adam for `w` (a copy of this one's weights) that continues from this one's moments and step count. */
  continueWith(w: EncoderWeights): Adam {
    const next = new Adam(w, this.lr, this.beta1, this.beta2, this.eps);
    next.mTable.set(this.mTable);
    next.vTable.set(this.vTable);
    next.mLinear.set(this.mLinear);
    next.vLinear.set(this.vLinear);
    next.t = this.t;
    return next;
  }

  step(grad: Gradient): void {
    this.t++;
    const { beta1, beta2, eps } = this;
    const rate = (this.lr * Math.sqrt(1 - beta2 ** this.t)) / (1 - beta1 ** this.t);
    const update = (p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, i: number): void => {
      const gi = g[i] as number;
      const mi = beta1 * (m[i] as number) + (1 - beta1) * gi;
      const vi = beta2 * (v[i] as number) + (1 - beta2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      p[i] = (p[i] as number) - (rate * mi) / (Math.sqrt(vi) + eps);
    };
    for (let i = 0; i < this.w.linear.length; i++) update(this.w.linear, grad.linear, this.mLinear, this.vLinear, i);
    const dim = this.w.dim;
    for (const row of grad.rows) {
      for (let i = row * dim; i < (row + 1) * dim; i++) update(this.w.table, grad.table, this.mTable, this.vTable, i);
    }
  }
}
