/**
 * One typed definition per demo (src/shared/demo.ts): flat keys for the form, the CLI and the run
 * folder; nested, typed configs and results for the trainer and the claims. The `@ts-expect-error`
 * lines are checked by the type-check (`npm run typecheck`): if a claim could read a result its
 * trainer does not produce, or a trainer a field its demo does not declare, the directive itself
 * becomes an error.
 */
import { strict as assert } from 'node:assert';
import { threshold } from '../../../src/shared/claims';
import {
  bool,
  choice,
  type ConfigOf,
  defineDemo,
  each,
  eachResult,
  flattenConfig,
  flattenFields,
  flattenResults,
  group,
  int,
  nestConfig,
  nestResults,
  num,
  optionalResult,
  result,
  resultKeys,
  type ResultsOf,
  type Trainer,
} from '../../../src/shared/demo';

const ARMS = ['slow', 'fast'] as const;

const fields = {
  dataset: choice(['ring', 'moons'], { label: 'Data', description: 'which data' }),
  steps: int({ label: 'Steps', description: 'training steps', min: 1, max: 100, group: 'Budget' }),
  lr: each(ARMS, (arm) =>
    group({
      client: num({ label: `${arm} client`, description: 'client rate', min: 0, max: 1 }),
      server: num({ label: `${arm} server`, description: 'server rate', min: 0, max: 1 }),
    }),
  ),
  verbose: bool({ label: 'Verbose', description: 'more output' }),
};
type Config = ConfigOf<typeof fields>;

const specs = {
  steps: result({ unit: 'steps' }),
  accuracy: eachResult(ARMS, () => result()),
  baseline: optionalResult(),
};
type Results = ResultsOf<typeof specs>;

const quick: Config = {
  dataset: 'ring',
  steps: 10,
  lr: { slow: { client: 0.1, server: 0.2 }, fast: { client: 0.3, server: 0.4 } },
  verbose: false,
};

const train: Trainer<Config, Results, { readonly seed: number }> = async (config, ctx) => {
  const d: 'ring' | 'moons' = config.dataset;
  void d;
  // @ts-expect-error a trainer cannot read a field its demo does not declare
  void config.epochs;
  // @ts-expect-error a number field is a number, not a string
  const s: string = config.steps;
  void s;
  return {
    steps: config.steps,
    accuracy: { slow: config.lr.slow.client + ctx.seed, fast: config.lr.fast.server },
  };
};

const demo = defineDemo(
  {
    id: 'toy',
    title: 'Toy',
    description: 'A demo for the tests.',
    fields,
    presets: { quick, paper: { ...quick, steps: 100 } },
    results: specs,
    totalSteps: (c) => c.steps,
    validate: (c) => (c.lr.fast.client < c.lr.slow.client ? ['lr.fast.client: must be at least lr.slow.client'] : []),
    claims: [
      threshold<Config, Results>({
        id: 'fast-wins',
        text: 'the fast arm reaches 0.3',
        read: (r) => r.accuracy?.fast,
        comparison: '>=',
        value: 0.3,
      }),
      {
        id: 'beats-baseline',
        text: 'slow beats the baseline',
        target: '> 0',
        measure: (r, c) => {
          const gap = r.accuracy?.slow !== undefined && r.baseline !== undefined ? r.accuracy.slow - r.baseline : null;
          return { measured: gap, pass: gap !== null && gap > 0 && c.steps > 0 };
        },
      },
      {
        id: 'wrong',
        text: 'reads a result that does not exist',
        target: '—',
        // @ts-expect-error a claim cannot read a result its trainer does not produce
        measure: (r) => ({ measured: r.loss ?? null, pass: false }),
      },
    ],
    load: () => Promise.resolve(train),
  },
  { plots: [], outputs: [] },
);

describe('typed demo definitions', () => {
  it('flattens nested fields to dotted keys in declaration order, keeping their specs', () => {
    const flat = flattenFields(fields);
    assert.deepEqual(
      flat.map((f) => f.key),
      ['dataset', 'steps', 'lr.slow.client', 'lr.slow.server', 'lr.fast.client', 'lr.fast.server', 'verbose'],
    );
    const steps = flat[1];
    assert.ok(steps?.kind === 'int');
    assert.deepEqual([steps.min, steps.max, steps.group], [1, 100, 'Budget']);
    assert.deepEqual(demo.fields, flat);
  });

  it('round-trips configs between the flat and the nested form', () => {
    const flat = flattenConfig(fields, quick);
    assert.deepEqual(flat, {
      dataset: 'ring',
      steps: 10,
      'lr.slow.client': 0.1,
      'lr.slow.server': 0.2,
      'lr.fast.client': 0.3,
      'lr.fast.server': 0.4,
      verbose: false,
    });
    assert.deepEqual(nestConfig(fields, flat), quick);
    assert.deepEqual(demo.presets['paper'], { ...flat, steps: 100 });
    const { 'lr.fast.server': _, ...missing } = flat;
    assert.throws(() => nestConfig(fields, missing), /lr\.fast\.server/);
  });

  it('flattens results, leaving out absent optional ones and refusing absent required ones', () => {
    assert.deepEqual(flattenResults(specs, { steps: 3, accuracy: { slow: 0.5, fast: 0.7 } }), {
      steps: 3,
      'accuracy.slow': 0.5,
      'accuracy.fast': 0.7,
    });
    assert.deepEqual(resultKeys(specs), ['steps', 'accuracy.slow', 'accuracy.fast', 'baseline']);
    assert.throws(() => flattenResults(specs, { steps: 3 } as unknown as Results), /accuracy\.slow/);
    assert.deepEqual(nestResults(specs, { steps: 3, 'accuracy.fast': 0.7 }), { steps: 3, accuracy: { fast: 0.7 } });
  });

  it('runs the typed trainer on flat configs and returns flat results', async () => {
    const trainer = await demo.loadTrainer();
    const results = await trainer(demo.presets['quick'] ?? {}, { seed: 1 });
    assert.deepEqual(results, { steps: 10, 'accuracy.slow': 1.1, 'accuracy.fast': 0.4 });
  });

  it('measures claims from flat results through the typed readers, with the config', () => {
    const [fastWins, beatsBaseline] = demo.claims;
    assert.deepEqual(fastWins?.measure({ 'accuracy.fast': 0.4 }), { measured: 0.4, pass: true });
    assert.deepEqual(fastWins?.measure({ steps: 1 }), { measured: null, pass: false });
    const flatQuick = demo.presets['quick'] ?? {};
    assert.equal(beatsBaseline?.measure({ 'accuracy.slow': 0.5, baseline: 0.2 }, flatQuick).pass, true);
    assert.equal(beatsBaseline?.measure({ 'accuracy.slow': 0.5 }, flatQuick).measured, null);
  });

  it('counts in steps and shows no paper figures unless the definition says otherwise', () => {
    assert.equal(demo.stepLabel, 'step');
    assert.deepEqual(demo.paperFigures, []);
    const rounds = defineDemo(
      {
        id: 'rounds',
        title: 'Rounds',
        description: 'Counts rounds.',
        fields,
        presets: { quick, paper: quick },
        results: specs,
        totalSteps: (c) => c.steps,
        claims: [],
        load: () => Promise.resolve(train),
      },
      { stepLabel: 'round', plots: [], outputs: [] },
    );
    assert.equal(rounds.stepLabel, 'round');
  });

  it('validates and counts steps on the typed config', () => {
    const flat = demo.presets['quick'] ?? {};
    assert.equal(demo.totalSteps(flat), 10);
    assert.deepEqual(demo.validate?.(flat), []);
    assert.deepEqual(demo.validate?.({ ...flat, 'lr.fast.client': 0.01 }), [
      'lr.fast.client: must be at least lr.slow.client',
    ]);
  });
});
