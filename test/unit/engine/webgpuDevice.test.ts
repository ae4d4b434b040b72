/**
 * The WebGPU backend on a real WebGPU device: Dawn (the `webgpu` package) over Mesa's lavapipe, a
 * Vulkan driver that runs on the CPU (`node scripts/software-vulkan.mjs` puts it in the toolchain
 * folder; `.ci/run` does, and sets PAPER_LAB_REQUIRE_WEBGPU=1 so that a missing driver fails
 * here instead of skipping). The checks run in a child process (test/helpers/webgpuProbe.ts).
 *
 * What a GPU machine found wrong once, checked here on every run: kernels the device rejects
 * (the backend's AddN over more than 7 tensors, its int32 Transpose) are caught by the engine's
 * device-error watch and avoided by its fixes; and a few steps of every demo that trains through
 * TensorFlow.js report the same metrics on webgpu as on wasm.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { vulkanManifest, vulkanEnv } from '../../helpers/softwareVulkan';
import { DEMO_PROBES, type DemoProbe, type MetricPoint, type ProbeReport } from '../../helpers/webgpuProbeSpec';

const repo = resolve(__dirname, '..', '..', '..');
const manifest = vulkanManifest();
const required = process.env['PAPER_LAB_REQUIRE_WEBGPU'] === '1';
const PAPERS = Object.keys(DEMO_PROBES);

/**
 * How far a metric on webgpu may be from wasm after the probe's few steps: float32 sums in another
 * order, |webgpu − wasm| ≤ ABS + REL·|wasm|. Accuracies are counts over a test set: at most one
 * example in a hundred apart.
 */
const REL = 1e-3;
const ABS = 1e-4;
const ACCURACY_ABS = 0.01;
/** Speeds, not results. */
const TIMING = /PerSec$/;

function runProbe(dir: string): Promise<ProbeReport> {
  const out = join(dir, 'report.json');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/webgpuProbe.ts', out, ...PAPERS], {
      cwd: repo,
      env: vulkanEnv(manifest),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0 || !existsSync(out)) fail(new Error(`the probe exited ${code}:\n${text.slice(-4000)}`));
      else done(JSON.parse(readFileSync(out, 'utf8')) as ProbeReport);
    });
  });
}

function byKey(points: readonly MetricPoint[]): Map<string, number> {
  return new Map(points.map((p) => [`${p.key} @ ${p.step}`, p.value]));
}

describe('WebGPU backend on a software Vulkan device (lavapipe)', function () {
  this.timeout(900_000);
  let report: ProbeReport;
  let dir = '';

  before(async function () {
    if (!existsSync(manifest)) {
      if (required) throw new Error(`no software Vulkan driver at ${manifest} (run node scripts/software-vulkan.mjs)`);
      console.log(`      skipped: no software Vulkan driver at ${manifest} (node scripts/software-vulkan.mjs adds it)`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'paper-lab-webgpu-'));
    report = await runProbe(dir);
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('auto skips the software adapter and says why; --backend webgpu starts on it', () => {
    assert.ok(report.auto, 'auto tried webgpu');
    assert.equal(report.auto.ok, false);
    assert.match(report.auto.reason, /^software adapter \(.*llvmpipe.*\) skipped$/);
    assert.ok(report.forced.ok, report.forced.reason);
    assert.match(report.forced.reason, /^WebGPU on .*llvmpipe.* \(software\)$/);
  });

  it("the device-error watch catches a kernel the device rejects (the backend's own AddN over 11 tensors)", () => {
    assert.match(report.unfixedAddN.fault ?? 'no device error', /storage buffers \(\d+\) .* exceeds the maximum/);
  });

  it("the engine's AddN sums 11 tensors right, with no device error", () => {
    assert.equal(report.fixedAddN.fault, null);
    assert.ok(report.fixedAddN.maxError < 1e-5, `max error ${report.fixedAddN.maxError}`);
  });

  it("int32 and bool through Transpose and the kernels that transpose inside: the cpu backend's values, no device error", () => {
    assert.equal(report.intKernels.cases.length, 14);
    const wrong = report.intKernels.cases
      .filter((c) => c.mismatches > 0 || c.dtype !== c.expectedDtype)
      .map((c) => `${c.name}: ${c.mismatches} of ${c.size} differ, ${c.dtype} (expected ${c.expectedDtype})`);
    assert.deepEqual(wrong, []);
    assert.equal(report.intKernels.fault, null);
  });

  for (const paper of PAPERS)
    it(`${paper}: the first steps report the same metrics on webgpu as on wasm, with no device error or leak`, () => {
      const probe: DemoProbe | undefined = report.demos.find((d) => d.paper === paper);
      assert.ok(probe, `${paper} was probed`);
      for (const [backend, run] of Object.entries(probe.runs)) {
        assert.equal(run.error, null, `${backend}: ${run.error ?? ''}`);
        assert.equal(run.fault, null, `${backend}: device error`);
        assert.equal(run.leftover, 0, `${backend}: tensors left`);
      }
      const ref = byKey(probe.runs.wasm.metrics.filter((m) => !TIMING.test(m.key)));
      const gpu = byKey(probe.runs.webgpu.metrics.filter((m) => !TIMING.test(m.key)));
      assert.ok(ref.size > 0, 'the wasm run reported metrics');
      assert.deepEqual([...gpu.keys()].sort(), [...ref.keys()].sort(), 'the same metrics at the same steps');
      const off: string[] = [];
      for (const [key, expected] of ref) {
        const got = gpu.get(key) ?? NaN;
        const tolerance = /^acc|accuracy|^em\//.test(key) ? ACCURACY_ABS : ABS + REL * Math.abs(expected);
        if (!(Math.abs(got - expected) <= tolerance) && !(Number.isNaN(got) && Number.isNaN(expected)))
          off.push(`${key}: webgpu ${got}, wasm ${expected}`);
      }
      assert.deepEqual(off, [], 'metrics within tolerance');
    });
});
