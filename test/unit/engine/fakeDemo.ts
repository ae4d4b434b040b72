/**
 * A tiny fake paper with one demo and an injectable trainer, for engine tests.
 */
import type { ClaimSpec, DemoDescriptor, FieldSpec, PaperDescriptor, PaperId } from '../../../src/shared/catalog';
import type { DemoLookup } from '../../../src/models/engine/runner';
import type { DemoRun } from '../../../src/models/types';

/** What every fake demo shares: `steps` steps, and one claim on the final loss. */
const stepsAndFinalLoss: Pick<DemoDescriptor, 'totalSteps' | 'stepLabel' | 'plots' | 'outputs' | 'claims'> = {
  totalSteps: (c) => Number(c['steps']),
  stepLabel: 'step',
  plots: [],
  outputs: [],
  claims: [
    {
      id: 'final-low',
      text: 'final loss below 0.5',
      target: '< 0.5',
      measure: (r) => ({ measured: r['final'] ?? null, pass: (r['final'] ?? Infinity) < 0.5 }),
    } satisfies ClaimSpec,
  ],
};

/** An integer setting of a fake demo. */
export const intField = (key: string, label: string, min: number, max: number): FieldSpec => ({
  kind: 'int',
  key,
  label,
  description: label,
  min,
  max,
});

/** A fake demo `toy` with these settings and presets, `steps` steps and one claim on the final loss. */
export function fakeDemoOf(
  description: string,
  fields: DemoDescriptor['fields'],
  presets: DemoDescriptor['presets'],
): DemoDescriptor {
  return { id: 'toy', title: 'Toy', description, fields, presets, ...stepsAndFinalLoss };
}

export const fakeDemo = fakeDemoOf(
  'A fake demo.',
  [
    intField('steps', 'Steps', 1, 10000),
    { kind: 'number', key: 'lr', label: 'LR', description: 'learning rate', min: 0.0001, max: 1, log: true },
    { kind: 'enum', key: 'mode', label: 'Mode', description: 'mode', options: ['a', 'b'] },
    { kind: 'boolean', key: 'flag', label: 'Flag', description: 'flag' },
  ],
  {
    quick: { steps: 20, lr: 0.1, mode: 'a', flag: false },
    paper: { steps: 200, lr: 0.01, mode: 'b', flag: true },
  },
);

/** A fake paper (it takes FedOpt's id, which the catalog types require) holding one demo. */
export function fakePaperOf(demo: DemoDescriptor, title: string): PaperDescriptor {
  return {
    meta: {
      id: 'fedopt',
      title,
      shortName: title,
      authors: ['A'],
      venue: 'ICLR 2021',
      links: { openreview: 'https://openreview.net', code: 'https://example.invalid' },
      tagline: 'fake',
    },
    equations: [],
    demos: [demo],
    sources: [],
  };
}

export const fakePaper = fakePaperOf(fakeDemo, 'Fake');

export function fakeLookup(trainer: DemoRun): DemoLookup & { calls: number } {
  const lookup = {
    calls: 0,
    paper: (id: PaperId) => (id === 'fedopt' ? fakePaper : undefined),
    trainer: (paper: PaperId, demo: string) =>
      paper === 'fedopt' && demo === 'toy'
        ? (((c, ctx) => {
            lookup.calls++;
            return trainer(c, ctx);
          }) as DemoRun)
        : undefined,
  };
  return lookup;
}

/** A trainer that reports `steps` steps with a decreasing loss. */
export const countingTrainer: DemoRun = async (config, ctx) => {
  const steps = Number(config['steps']);
  let loss = 1;
  for (let s = 1; s <= steps; s++) {
    if (ctx.aborted) break;
    loss *= 0.9;
    ctx.metric(s, { loss });
    ctx.progress(s);
    await ctx.tick();
  }
  return { final: loss };
};
