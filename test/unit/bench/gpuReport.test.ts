import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { figure, gpuReport } from '../../../bench/gpu/report';

/** The cells of the Markdown table row whose first cell is `first`, in the section titled `section`. */
function row(report: string, section: string, first: string): string[] {
  const start = report.indexOf(section);
  assert.ok(start >= 0, `no section ${section}`);
  const end = report.indexOf('\n### ', start + 1);
  const lines = report.slice(start, end < 0 ? undefined : end).split('\n');
  const line = lines.find((l) => l.startsWith(`| ${first} |`));
  assert.ok(line, `no row ${first} in ${section}`);
  return line
    .slice(2, -2)
    .split(' | ')
    .map((c) => c.trim());
}

const steady = (stepsPerSecond: number, ratio: number | null = null, ratioCpu: number | null = null): object => ({
  stepsPerSecond,
  steps: 10,
  seconds: 10 / stepsPerSecond,
  cpuSeconds: 10 / stepsPerSecond,
  ratio,
  ratioCpu,
});

function benchRow(backend: string, afterWarmup: object | null, reason = 'ok'): object {
  return {
    backend,
    ok: afterWarmup !== null,
    reason,
    steps: afterWarmup ? 12 : 0,
    trainSeconds: 1,
    cpuSeconds: 1,
    stepsPerSecond: afterWarmup ? 1 : null,
    timeToClaimSeconds: null,
    claimsPassed: null,
    claims: 3,
    ...(afterWarmup ? { afterWarmup } : {}),
  };
}

function benchFile(paper: string, rows: object[], extra: object = {}): object {
  const machine = { cpu: 'Xeon', cores: 16, loadAverage: [1, 1, 1] };
  return {
    paper,
    demo: 'd',
    preset: 'quick',
    config: {},
    seed: 0,
    steps: 12,
    machine,
    date: '',
    rows,
    warmup: 2,
    ...extra,
  };
}

function timing(stepsPerSecond: number): object {
  return {
    stepsPerSecond,
    seconds: 1,
    cpuSeconds: 1,
    steps: 20,
    warmup: 3,
    threads: 1,
    torch: '2.11.0',
    blas: 'mkl',
    python: '3.12',
  };
}

describe('GPU check report (bench/gpu/report.ts)', () => {
  let dir = '';
  let report = '';

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gpu-report-'));
    const write = (name: string, value: unknown): void =>
      fs.writeFileSync(path.join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
    write('machine.txt', 'NVIDIA H200, 580.159.04, 143771 MiB\n');
    write('runjson-fedopt.json', { status: 'completed', backend: { chosen: 'webgpu' }, trainSeconds: 42.71 });
    write('summary-fedopt.json', {
      claims: [
        { id: 'fedyogi-half-rounds', text: '', measured: 0.25, target: '≤ 0.5', pass: true },
        { id: 'fedavg-at-20', text: '', measured: 0.8123, target: '≤ 0.75', pass: false, caveat: 'small task' },
      ],
    });
    write('runjson-rims.json', { status: 'failed', trainSeconds: 3, error: 'WebGPU device error: validation failed' });
    write('runjson-auto-rims.json', { status: 'completed', backend: { chosen: 'wasm' }, trainSeconds: 4 });
    write(
      'bench-score-sde-4096.json',
      benchFile('score-sde', [benchRow('webgpu', steady(7.32)), benchRow('wasm', steady(1.13))], {
        config: { batch: 4096, hidden: 512 },
        steps: 40,
        warmup: 5,
      }),
    );
    write(
      'bench-genre.json',
      benchFile('genre', [benchRow('webgpu', null, 'no WebGPU adapter'), benchRow('wasm', steady(4.88))]),
    );
    write(
      'reference-fedopt.json',
      benchFile('fedopt', [benchRow('wasm', steady(10.6, 0.69, 0.65))], {
        reference: { ok: true, python: 'python3', timing: timing(15.4), threads: 1, warmup: 3, steps: 20 },
      }),
    );
    write(
      'reference-rims.json',
      benchFile('rims', [benchRow('wasm', steady(2.87, 0.371, 0.33))], {
        reference: { ok: true, python: 'python3', timing: timing(7.74), threads: 1, warmup: 2, steps: 12 },
      }),
    );
    write(
      'reference-drq.json',
      benchFile('drq', [benchRow('wasm', steady(7.07))], {
        reference: { ok: false, python: 'python3', reason: 'python3 has no torch', threads: 1, warmup: 102, steps: 40 },
      }),
    );
    write('calibration.json', [
      {
        machine: 'm',
        signature: 'rims/generalize#a',
        measuredAt: '',
        measurements: [
          { name: 'webgpu', stepsPerSecond: 0.452 },
          { name: 'wasm', stepsPerSecond: 1.53 },
        ],
      },
      {
        machine: 'm',
        signature: 'score-sde/2d-density#b',
        measuredAt: '',
        measurements: [
          { name: 'webgpu', stepsPerSecond: 6.3 },
          { name: 'wasm', stepsPerSecond: 0.894 },
          { name: 'cpu', stepsPerSecond: null },
        ],
      },
    ]);
    report = gpuReport(dir);
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('rounds to three significant figures and marks what is missing', () => {
    assert.equal(figure(6.4778), '6.48');
    assert.equal(figure(0.0696123), '0.0696');
    assert.equal(figure(464.4), '464');
    assert.equal(figure(null), '—');
    assert.equal(figure(Number.NaN), '—');
  });

  it('lists each webgpu run with its claims, the failing ones by name, and a failed run by its error', () => {
    assert.equal(
      row(report, 'quick preset on `webgpu`', 'fedopt').join(' | '),
      'fedopt | completed | webgpu | 42.7 s | 1 of 2 | failing: fedavg-at-20 0.812 (≤ 0.75, caveated)',
    );
    const rims = row(report, 'quick preset on `webgpu`', 'rims');
    assert.equal(rims[1], 'failed');
    assert.equal(rims[5], 'WebGPU device error: validation failed');
    assert.ok(!report.includes('| auto-rims |'), 'the auto lane’s runs are not demo runs');
  });

  it('divides webgpu by wasm from the same invocation, and says why a backend was skipped', () => {
    assert.equal(
      row(report, 'in the same invocation', 'score-sde-4096 (batch=4096, hidden=512)').join(' | '),
      'score-sde-4096 (batch=4096, hidden=512) | 40, 5 | 7.32 | 1.13 | 6.48×',
    );
    const genre = row(report, 'in the same invocation', 'genre');
    assert.equal(genre[2], 'skipped: no WebGPU adapter');
    assert.equal(genre[4], '—');
  });

  it('judges each demo against half of PyTorch’s steps/s, and says why a reference is missing', () => {
    const fedopt = row(report, 'Against PyTorch', 'fedopt');
    assert.deepEqual(fedopt.slice(1), ['10.6', '15.4 (torch 2.11.0, 1 thread)', '0.69×', '0.65×', 'met']);
    assert.equal(row(report, 'Against PyTorch', 'rims')[5], 'missed');
    const drq = row(report, 'Against PyTorch', 'drq');
    assert.equal(drq[5], 'python3 has no torch');
  });

  it('names the backend calibration chose, by the engine’s own rule', () => {
    assert.deepEqual(row(report, '`auto`', 'rims/generalize#a'), [
      'rims/generalize#a',
      'webgpu 0.452, wasm 1.53',
      'wasm',
    ]);
    assert.equal(row(report, '`auto`', 'score-sde/2d-density#b')[2], 'webgpu');
  });
});
