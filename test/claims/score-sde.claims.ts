/**
 * The score-SDE claims on the quick preset (8 Gaussians on a ring, VE SDE) at seeds 0, 1 and 2,
 * on the wasm backend. Slow: about 40 s of CPU per seed. Then the paper preset on 14×14 digits at
 * seed 0 (about five minutes).
 */
import '../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { measureClaims } from '../../src/models/engine/runner';
import { selectBackend } from '../../src/models/engine/backends';
import { Rng } from '../../src/models/engine/rng';
import { claims, densityDemo, SCORE_SDE_PRESETS, SCORE_SDE_RESULT_SPECS } from '../../src/models/score-sde/demo';
import { disposeBatch, dsmBatch, dsmLoss } from '../../src/models/score-sde/loss';
import { timeFeatures } from '../../src/models/score-sde/model';
import { unetNetwork } from '../../src/models/score-sde/network';
import { hutchinsonDivergence, rademacher } from '../../src/models/score-sde/ode';
import { makeSde } from '../../src/models/score-sde/sdes';
import { train } from '../../src/models/score-sde/train';
import { initUnet } from '../../src/models/score-sde/unet';
import { flattenResults } from '../../src/shared/demo';
import { useRepositoryData } from '../helpers/data';
import { recordingContext } from '../helpers/fakeContext';
import { vulkanEnv, vulkanManifest } from '../helpers/softwareVulkan';

describe('score-sde claims (quick preset, seeds 0–2)', () => {
  before(async () => {
    await selectBackend('wasm');
  });

  for (const seed of [0, 1, 2]) {
    it(`seed ${seed}: every claim passes`, async () => {
      const quick = SCORE_SDE_PRESETS.quick;
      const results = await train(quick, recordingContext(seed, 'wasm'));
      // The claims that apply to the quick preset (the digits claim needs the digits preset's U-Net).
      const measured = claims
        .filter((c) => c.appliesTo?.(quick) ?? true)
        .map((c) => ({ id: c.id, ...c.measure(results, quick) }));
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
 * The paper preset on 14×14 MNIST digits at seed 0: about 20 CPU minutes (15 of training). Its
 * claim: the U-Net's bits/dim below a full-covariance Gaussian's on the same held-out digits, by
 * the margin set at this seed. The 2-D claims need the true density and stay unmeasured.
 */
describe('score-sde paper preset (14×14 digits, seed 0)', () => {
  before(async () => {
    useRepositoryData(); // media/data/mnist-14x14.bin, written by `npm run data`
    await selectBackend('wasm');
  });

  it('beats the Gaussian by the margin, keeps the known pixels, and leaves the 2-D claims unmeasured', async () => {
    const paper = SCORE_SDE_PRESETS.paper;
    assert.equal(paper.dataset, 'mnist14');
    const start = process.cpuUsage();
    const results = await train(paper, recordingContext(0, 'wasm'));
    const cpu = process.cpuUsage(start);
    const measured = Object.fromEntries(claims.map((c) => [c.id, c.measure(results, paper)]));
    console.log(
      `    bits/dim ${results.bitsPerDim?.toFixed(3)} ± ${results.bitsPerDimSe?.toFixed(3)} (Gaussian ${results.bitsPerDimGaussian?.toFixed(3)}; paired difference ${results.bitsPerDimBelowGaussian?.toFixed(3)} ± ${results.bitsPerDimBelowGaussianSe?.toFixed(3)}), inpainting MSE ${results.inpaintMse?.toFixed(4)} (mean fill ${results.inpaintMseMeanFill?.toFixed(4)}), CPU ${((cpu.user + cpu.system) / 1e6).toFixed(0)} s`,
    );
    assert.equal(results.steps, paper.steps);
    assert.ok((results.bitsPerDim ?? Infinity) < 8, `bits/dim ${results.bitsPerDim}`);
    assert.ok(measured['digits-beat-gaussian']?.pass, `below the Gaussian by ${results.bitsPerDimBelowGaussian}`);
    assert.equal(results.inpaintMaxChange, 0);
    for (const id of ['nll-gap', 'pc-beats-p-equal-evals', 'inpaint-follows-conditional']) {
      assert.equal(measured[id]?.measured, null, id);
    }
    // …and the runner leaves them out of a digits run's claims: they are about the ring.
    assert.deepEqual(
      measureClaims(densityDemo, flattenResults(SCORE_SDE_RESULT_SPECS, results), densityDemo.presets['paper']).map(
        (c) => c.id,
      ),
      ['digits-beat-gaussian'],
    );
  });
});

/**
 * The U-Net on the WebGPU backend over a software Vulkan device (Mesa's lavapipe; skipped without
 * it, `node scripts/software-vulkan.mjs` adds it): its output, its training gradients and the
 * Hutchinson divergence equal wasm's on the same inputs, and a tiny digits run trains and
 * evaluates end to end with no device error and no tensors left. The full preset is far too slow
 * on a software device.
 */
describe('score-sde U-Net on WebGPU (software Vulkan)', function () {
  this.timeout(1_800_000);
  const shape = { side: 14, channels: 8, embedding: 8 };
  const sde = makeSde('subvp', SCORE_SDE_PRESETS.paper);

  before(function () {
    if (!existsSync(vulkanManifest())) {
      console.log(`      skipped: no software Vulkan driver at ${vulkanManifest()}`);
      this.skip();
    }
    useRepositoryData();
    // The Vulkan loader reads these when the WebGPU adapter is created, in this process.
    const env = vulkanEnv(vulkanManifest());
    process.env['VK_DRIVER_FILES'] = env['VK_DRIVER_FILES'];
    process.env['XDG_RUNTIME_DIR'] = env['XDG_RUNTIME_DIR'];
  });

  after(async () => {
    await selectBackend('wasm');
  });

  /** Output, loss gradients (flattened) and Hutchinson divergence of a fixed U-Net on fixed inputs, on the current backend. */
  async function probe(): Promise<{ out: number[]; grads: number[]; div: number[] }> {
    const rng = new Rng(4);
    const params = initUnet(shape, rng);
    const data = rng.normals(6 * 196, 0.5);
    const batch = dsmBatch(sde, data, 196, rng, { eps: 1e-5, dataVariance: 0.25, embedding: 8 });
    const network = unetNetwork(shape);
    const grads = tf.tidy(() => tf.grads((...p: tf.Tensor[]) => dsmLoss(p, batch, network.output))(params));
    const out = tf.tidy(() => network.output(params, batch.x0, batch.features));
    const x = tf.tensor2d(data, [6, 196]);
    const eps = rademacher(6, 196, rng);
    const model = network.model(params, (t) => timeFeatures(sde, 0.25, [t], 8), 196);
    const { score, div } = tf.tidy(() => hutchinsonDivergence(model, x, 0.3, eps));
    const result = {
      out: Array.from(await out.data()),
      grads: (await Promise.all(grads.map((g) => g.data()))).flatMap((g) => Array.from(g)),
      div: Array.from(await div.data()),
    };
    disposeBatch(batch);
    tf.dispose([...params, ...grads, out, x, eps, score, div]);
    return result;
  }

  it('output, gradients and divergence equal wasm’s', async () => {
    // wasm first, then WebGPU, selected once for this test and the next (its device is not re-created).
    await selectBackend('wasm');
    const wasm = await probe();
    await selectBackend('webgpu');
    assert.equal(tf.getBackend(), 'webgpu');
    const gpu = await probe();
    for (const key of ['out', 'grads', 'div'] as const) {
      const [a, b] = [wasm[key], gpu[key]];
      assert.equal(a.length, b.length, key);
      const scale = Math.max(...a.map(Math.abs));
      const worst = Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));
      console.log(
        `      ${key}: largest difference ${worst.toExponential(2)} (largest value ${scale.toExponential(2)})`,
      );
      assert.ok(worst <= 1e-3 * scale, `${key}: webgpu differs from wasm by ${worst} (scale ${scale})`);
    }
  });

  it('a tiny U-Net digits run completes on webgpu with finite bits/dim and no tensors left', async () => {
    assert.equal(tf.getBackend(), 'webgpu');
    const tiny = {
      ...SCORE_SDE_PRESETS.paper,
      network: 'unet',
      channels: 8,
      embedding: 8,
      steps: 10,
      warmup: 2,
      batch: 16,
      previewEvery: 0,
      samplerSteps: 4,
      samples: 8,
      odeSolver: 'rk4',
      odeSteps: 2,
      heldOut: 16,
    } as const;
    const before = tf.memory().numTensors;
    const results = await train(tiny, recordingContext(0, 'webgpu'));
    assert.equal(tf.memory().numTensors, before, 'tensors left after the run');
    assert.equal(results.steps, 10);
    assert.ok(Number.isFinite(results.bitsPerDim), `bits/dim ${results.bitsPerDim}`);
    assert.equal(results.inpaintMaxChange, 0);
  });
});
