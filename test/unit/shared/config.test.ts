import { strict as assert } from 'node:assert';
import type { DemoDescriptor } from '../../../src/shared/catalog';
import { parseAssignment, validateConfig } from '../../../src/shared/config';

const demo: DemoDescriptor = {
  id: 'toy',
  title: 'Toy',
  description: 'A demo for testing validation.',
  fields: [
    { kind: 'int', key: 'rounds', label: 'Rounds', description: '', min: 1, max: 100 },
    { kind: 'number', key: 'lr.server', label: 'Server LR', description: '', min: 1e-4, max: 10, log: true },
    { kind: 'enum', key: 'dataset', label: 'Data', description: '', options: ['synthetic', 'mnist'] },
    { kind: 'boolean', key: 'optimizers.fedavg', label: 'FedAvg', description: '' },
  ],
  presets: {
    quick: { rounds: 10, 'lr.server': 0.1, dataset: 'synthetic', 'optimizers.fedavg': true },
    paper: { rounds: 50, 'lr.server': 0.01, dataset: 'mnist', 'optimizers.fedavg': true },
  },
  validate: (c) =>
    c['dataset'] === 'mnist' && (c['rounds'] as number) < 20 ? ['rounds: mnist needs at least 20'] : [],
  totalSteps: (c) => c['rounds'] as number,
  stepLabel: 'round',
  plots: [],
  outputs: [],
  claims: [],
};

describe('config validation', () => {
  it('accepts a preset and fills missing keys from the base preset', () => {
    const r = validateConfig(demo, { rounds: 5 });
    assert.equal(r.ok, true);
    assert.deepEqual(r.config, { rounds: 5, 'lr.server': 0.1, dataset: 'synthetic', 'optimizers.fedavg': true });
  });

  it('names each bad field with its allowed range', () => {
    const r = validateConfig(demo, { rounds: 0.5, 'lr.server': -1, dataset: 'cifar', 'optimizers.fedavg': 'yes' });
    assert.equal(r.ok, false);
    assert.equal(r.errors.length, 4);
    assert.match(r.errors[0] ?? '', /^rounds: must be an integer from 1 to 100 \(got 0\.5\)/);
    assert.match(r.errors[1] ?? '', /^lr\.server: must be a number from 0\.0001 to 10/);
    assert.match(r.errors[2] ?? '', /^dataset: must be one of "synthetic", "mnist"/);
    assert.match(r.errors[3] ?? '', /^optimizers\.fedavg: must be true or false/);
  });

  it('rejects unknown keys, NaN and Infinity', () => {
    assert.match(validateConfig(demo, { round: 5 }).errors[0] ?? '', /^round: unknown setting for toy/);
    assert.equal(validateConfig(demo, { 'lr.server': Number.NaN }).ok, false);
    assert.equal(validateConfig(demo, { rounds: Number.POSITIVE_INFINITY }).ok, false);
  });

  it('runs the cross-field check only when every field is valid', () => {
    const r = validateConfig(demo, {}, demo.presets['paper']);
    assert.equal(r.ok, true);
    const bad = validateConfig(demo, { rounds: 10 }, demo.presets['paper']);
    assert.deepEqual(bad.errors, ['rounds: mnist needs at least 20']);
  });

  it('parses --set assignments by field kind', () => {
    assert.deepEqual(parseAssignment(demo, 'rounds=50'), { key: 'rounds', value: 50 });
    assert.deepEqual(parseAssignment(demo, 'lr.server=3e-2'), { key: 'lr.server', value: 0.03 });
    assert.deepEqual(parseAssignment(demo, 'optimizers.fedavg=false'), { key: 'optimizers.fedavg', value: false });
    assert.deepEqual(parseAssignment(demo, 'dataset=mnist'), { key: 'dataset', value: 'mnist' });
    assert.match(JSON.stringify(parseAssignment(demo, 'rounds=ten')), /rounds: \\"ten\\" is not a number/);
    assert.match(JSON.stringify(parseAssignment(demo, 'optimizers.fedavg=1')), /is not true or false/);
    assert.match(JSON.stringify(parseAssignment(demo, 'nokey=1')), /nokey: unknown setting/);
    assert.match(JSON.stringify(parseAssignment(demo, 'rounds')), /expected key=value/);
  });
});
