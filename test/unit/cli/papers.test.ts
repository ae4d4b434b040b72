import { strict as assert } from 'node:assert';
import { parseArgs, RUN_FLAGS } from '../../../src/cli/args';
import { demoArgument, findDemo } from '../../../src/cli/papers';

describe('cli: finding a paper and its demo', () => {
  it("takes the paper's first demo when none is named", async () => {
    const { paper, demo } = await findDemo('fedopt', undefined);
    assert.equal(paper.meta.id, 'fedopt');
    assert.equal(demo.id, paper.demos[0]?.id);
  });

  it('finds a named demo', async () => {
    const { demo } = await findDemo('score-sde', '2d-density');
    assert.equal(demo.id, '2d-density');
  });

  it('names the demos there are when the one asked for is not one of them', async () => {
    await assert.rejects(findDemo('fedopt', 'nope'), /--demo: fedopt has no demo "nope" \(demos: [a-z-]+/);
  });

  it('rejects an unknown paper', async () => {
    await assert.rejects(findDemo('alexnet', undefined), /unknown paper "alexnet"/);
  });

  it("reads a command's one paper argument and its --demo, and refuses none or more than one", async () => {
    const args = (argv: string[]) => parseArgs(argv, RUN_FLAGS);
    const found = await demoArgument(args(['rims', '--demo', 'generalize']), 'run', '<paper>');
    assert.equal(found.paperId, 'rims');
    assert.equal(found.demo.id, 'generalize');
    await assert.rejects(
      demoArgument(args([]), 'run', '<paper> (see paper-lab list)'),
      /^UsageError: run: missing <paper> \(see paper-lab list\)$/m,
    );
    await assert.rejects(
      demoArgument(args(['rims', 'fedopt']), 'bench', '<paper>'),
      /bench: unexpected arguments fedopt/,
    );
  });
});
