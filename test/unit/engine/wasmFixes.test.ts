import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { maxDiff, useWasmBackend } from '../../helpers/backends';
import { installWasmFixes, missingWasmKernels } from '../../../src/models/engine/wasmFixes';

/** Runs `f` on a backend and returns its values. */
async function on(backend: 'cpu' | 'wasm', f: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  const t = f();
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return data;
}

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

describe('wasm fixes', function () {
  this.timeout(60000);
  useWasmBackend();

  it('leaves no gradient kernel missing on wasm', () => {
    const { borrowed } = installWasmFixes();
    for (const k of ['Conv2DBackpropFilter', 'UnsortedSegmentSum']) assert.ok(borrowed.includes(k), k);
    const missing = missingWasmKernels();
    assert.ok(!missing.includes('Conv2DBackpropFilter') && !missing.includes('UnsortedSegmentSum'), missing.join());
  });

  it('matMul with transposed operands matches cpu', async () => {
    for (const [ta, tb] of [
      [false, true],
      [true, false],
      [true, true],
    ] as const) {
      const f = (): tf.Tensor =>
        tf.tidy(() => {
          const a = seeded(ta ? [2, 16, 8] : [2, 8, 16], 1);
          const b = seeded(tb ? [2, 12, 16] : [2, 16, 12], 2);
          return tf.matMul(a, b, ta, tb);
        });
      const d = maxDiff(await on('cpu', f), await on('wasm', f));
      assert.ok(d < 1e-4, `transposeA=${ta} transposeB=${tb}: ${d}`);
    }
    // The fused kernel (with bias and activation) takes the same path.
    const fused = (): tf.Tensor =>
      tf.tidy(() =>
        tf.fused.matMul({
          a: seeded([5, 7], 3),
          b: seeded([4, 7], 4),
          transposeB: true,
          bias: seeded([4], 5),
          activation: 'relu',
        }),
      );
    assert.ok(maxDiff(await on('cpu', fused), await on('wasm', fused)) < 1e-4);
  });

  it('computes Aᵀ·B over a long contraction as (Bᵀ·A)ᵀ, with cpu values and no buffer left', async () => {
    for (const [aShape, bShape] of [
      [
        [300, 7],
        [300, 5],
      ],
      [
        [1, 256, 3],
        [1, 256, 9],
      ],
      [
        [2, 256, 3],
        [2, 256, 4],
      ],
      [
        [40, 6],
        [40, 8],
      ],
    ] as [number[], number[]][]) {
      const f = (): tf.Tensor => tf.tidy(() => tf.matMul(seeded(aShape, 16), seeded(bShape, 17), true, false));
      const d = maxDiff(await on('cpu', f), await on('wasm', f));
      assert.ok(d < 1e-4, `${aShape}ᵀ · ${bShape}: ${d}`);
    }
    await tf.setBackend('wasm');
    const backend = tf.engine().backend;
    const a = seeded([300, 7], 18);
    const b = seeded([300, 5], 19);
    const buffers = backend.numDataIds();
    const c = tf.matMul(a, b, true, false);
    assert.deepEqual(c.shape, [7, 5]);
    assert.equal(backend.numDataIds(), buffers + 1, 'only the product is left');
    tf.dispose([a, b, c]);
  });

  it('conv2d filter gradient on wasm matches cpu within 1e-4', async () => {
    const f = (): tf.Tensor =>
      tf.tidy(() => {
        const x = seeded([2, 9, 9, 3], 6) as tf.Tensor4D;
        const w = seeded([3, 3, 3, 4], 7) as tf.Tensor4D;
        const g = tf.grads((xx: tf.Tensor, ww: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 2, 'same'))),
        )([x, w]);
        return tf.concat([g[0]?.flatten() ?? tf.zeros([0]), g[1]?.flatten() ?? tf.zeros([0])]);
      });
    const d = maxDiff(await on('cpu', f), await on('wasm', f));
    assert.ok(d < 1e-4, `max difference ${d}`);
  });

  it('embedding (gather) gradient on wasm matches cpu within 1e-4', async () => {
    const f = (): tf.Tensor =>
      tf.tidy(() => {
        const table = seeded([10, 6], 8);
        const ids = tf.tensor1d([1, 3, 3, 9, 0, 1], 'int32');
        const target = seeded([6, 6], 9);
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.sub(tf.gather(t, ids), target))))(table);
        return g;
      });
    const d = maxDiff(await on('cpu', f), await on('wasm', f));
    assert.ok(d < 1e-4, `max difference ${d}`);
  });

  it('does not leak tensors through the borrowed and overridden kernels', async () => {
    await tf.setBackend('wasm');
    const step = (): void =>
      tf.tidy(() => {
        const table = seeded([10, 6], 8);
        tf.grad((t: tf.Tensor) => tf.sum(tf.matMul(tf.gather(t, tf.tensor1d([1, 2], 'int32')), t, false, true)))(table);
      });
    step();
    const before = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    for (let i = 0; i < 5; i++) step();
    assert.equal(tf.memory().numTensors, before);
    assert.equal(tf.memory().numBytes, bytes);
  });

  it('slices, splits and unstacks as cpu does, for every rank and dtype', async () => {
    const cases: [number[], number[], number[]][] = [
      [[7], [2], [4]],
      [
        [5, 9],
        [1, 3],
        [3, 4],
      ],
      [
        [5, 9],
        [2, 0],
        [2, 9],
      ],
      [
        [4, 6, 5],
        [1, 2, 0],
        [2, 3, 5],
      ],
      [
        [4, 6, 5],
        [0, 1, 1],
        [4, 4, 3],
      ],
      [
        [3, 4, 5, 6],
        [1, 0, 2, 1],
        [2, 4, 2, 5],
      ],
      [
        [2, 3, 4, 5, 6],
        [1, 1, 0, 2, 3],
        [1, 2, 4, 3, 3],
      ],
      [
        [3, 4],
        [0, 0],
        [0, 4],
      ],
    ];
    for (const dtype of ['float32', 'int32'] as const) {
      for (const [shape, begin, size] of cases) {
        const n = shape.reduce((p, q) => p * q, 1);
        const make = (): tf.Tensor =>
          tf.tensor(
            Array.from({ length: n }, (_, i) => i * 3 - 7),
            shape,
            dtype,
          );
        const f = (): tf.Tensor => tf.tidy(() => tf.slice(make(), begin, size).flatten().cast('float32'));
        assert.equal(maxDiff(await on('cpu', f), await on('wasm', f)), 0, `slice ${shape} ${begin} ${size} ${dtype}`);
      }
      const x = (): tf.Tensor =>
        tf.tensor(
          Array.from({ length: 60 }, (_, i) => i - 30),
          [3, 4, 5],
          dtype,
        );
      const splits = [
        [1, 2],
        [1, 3],
        [2, -1],
      ];
      for (let axis = 0; axis < 3; axis++) {
        const parts = splits[axis] ?? [];
        const split = (): tf.Tensor =>
          tf.tidy(() => tf.concat(tf.split(x(), parts, axis).map((t) => t.flatten().cast('float32'))));
        const unstack = (): tf.Tensor =>
          tf.tidy(() => tf.concat(tf.unstack(x(), axis).map((t) => t.flatten().cast('float32'))));
        assert.equal(maxDiff(await on('cpu', split), await on('wasm', split)), 0, `split axis ${axis} ${dtype}`);
        assert.equal(maxDiff(await on('cpu', unstack), await on('wasm', unstack)), 0, `unstack axis ${axis} ${dtype}`);
        const shapes = await (async () => {
          await tf.setBackend('wasm');
          return tf.tidy(() => tf.unstack(x(), axis).map((t) => t.shape.join('x')));
        })();
        assert.deepEqual(
          shapes,
          [3, 4, 5]
            .filter((_, d) => d === axis)
            .flatMap((n) => Array.from({ length: n }, () => [3, 4, 5].filter((_, d) => d !== axis).join('x'))),
        );
      }
    }
  });

  it('concatenates as cpu does, along every axis, with short and long rows and empty parts', async () => {
    const shapesFor = (axis: number, widths: number[], base: number[]): number[][] =>
      widths.map((w) => base.map((n, d) => (d === axis ? w : n)));
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      for (const [base, axis, widths] of [
        [[6, 5], 1, [2, 0, 3]],
        [[6, 5], 0, [1, 4]],
        [[3, 4, 5], 2, [1, 2, 3]],
        [[3, 4, 5], 1, [4, 1]],
        [[2, 300], 1, [300, 7]],
        [[4, 3, 2, 2], 3, [2, 2, 2]],
      ] as [number[], number, number[]][]) {
        let seed = 0;
        const make = (): tf.Tensor[] =>
          shapesFor(axis, widths, base).map((shape) => {
            const n = shape.reduce((p, q) => p * q, 1);
            seed += 1;
            const values = Array.from({ length: n }, (_, i) => (i * 7 + seed * 13) % 11);
            return dtype === 'bool'
              ? tf.tensor(
                  values.map((v) => v % 2),
                  shape,
                  'bool',
                )
              : tf.tensor(values, shape, dtype);
          });
        const f = (): tf.Tensor => tf.tidy(() => tf.concat(make(), axis).flatten().cast('float32'));
        seed = 0;
        const cpu = await on('cpu', f);
        seed = 0;
        assert.equal(maxDiff(cpu, await on('wasm', f)), 0, `concat ${base} axis ${axis} ${widths} ${dtype}`);
      }
    }
  });

  it('clones share the buffer on wasm and stay valid when the original goes', async () => {
    await tf.setBackend('wasm');
    const backend = tf.engine().backend;
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const buffers = backend.numDataIds();
    const y = x.clone();
    assert.equal(backend.numDataIds(), buffers, 'no new buffer for a clone');
    x.dispose();
    assert.deepEqual(Array.from(await y.data()), [1, 2, 3, 4, 5, 6]);
    y.dispose();
    assert.equal(backend.numDataIds(), buffers - 1, 'the buffer is freed with its last tensor');
    // Gradients through the tape, which clones every saved tensor, still match cpu.
    const f = (): tf.Tensor =>
      tf.tidy(() => {
        const w = seeded([6, 5], 11);
        const g = tf.grad((v: tf.Tensor) => tf.sum(tf.tanh(tf.matMul(seeded([4, 6], 12), v as tf.Tensor2D))))(w);
        return g;
      });
    assert.ok(maxDiff(await on('cpu', f), await on('wasm', f)) < 1e-5);
  });

  it('casts to the same dtype share the buffer; conversions, to bool too, match cpu', async () => {
    await tf.setBackend('wasm');
    const backend = tf.engine().backend;
    const x = tf.tensor1d([1.5, -2.25, 3], 'float32');
    const buffers = backend.numDataIds();
    const same = tf.cast(x, 'float32');
    assert.equal(backend.numDataIds(), buffers, 'no new buffer for a float32 → float32 cast');
    x.dispose();
    assert.deepEqual(Array.from(await same.data()), [1.5, -2.25, 3]);
    same.dispose();
    assert.equal(backend.numDataIds(), buffers - 1, 'the buffer is freed with its last tensor');
    const ints = tf.tensor1d([3, -7, 0], 'int32');
    const asFloat = tf.cast(ints, 'float32');
    const asBool = tf.cast(ints, 'bool');
    assert.equal(asFloat.dtype, 'float32');
    assert.deepEqual(Array.from(await asFloat.data()), [3, -7, 0]);
    assert.deepEqual(Array.from(await asBool.data()), [1, 1, 0]);
    const floats = tf.tensor1d([2.7, -1.2, 0.5, 0, -0, 256]);
    assert.deepEqual(Array.from(await tf.cast(floats, 'int32').data()), [2, -1, 0, 0, 0, 256]);
    assert.deepEqual(Array.from(await tf.cast(floats, 'bool').data()), [1, 1, 1, 0, 0, 1]);
    const flags = tf.tensor1d([1, 0, 1], 'bool');
    assert.deepEqual(Array.from(await tf.cast(flags, 'float32').data()), [1, 0, 1]);
    tf.dispose([ints, asFloat, asBool, floats, flags]);
  });

  it('one-hot encodes in the requested dtype, as cpu does, with out-of-range indices off', async () => {
    assert.ok(installWasmFixes().corrected.includes('OneHot'));
    const ids = [0, 2, 1, -1, 3, 2];
    const cases: [tf.DataType, number, number][] = [
      ['float32', 1, 0],
      ['float32', 0.5, -0.25],
      ['int32', 1, 0],
      ['int32', 7, -3],
      ['bool', 1, 0],
    ];
    for (const [dtype, onValue, offValue] of cases) {
      const read = async (backend: 'cpu' | 'wasm'): Promise<{ dtype: string; shape: number[]; values: number[] }> => {
        await tf.setBackend(backend);
        const t = tf.tidy(() => tf.oneHot(tf.tensor2d(ids, [2, 3], 'int32'), 3, onValue, offValue, dtype));
        const result = { dtype: t.dtype, shape: t.shape, values: Array.from(await t.data()) };
        t.dispose();
        return result;
      };
      const cpu = await read('cpu');
      // Written out: row r is onValue at ids[r] where 0 ≤ ids[r] < 3, offValue elsewhere.
      const expected = ids.flatMap((id) => [0, 1, 2].map((k) => (k === id ? onValue : offValue)));
      assert.deepEqual(cpu.values, expected, `cpu ${dtype}`);
      assert.deepEqual(await read('wasm'), { dtype, shape: [2, 3, 3], values: expected }, `wasm ${dtype} ${onValue}`);
    }
    // The result feeds float arithmetic directly (the kernel used to hand back integer bit patterns).
    await tf.setBackend('wasm');
    const weighted = tf.tidy(() =>
      tf
        .oneHot(tf.tensor1d([1, 0], 'int32'), 2, 1, 0, 'float32')
        .mul(3)
        .sum(),
    );
    assert.equal((await weighted.data())[0], 6);
    weighted.dispose();
  });

  it('keeps Bᵀ with B: one transpose for repeated products, freed with B, keyed by shape', async () => {
    await tf.setBackend('wasm');
    const backend = tf.engine().backend;
    const a = seeded([3, 4], 13);
    const b = seeded([5, 4], 14);
    const before = backend.numDataIds();
    const products = [0, 1, 2].map(() => tf.matMul(a, b, false, true));
    // Three outputs and one kept transpose.
    assert.equal(backend.numDataIds(), before + 3 + 1);
    const expected = await on('cpu', () => tf.matMul(seeded([3, 4], 13), seeded([5, 4], 14), false, true));
    await tf.setBackend('wasm');
    for (const p of products) assert.ok(maxDiff((await p.data()) as Float32Array, expected) < 1e-5);
    tf.dispose(products);
    // The same buffer under another shape gets its own transpose.
    const b2 = b.reshape([10, 2]);
    const a2 = seeded([3, 2], 15);
    const q = tf.matMul(a2, b2, false, true);
    const expectedQ = await on('cpu', () =>
      tf.matMul(seeded([3, 2], 15), seeded([5, 4], 14).reshape([10, 2]), false, true),
    );
    await tf.setBackend('wasm');
    assert.ok(maxDiff((await q.data()) as Float32Array, expectedQ) < 1e-5);
    tf.dispose([q, a, a2]);
    b.dispose();
    assert.ok(backend.numDataIds() > before - 2, 'b2 still holds the buffer and its transposes');
    b2.dispose();
    assert.equal(backend.numDataIds(), before - 2, 'the transposes went with the last tensor of b');
  });
});
