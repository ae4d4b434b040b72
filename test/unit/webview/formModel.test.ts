import assert from 'node:assert/strict';
import type { FieldSpec } from '../../../src/shared/catalog';
import type { DemoView } from '../../../src/shared/webviewProtocol';
import {
  displayValue,
  groupFields,
  isLogField,
  matchesPreset,
  parseFieldInput,
  readPanelState,
  sortErrors,
  validateForm,
} from '../../../src/webviews/formModel';

const rounds: FieldSpec = { key: 'rounds', label: 'Rounds', description: '', kind: 'int', min: 1, max: 100 };
const lr: FieldSpec = {
  key: 'lr.server',
  label: 'Server LR',
  description: '',
  kind: 'number',
  min: 1e-4,
  max: 10,
  log: true,
  group: 'Server',
};
const opt: FieldSpec = {
  key: 'opt',
  label: 'Optimizer',
  description: '',
  kind: 'enum',
  options: ['adam', 'yogi'],
  group: 'Server',
};
const flag: FieldSpec = { key: 'momentum', label: 'Momentum', description: '', kind: 'boolean' };

const demo: DemoView = {
  id: 'demo',
  title: 'Demo',
  description: '',
  fields: [rounds, lr, opt, flag],
  presets: { quick: { rounds: 10, 'lr.server': 0.01, opt: 'yogi', momentum: true } },
  stepLabel: 'round',
  plots: [],
  outputs: [],
  claims: [],
  queries: [],
  paperFigures: [],
};

describe('webview form model', () => {
  it('parses and checks typed numbers', () => {
    assert.deepEqual(parseFieldInput(rounds, ' 20 '), { value: 20, error: null });
    assert.match(parseFieldInput(rounds, '2.5').error ?? '', /^rounds: must be an integer from 1 to 100/);
    assert.match(parseFieldInput(rounds, 'abc').error ?? '', /is not a number/);
    assert.match(parseFieldInput(rounds, '').error ?? '', /is not a number/);
    assert.deepEqual(parseFieldInput(lr, '3e-3'), { value: 0.003, error: null });
    assert.deepEqual(parseFieldInput(lr, '−0.5').value, -0.5);
    assert.deepEqual(parseFieldInput(opt, 'adam'), { value: 'adam', error: null });
    assert.ok(parseFieldInput(opt, 'sgd').error);
    assert.deepEqual(parseFieldInput(flag, false), { value: false, error: null });
  });

  it('shows small and large numbers in e-notation', () => {
    assert.equal(displayValue(lr, 0.0001), '1e-4');
    assert.equal(displayValue(lr, 0.0316), '0.0316');
    assert.equal(displayValue(rounds, 20), '20');
    assert.equal(displayValue(rounds, undefined), '');
  });

  it('uses a log slider only for positive log ranges', () => {
    assert.equal(isLogField(lr), true);
    assert.equal(isLogField({ ...lr, min: 0 }), false);
    assert.equal(isLogField(rounds), false);
  });

  it('sorts errors to fields by the longest matching key', () => {
    const errors = sortErrors(
      ['lr.server: too big', 'lr: also', 'rounds must exceed warmup', 'rounds: bad'],
      ['lr', 'lr.server', 'rounds'],
    );
    assert.deepEqual(errors.byField.get('lr.server'), ['lr.server: too big']);
    assert.deepEqual(errors.byField.get('lr'), ['lr: also']);
    assert.deepEqual(errors.byField.get('rounds'), ['rounds: bad']);
    assert.deepEqual(errors.general, ['rounds must exceed warmup']);
    assert.equal(errors.ok, false);
  });

  it('validates a whole form with the shared validator', () => {
    assert.equal(validateForm(demo, { rounds: 10, 'lr.server': 0.01, opt: 'yogi', momentum: true }).ok, true);
    const bad = validateForm(demo, { rounds: 0, 'lr.server': 0.01, opt: 'yogi', momentum: true, typo: 1 });
    assert.equal(bad.ok, false);
    assert.equal(bad.byField.get('rounds')?.length, 1);
    assert.match(bad.general[0] ?? '', /^typo: unknown setting/);
  });

  it('tells whether values still match the preset', () => {
    const quick = demo.presets['quick'];
    assert.equal(matchesPreset({ rounds: 10, 'lr.server': 0.01, opt: 'yogi', momentum: true }, quick), true);
    assert.equal(matchesPreset({ rounds: 11, 'lr.server': 0.01, opt: 'yogi', momentum: true }, quick), false);
    assert.equal(matchesPreset({}, undefined), false);
  });

  it('groups fields, ungrouped first', () => {
    assert.deepEqual(
      groupFields(demo.fields).map((g) => [g.group, g.fields.map((f) => f.key)]),
      [
        [null, ['rounds', 'momentum']],
        ['Server', ['lr.server', 'opt']],
      ],
    );
  });

  it('reads stored panel state defensively', () => {
    assert.equal(readPanelState(undefined), undefined);
    assert.equal(readPanelState({ forms: {} }), undefined);
    const state = readPanelState({
      paper: 'fedopt',
      demo: 'demo',
      shownRun: 'fedopt-quick-1',
      forms: {
        demo: { preset: 'quick', seed: 3, values: { rounds: 5, opt: 'adam' } },
        broken: { preset: 'quick', seed: -1, values: {} },
        evil: { preset: 'quick', seed: 1, values: { x: { nested: true } } },
      },
    });
    assert.deepEqual(state, {
      paper: 'fedopt',
      demo: 'demo',
      shownRun: 'fedopt-quick-1',
      forms: { demo: { preset: 'quick', seed: 3, values: { rounds: 5, opt: 'adam' } } },
    });
  });
});
