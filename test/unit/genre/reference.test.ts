/**
 * GENRE's PyTorch reference (`paper-lab bench genre --reference`): the spec carries the quick
 * preset's sizes and the demo's own contexts, and, where a python with torch is found, the
 * reference's training step gives the same losses as ours from the same weights and batches.
 */
import '../../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { findReferenceRoot, referenceSpec } from '../../../src/cli/reference';
import { selectBackend } from '../../../src/models/engine/backends';
import { Rng } from '../../../src/models/engine/rng';
import { buildDataset, type Example } from '../../../src/models/genre/contexts';
import { constrainedBeamDemo } from '../../../src/models/genre/demo';
import { loadKnowledgeBase } from '../../../src/models/genre/knowledgeBase';
import { createSeq2Seq, disposeSeq2Seq, variables } from '../../../src/models/genre/model';
import { trainingStep } from '../../../src/models/genre/train';
import { useRepositoryData } from '../../helpers/data';
import { torchPythonOrSkip } from '../../helpers/torch';

const quick = constrainedBeamDemo.presets['quick'] ?? {};

interface DataFile {
  words: string[];
  names: number[][];
  train: { source: number[]; target: number[]; entity: number; ambiguous: boolean }[];
  test: { source: number[]; target: number[]; entity: number; ambiguous: boolean }[];
}

describe('genre PyTorch reference', () => {
  let root: string;
  before(async () => {
    useRepositoryData();
    await selectBackend('wasm');
    const found = findReferenceRoot(path.join(__dirname, '..', '..', '..', 'src', 'cli'));
    if (!found) throw new Error('bench/reference/run.py not found');
    root = found;
  });

  it('spec: the quick preset’s model and step, and the demo’s own contexts in the data file', async () => {
    const spec = await referenceSpec('genre', quick, { threads: 1, steps: 3, warmup: 1, seed: 5, dataRoot: root });
    const c = spec.config;
    assert.deepEqual(
      [c['embedding'], c['hidden'], c['batchSize'], c['learningRate']],
      [quick['embedding'], quick['hidden'], quick['batchSize'], quick['learningRate']],
    );
    assert.deepEqual([spec.threads, spec.steps, spec.warmup, spec.seed], [1, 3, 1, 5]);
    const file = JSON.parse(fs.readFileSync(String(c['dataFile']), 'utf8')) as DataFile;
    const data = buildDataset(await loadKnowledgeBase());
    assert.deepEqual(file.words, data.words);
    assert.deepEqual(file.names, data.names);
    assert.equal(file.train.length, data.train.length);
    assert.equal(file.test.length, data.test.length);
    for (const [mine, theirs] of [
      [data.train, file.train],
      [data.test, file.test],
    ] as const)
      mine.forEach((e, i) => {
        const t = theirs[i];
        assert.deepEqual([t?.source, t?.target, t?.entity, t?.ambiguous], [e.source, e.target, e.entity, e.ambiguous]);
      });
  });

  describe('with torch (optional)', () => {
    it('the reference’s Adam steps give our losses from the same weights and batches', async function () {
      this.timeout(120_000);
      const python = torchPythonOrSkip(this);
      const data = buildDataset(await loadKnowledgeBase());
      const config = { embedding: 8, hidden: 6, learningRate: 0.01 };
      const sizes = { vocabulary: data.words.length, embedding: config.embedding, hidden: config.hidden };
      const model = createSeq2Seq(sizes, new Rng(3));
      const init = variables(model).map((v) => ({ shape: v.shape, values: Array.from(v.dataSync()) }));
      const optimizer = tf.train.adam(config.learningRate);
      const rng = new Rng(4);
      const batches: number[][] = [];
      const ours: number[] = [];
      for (let step = 0; step < 6; step++) {
        const batch = rng.sample(data.train.length, 16);
        batches.push(batch);
        const loss = tf.tidy(() =>
          trainingStep(
            model,
            optimizer,
            batch.map((i) => data.train[i] as Example),
          ),
        );
        ours.push((await loss.data())[0] ?? NaN);
        loss.dispose();
      }
      optimizer.dispose();
      disposeSeq2Seq(model);

      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paper-lab-genre-'));
      try {
        const file = path.join(dir, 'replay.json');
        const pairs = (examples: readonly Example[]) =>
          examples.map((e) => ({ source: e.source, target: e.target, entity: e.entity, ambiguous: e.ambiguous }));
        fs.writeFileSync(
          file,
          JSON.stringify({
            data: { words: data.words, names: data.names, train: pairs(data.train), test: [] },
            config,
            init,
            batches,
          }),
        );
        const run = spawnSync(
          python.path ?? 'python3',
          [path.join(root, 'bench', 'reference', 'genre.py'), '--replay', file],
          {
            encoding: 'utf8',
            env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' },
          },
        );
        assert.equal(run.status, 0, run.stderr);
        const theirs = JSON.parse(run.stdout.trim().split('\n').pop() ?? '[]') as number[];
        assert.equal(theirs.length, ours.length);
        // The loss falls over these steps, so a wrong gradient or optimizer would show.
        assert.ok((ours[5] as number) < (ours[0] as number) - 0.05, ours.join(' '));
        ours.forEach((l, i) =>
          assert.ok(Math.abs(l - (theirs[i] as number)) < 1e-4, `step ${i}: ${l} vs ${theirs[i]}`),
        );
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
