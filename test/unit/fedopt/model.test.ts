import { strict as assert } from 'node:assert';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../../src/models/engine/rng';
import { type Batch, crossEntropy, evaluate, mlp, softmaxRegression } from '../../../src/models/fedopt/model';
import { expectClose, useBackend } from '../../helpers/backends';

/** A random batch of B examples with P inputs (non-negative, like bag-of-words vectors). */
function randomBatch(rng: Rng, b: number, p: number, k: number): Batch {
  const x = Float32Array.from({ length: b * p }, () => rng.next());
  const features = tf.tensor2d(x, [b, p]);
  return {
    features,
    featuresT: tf.transpose(features),
    labels: tf.tensor1d(
      Array.from({ length: b }, () => rng.int(k)),
      'int32',
    ),
  };
}

describe('fedopt models', () => {
  before(() => useBackend('cpu'));

  it('softmax-regression gradient matches central finite differences', async () => {
    const rng = new Rng(3);
    const [p, k, b] = [6, 4, 5];
    const model = softmaxRegression(p, k);
    const w = Float32Array.from({ length: p * k }, () => rng.normal());
    const bias = Float32Array.from({ length: k }, () => rng.normal());
    const batch = randomBatch(rng, b, p, k);
    const loss = (wv: Float32Array, bv: Float32Array): number =>
      tf.tidy(
        () =>
          crossEntropy(
            model.logits([tf.tensor2d(wv, [k, p]), tf.tensor1d(bv)], batch),
            batch.labels,
          ).dataSync()[0] as number,
      );
    const [gw, gb] = model.gradients([tf.tensor2d(w, [k, p]), tf.tensor1d(bias)], batch, 2);
    assert.deepEqual((gw as tf.Tensor).shape, [k, p], 'the weight is stored as Wᵀ, [K, P]');
    const analyticW = await (gw as tf.Tensor).data();
    const analyticB = await (gb as tf.Tensor).data();
    // Central differences in float32: ε = 1e-2 keeps rounding error well below the tolerance.
    const eps = 1e-2;
    const numeric = (values: Float32Array, at: number, f: (v: Float32Array) => number): number => {
      const plus = values.slice();
      const minus = values.slice();
      plus[at] = (plus[at] as number) + eps;
      minus[at] = (minus[at] as number) - eps;
      return (f(plus) - f(minus)) / (2 * eps);
    };
    // The gradients were asked with scale 2.
    const numW = Array.from(w, (_, i) => 2 * numeric(w, i, (v) => loss(v, bias)));
    const numB = Array.from(bias, (_, i) => 2 * numeric(bias, i, (v) => loss(w, v)));
    await expectClose(analyticW, numW, { rtol: 2e-3, what: 'dW' });
    await expectClose(analyticB, numB, { rtol: 2e-3, what: 'db' });
    tf.dispose([gw as tf.Tensor, gb as tf.Tensor, batch.features, batch.featuresT, batch.labels]);
  });

  it('softmax-regression gradient agrees with autodiff', async () => {
    const rng = new Rng(4);
    const model = softmaxRegression(10, 3);
    const params = [tf.tensor2d(rng.normals(30), [3, 10]), tf.tensor1d(rng.normals(3))];
    const batch = randomBatch(rng, 7, 10, 3);
    const hand = model.gradients(params, batch);
    const auto = tf.grads((w: tf.Tensor, b: tf.Tensor) => crossEntropy(model.logits([w, b], batch), batch.labels))(
      params,
    );
    for (let i = 0; i < 2; i++)
      await expectClose(await (hand[i] as tf.Tensor).data(), await (auto[i] as tf.Tensor).data(), { rtol: 1e-5 });
    tf.dispose([...hand, ...auto, ...params, batch.features, batch.featuresT, batch.labels]);
  });

  it('MLP has the right shapes and a loss of log K at zero output weights', async () => {
    const model = mlp(8, 5, 3);
    const params = model.init(new Rng(1));
    assert.deepEqual(
      params.map((t) => t.shape),
      [[8, 5], [5], [5, 3], [3]],
    );
    const zeroOut = [params[0] as tf.Tensor, params[1] as tf.Tensor, tf.zeros([5, 3]), tf.zeros([3])];
    const batch = randomBatch(new Rng(2), 4, 8, 3);
    const { loss, accuracy } = evaluate(model, zeroOut, batch);
    await expectClose(await loss.data(), [Math.log(3)], { rtol: 1e-5 });
    const acc = (await accuracy.data())[0] as number;
    assert.ok(acc >= 0 && acc <= 1);
    const grads = model.gradients(params, batch);
    assert.deepEqual(
      grads.map((g) => g.shape),
      params.map((p) => p.shape),
    );
    tf.dispose([
      ...params,
      ...zeroOut.slice(2),
      ...grads,
      loss,
      accuracy,
      batch.features,
      batch.featuresT,
      batch.labels,
    ]);
  });
});
