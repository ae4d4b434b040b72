import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { reportDeviceFault } from '../../../src/models/engine/backends';
import { MetricBatcher, makeTicker } from '../../../src/models/engine/context';
import { readRun } from '../../../src/models/engine/recorder';
import { ConfigError, measureClaims, runDemo, type RunDemoOptions } from '../../../src/models/engine/runner';
import type { DemoConfig } from '../../../src/shared/catalog';
import type { MetricPoint } from '../../../src/shared/runs';
import type { DemoRun } from '../../../src/models/types';
import { countingTrainer, fakeDemo, fakeLookup } from './fakeDemo';
import { fullDiskFs, tmpFilesUnder } from './fullDisk';

function tmpRunDir(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paper-lab-run-')), 'run-1');
}

function options(
  trainer: DemoRun,
  extra: Partial<RunDemoOptions> = {},
): RunDemoOptions & { lookup: ReturnType<typeof fakeLookup> } {
  return {
    paper: 'fedopt',
    demo: 'toy',
    config: {},
    seed: 3,
    backend: 'cpu',
    runDir: tmpRunDir(),
    runId: 'run-1',
    lookup: fakeLookup(trainer),
    ...extra,
  } as RunDemoOptions & { lookup: ReturnType<typeof fakeLookup> };
}

describe('runner', function () {
  this.timeout(30000);

  it('completes a run, writes the folder and measures the claims', async () => {
    const o = options(countingTrainer, { config: { steps: 10 } });
    const events: string[] = [];
    const { summary, record } = await runDemo({
      ...o,
      sink: { backend: () => events.push('backend'), summary: () => events.push('summary') },
    });
    assert.equal(summary.status, 'completed');
    assert.equal(summary.steps, 10);
    assert.equal(summary.claims[0]?.pass, true);
    assert.equal(record.backend?.chosen, 'cpu');
    assert.ok(record.versions['tfjs-core'] && record.versions['node']);
    assert.deepEqual(events, ['backend', 'summary']);
    const data = readRun(o.runDir as string);
    assert.equal(data.record.status, 'completed');
    assert.equal(data.points.length, 10);
    assert.equal(data.summary?.status, 'completed');
    assert.equal(typeof data.record.trainSeconds, 'number');
  });

  it("hands the run's module paths to the trainer, for workers it starts on the same backend", async () => {
    let seen: readonly string[] | undefined;
    const trainer: DemoRun = async (config, ctx) => {
      seen = ctx.modulePaths;
      return countingTrainer(config, ctx);
    };
    await runDemo(options(trainer, { config: { steps: 2 }, runDir: null, modulePaths: ['/opt/backends'] }));
    assert.deepEqual(seen, ['/opt/backends']);
    await runDemo(options(trainer, { config: { steps: 2 }, runDir: null }));
    assert.deepEqual(seen, []);
  });

  it('rejects an invalid config before the trainer is called or anything is written', async () => {
    const o = options(countingTrainer, { config: { steps: 0.5, mode: 'c', typo: 1 } });
    await assert.rejects(runDemo(o), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.ok(e.errors.some((m) => m.startsWith('steps:')));
      assert.ok(e.errors.some((m) => m.startsWith('mode:')));
      assert.ok(e.errors.some((m) => m.startsWith('typo:')));
      return true;
    });
    assert.equal(o.lookup.calls, 0);
    assert.equal(fs.existsSync(o.runDir as string), false);
    await assert.rejects(runDemo(options(countingTrainer, { preset: 'nope' })), /preset: toy has no preset "nope"/);
    await assert.rejects(runDemo(options(countingTrainer, { demo: 'other' })), /demo: fedopt has no demo "other"/);
  });

  it('a stopped run keeps its metrics and writes summary status stopped', async () => {
    const controller = new AbortController();
    const trainer: DemoRun = async (_config, ctx) => {
      for (let s = 1; s <= 1000; s++) {
        if (ctx.aborted) return { final: 0.1, stoppedAt: s };
        ctx.metric(s, { loss: 1 / s });
        ctx.progress(s);
        if (s === 5) setImmediate(() => controller.abort('user'));
        // Busy work so that tick() yields now and then.
        const until = performance.now() + 2;
        while (performance.now() < until);
        await ctx.tick();
      }
      return { final: 0.1, stoppedAt: 1000 };
    };
    const o = options(trainer, { signal: controller.signal });
    const { summary } = await runDemo(o);
    assert.equal(summary.status, 'stopped');
    assert.ok(
      summary.results['stoppedAt'] !== undefined && summary.results['stoppedAt'] < 50,
      String(summary.results['stoppedAt']),
    );
    const data = readRun(o.runDir as string);
    assert.equal(data.record.status, 'stopped');
    assert.equal(data.summary?.status, 'stopped');
    assert.ok(data.points.length >= 5);
    assert.deepEqual(
      data.points.map((p) => p.step),
      Array.from({ length: data.points.length }, (_, i) => i + 1),
    );
  });

  it('a throwing trainer gives status failed with its message and keeps earlier metrics', async () => {
    const trainer: DemoRun = async (_config, ctx) => {
      ctx.metric(1, { loss: 1 });
      ctx.metric(2, { loss: 0.5 });
      ctx.output({ kind: 'text', id: 'partial', title: 'Partial', text: 'x' });
      await ctx.tick();
      throw new Error('NaN loss at step 3');
    };
    const o = options(trainer);
    const errors: string[] = [];
    const { summary, record } = await runDemo({ ...o, sink: { error: (m) => errors.push(m) } });
    assert.equal(summary.status, 'failed');
    assert.equal(record.error, 'NaN loss at step 3');
    assert.deepEqual(errors, ['NaN loss at step 3']);
    assert.equal(summary.claims[0]?.measured, null);
    assert.equal(summary.claims[0]?.pass, false);
    const data = readRun(o.runDir as string);
    assert.equal(data.record.status, 'failed');
    assert.equal(data.record.error, 'NaN loss at step 3');
    assert.equal(data.points.length, 2);
    assert.equal(data.outputs.length, 1);
  });

  it('a GPU device error during the run fails it and keeps no results, though the trainer finished', async () => {
    reportDeviceFault('left over from an earlier run'); // cleared when this run starts
    const trainer: DemoRun = async (config, ctx) => {
      const results = await countingTrainer(config, ctx);
      reportDeviceFault('Error while parsing WGSL: type mismatch');
      return results;
    };
    const o = options(trainer, { config: { steps: 5 } });
    const { summary, record } = await runDemo(o);
    assert.equal(summary.status, 'failed');
    assert.match(
      record.error ?? '',
      /GPU device reported an error, so this run's numbers cannot be trusted: Error while parsing WGSL/,
    );
    assert.doesNotMatch(record.error ?? '', /earlier run/);
    assert.deepEqual(summary.results, {});
    assert.equal(summary.claims[0]?.pass, false, 'no claim is judged on untrusted numbers');
    assert.equal(readRun(o.runDir as string).points.length, 5, 'what it wrote is kept');
    // Without a fault the same trainer completes: the fault was the cause.
    const clean = await runDemo(options(countingTrainer, { config: { steps: 5 } }));
    assert.equal(clean.summary.status, 'completed');
  });

  it('under auto, a GPU device error drops the remembered backend choice for that model only', async function () {
    this.timeout(120_000);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paper-lab-cal-')), 'calibration.json');
    const signatures = (): string[] =>
      (JSON.parse(fs.readFileSync(file, 'utf8')) as { signature: string }[]).map((c) => c.signature);
    const auto = { backend: 'auto' as const, calibrationFile: file, runDir: null };
    const other = await runDemo(options(countingTrainer, { ...auto, config: { steps: 6 } }));
    assert.equal(other.summary.status, 'completed');
    assert.equal(signatures().length, 1, 'the first model was measured and remembered');
    let faults = true;
    const faulty: DemoRun = async (config, ctx) => {
      const results = await countingTrainer(config, ctx);
      if (faults) reportDeviceFault('Invalid ComputePipeline');
      return results;
    };
    const failed = await runDemo(options(faulty, { ...auto, config: { steps: 5 } }));
    assert.equal(failed.summary.status, 'failed');
    assert.match(failed.record.error ?? '', /remembered backend choice for this model was dropped/);
    assert.equal(signatures().length, 1, 'the faulty model is forgotten, the other one kept');
    faults = false;
    const again = await runDemo(options(faulty, { ...auto, config: { steps: 5 } }));
    assert.equal(again.summary.status, 'completed');
    assert.equal(again.record.backend?.calibration?.cached, false, 'measured again');
    assert.equal(signatures().length, 2);
  });

  it('a forced backend that cannot start fails the run with its reason', async () => {
    const o = options(countingTrainer, {
      selectBackend: () => Promise.reject(new Error('backend webgpu cannot start: no WebGPU adapter')),
    });
    const { summary, record } = await runDemo(o);
    assert.equal(summary.status, 'failed');
    assert.match(record.error ?? '', /no WebGPU adapter/);
    assert.equal(o.lookup.calls, 0);
  });

  it('seeds the run: the same seed gives the same random draws', async () => {
    const trainer: DemoRun = (_c, ctx) => Promise.resolve({ a: ctx.rng.next(), b: Math.random() });
    const r1 = await runDemo(options(trainer, { runDir: null }));
    const r2 = await runDemo(options(trainer, { runDir: null }));
    assert.deepEqual(r1.summary.results, r2.summary.results);
  });

  it('ends a run on a full disk as failed, with a one-line error naming the file and no temporary files', async () => {
    let full = false;
    const trainer: DemoRun = async (_c, ctx) => {
      for (let s = 1; s <= 20; s++) {
        ctx.metric(s, { loss: 1 / s });
        ctx.progress(s);
        if (s === 5) full = true;
        if (s === 10) ctx.output({ kind: 'text', id: 'big', title: 'Big', text: 'x'.repeat(10000) });
        await ctx.tick();
      }
      return { final: 0.1 };
    };
    const errors: { message: string; stack: string | undefined }[] = [];
    const o = options(trainer, {
      config: { steps: 20 },
      fs: fullDiskFs(() => full),
      sink: { error: (message, stack) => errors.push({ message, stack }) },
    });
    const { summary, record } = await runDemo(o);
    const dir = o.runDir as string;
    const oneLine = new RegExp(`^could not write ${dir}/outputs/big\\.json: no space left on device \\(ENOSPC\\)$`);
    assert.equal(summary.status, 'failed');
    assert.match(record.error ?? '', oneLine);
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', oneLine);
    assert.equal(errors[0]?.stack, undefined, 'no stack trace for a full disk');
    const onDisk = readRun(dir).record;
    assert.equal(onDisk.status, 'failed');
    assert.equal(typeof onDisk.endedAt, 'string');
    assert.match(onDisk.error ?? '', oneLine);
    assert.deepEqual(tmpFilesUnder(dir), []);
  });

  it('rejects a seed that would repeat another run, and a preset the demo does not have, before writing', async () => {
    for (const seed of [4294967296, Number('9007199254740993'), -1, 1.5, 1e21]) {
      const o = options(countingTrainer, { seed });
      await assert.rejects(
        runDemo(o),
        (e: unknown) => e instanceof ConfigError && /^seed: must be an integer from 0 to 4294967295/.test(e.message),
      );
      assert.equal(fs.existsSync(o.runDir as string), false);
    }
    for (const preset of ['__proto__', 'constructor', 'toString', 'nope']) {
      const o = options(countingTrainer, { preset });
      await assert.rejects(runDemo(o), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.deepEqual(e.errors, [`preset: toy has no preset "${preset}" (presets: quick, paper)`]);
        return true;
      });
      assert.equal(fs.existsSync(o.runDir as string), false);
    }
    const max = await runDemo(options(countingTrainer, { seed: 4294967295, config: { steps: 2 } }));
    assert.equal(max.summary.status, 'completed');
  });
});

describe('metric batching', () => {
  it('sends M rapid points in few messages, each point once, in order', async () => {
    const messages: MetricPoint[][] = [];
    const batcher = new MetricBatcher((p) => messages.push([...p]), 100);
    const t0 = performance.now();
    for (let i = 0; i < 5000; i++) {
      batcher.push({ step: i, values: { v: i } });
      if (i % 500 === 0) await new Promise((r) => setImmediate(r));
    }
    const elapsed = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 150));
    const steps = messages.flat().map((p) => p.step);
    assert.deepEqual(
      steps,
      Array.from({ length: 5000 }, (_, i) => i),
    );
    assert.ok(messages.length <= Math.ceil(elapsed / 100) + 2, `${messages.length} messages in ${elapsed} ms`);
  });

  it('respects the interval with a fake clock', () => {
    let now = 0;
    const messages: number[] = [];
    const batcher = new MetricBatcher(
      (p) => messages.push(p.length),
      100,
      () => now,
    );
    for (let i = 0; i < 1000; i++) {
      now = i; // 1000 points over one second
      batcher.push({ step: i, values: {} });
    }
    batcher.flush();
    assert.ok(messages.length <= 11, `${messages.length}`);
    assert.equal(
      messages.reduce((a, b) => a + b, 0),
      1000,
    );
  });

  it('tick yields to the event loop at most every few ms', async () => {
    let now = 0;
    const tick = makeTicker(4, () => now);
    let immediates = 0;
    const count = (): void => {
      immediates++;
    };
    for (let i = 0; i < 100; i++) {
      now += 1;
      setImmediate(count);
      await tick();
    }
    // Yielding runs the queued immediates; 100 ms of fake time at one yield per 4 ms.
    assert.ok(immediates >= 20 && immediates <= 100);
  });

  it("leaves out claims that do not apply to the run's config", () => {
    const demo = {
      ...fakeDemo,
      claims: [
        ...fakeDemo.claims,
        {
          id: 'only-b',
          text: 'applies to mode b',
          target: '—',
          appliesTo: (c: DemoConfig) => c['mode'] === 'b',
          measure: () => ({ measured: 1, pass: true }),
        },
      ],
    };
    assert.deepEqual(
      measureClaims(demo, { final: 0.1 }, { mode: 'a' }).map((c) => c.id),
      ['final-low'],
    );
    assert.deepEqual(
      measureClaims(demo, { final: 0.1 }, { mode: 'b' }).map((c) => [c.id, c.pass]),
      [
        ['final-low', true],
        ['only-b', true],
      ],
    );
  });
});
