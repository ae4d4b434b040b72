/**
 * Runs the WebGPU backend on a real WebGPU device (Dawn over a software Vulkan driver on machines
 * without a GPU; see scripts/software-vulkan.mjs) and writes what it saw as JSON, for
 * test/unit/engine/webgpuDevice.test.ts to judge. It runs in a process of its own: the Vulkan
 * loader reads VK_DRIVER_FILES once, and Dawn's instance keeps threads alive after the checks.
 *
 * Usage: node --import tsx test/helpers/webgpuProbe.ts <report.json> [paper ...]
 */
import '../../src/models/engine/tfSetup';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileSync } from 'node:fs';
import { selectBackend, startAllBackends, takeDeviceFault } from '../../src/models/engine/backends';
import { Rng } from '../../src/models/engine/rng';
import { useRepositoryData } from './data';
import { defaultLookup, resolveDemo } from '../../src/models/engine/runner';
import type { RunContext } from '../../src/models/types';
import type { PaperId } from '../../src/shared/catalog';
import { DEMO_PROBES, type DemoProbe, type MetricPoint, type ProbeReport } from './webgpuProbeSpec';

class Stop extends Error {}

/** Integers in [lo, lo + span) from a seeded stream. */
function ints(count: number, span: number, lo = 0, seed = count): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => lo + Math.floor(rng.next() * span));
}

function intTensor(shape: number[], span: number, lo = 0): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(ints(size, span, lo), shape, 'int32');
}

/**
 * Kernels given int32 and bool tensors, with the axes that make the WebGPU backend transpose
 * inside, and the dtype each result must have. Every input has over 1000 elements: smaller ones
 * whose values are still in JavaScript are computed on the CPU by the backend itself.
 */
const INT_CASES: Readonly<Record<string, { op: () => tf.Tensor; dtype: tf.DataType }>> = {
  'Transpose int32 [8,16,10] → [10,8,16]': {
    op: () => tf.transpose(intTensor([8, 16, 10], 2 ** 25, -(2 ** 24)), [2, 0, 1]),
    dtype: 'int32',
  },
  'Transpose bool [8,16,10] → [16,10,8]': {
    op: () => tf.transpose(tf.greater(intTensor([8, 16, 10], 9, -4), 0), [1, 2, 0]),
    dtype: 'bool',
  },
  'Sum over axis 1 of int32 [8,16,10]': { op: () => tf.sum(intTensor([8, 16, 10], 2000, -1000), 1), dtype: 'int32' },
  'Sum over axis 1 of a one-hot (RIMs’ module mask)': {
    op: () => tf.sum(tf.oneHot(tf.tensor2d(ints(192, 8), [64, 3], 'int32'), 8), 1),
    dtype: 'int32',
  },
  'Max over axis 0 of int32 [10,8,16]': { op: () => tf.max(intTensor([10, 8, 16], 1000, -500), 0), dtype: 'int32' },
  'Min over axis 1 of int32 [8,10,16]': { op: () => tf.min(intTensor([8, 10, 16], 1000, -500), 1), dtype: 'int32' },
  'Prod over axis 1 of int32 [40,3,10]': { op: () => tf.prod(intTensor([40, 3, 10], 5, -2), 1), dtype: 'int32' },
  'Mean over axis 1 of int32 [10,12,10]': { op: () => tf.mean(intTensor([10, 12, 10], 100), 1), dtype: 'float32' },
  'ArgMax over axis 1 of int32 [12,10,10]': { op: () => tf.argMax(intTensor([12, 10, 10], 1000), 1), dtype: 'int32' },
  'ArgMin over axis 0 of int32 [10,10,12]': { op: () => tf.argMin(intTensor([10, 10, 12], 1000), 0), dtype: 'int32' },
  'Cumsum over axis 1 of int32 [10,11,10]': { op: () => tf.cumsum(intTensor([10, 11, 10], 100), 1), dtype: 'int32' },
  'UnsortedSegmentSum of int32 [200,6] into 5': {
    op: () => tf.unsortedSegmentSum(intTensor([200, 6], 100), tf.tensor1d(ints(200, 5), 'int32'), 5),
    dtype: 'int32',
  },
  'All over axis 0 of bool [10,10,11]': {
    op: () => tf.all(tf.greater(intTensor([10, 10, 11], 9, -1), 0), 0),
    dtype: 'bool',
  },
  'Any over axis 1 of bool [11,10,10]': {
    op: () => tf.any(tf.greater(intTensor([11, 10, 10], 20, -18), 0), 1),
    dtype: 'bool',
  },
};

/** Waits for device errors to arrive (Dawn reports them asynchronously). */
async function settle(): Promise<string | null> {
  for (let i = 0; i < 20; i++) {
    const fault = takeDeviceFault();
    if (fault !== null) return fault;
    await new Promise((r) => setTimeout(r, 25));
  }
  return null;
}

function runKernel(func: tf.KernelFunc, inputs: tf.Tensor[]): tf.Tensor {
  const infos = inputs.map((t) => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }));
  const out = func({ inputs: infos as unknown as tf.NamedTensorInfoMap, backend: tf.backend(), attrs: {} });
  const info = Array.isArray(out) ? out[0] : out;
  if (!info) throw new Error('no output');
  return tf.engine().makeTensorFromTensorInfo(info);
}

async function probeDemo(paper: PaperId): Promise<DemoProbe> {
  const spec = DEMO_PROBES[paper];
  if (!spec) throw new Error(`no probe for ${paper}`);
  const lookup = await defaultLookup();
  const { config, trainer } = resolveDemo(lookup, paper, undefined, spec.overrides);
  const runs = {} as DemoProbe['runs'];
  for (const backend of ['wasm', 'webgpu'] as const) {
    await tf.setBackend(backend);
    const metrics: MetricPoint[] = [];
    let progress = 0;
    const ctx: RunContext = {
      seed: 0,
      rng: new Rng(0),
      backend,
      modulePaths: [],
      metric(step, values) {
        for (const [key, value] of Object.entries(values)) metrics.push({ step, key, value });
      },
      output: () => undefined,
      log: () => undefined,
      progress(step) {
        progress = Math.max(progress, step);
      },
      aborted: false,
      tick: () => (progress >= spec.steps ? Promise.reject(new Stop()) : Promise.resolve()),
      checkpoint: () => Promise.resolve(),
    };
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    let error: string | null = null;
    takeDeviceFault();
    try {
      await trainer(config, ctx);
    } catch (e) {
      if (!(e instanceof Stop)) error = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
    }
    tf.disposeVariables();
    runs[backend] = {
      metrics,
      error,
      fault: await settle(),
      leftover: tf.memory().numTensors - before,
      seconds: (performance.now() - t0) / 1000,
    };
  }
  return { paper, overrides: spec.overrides, steps: spec.steps, runs };
}

async function main(): Promise<void> {
  const [out, ...papers] = process.argv.slice(2);
  if (!out) throw new Error('usage: webgpuProbe.ts <report.json> [paper ...]');
  useRepositoryData();

  const auto = (await startAllBackends({ order: ['webgpu', 'cpu'] })).find((a) => a.name === 'webgpu') ?? null;

  // The backend's own AddN, kept before the engine's fix replaces it.
  await import('@tensorflow/tfjs-backend-webgpu');
  const ownAddN = tf.getKernel('AddN', 'webgpu')?.kernelFunc;
  let forced: ProbeReport['forced'];
  try {
    const report = await selectBackend('webgpu');
    forced = { ok: true, reason: report.attempts[0]?.reason ?? '' };
  } catch (e) {
    forced = { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
  if (forced.ok) await selectBackend('wasm'); // the reference for the demos' metrics
  await tf.setBackend('webgpu');
  if (!forced.ok || !ownAddN) {
    writeFileSync(out, JSON.stringify({ auto, forced, demos: [] }));
    return;
  }

  const rng = new Rng(3);
  const values = Array.from({ length: 11 }, () => Array.from({ length: 64 }, () => rng.next() * 2 - 1));
  const tensors = values.map((v) => tf.tensor1d(v));
  takeDeviceFault();
  const own = runKernel(ownAddN, tensors);
  await own.data();
  own.dispose();
  const unfixedAddN = { fault: await settle() };

  const sum = tf.addN(tensors);
  const got = await sum.data();
  const maxError = Math.max(
    ...values[0]!.map((_, i) => Math.abs((got[i] ?? NaN) - values.reduce((s, v) => s + (v[i] ?? 0), 0))),
  );
  tf.dispose([sum, ...tensors]);
  const fixedAddN = { maxError, fault: await settle() };

  // int32 through the kernels that transpose inside, each on its own shapes (the backend caches
  // pipelines by shape), against the cpu backend.
  const intKernels: ProbeReport['intKernels'] = { cases: [], fault: null };
  for (const [name, { op, dtype }] of Object.entries(INT_CASES)) {
    const results: { dtype: string; values: number[] }[] = [];
    for (const backend of ['webgpu', 'cpu'] as const) {
      await tf.setBackend(backend);
      const t = tf.tidy(op);
      results.push({ dtype: t.dtype, values: Array.from(await t.data()) });
      t.dispose();
    }
    const [gpu, cpu] = results as [(typeof results)[0], (typeof results)[0]];
    const mismatches = gpu.values.filter((v, i) => {
      const expected = cpu.values[i] ?? NaN;
      return !(Math.abs(v - expected) <= 1e-6 * Math.max(1, Math.abs(expected)));
    }).length;
    if (gpu.values.length !== cpu.values.length)
      intKernels.cases.push({
        name: `${name}: size`,
        dtype: gpu.dtype,
        expectedDtype: dtype,
        size: cpu.values.length,
        mismatches: cpu.values.length,
      });
    intKernels.cases.push({ name, dtype: gpu.dtype, expectedDtype: dtype, size: cpu.values.length, mismatches });
  }
  await tf.setBackend('webgpu');
  intKernels.fault = await settle();

  const demos: DemoProbe[] = [];
  for (const paper of papers) demos.push(await probeDemo(paper as PaperId));
  const report: ProbeReport = { auto, forced, unfixedAddN, fixedAddN, intKernels, demos };
  writeFileSync(out, JSON.stringify(report, null, 1));
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
