/**
 * Every demo that trains through TensorFlow.js, at its quick preset and seed 0, on the WebGPU
 * backend over a real WebGPU device without a GPU: Dawn over Mesa's lavapipe, a Vulkan driver
 * that runs the shaders on the CPU (`node scripts/software-vulkan.mjs`; skipped without it). The
 * run must finish with no device error, and every claim without a caveat must pass, as on wasm
 * (test/unit/quickClaims.test.ts). Slow: lavapipe is tens of times slower than wasm here, from
 * about 4 minutes (FedOpt) to about half an hour (GENRE) on two cores.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PAPERS } from '../../src/models/catalog';
import type { RunRecord, RunSummary } from '../../src/shared/runs';
import { vulkanEnv, vulkanManifest } from '../helpers/softwareVulkan';

const repo = resolve(__dirname, '..', '..');
const manifest = vulkanManifest();
/** The demos whose training runs through TensorFlow.js ops (ANCE's and FlyVec's is plain JavaScript). */
const DEMOS = ['fedopt', 'score-sde', 'rims', 'drq', 'genre'] as const;

function runOnWebgpu(paper: string, out: string): Promise<{ code: number | null; tail: string }> {
  return new Promise((done, fail) => {
    const args = ['--import', 'tsx', 'test/helpers/cli.ts', 'run', paper, '--backend', 'webgpu', '--seed', '0'];
    const child = spawn(process.execPath, [...args, '--out', out], {
      cwd: repo,
      env: vulkanEnv(manifest),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    const keep = (d: Buffer): void => {
      text = (text + d.toString()).slice(-8000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', fail);
    child.on('close', (code) => done({ code, tail: text }));
  });
}

describe('quick presets on WebGPU over a software Vulkan device (seed 0)', function () {
  this.timeout(3_600_000);
  let dir = '';

  before(function () {
    if (!existsSync(manifest)) {
      console.log(`      skipped: no software Vulkan driver at ${manifest} (node scripts/software-vulkan.mjs adds it)`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'paper-lab-webgpu-claims-'));
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const paper of DEMOS)
    it(`${paper}: completes on webgpu with no device error, and every claim without a caveat passes`, async () => {
      const out = join(dir, paper);
      const started = Date.now();
      const { code, tail } = await runOnWebgpu(paper, out);
      const record = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as RunRecord;
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as RunSummary;
      console.log(
        `      ${paper} (${((Date.now() - started) / 60000).toFixed(1)} min, exit ${code}): ` +
          summary.claims.map((c) => `${c.id}=${c.measured?.toPrecision(4)} ${c.pass ? 'pass' : 'miss'}`).join(', '),
      );
      assert.equal(summary.status, 'completed', `${record.error ?? ''}\n${tail}`);
      assert.equal(record.backend?.chosen, 'webgpu');
      assert.match(record.backend?.attempts[0]?.reason ?? '', /\(software\)$/);
      const demo = PAPERS.find((p) => p.meta.id === paper)?.demos[0];
      assert.ok(demo, paper);
      const caveated = new Set(demo.claims.filter((c) => c.caveat !== undefined).map((c) => c.id));
      const failed = summary.claims
        .filter((c) => !c.pass && !caveated.has(c.id))
        .map((c) => `${c.id}: measured ${c.measured}, target ${c.target}`);
      assert.deepEqual(failed, [], `${paper}: claims that failed`);
      assert.ok(summary.claims.length >= 1);
    });
});
