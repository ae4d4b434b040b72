/**
 * The encoder's 3×3 'valid' convolutions with gradients the wasm backend computes fast.
 *
 * wasm has no Conv2DBackpropFilter (the engine otherwise borrows the cpu backend's kernel,
 * copying tensors across and running plain JavaScript loops), and its Conv2DBackpropInput is
 * several times slower than its forward Conv2D on these shapes. Both gradients are themselves
 * correlations, so the default path (`correlation`) computes them with the native forward Conv2D:
 *
 *   ∂L/∂w[ky, kx, c, f] = Σ_{n,oy,ox} x[n, s·oy + ky, s·ox + kx, c] · δ[n, oy, ox, f]
 *       = conv2d(x with batch and channel axes swapped, δ as the filter, dilation s)   (first k×k outputs)
 *   ∂L/∂x = conv2d(δ zero-padded by k − 1, w flipped in space with in/out channels swapped)   (stride 1)
 *
 * `im2col` writes the convolution as patches · w (autodiff gives ∂L/∂w = patchesᵀ · δ) and
 * `kernel` is tf.conv2d with its registered gradients; both are kept so that the paths can be
 * compared. The tests check the two own paths against tf.conv2d's values and gradients.
 *
 * Measured on wasm (tfjs 4.22, one thread, SIMD), one DrQ update (batch 64, K = M = 2, 16
 * filters), CPU time per update on a busy 2-core machine, mean of 10:
 *   correlation 0.14 s,  im2col 0.91 s (wasm's Slice/StridedSlice/Concat/Gather kernels are slow
 *   on these shapes),  kernel 14.5 s (the borrowed cpu Conv2DBackpropFilter alone: ~98% of it).
 * So the correlation path is about 100× faster than the borrowed kernel and 6.5× faster than im2col.
 */
import * as tf from '@tensorflow/tfjs-core';

/** How the convolution and its gradients are computed (see the module comment). */
export type FilterGradientPath = 'correlation' | 'im2col' | 'kernel';

/** A square 'valid' convolution layer's geometry. */
export class ConvGeometry {
  readonly outHeight: number;
  readonly outWidth: number;

  constructor(
    readonly height: number,
    readonly width: number,
    readonly channels: number,
    readonly kernel: number,
    readonly stride: number,
    readonly path: FilterGradientPath = 'correlation',
  ) {
    this.outHeight = Math.floor((height - kernel) / stride) + 1;
    this.outWidth = Math.floor((width - kernel) / stride) + 1;
  }

  /**
   * The im2col matrix [N·Ho·Wo, kh·kw·C] of a batch x [N, H, W, C]: one (strided) slice per
   * kernel offset, concatenated along channels. With stride 1 the slices are plain slices, whose
   * gradient (a pad) the backends have natively; strided slices have no registered gradient and
   * are used only when the input is data.
   */
  patches(x: tf.Tensor4D): tf.Tensor2D {
    const { kernel: k, stride: s, outHeight: ho, outWidth: wo, channels: c } = this;
    const n = x.shape[0];
    const pieces: tf.Tensor4D[] = [];
    for (let ky = 0; ky < k; ky++) {
      for (let kx = 0; kx < k; kx++) {
        pieces.push(
          s === 1
            ? tf.slice(x, [0, ky, kx, 0], [n, ho, wo, c])
            : (tf.stridedSlice(
                x,
                [0, ky, kx, 0],
                [n, ky + s * (ho - 1) + 1, kx + s * (wo - 1) + 1, c],
                [1, s, s, 1],
              ) as tf.Tensor4D),
        );
      }
    }
    return tf.reshape(tf.concat(pieces, 3), [n * ho * wo, k * k * c]);
  }
}

/** ∂L/∂w as a forward convolution of the input (batch ↔ channels) with δ as the filter. */
export function filterGradient(geometry: ConvGeometry, x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const { kernel: k, stride: s, channels: c } = geometry;
    const f = dy.shape[3];
    const xt = tf.transpose(x, [3, 1, 2, 0]); // [C, H, W, N]
    const dyt = tf.transpose(dy, [1, 2, 0, 3]); // [Ho, Wo, N, F]
    const full = tf.conv2d(xt, dyt, 1, 'valid', 'NHWC', s); // [C, ≥k, ≥k, F]
    const dw = tf.slice(full, [0, 0, 0, 0], [c, k, k, f]);
    return tf.transpose(dw, [1, 2, 0, 3]);
  });
}

/** ∂L/∂x of a stride-1 'valid' convolution: a full correlation of δ with the flipped filter. */
export function inputGradient(geometry: ConvGeometry, dy: tf.Tensor4D, w: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const p = geometry.kernel - 1;
    const padded = tf.pad(dy, [
      [0, 0],
      [p, p],
      [p, p],
      [0, 0],
    ]);
    const flipped = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]);
    return tf.conv2d(padded, flipped, 1, 'valid');
  });
}

/**
 * conv2d(x, w) with stride `geometry.stride` and 'valid' padding, on the geometry's path.
 * `inputIsData` marks an input that needs no gradient (a batch of observations); only such inputs
 * may be strided on the `correlation` and `im2col` paths.
 */
export function conv2d(geometry: ConvGeometry, x: tf.Tensor4D, w: tf.Tensor4D, inputIsData = false): tf.Tensor4D {
  const { stride, kernel, channels, outHeight, outWidth } = geometry;
  if (geometry.path === 'kernel') return tf.conv2d(x, w, stride, 'valid');
  if (stride !== 1 && !inputIsData) throw new Error('conv2d: a strided convolution takes data inputs only');
  if (geometry.path === 'im2col') {
    // y = patches(x) · w; autodiff gives ∂L/∂w = patchesᵀ · δ.
    const filters = w.shape[3];
    const y = tf.matMul(geometry.patches(x), tf.reshape(w, [kernel * kernel * channels, filters]));
    return tf.reshape(y, [x.shape[0], outHeight, outWidth, filters]);
  }
  if (inputIsData) {
    const onFilter = tf.customGrad((filter, save) => {
      const f = filter as tf.Tensor4D;
      (save as tf.GradSaveFunc)([f]);
      return {
        value: tf.conv2d(x, f, stride, 'valid'),
        gradFunc: (dy: tf.Tensor) => filterGradient(geometry, x, dy as tf.Tensor4D),
      };
    });
    return onFilter(w) as tf.Tensor4D;
  }
  const onBoth = tf.customGrad((input, filter, save) => {
    const xi = input as tf.Tensor4D;
    const f = filter as tf.Tensor4D;
    (save as tf.GradSaveFunc)([xi, f]);
    return {
      value: tf.conv2d(xi, f, 1, 'valid'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sf] = saved as [tf.Tensor4D, tf.Tensor4D];
        const g = dy as tf.Tensor4D;
        return [inputGradient(geometry, g, sf), filterGradient(geometry, sx, g)];
      },
    };
  });
  return onBoth(x, w) as tf.Tensor4D;
}
