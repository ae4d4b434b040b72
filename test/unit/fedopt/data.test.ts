import { strict as assert } from 'node:assert';
import {
  decodeMnist,
  labelCounts,
  majorCount,
  type MnistDigits,
  mnistData,
  SYNTHETIC,
  syntheticData,
} from '../../../src/models/fedopt/data';

const split = { clients: 200, examplesPerClient: 50, majorFraction: 0.8 };

describe('fedopt data', () => {
  it('gives every synthetic client 80/20 of its two classes', () => {
    const data = syntheticData(split, 0);
    assert.equal(data.clients.length, 200);
    data.clients.forEach((client, i) => {
      const [major, minor] = data.clientClasses[i] as [number, number];
      assert.notEqual(major, minor);
      const counts = labelCounts(client.labels, SYNTHETIC.classes);
      assert.equal(counts[major], 40, `client ${i} main class`);
      assert.equal(counts[minor], 10, `client ${i} second class`);
      assert.equal(
        counts.reduce((a, b) => a + b, 0),
        50,
      );
    });
    // Main classes are spread evenly: 200 clients / 20 classes.
    const mains = labelCounts(
      Int32Array.from(data.clientClasses, ([m]) => m),
      SYNTHETIC.classes,
    );
    assert.ok(mains.every((n) => n === 10));
  });

  it('writes documents as word ids and bag-of-words inputs that sum to 1', () => {
    const data = syntheticData({ ...split, clients: 20 }, 3);
    const client = data.clients[0];
    assert.ok(client);
    assert.equal(client.features.length, 50 * SYNTHETIC.documentLength);
    assert.ok(client.features.every((w) => Number.isInteger(w) && w >= 0 && w < SYNTHETIC.vocabulary));
    const x = new Float32Array(data.inputSize);
    data.input(client, 0, x, 0);
    assert.ok(Math.abs(x.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    assert.equal(data.test.labels.length, SYNTHETIC.testExamples);
  });

  it('is determined by the seed, and different seeds differ', () => {
    const a = syntheticData(split, 7);
    const b = syntheticData(split, 7);
    const c = syntheticData(split, 8);
    assert.deepEqual(a.clientClasses, b.clientClasses);
    assert.deepEqual(a.clients[5]?.features, b.clients[5]?.features);
    assert.deepEqual(a.test.features, b.test.features);
    assert.notDeepEqual(a.clients[5]?.features, c.clients[5]?.features);
    assert.notDeepEqual(a.clientClasses, c.clientClasses);
  });

  it("holds out validation examples of each client's two classes, leaving training and test data unchanged", () => {
    const data = syntheticData({ ...split, validationPerClient: 5 }, 0);
    const plain = syntheticData(split, 0);
    assert.equal(plain.validation.labels.length, 0);
    assert.deepEqual(data.clients[7]?.features, plain.clients[7]?.features);
    assert.deepEqual(data.test.features, plain.test.features);
    const { validation } = data;
    assert.equal(validation.labels.length, 200 * 5);
    assert.equal(validation.features.length, 200 * 5 * SYNTHETIC.documentLength);
    data.clientClasses.forEach(([major, minor], i) => {
      const counts = labelCounts(validation.labels.subarray(5 * i, 5 * i + 5), SYNTHETIC.classes);
      assert.equal(counts[major], 4, `client ${i} main class`);
      assert.equal(counts[minor], 1, `client ${i} second class`);
    });
    // Fresh documents, not copies of the client's training documents.
    const docs = (e: { features: Int32Array | Float32Array }, n: number): string[] =>
      Array.from({ length: n }, (_, r) => e.features.slice(r * 20, r * 20 + 20).join());
    const training = new Set(data.clients.flatMap((c) => docs(c, 50)));
    assert.ok(docs(validation, 1000).every((d) => !training.has(d)));
  });

  it('rounds the main-class count', () => {
    assert.equal(majorCount(50, 0.8), 40);
    assert.equal(majorCount(60, 0.5), 30);
  });

  it('decodes the MNIST file layout and splits two digits per client', () => {
    // A tiny file: side 2, 40 train digits (4 of each class, pixel value = label·20), 2 test digits.
    const side = 2;
    const nTrain = 40;
    const nTest = 2;
    const bytes = new Uint8Array(16 + (nTrain + nTest) * (1 + side * side));
    bytes.set([80, 76, 77, 78]); // "PLMN"
    const view = new DataView(bytes.buffer);
    view.setUint32(4, side, true);
    view.setUint32(8, nTrain, true);
    view.setUint32(12, nTest, true);
    const trainLabels = Array.from({ length: nTrain }, (_, i) => i % 10);
    bytes.set(trainLabels, 16);
    trainLabels.forEach((y, i) => bytes.fill(y * 20, 16 + nTrain + i * 4, 16 + nTrain + (i + 1) * 4));
    const digits: MnistDigits = decodeMnist(bytes);
    assert.equal(digits.side, 2);
    assert.equal(digits.train.labels.length, nTrain);
    assert.equal(digits.test.labels.length, nTest);
    assert.ok(Math.abs((digits.train.features[4 * 3] as number) - 60 / 255) < 1e-6);

    const data = mnistData(digits, { clients: 5, examplesPerClient: 4, majorFraction: 0.5, validationPerClient: 2 }, 1);
    data.clients.forEach((client, i) => {
      const [a, b] = data.clientClasses[i] as [number, number];
      const counts = labelCounts(client.labels, 10);
      assert.equal(counts[a], 2);
      assert.equal(counts[b], 2);
      // Each digit's pixels match its label.
      client.labels.forEach((y, r) => assert.ok(Math.abs((client.features[r * 4] as number) - (y * 20) / 255) < 1e-6));
    });
    // Held out: one digit of each of the client's classes, its pixels matching its label.
    const { validation } = data;
    assert.equal(validation.labels.length, 10);
    data.clientClasses.forEach(([a, b], i) =>
      assert.deepEqual([...validation.labels.subarray(2 * i, 2 * i + 2)], [a, b]),
    );
    validation.labels.forEach((y, r) =>
      assert.ok(Math.abs((validation.features[r * 4] as number) - (y * 20) / 255) < 1e-6),
    );
    assert.throws(() => decodeMnist(bytes.subarray(0, 100)));
  });
});
