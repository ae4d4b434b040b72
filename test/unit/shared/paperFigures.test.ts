import { strict as assert } from 'node:assert';
import { PAPERS } from '../../../src/models/catalog';
import type { PaperId, PlacedPaperFigure, PlotSpec } from '../../../src/shared/catalog';
import { defineDemo, int, paperFigureErrors, result } from '../../../src/shared/demo';
import { toDemoView, type DemoView } from '../../../src/shared/webviewProtocol';

/**
 * Every figure the demos show as the paper's, checked against the paper's tables: value, unit,
 * table or figure, and where it sits. A figure added, changed or moved without being checked here
 * fails the first test.
 */
const CHECKED: Readonly<Record<PaperId, readonly string[]>> = {
  rims: [
    'copying-rims-ce | 0.00 → 0.00 CE | Table 1 | claim rim-retention',
    'copying-lstm-ce | 0.00 → 3.56 CE | Table 1 | claim lstm-retention',
  ],
  'score-sde': [
    'cifar10-bits-per-dim | 2.99 bits/dim | Table 2 | claim nll-gap',
    'cifar10-fid | 2.20 | Table 3 | claim pc-beats-p-equal-evals',
    'cifar10-inception-score | 9.89 | Table 3 | claim pc-beats-p-equal-evals',
  ],
  genre: [],
  ance: [
    'marco-ance-mrr | 0.330 | Table 1 | claim mrr-vs-bm25-negatives',
    'marco-bm25-negatives-mrr | 0.299 | Table 1 | claim mrr-vs-bm25-negatives',
    'marco-bm25-mrr | 0.240 | Table 1 | plot mrr-countries',
  ],
  drq: [
    'cartpole-swingup | 759 / 869 return | Table 1 | plot return',
    'ball-in-cup-catch | 914 / 964 return | Table 1 | plot return',
    'finger-spin | 901 / 939 return | Table 1 | plot return',
    'reacher-easy | 600 / 945 return | Table 1 | plot return',
    'cheetah-run | 361 / 680 return | Table 1 | plot return',
    'walker-walk | 634 / 924 return | Table 1 | plot return',
  ],
  fedopt: [],
  flyvec: [],
};

const describeFigure = (f: PlacedPaperFigure): string =>
  `${f.id} | ${f.value}${f.unit ? ` ${f.unit}` : ''} | ${f.source} | ${f.claim !== undefined ? `claim ${f.claim}` : `plot ${f.plot}`}`;

const figuresOf = (id: PaperId): PlacedPaperFigure[] =>
  (PAPERS.find((p) => p.meta.id === id)?.demos ?? []).flatMap((d) => d.paperFigures ?? []);

describe("the paper's own figures", () => {
  it('are exactly the figures checked against each paper', () => {
    for (const paper of PAPERS) {
      assert.deepEqual(figuresOf(paper.meta.id).map(describeFigure), CHECKED[paper.meta.id], paper.meta.id);
    }
  });

  it('each cite a table or figure and give the setting, with the dataset named', () => {
    for (const paper of PAPERS) {
      for (const demo of paper.demos) {
        for (const f of demo.paperFigures ?? []) {
          const where = `${paper.meta.id}/${demo.id}/${f.id}`;
          assert.match(f.source, /^(Table|Figure) [0-9A-Z]/, where);
          assert.ok(f.setting.trim().length >= 20, `${where}: setting "${f.setting}"`);
          assert.ok(f.what.trim() !== '' && f.value.trim() !== '', where);
        }
      }
    }
    // The paper's datasets, so that a CIFAR-10 or control-suite number is not read as this demo's.
    for (const f of figuresOf('score-sde')) assert.match(f.setting, /CIFAR-10/, f.id);
    for (const f of figuresOf('ance')) assert.match(f.setting, /MS MARCO passage ranking, dev queries/, f.id);
    for (const f of figuresOf('rims'))
      assert.match(f.setting, /dormant phase of 50 steps in training and 200 at test/, f.id);
    for (const f of figuresOf('drq')) assert.match(f.setting, /PlaNet benchmark.*10 seeds.*100k and 500k/, f.id);
  });

  it('name only claims and plots their demo has', () => {
    for (const paper of PAPERS) {
      for (const demo of paper.demos) assert.deepEqual(paperFigureErrors(demo), [], `${paper.meta.id}/${demo.id}`);
    }
  });

  it('reach the demo as the panel receives it, each on the claim or plot it names', () => {
    for (const paper of PAPERS) {
      for (const demo of paper.demos) {
        // What the host posts: JSON, as postMessage clones it.
        const view = JSON.parse(JSON.stringify(toDemoView(demo))) as DemoView;
        const figures = demo.paperFigures ?? [];
        assert.deepEqual(view.paperFigures, figures, `${paper.meta.id}/${demo.id}`);
        for (const f of figures) {
          const { claim, plot, ...shown } = f;
          const holder =
            claim !== undefined ? view.claims.find((c) => c.id === claim) : view.plots.find((p) => p.id === plot);
          assert.ok(holder, `${f.id}: no ${claim ?? plot} in the view`);
          assert.deepEqual(
            holder.paperFigures?.filter((g) => g.id === f.id),
            [shown],
            `${paper.meta.id}/${demo.id}: ${f.id} is not shown beside ${claim ?? plot}`,
          );
        }
        // Nothing is shown that the demo did not declare.
        const shownIds = [...view.claims, ...view.plots].flatMap((x) => (x.paperFigures ?? []).map((g) => g.id));
        assert.deepEqual(shownIds.sort(), figures.map((f) => f.id).sort(), `${paper.meta.id}/${demo.id}`);
      }
    }
  });
});

describe('paper figure references', () => {
  const plots: PlotSpec[] = [{ id: 'acc', title: 'Accuracy', xLabel: 'step', yLabel: 'accuracy', series: [] }];
  const claims = [{ id: 'wins', text: 'wins', target: '> 0', measure: () => ({ measured: 1, pass: true }) }];
  const figure = {
    id: 'f',
    what: 'accuracy',
    value: '0.9',
    source: 'Table 1',
    setting: 'MNIST, MLP, 100 epochs',
  } as const;

  it('resolve when they name a claim or plot the demo has', () => {
    const figures: PlacedPaperFigure[] = [
      { ...figure, claim: 'wins' },
      { ...figure, id: 'g', plot: 'acc' },
    ];
    assert.deepEqual(paperFigureErrors({ id: 'toy', claims, plots, paperFigures: figures }), []);
  });

  it('are errors when they name a missing claim or plot, repeat an id, or lack a source or setting', () => {
    const errors = paperFigureErrors({
      id: 'toy',
      claims,
      plots,
      paperFigures: [
        { ...figure, claim: 'loses' },
        { ...figure, plot: 'loss' },
        { ...figure, id: 'h', setting: ' ', claim: 'wins' },
        { ...figure, id: 'k', source: 'Table ' as 'Table 1', claim: 'wins' },
      ],
    });
    assert.equal(errors.length, 5, errors.join('\n'));
    assert.ok(errors.some((e) => /unknown claim "loses"/.test(e)));
    assert.ok(errors.some((e) => /unknown plot "loss"/.test(e)));
    assert.ok(errors.some((e) => /"f" is declared twice/.test(e)));
    assert.ok(errors.some((e) => /"h" has no setting/.test(e)));
    assert.ok(errors.some((e) => /"k" cites no table or figure/.test(e)));
  });

  it('that do not resolve stop defineDemo', () => {
    const define = (paperFigures: readonly PlacedPaperFigure[]) =>
      defineDemo(
        {
          id: 'toy',
          title: 'Toy',
          description: 'A demo for the tests.',
          fields: { steps: int({ label: 'Steps', description: '', min: 1, max: 10 }) },
          presets: { quick: { steps: 1 }, paper: { steps: 2 } },
          results: { accuracy: result() },
          totalSteps: (c) => c.steps,
          claims: [{ id: 'wins', text: 'wins', target: '> 0', measure: () => ({ measured: 1, pass: true }) }],
          paperFigures,
          load: () => Promise.resolve(() => Promise.resolve({ accuracy: 1 })),
        },
        { stepLabel: 'step', plots, outputs: [] },
      );
    assert.equal(define([{ ...figure, plot: 'acc' }]).paperFigures?.length, 1);
    assert.throws(() => define([{ ...figure, plot: 'accuracy' }]), /unknown plot "accuracy"/);
    assert.throws(() => define([{ ...figure, claim: 'loses' }]), /unknown claim "loses"/);
  });
});
