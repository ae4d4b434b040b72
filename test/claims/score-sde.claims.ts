/**
 * The score-SDE claims on the quick preset (8 Gaussians on a ring, VE SDE) at seeds 0, 1 and 2,
 * on the wasm backend. Slow: about 40 s of CPU per seed. Then the paper preset on 14×14 digits at
 * seed 0 (about five minutes).
 */
import '../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import { measureClaims } from '../../src/models/engine/runner';
import { selectBackend } from '../../src/models/engine/backends';
import { claims, densityDemo, SCORE_SDE_PRESETS, SCORE_SDE_RESULT_SPECS } from '../../src/models/score-sde/demo';
import { train } from '../../src/models/score-sde/train';
import { flattenResults } from '../../src/shared/demo';
import { useRepositoryData } from '../helpers/data';
import { recordingContext } from '../helpers/fakeContext';

describe('score-sde claims (quick preset, seeds 0–2)', () => {
  before(async () => {
    await selectBackend('wasm');
  });

  for (const seed of [0, 1, 2]) {
    it(`seed ${seed}: every claim passes`, async () => {
      const quick = SCORE_SDE_PRESETS.quick;
      const results = await train(quick, recordingContext(seed, 'wasm'));
      const measured = claims.map((c) => ({ id: c.id, ...c.measure(results, quick) }));
      console.log(
        `    seed ${seed}: ${measured.map((m) => `${m.id} = ${m.measured?.toFixed(3)}`).join(', ')}; entropy ${results.entropy?.toFixed(3)}; ` +
          `KL of PC at N ${results.sampleKl?.pc?.toFixed(3)}, predictor-only at N/2N/4N ${[results.sampleKl?.predictor, results.sampleKl?.predictor2x, results.sampleKl?.predictor4x].map((v) => v?.toFixed(3)).join('/')}, exact draws ${results.sampleKl?.data?.toFixed(3)}; ` +
          `inpainting near a mode: unconditional ${results.inpaintNearModeUnconditional}, exact score ${results.inpaintNearModeExactScore}`,
      );
      // The calibration reference: exact draws score best on KL.
      const kl = results.sampleKl;
      assert.ok(kl?.data !== undefined);
      for (const set of ['predictor', 'predictor2x', 'predictor4x', 'pc', 'ode'] as const) {
        assert.ok((kl[set] ?? -Infinity) > kl.data, `${set} scores better than exact draws`);
      }
      for (const m of measured) assert.ok(m.pass, `${m.id}: measured ${m.measured}`);
    });
  }
});

/**
 * The paper preset on 14×14 MNIST digits at seed 0: about 5 CPU minutes. Bits/dim has no target
 * (nothing at this scale to hold it to); it must only beat knowing nothing, the uniform density
 * over the 256 levels (8 bits/dim). The 2-D claims need the true density and stay unmeasured.
 */
describe('score-sde paper preset (14×14 digits, seed 0)', () => {
  before(async () => {
    useRepositoryData(); // media/data/mnist-14x14.bin, written by `npm run data`
    await selectBackend('wasm');
  });

  it('reports bits/dim below 8, keeps the known pixels, and leaves the 2-D claims unmeasured', async () => {
    const paper = SCORE_SDE_PRESETS.paper;
    assert.equal(paper.dataset, 'mnist14');
    const start = process.cpuUsage();
    const results = await train(paper, recordingContext(0, 'wasm'));
    const cpu = process.cpuUsage(start);
    const measured = Object.fromEntries(claims.map((c) => [c.id, c.measure(results, paper)]));
    console.log(
      `    bits/dim ${results.bitsPerDim?.toFixed(3)} ± ${results.bitsPerDimSe?.toFixed(3)} (Gaussian ${results.bitsPerDimGaussian?.toFixed(3)}), inpainting MSE ${results.inpaintMse?.toFixed(4)} (mean fill ${results.inpaintMseMeanFill?.toFixed(4)}), CPU ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s`,
    );
    assert.equal(results.steps, paper.steps);
    assert.ok((results.bitsPerDim ?? Infinity) < 8, `bits/dim ${results.bitsPerDim}`);
    assert.equal(results.inpaintMaxChange, 0);
    for (const id of ['nll-gap', 'pc-beats-p-equal-evals', 'inpaint-follows-conditional']) {
      assert.equal(measured[id]?.measured, null, id);
    }
    // …and the runner leaves them out of a digits run's claims: they are about the ring.
    assert.deepEqual(
      measureClaims(densityDemo, flattenResults(SCORE_SDE_RESULT_SPECS, results), densityDemo.presets['paper']).map(
        (c) => c.id,
      ),
      [],
    );
  });
});
