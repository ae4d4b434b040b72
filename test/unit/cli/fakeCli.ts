/**
 * `paper-lab` on a fake catalog, for tests that run the command line in a child process:
 * `node --import tsx test/unit/cli/fakeCli.ts run fedopt --set steps=50 --set stepMs=20 --out DIR`.
 *
 * Its one demo, `fedopt/toy`, trains `steps` steps; each step blocks for `stepMs` milliseconds
 * (like a training step does), then reports a loss. At step 1 it writes an output of
 * `outputKb` KiB.
 */
import { main } from '../../../src/cli/commands';
import type { DemoDescriptor, PaperId } from '../../../src/shared/catalog';
import type { DemoLookup } from '../../../src/models/engine/runner';
import type { DemoRun } from '../../../src/models/types';
import { fakePaperOf, intField, stepsAndFinalLoss } from '../engine/fakeDemo';

export const toyDemo: DemoDescriptor = {
  id: 'toy',
  title: 'Toy',
  description: 'A fake demo with slow steps.',
  fields: [
    intField('steps', 'Steps', 1, 100000),
    intField('stepMs', 'Step time (ms)', 0, 60000),
    intField('outputKb', 'Output size (KiB)', 0, 4096),
  ],
  presets: { quick: { steps: 5, stepMs: 0, outputKb: 1 } },
  ...stepsAndFinalLoss,
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
    ctx.metric(s, { loss });
    ctx.progress(s);
    await ctx.tick();
  }
  return { final: loss };
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
