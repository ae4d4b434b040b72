import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { maxDiff, useWasmBackend } from '../../helpers/backends';
import {
  GRU_CELL,
  GRU_CELL_GRAD,
  LSTM_CELL,
  LSTM_CELL_GRAD,
  gruCell,
  gruCellOps,
  lstmCell,
  lstmCellOps,
} from '../../../src/models/engine/recurrentCells';

const ROWS = 6;
const UNITS = 5;

function seeded(shape: number[], seed: number, scale = 1): tf.Tensor2D {
  return tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), scale) as tf.Tensor2D;
}

/** Rows 1 and 4 are kept (m = 0), the others updated. */
function mixedMask(): tf.Tensor2D {
  return tf.tensor2d([1, 0, 1, 1, 0, 1], [ROWS, 1]);
}

type Cell = typeof lstmCell;

/** h', c' and the gradients of Σ a ⊙ h' + Σ b ⊙ c' (a, b fixed) with respect to gates, c and h. */
function evaluate(cell: Cell, masked: boolean, useC = true): Float32Array[] {
  return tf.tidy(() => {
    const gates = seeded([ROWS, 4 * UNITS], 1, 2);
    const c = seeded([ROWS, UNITS], 2);
    const h = seeded([ROWS, UNITS], 3);
    const a = seeded([ROWS, UNITS], 4);
    const b = seeded([ROWS, UNITS], 5);
    const mask = masked ? mixedMask() : null;
    // Without a mask the old h does not reach the outputs: no gradient is asked for it.
    const loss = (g: tf.Tensor, cc: tf.Tensor, hh: tf.Tensor = h): tf.Scalar => {
      const next = cell(g as tf.Tensor2D, cc as tf.Tensor2D, hh as tf.Tensor2D, mask);
      const fromH = tf.sum(tf.mul(a, next.h));
      return (useC ? tf.add(fromH, tf.sum(tf.mul(b, next.c))) : fromH) as tf.Scalar;
    };
    const next = cell(gates, c, h, mask);
    const grads = tf.grads(loss)(masked ? [gates, c, h] : [gates, c]);
    return [next.h, next.c, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

describe('fused LSTM cell', function () {
  this.timeout(60000);
  useWasmBackend();

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: values and gradients match the cell written as ops, with and without a mask`, async () => {
      await tf.setBackend(backend);
      for (const masked of [false, true])
        for (const useC of [true, false]) {
          const fused = evaluate(lstmCell, masked, useC);
          const ops = evaluate(lstmCellOps, masked, useC);
          assert.equal(fused.length, ops.length);
          ['h', 'c', 'd gates', 'd c', 'd h'].slice(0, fused.length).forEach((name, i) => {
            const d = maxDiff(fused[i] as Float32Array, ops[i] as Float32Array);
            assert.ok(d < 2e-6, `${name}, masked ${masked}, loss uses c ${useC}: ${d}`);
          });
        }
    });

    it(`${backend}: a kept row is the old state bit for bit, and its gates get no gradient`, async () => {
      await tf.setBackend(backend);
      const [h, c, dGates, dc, dh] = evaluate(lstmCell, true) as [
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      const [h0, c0, a, b] = tf.tidy(() =>
        [seeded([ROWS, UNITS], 3), seeded([ROWS, UNITS], 2), seeded([ROWS, UNITS], 4), seeded([ROWS, UNITS], 5)].map(
          (t) => t.dataSync() as Float32Array,
        ),
      ) as [Float32Array, Float32Array, Float32Array, Float32Array];
      for (const row of [1, 4])
        for (let j = 0; j < UNITS; j++) {
          const k = row * UNITS + j;
          assert.equal(h[k], h0[k]);
          assert.equal(c[k], c0[k]);
          // The loss reaches a kept row's old state directly: dh = a, dc = b.
          assert.equal(dh[k], a[k]);
          assert.equal(dc[k], b[k]);
          for (let gate = 0; gate < 4; gate++) assert.ok(dGates[row * 4 * UNITS + gate * UNITS + j] === 0);
        }
    });

    it(`${backend}: runs as one kernel forward and one backward`, async () => {
      await tf.setBackend(backend);
      const info = await tf.profile(() => {
        evaluate(lstmCell, true);
      });
      const names = info.kernels.map((k) => k.name);
      assert.equal(names.filter((n) => n === LSTM_CELL).length, 2, 'the forward pass and the gradient’s');
      assert.equal(names.filter((n) => n === LSTM_CELL_GRAD).length, 1);
      assert.ok(!names.includes('Sigmoid') && !names.includes('SplitV'), names.join());
    });

    it(`${backend}: takes an int32 mask (a sum of one-hots) as the same float mask`, async () => {
      await tf.setBackend(backend);
      const run = (mask: tf.Tensor2D): Float32Array[] =>
        tf.tidy(() => {
          const next = lstmCell(
            seeded([ROWS, 4 * UNITS], 1, 2),
            seeded([ROWS, UNITS], 2),
            seeded([ROWS, UNITS], 3),
            mask,
          );
          return [next.h.dataSync() as Float32Array, next.c.dataSync() as Float32Array];
        });
      const asFloat = run(mixedMask());
      const asInt = run(tf.tensor2d([1, 0, 1, 1, 0, 1], [ROWS, 1], 'int32'));
      assert.deepEqual(asInt, asFloat);
    });

    it(`${backend}: leaves no tensor behind over repeated steps`, async () => {
      await tf.setBackend(backend);
      evaluate(lstmCell, true);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) evaluate(lstmCell, true);
      assert.equal(tf.memory().numTensors, before);
    });

    it(`${backend}: outside tf.tidy, leaves only the new state behind`, async () => {
      await tf.setBackend(backend);
      const inputs = [seeded([ROWS, 4 * UNITS], 1), seeded([ROWS, UNITS], 2), seeded([ROWS, UNITS], 3), mixedMask()];
      const [gates, c, h, mask] = inputs as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const before = tf.memory().numTensors;
      const next = lstmCell(gates, c, h, mask);
      assert.equal(tf.memory().numTensors, before + 2, 'h and c, without the activations kept for the gradient');
      const unmasked = lstmCell(gates, c, h, null);
      assert.equal(tf.memory().numTensors, before + 4);
      tf.dispose([next.h, next.c, unmasked.h, unmasked.c, ...inputs]);
    });
  }

  it('computes a one-unit cell as written out by hand', async () => {
    await tf.setBackend('wasm');
    const [i, f, g, o, c, h] = [0.3, -1.2, 0.8, 2.0, 0.5, -0.7];
    const next = tf.tidy(() => {
      const out = lstmCell(tf.tensor2d([[i, f, g, o]]), tf.tensor2d([[c]]), tf.tensor2d([[h]]), null);
      return [out.h.dataSync()[0], out.c.dataSync()[0]];
    });
    const cTilde = sigmoid(f) * c + sigmoid(i) * Math.tanh(g);
    assert.ok(Math.abs((next[1] ?? NaN) - cTilde) < 1e-6);
    assert.ok(Math.abs((next[0] ?? NaN) - sigmoid(o) * Math.tanh(cTilde)) < 1e-6);
  });

  it('falls back to the ops on a backend without the kernel', async () => {
    await tf.setBackend('cpu');
    const kernel = tf.getKernel(LSTM_CELL, 'cpu');
    assert.ok(kernel);
    const fused = evaluate(lstmCell, true);
    tf.unregisterKernel(LSTM_CELL, 'cpu');
    try {
      const info = await tf.profile(() => {
        evaluate(lstmCell, true);
      });
      assert.ok(!info.kernels.some((k) => k.name === LSTM_CELL));
      const ops = evaluate(lstmCell, true);
      for (let i = 0; i < fused.length; i++)
        assert.ok(maxDiff(fused[i] as Float32Array, ops[i] as Float32Array) < 2e-6);
    } finally {
      tf.registerKernel(kernel);
    }
  });

  it('rejects gates whose width is not four times the state', async () => {
    await tf.setBackend('cpu');
    assert.throws(
      () =>
        tf.tidy(() => {
          lstmCell(tf.zeros([2, 7]) as tf.Tensor2D, tf.zeros([2, 2]), tf.zeros([2, 2]), null);
        }),
      /gates \[N, 4H\] and state \[N, H\]/,
    );
    assert.throws(
      () =>
        tf.tidy(() => {
          lstmCell(tf.zeros([2, 8]) as tf.Tensor2D, tf.zeros([2, 2]), tf.zeros([3, 2]), null);
        }),
      /gates \[N, 4H\] and state \[N, H\]/,
      'h of another batch',
    );
    assert.throws(
      () =>
        tf.tidy(() => {
          lstmCell(tf.zeros([2, 8]) as tf.Tensor2D, tf.zeros([2, 2]), tf.zeros([2, 2]), tf.ones([3, 1]) as tf.Tensor2D);
        }),
      /a mask of 2 rows/,
    );
  });
});

type Gru = typeof gruCell;

/** h' and the gradients of Σ a ⊙ h' (a fixed) with respect to x W, h U and h. */
function evaluateGru(cell: Gru, masked: boolean): Float32Array[] {
  return tf.tidy(() => {
    const xw = seeded([ROWS, 3 * UNITS], 11, 2);
    const hu = seeded([ROWS, 3 * UNITS], 12, 2);
    const h = seeded([ROWS, UNITS], 13);
    const a = seeded([ROWS, UNITS], 14);
    const mask = masked ? mixedMask() : null;
    const loss = (x: tf.Tensor, u: tf.Tensor, hh: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(a, cell(x as tf.Tensor2D, u as tf.Tensor2D, hh as tf.Tensor2D, mask)));
    const next = cell(xw, hu, h, mask);
    const grads = tf.grads(loss)([xw, hu, h]);
    return [next, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

describe('fused GRU cell', function () {
  this.timeout(60000);
  useWasmBackend();

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`${backend}: values and gradients match the cell written as ops, with and without a mask`, async () => {
      await tf.setBackend(backend);
      for (const masked of [false, true]) {
        const fused = evaluateGru(gruCell, masked);
        const ops = evaluateGru(gruCellOps, masked);
        ["h'", 'd xW', 'd hU', 'd h'].forEach((name, i) => {
          const d = maxDiff(fused[i] as Float32Array, ops[i] as Float32Array);
          assert.ok(d < 2e-6, `${name}, masked ${masked}: ${d}`);
        });
      }
    });

    it(`${backend}: a kept row is the old state bit for bit, and its gates get no gradient`, async () => {
      await tf.setBackend(backend);
      const [h, dxw, dhu, dh] = evaluateGru(gruCell, true) as [Float32Array, Float32Array, Float32Array, Float32Array];
      const [h0, a] = tf.tidy(() =>
        [seeded([ROWS, UNITS], 13), seeded([ROWS, UNITS], 14)].map((t) => t.dataSync() as Float32Array),
      ) as [Float32Array, Float32Array];
      for (const row of [1, 4])
        for (let j = 0; j < UNITS; j++) {
          const k = row * UNITS + j;
          assert.equal(h[k], h0[k]);
          assert.equal(dh[k], a[k]);
          for (let gate = 0; gate < 3; gate++) {
            assert.ok(dxw[row * 3 * UNITS + gate * UNITS + j] === 0);
            assert.ok(dhu[row * 3 * UNITS + gate * UNITS + j] === 0);
          }
        }
    });

    it(`${backend}: runs as one kernel forward and one backward, and leaves no tensor behind`, async () => {
      await tf.setBackend(backend);
      const info = await tf.profile(() => {
        evaluateGru(gruCell, true);
      });
      const names = info.kernels.map((k) => k.name);
      assert.equal(names.filter((n) => n === GRU_CELL).length, 2, 'the forward pass and the gradient’s');
      assert.equal(names.filter((n) => n === GRU_CELL_GRAD).length, 1);
      assert.ok(!names.includes('Tanh') && !names.includes('SplitV'), names.join());
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) evaluateGru(gruCell, true);
      assert.equal(tf.memory().numTensors, before);
    });

    it(`${backend}: outside tf.tidy, leaves only the new state behind`, async () => {
      await tf.setBackend(backend);
      const inputs = [
        seeded([ROWS, 3 * UNITS], 1),
        seeded([ROWS, 3 * UNITS], 2),
        seeded([ROWS, UNITS], 3),
        mixedMask(),
      ];
      const [xw, hu, h, mask] = inputs as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const before = tf.memory().numTensors;
      const masked = gruCell(xw, hu, h, mask);
      const unmasked = gruCell(xw, hu, h, null);
      assert.equal(tf.memory().numTensors, before + 2, 'one state each, without the activations kept for the gradient');
      tf.dispose([masked, unmasked, ...inputs]);
    });
  }

  it('computes a one-unit cell as written out by hand', async () => {
    await tf.setBackend('wasm');
    const [xz, xr, xn, hz, hr, hn, h] = [0.4, -0.3, 1.1, -0.2, 0.9, -0.6, 0.25];
    const next = tf.tidy(() =>
      gruCell(tf.tensor2d([[xz, xr, xn]]), tf.tensor2d([[hz, hr, hn]]), tf.tensor2d([[h]]), null).dataSync(),
    );
    const z = sigmoid(xz + hz);
    const r = sigmoid(xr + hr);
    const n = Math.tanh(xn + r * hn);
    assert.ok(Math.abs((next[0] ?? NaN) - ((1 - z) * n + z * h)) < 1e-6);
  });

  it('rejects projections whose width is not three times the state', async () => {
    await tf.setBackend('cpu');
    assert.throws(
      () =>
        tf.tidy(() => {
          gruCell(tf.zeros([2, 7]) as tf.Tensor2D, tf.zeros([2, 6]) as tf.Tensor2D, tf.zeros([2, 2]), null);
        }),
      /gates \[N, 3H\] and state \[N, H\]/,
    );
  });
});
