import { strict as assert } from 'node:assert';
import { findDemo } from '../../../src/cli/papers';

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
});
