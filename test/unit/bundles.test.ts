/**
 * The bundles as they ship: every worker entry in dist/ (the training worker, the CLI, DrQ's
 * learner workers, ANCE's index refresh) started on every backend that can start here. The other
 * tests run the sources under tsx, where a module imported only for its side effects is always
 * evaluated; the bundler may drop it, and a bundle then lacks a backend its sources register.
 *
 * cpu and wasm always run; webgpu runs on the software Vulkan driver when it is in the toolchain
 * folder (`node scripts/software-vulkan.mjs`).
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { vulkanEnv, vulkanManifest } from '../helpers/softwareVulkan';

const repo = resolve(__dirname, '..', '..');
const dist = join(repo, 'dist');
const ENTRIES = ['cli.js', 'worker.js', 'drq-learners.js', 'ance-refresh.js'];
const BACKENDS = ['cpu', 'wasm', ...(existsSync(vulkanManifest()) ? ['webgpu'] : [])];

/** Small configs that still start each secondary worker: two DrQ learner workers, ANCE's async refresh. */
const SMALL: Record<string, string[]> = {
  drq: [
    'agents.none=true',
    'agents.rad=false',
    'agents.drq=true',
    'seeds=1',
    'workers=2',
    'steps=24',
    'seedSteps=16',
    'evalEvery=10',
    'evalEpisodes=1',
    'batch=8',
  ],
  ance: [
    'steps.countries=24',
    'steps.wordnet=0',
    'warmupSteps=8',
    'refreshEvery=8',
    'refreshMode=async',
    'evalEvery=16',
  ],
};

interface RunJson {
  readonly status: string;
  readonly backend?: { readonly chosen: string };
  readonly error?: string;
}

function readRunJson(dir: string): RunJson {
  return JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunJson;
}

function env(backend: string): NodeJS.ProcessEnv {
  return backend === 'webgpu' ? vulkanEnv(vulkanManifest()) : process.env;
}

function cli(args: string[], backend: string): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(dist, 'cli.js'), ...args], { cwd: repo, env: env(backend) });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => done({ code, output }));
  });
}

describe('bundled worker entries (dist/)', function () {
  this.timeout(600_000);
  let tmp: string;

  before(function () {
    const source = statSync(join(repo, 'src', 'models', 'engine', 'tfSetup.ts')).mtimeMs;
    const stale = ENTRIES.some((e) => !existsSync(join(dist, e)) || statSync(join(dist, e)).mtimeMs < source);
    if (stale) {
      const r = spawnSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: repo, encoding: 'utf8' });
      assert.equal(r.status, 0, `the build failed:\n${r.stderr}`);
    }
    tmp = mkdtempSync(join(tmpdir(), 'paper-lab-bundles-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  for (const backend of BACKENDS) {
    for (const paper of Object.keys(SMALL)) {
      it(`dist/cli.js runs ${paper} on ${backend}, with its secondary workers`, async () => {
        const out = join(tmp, `${paper}-${backend}`);
        const sets = (SMALL[paper] ?? []).flatMap((s) => ['--set', s]);
        const r = await cli(['run', paper, '--backend', backend, '--out', out, ...sets], backend);
        const record = readRunJson(out);
        assert.equal(record.error, undefined, r.output);
        assert.equal(r.code, 0, r.output);
        assert.equal(record.status, 'completed', r.output);
        assert.equal(record.backend?.chosen, backend);
      });
    }

    it(`dist/worker.js trains FedOpt on ${backend} as the extension starts it`, async () => {
      const runDir = join(tmp, `worker-${backend}`);
      const start = {
        type: 'start',
        runId: `fedopt-bundle-${backend}`,
        paper: 'fedopt',
        demo: 'compare',
        preset: 'quick',
        config: { rounds: 2, roundCap: 2, clients: 20, clientsPerRound: 4 },
        seed: 0,
        backend,
        runDir,
        modulePaths: [],
      };
      // A process of its own, as the extension host is: the Vulkan loader reads its settings from
      // the process environment, which a worker thread's `env` option does not reach.
      const host =
        `const { Worker } = require('node:worker_threads');` +
        `const w = new Worker(${JSON.stringify(join(dist, 'worker.js'))});` +
        `w.on('message', (m) => { console.log(JSON.stringify(m)); if (m.type === 'ready') w.postMessage(${JSON.stringify(start)}); });` +
        `w.on('exit', (code) => { console.log(JSON.stringify({ type: 'exit', code })); process.exit(0); });`;
      const output = await new Promise<string>((done) => {
        const child = spawn(process.execPath, ['-e', host], { cwd: repo, env: env(backend) });
        let text = '';
        child.stdout.on('data', (d: Buffer) => (text += d.toString()));
        child.stderr.on('data', (d: Buffer) => (text += d.toString()));
        child.on('exit', () => done(text));
      });
      const messages = output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map(
          (line) => JSON.parse(line) as { type: string; report?: { chosen: string }; message?: string; code?: number },
        );
      const errors = messages.filter((m) => m.type === 'error').map((m) => m.message);
      assert.deepEqual(errors, [], output);
      assert.equal(messages.find((m) => m.type === 'exit')?.code, 0, output);
      assert.equal(messages.find((m) => m.type === 'backend')?.report?.chosen, backend);
      assert.ok(
        messages.some((m) => m.type === 'summary'),
        'the worker sent no summary',
      );
      assert.equal(readRunJson(runDir).status, 'completed');
    });
  }

  /** Asks dist/worker.js one question, as the extension does for a finished run. */
  async function ask(paper: string, demo: string, query: string, checkpoint: unknown, input: string) {
    const file = join(tmp, `${paper}-${query}.json`);
    writeFileSync(file, JSON.stringify(checkpoint));
    const worker = new Worker(join(dist, 'worker.js'), { stdout: true, stderr: true });
    return new Promise<{ output?: { kind: string; rows?: unknown[][] }; error?: string }>((done, fail) => {
      worker.on('message', (m: { type: string; output?: { kind: string; rows?: unknown[][] }; error?: string }) => {
        if (m.type === 'ready')
          worker.postMessage({ type: 'query', paper, demo, query, checkpointFile: file, input, modulePaths: [] });
        if (m.type === 'queryAnswer') done(m);
      });
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`the worker exited (${code}) without an answer`)));
    });
  }

  it('dist/worker.js answers a FlyVec query from a checkpoint file, and says why when it cannot', async () => {
    const codes = {
      cells: 8,
      hashLength: 2,
      words: ['war', 'army', 'peace'],
      activeCells: [
        [0, 1],
        [0, 2],
        [5, 6],
      ],
    };
    const answer = await ask('flyvec', 'embeddings', 'neighbours', codes, 'war');
    assert.equal(answer.error, undefined);
    assert.deepEqual(
      answer.output?.rows?.map((r) => r[1]),
      ['army', 'peace'],
    );
    assert.match((await ask('flyvec', 'embeddings', 'neighbours', codes, 'zeppelin')).error ?? '', /not in the 3-word/);
    assert.match((await ask('flyvec', 'embeddings', 'nope', codes, 'war')).error ?? '', /has no query "nope"/);
  });

  it('dist/worker.js answers a GENRE query with the model rebuilt from the checkpoint', async () => {
    const { buildDataset } = await import('../../src/models/genre/contexts');
    const { makeKnowledgeBase } = await import('../../src/models/genre/knowledgeBase');
    const { createSeq2Seq, disposeSeq2Seq } = await import('../../src/models/genre/model');
    const { modelCheckpoint } = await import('../../src/models/genre/train');
    const { Rng } = await import('../../src/models/engine/rng');
    const { useBackend } = await import('../helpers/backends');
    await useBackend('cpu');
    const kb = makeKnowledgeBase([
      { name: 'Ohio', type: 'state', mentions: ['Ohio'], facts: { capital: 'Columbus' } },
      { name: 'Georgia (U.S. state)', type: 'state', mentions: ['Georgia'], facts: { capital: 'Atlanta' } },
    ]);
    const data = buildDataset(kb);
    const model = createSeq2Seq({ vocabulary: data.words.length, embedding: 4, hidden: 3 }, new Rng(1));
    const checkpoint = await modelCheckpoint(model, kb, data, { beamSize: 2, alpha: 1, maxLength: 8 });
    disposeSeq2Seq(model);
    const answer = await ask('genre', 'constrained-beam', 'beams', checkpoint, 'she grew up in [Ohio] .');
    assert.equal(answer.error, undefined);
    const constrained = (answer.output?.rows ?? []).filter((r) => r[0] === 'constrained (trie)');
    assert.equal(constrained.length, 2);
    for (const row of constrained) assert.equal(row[5], 'yes', 'a constrained beam is a name of the knowledge base');
  });
});
