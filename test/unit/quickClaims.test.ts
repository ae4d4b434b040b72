/**
 * Every demo's quick preset, run through the real engine (backend selection, context, claims
 * measured by the runner) at the default seed: each claim without a caveat must pass. A claim
 * with a caveat (not reproduced at this scale) may miss its target, but not by an arbitrary
 * amount: it must stay above the floor below, which a broken implementation would fall under.
 * Other seeds and longer presets are in test/claims (`npm run test:claims`).
 */
import { strict as assert } from 'node:assert';
import { PAPERS } from '../../src/models/catalog';
import { runDemo } from '../../src/models/engine/runner';
import { useRepositoryData } from '../helpers/data';
import { watchForWebgpu, type WebgpuReadiness } from '../helpers/webgpuReadiness';

/**
 * Floors for caveated claims that miss their target at the quick preset, seed 0 (measured there,
 * then set well below it, and far above what a broken model gives).
 */
const FLOORS: Readonly<Record<string, { readonly atLeast: number; readonly why: string }>> = {
  // Measured 0.470 at seed 0 (0.47–0.62 at seeds 0–4): about half the hashed PPMI-SVD baseline, not
  // the paper's 0.8. Random codes give about 0.02.
  'flyvec/dense-baseline-ratio': { atLeast: 0.35, why: 'FlyVec far above random codes against the dense baseline' },
  // Measured 2.87 at seed 0 (0.87–2.87 at seeds 0–2): one seed's mean return after the seed steps
  // mostly says when DrQ took off. A DrQ far below no augmentation is broken.
  'drq/learning-auc-ratio': { atLeast: 0.7, why: 'DrQ not far below no augmentation after the seed steps' },
};

/** Caveated claims with no meaningful floor at this budget, and why. */
const UNBOUNDED: Readonly<Record<string, string>> = {};

const landed = PAPERS.flatMap((paper) => paper.demos.map((demo) => ({ paper: paper.meta.id, demo })));

describe('quick presets at the default seed (real engine, wasm)', () => {
  before(() => useRepositoryData());

  it('covers every paper', () => {
    assert.deepEqual(
      [...new Set(landed.map((l) => l.paper))],
      PAPERS.map((p) => p.meta.id),
    );
  });

  for (const { paper, demo } of landed) {
    it(`${paper}/${demo.id}: every claim passes at seed 0`, async function () {
      this.timeout(600_000);
      const watch = await watchForWebgpu();
      let readiness: WebgpuReadiness;
      const { summary, record } = await runDemo({
        paper,
        demo: demo.id,
        config: {},
        preset: 'quick',
        seed: 0,
        backend: 'wasm',
        runDir: null,
      }).finally(() => {
        readiness = watch.stop();
      });
      assert.equal(summary.status, 'completed', record.error);
      assert.equal(record.backend?.chosen, 'wasm');
      // A claim with a caveat (not calibrated at this scale, or known not to reproduce) is shown
      // with its caveat whatever it measures, and may miss its target.
      const caveated = new Set(demo.claims.filter((c) => c.caveat !== undefined).map((c) => c.id));
      const failed = summary.claims
        .filter((c) => !c.pass && !caveated.has(c.id))
        .map((c) => `${c.id}: measured ${c.measured}, target ${c.target}`);
      assert.deepEqual(failed, [], `${paper}: claims that failed`);
      for (const c of summary.claims.filter((c) => caveated.has(c.id) && !c.pass)) {
        const key = `${paper}/${c.id}`;
        console.log(`      ${key}: measured ${c.measured}, target ${c.target} (shown with its caveat)`);
        if (Object.hasOwn(UNBOUNDED, key)) continue;
        const floor = FLOORS[key];
        assert.ok(floor, `${key} misses its target and has no floor in quickClaims.test.ts`);
        assert.ok(
          c.measured !== null && c.measured >= floor.atLeast,
          `${key}: measured ${c.measured}, below its floor ${floor.atLeast} (${floor.why})`,
        );
      }
      assert.ok(summary.claims.length >= 1);
      // The same run would work on WebGPU: no synchronous reads, and every kernel it used exists there.
      assert.deepEqual(readiness!.syncReads, [], `${paper}: synchronous reads (they throw on WebGPU in Node)`);
      assert.deepEqual(readiness!.missingKernels, [], `${paper}: kernels WebGPU lacks`);
      assert.ok(readiness!.kernels.length > 0, 'the watch saw the run');
    });
  }
});
