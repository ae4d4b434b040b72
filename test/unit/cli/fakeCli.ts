/**
 * `paper-lab` on a fake catalog, for tests that run the command line in a child process:
 * `node --import tsx test/unit/cli/fakeCli.ts run fedopt --set steps=50 --set stepMs=20 --out DIR`.
 *
 * Its one demo, `fedopt/toy`, trains `steps` steps; each step blocks for `stepMs` milliseconds
 * (like a training step does), then reports a loss (and half of it; every second step also an
 * `evalLoss`). At step 1 it writes an output of `outputKb` KiB. Its final loss, which its one
 * claim reads (below 0.5), is the loss after `steps` steps (0.8^steps) plus seed × `seedNoise` / 1000,
 * so that a claim can hold at some seeds and fail at others. Its two plots draw the metrics.
 */
import { main } from '../../../src/cli/commands';
import type { DemoDescriptor, PaperId } from '../../../src/shared/catalog';
import type { DemoLookup } from '../../../src/models/engine/runner';
import type { DemoRun } from '../../../src/models/types';
import { fakeDemoOf, fakePaperOf, intField } from '../engine/fakeDemo';

export const toyDemo: DemoDescriptor = {
  ...fakeDemoOf(
    'A fake demo with slow steps.',
    [
      intField('steps', 'Steps', 1, 100000),
      intField('stepMs', 'Step time (ms)', 0, 60000),
      intField('outputKb', 'Output size (KiB)', 0, 4096),
      intField('seedNoise', 'Final loss added per seed (1/1000)', 0, 1000),
    ],
    { quick: { steps: 5, stepMs: 0, outputKb: 1, seedNoise: 0 } },
  ),
  plots: [
    {
      id: 'loss',
      title: 'Training loss',
      xLabel: 'step',
      yLabel: 'loss',
      logY: true,
      series: [
        { metric: 'loss', label: 'loss' },
        { metric: 'half', label: 'half the loss' },
      ],
    },
    {
      id: 'eval',
      title: 'Evaluation',
      xLabel: 'step',
      yLabel: 'loss',
      series: [{ metric: 'evalLoss', label: 'eval' }],
    },
  ],
};

export const toyPaper = fakePaperOf(toyDemo, 'Toy paper');

const toyTrainer: DemoRun = async (config, ctx) => {
  const steps = Number(config['steps']);
  const stepMs = Number(config['stepMs']);
  let loss = 1;
  for (let s = 1; s <= steps && !ctx.aborted; s++) {
    const until = Date.now() + stepMs;
    while (Date.now() < until) {
      // a step's work, blocking like a training step
    }
    if (s === 1)
      ctx.output({ kind: 'text', id: 'note', title: 'Note', text: 'x'.repeat(Number(config['outputKb']) * 1024) });
    loss *= 0.8;
    ctx.metric(s, s % 2 === 0 ? { loss, half: loss / 2, evalLoss: loss * 1.1 } : { loss, half: loss / 2 });
    ctx.progress(s);
    await ctx.tick();
  }
  return { final: loss + (ctx.seed * Number(config['seedNoise'])) / 1000 };
};

export const toyLookup: DemoLookup = {
  paper: (id: PaperId) => (id === 'fedopt' ? toyPaper : undefined),
  trainer: (paper: PaperId, demo: string) => (paper === 'fedopt' && demo === 'toy' ? toyTrainer : undefined),
};

if (require.main === module) {
  main(process.argv.slice(2), {
    papers: [toyPaper],
    lookup: toyLookup,
    selectBackend: async () => ({
      requested: 'cpu',
      chosen: 'cpu',
      attempts: [{ name: 'cpu', ok: true, reason: 'fake' }],
    }),
  }).then(
    (code) => {
      process.exitCode = code;
      setTimeout(() => process.exit(code), 200).unref();
    },
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
