/**
 * The WebGPU kernel overrides, exercised through the cpu backend's kernels (no GPU here): the
 * wrappers only call the kernel they wrap and Cast, so their logic is the same on any backend.
 */
import '../../../src/models/engine/tfSetup';
import * as tf from '@tensorflow/tfjs-core';
import { strict as assert } from 'node:assert';
import {
  chunkedAddN,
  installWebgpuFixes,
  MAX_ADDN_INPUTS,
  nonFloatsAsFloats,
  TRANSPOSING_KERNELS,
} from '../../../src/models/engine/webgpuFixes';
import { Rng } from '../../../src/models/engine/rng';

function kernel(name: string): tf.KernelFunc {
  const k = tf.getKernel(name, 'cpu');
  if (!k) throw new Error(`no cpu ${name}`);
  return k.kernelFunc;
}

function run(
  func: tf.KernelFunc,
  inputs: tf.Tensor[] | Record<string, tf.Tensor>,
  attrs: tf.NamedAttrMap = {},
): tf.Tensor {
  const infos = Array.isArray(inputs)
    ? (inputs.map((t) => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype })) as unknown as tf.NamedTensorInfoMap)
    : Object.fromEntries(
        Object.entries(inputs).map(([k, t]) => [k, { dataId: t.dataId, shape: t.shape, dtype: t.dtype }]),
      );
  const out = func({ inputs: infos, backend: tf.backend(), attrs });
  const info = Array.isArray(out) ? out[0] : out;
  if (!info) throw new Error('no output');
  return tf.engine().makeTensorFromTensorInfo(info);
}

describe('WebGPU kernel fixes (logic, on the cpu backend)', () => {
  before(async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  });

  it('AddN: sums any number of tensors in groups the device accepts, freeing the partial sums', () => {
    const addN = kernel('AddN');
    const rng = new Rng(7);
    for (const max of [2, 3, MAX_ADDN_INPUTS])
      for (const n of [1, 2, max, max + 1, 2 * max, 2 * max + 1, 23]) {
        let widest = 0;
        const guarded: tf.KernelFunc = (args) => {
          const count = (args.inputs as unknown as unknown[]).length;
          widest = Math.max(widest, count);
          if (count > max) throw new Error(`${count} inputs exceed ${max}`);
          return addN(args);
        };
        const values = Array.from({ length: n }, () => Array.from({ length: 6 }, () => rng.next() * 2 - 1));
        const tensors = values.map((v) => tf.tensor2d(v, [2, 3]));
        const dataBefore = tf.engine().backend.numDataIds();
        const sum = run(chunkedAddN(guarded, max), tensors);
        assert.equal(tf.engine().backend.numDataIds(), dataBefore + 1, `n ${n}, max ${max}: only the result is left`);
        const expected = values.reduce((acc, v) => acc.map((a, i) => a + (v[i] ?? 0)), new Array<number>(6).fill(0));
        const got = sum.dataSync();
        expected.forEach((e, i) => assert.ok(Math.abs((got[i] ?? NaN) - e) < 1e-5, `n ${n}, max ${max}, [${i}]`));
        assert.ok(widest <= max && widest >= Math.min(n, 2));
        tf.dispose([...tensors, sum]);
      }
    assert.throws(() => chunkedAddN(addN, 1), /at least 2/);
  });

  it('Transpose: int32 and bool go through a float32 copy and come back exact; float32 is passed straight on', () => {
    const transpose = kernel('Transpose');
    const seen: string[] = [];
    const spy: tf.KernelFunc = (args) => {
      seen.push(args.inputs['x']?.dtype ?? '?');
      return transpose(args);
    };
    const fixed = nonFloatsAsFloats(spy, { cast: kernel('Cast'), multiply: kernel('Multiply') }, true);
    const ints = tf.tensor3d([0, 1, 2, 3, 4, 5, 16777215, -16777215, 9, 10, 11, 12], [2, 3, 2], 'int32');
    const dataBefore = tf.engine().backend.numDataIds();
    const out = run(fixed, { x: ints }, { perm: [2, 0, 1] });
    assert.equal(tf.engine().backend.numDataIds(), dataBefore + 1, 'the float copies are freed');
    assert.equal(out.dtype, 'int32');
    assert.deepEqual(out.shape, [2, 2, 3]);
    const x = ints.arraySync();
    const expected = [0, 1].map((k) => [0, 1].map((i) => [0, 1, 2].map((j) => x[i]?.[j]?.[k])));
    assert.deepEqual(out.arraySync(), expected);
    assert.deepEqual(seen, ['float32']);
    const bools = tf.tensor2d([1, 0, 0, 1, 1, 0], [2, 3], 'bool');
    const bt = run(fixed, { x: bools }, { perm: [1, 0] });
    assert.equal(bt.dtype, 'bool');
    assert.deepEqual(bt.arraySync(), [
      [1, 1],
      [0, 1],
      [0, 0],
    ]);
    const floats = tf.tensor2d([1.5, 2, 3, 4], [2, 2]);
    const ft = run(fixed, { x: floats }, { perm: [1, 0] });
    assert.deepEqual(ft.arraySync(), [
      [1.5, 3],
      [2, 4],
    ]);
    assert.deepEqual(seen, ['float32', 'float32', 'float32']);
    tf.dispose([ints, out, bools, bt, floats, ft]);
  });

  it('reductions: int32 through float32, the result cast back or kept as the kernel gives it; other inputs passed on', () => {
    const kernels = { cast: kernel('Cast'), multiply: kernel('Multiply') };
    const x = tf.tensor2d([3, -7, 5, 2, 8, -1], [3, 2], 'int32');
    const sum = run(nonFloatsAsFloats(kernel('Sum'), kernels, true), { x }, { axis: [0], keepDims: false });
    assert.equal(sum.dtype, 'int32');
    assert.deepEqual(Array.from(sum.dataSync()), [3 + 5 + 8, -7 + 2 - 1]);
    const argMax = run(nonFloatsAsFloats(kernel('ArgMax'), kernels, false), { x }, { axis: 0 });
    assert.equal(argMax.dtype, 'int32');
    assert.deepEqual(Array.from(argMax.dataSync()), [2, 1]);
    const mean = run(nonFloatsAsFloats(kernel('Mean'), kernels, false), { x }, { axis: [0], keepDims: false });
    assert.equal(mean.dtype, 'float32');
    [16 / 3, -2].forEach((m, i) => assert.ok(Math.abs((mean.dataSync()[i] ?? NaN) - m) < 1e-6, `mean [${i}]`));
    const segmentIds = tf.tensor1d([1, 0, 1], 'int32');
    const segments = run(
      nonFloatsAsFloats(kernel('UnsortedSegmentSum'), kernels, true),
      { x, segmentIds },
      { numSegments: 2 },
    );
    assert.deepEqual(Array.from(segments.dataSync()), [5, 2, 11, -8]);
    assert.deepEqual(Object.keys(TRANSPOSING_KERNELS).slice(0, 1), ['Transpose']);
    tf.dispose([x, sum, argMax, mean, segmentIds, segments]);
  });

  it('installs over the WebGPU backend’s own AddN, Transpose and transposing kernels, once', async () => {
    await import('@tensorflow/tfjs-backend-webgpu');
    const names = ['AddN', ...Object.keys(TRANSPOSING_KERNELS)];
    const before = names.map((k) => tf.getKernel(k, 'webgpu')?.kernelFunc);
    assert.ok(before.every((f) => typeof f === 'function'));
    assert.deepEqual(installWebgpuFixes(), names);
    const after = names.map((k) => tf.getKernel(k, 'webgpu')?.kernelFunc);
    after.forEach((f, i) => assert.notEqual(f, before[i]));
    assert.deepEqual(installWebgpuFixes(), names);
    assert.equal(tf.getKernel('AddN', 'webgpu')?.kernelFunc, after[0], 'not wrapped twice');
  });
});
