/**
 * DrQ's PyTorch reference (`paper-lab bench drq --reference`): the spec carries the quick preset's
 * learners and sizes, and, where a python with torch is found, the reference's update gives our
 * critic losses, temperatures and weights from the same initial weights, batches, shifts and noise.
 */
import '../../../src/models/engine/tfSetup';
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { findReferenceRoot, referenceSpec, runReference } from '../../../src/cli/reference';
import { randomShift } from '../../../src/models/drq/augment';
import { ACTION_DIM, OBS_LENGTH } from '../../../src/models/drq/env';
import { type AgentKind, pixelSacDemo } from '../../../src/models/drq/demo';
import { SHAPE, VIEWS } from '../../../src/models/drq/learner';
import { actorVariables, criticVariables } from '../../../src/models/drq/networks';
import { type AugmentedBatch, SacAgent, type SacHyperparameters } from '../../../src/models/drq/sac';
import { Rng } from '../../../src/models/engine/rng';
import { useBackend } from './helpers';
import { torchPythonOrSkip } from '../../helpers/torch';

const quick = pixelSacDemo.presets['quick'] ?? {};

interface Saved {
  shape: number[];
  values: number[];
}

interface ReplayOutput {
  steps: { criticLoss: number; alpha: number; actorLoss?: number; alphaLoss?: number }[];
  critic: number[][];
  target: number[][];
  actor: number[][];
  logAlpha: number;
}

const save = (vars: readonly tf.Variable[]): Saved[] =>
  vars.map((v) => ({ shape: v.shape, values: Array.from(v.dataSync()) }));

/** Largest |a − b| over paired lists of weights. */
function maxDifference(ours: readonly tf.Variable[], theirs: readonly number[][]): number {
  assert.equal(theirs.length, ours.length);
  let max = 0;
  ours.forEach((v, i) => {
    const a = v.dataSync();
    const b = theirs[i] as number[];
    assert.equal(b.length, a.length);
    for (let j = 0; j < a.length; j++) max = Math.max(max, Math.abs((a[j] as number) - (b[j] as number)));
  });
  return max;
}

describe('drq PyTorch reference', () => {
  let root: string;
  before(async () => {
    await useBackend('wasm');
    const found = findReferenceRoot(path.join(__dirname, '..', '..', '..', 'src', 'cli'));
    if (!found) throw new Error('bench/reference/run.py not found');
    root = found;
  });

  it('spec: the quick preset’s learners, views, batch and networks', async () => {
    const spec = await referenceSpec('drq', quick, { threads: 1, steps: 3, warmup: 1, seed: 5, dataRoot: root });
    const c = spec.config;
    assert.deepEqual(c['agents'], ['none', 'drq']);
    assert.deepEqual(c['views'], {
      none: { augment: false, m: 1, k: 1 },
      drq: { augment: true, m: 2, k: 2 },
    });
    assert.deepEqual(
      [c['seeds'], c['batch'], c['pad'], c['filters'], c['featureDim'], c['hidden']],
      [quick['seeds'], quick['batch'], quick['pad'], quick['filters'], quick['featureDim'], quick['hidden']],
    );
    assert.deepEqual(
      [c['lr'], c['gamma'], c['tau'], c['initTemperature']],
      [quick['lr'], quick['gamma'], quick['tau'], quick['initTemperature']],
    );
    // The replay ring holds min(bufferSize, steps) transitions: the quick preset's 4,000 agent steps.
    assert.equal(c['capacity'], Math.min(Number(quick['bufferSize']), Number(quick['steps'])));
    assert.deepEqual([c['actorEvery'], c['targetEvery']], [2, 2]);
  });

  describe('with torch (optional)', () => {
    /** Our 8 updates of a `kind` agent and the reference's from the same start, compared. */
    const compare = async (ctx: Mocha.Context, kind: AgentKind): Promise<void> => {
      ctx.timeout(300_000);
      const python = torchPythonOrSkip(ctx);
      // The quick preset's networks and SAC settings, a smaller batch; the agent's views.
      const hp: SacHyperparameters = {
        filters: Number(quick['filters']),
        featureDim: Number(quick['featureDim']),
        hidden: Number(quick['hidden']),
        lr: Number(quick['lr']),
        gamma: Number(quick['gamma']),
        tau: Number(quick['tau']),
        initTemperature: Number(quick['initTemperature']),
        actorEvery: 2,
        targetEvery: 2,
        convGradient: 'correlation',
      };
      const pad = Number(quick['pad']);
      const { augment, m, k } = VIEWS[kind];
      const [n, updates] = [16, 8];
      const noiseSeed = 12;
      const agent = new SacAgent(hp, new Rng(11), new Rng(noiseSeed));
      // The agent's policy noise, drawn in its order: K·N next-action draws per update, then N for
      // the actor on its turns (the 1st, 3rd, … update, as the official agent counts them).
      const noise = new Rng(noiseSeed);
      const init = {
        critic: save(criticVariables(agent.critic)),
        actor: save(actorVariables(agent.actor)),
        logAlpha: agent.logAlpha.dataSync()[0] as number,
      };
      const data = new Rng(13);
      const frames = (): Float32Array => Float32Array.from({ length: n * OBS_LENGTH }, () => data.int(256) / 255);
      const views = (raw: Float32Array, count: number): { images: Float32Array; offsets: number[][] | null } => {
        if (!augment) return { images: raw, offsets: null };
        const images = new Float32Array(count * raw.length);
        const offsets: number[][] = [];
        for (let v = 0; v < count; v++) {
          const shifted = randomShift(raw, n, SHAPE, pad, data);
          images.set(shifted.images, v * raw.length);
          offsets.push(Array.from(shifted.offsets));
        }
        return { images, offsets };
      };
      const records: Record<string, unknown>[] = [];
      const ours: { criticLoss: number; alpha: number }[] = [];
      for (let u = 0; u < updates; u++) {
        const obs = frames();
        const nextObs = frames();
        const s = views(obs, m);
        const s2 = views(nextObs, k);
        const actions = Float32Array.from({ length: n * ACTION_DIM }, () => data.next() * 2 - 1);
        const rewards = Float32Array.from({ length: n }, () => data.next());
        // One transition of each batch ends in a terminal state, so the not-done mask is exercised.
        const notDones = Float32Array.from({ length: n }, (_, i) => (i === u % n ? 0 : 1));
        const epsNext = noise.normals(k * n * ACTION_DIM);
        const epsActor = u % hp.actorEvery === 0 ? noise.normals(n * ACTION_DIM) : null;
        const batch: AugmentedBatch = { n, m, k, obs: s.images, nextObs: s2.images, actions, rewards, notDones };
        ours.push(await agent.update(batch));
        records.push({
          n,
          m,
          k,
          obs: Array.from(obs),
          nextObs: Array.from(nextObs),
          obsOffsets: s.offsets,
          nextOffsets: s2.offsets,
          actions: Array.from(actions),
          rewards: Array.from(rewards),
          notDones: Array.from(notDones),
          epsNext: Array.from(epsNext),
          epsActor: epsActor ? Array.from(epsActor) : null,
        });
      }

      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paper-lab-drq-'));
      try {
        const file = path.join(dir, 'replay.json');
        fs.writeFileSync(file, JSON.stringify({ config: { ...hp, pad }, ...init, updates: records }));
        const run = spawnSync(
          python.path ?? 'python3',
          [path.join(root, 'bench', 'reference', 'drq.py'), '--replay', file],
          {
            encoding: 'utf8',
            maxBuffer: 64 * 1024 * 1024,
            env: { ...process.env, OMP_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' },
          },
        );
        assert.equal(run.status, 0, run.stderr);
        const theirs = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as ReplayOutput;
        assert.equal(theirs.steps.length, updates);
        // The actor and α are updated on the 1st, 3rd, … update, as ours and the official agent's.
        assert.deepEqual(
          theirs.steps.map((st) => st.actorLoss !== undefined),
          ours.map((_, u) => u % 2 === 0),
        );
        let lossGap = 0;
        let alphaGap = 0;
        ours.forEach((o, u) => {
          const t = theirs.steps[u];
          assert.ok(t);
          lossGap = Math.max(lossGap, Math.abs(o.criticLoss - t.criticLoss) / Math.max(1, Math.abs(t.criticLoss)));
          alphaGap = Math.max(alphaGap, Math.abs(o.alpha - t.alpha));
        });
        // log α moves by up to lr (1e-3) on every actor turn (α by up to 1e-4), so a wrong temperature
        // gradient would show beside the 1e-6 tolerance.
        ours.forEach((o, u) => {
          const previous = ours[u - 1]?.alpha ?? Math.exp(init.logAlpha);
          if (u % 2 === 0) assert.ok(Math.abs(o.alpha - previous) > 1e-5, `α still at ${u}`);
        });
        const weightGap = {
          critic: maxDifference(criticVariables(agent.critic), theirs.critic),
          target: maxDifference(criticVariables(agent.criticTarget), theirs.target),
          actor: maxDifference(actorVariables(agent.actor), theirs.actor),
          logAlpha: Math.abs((agent.logAlpha.dataSync()[0] as number) - theirs.logAlpha),
        };
        const report = `critic losses ${ours.map((o) => o.criticLoss.toPrecision(6)).join(' ')} vs ${theirs.steps
          .map((t) => t.criticLoss.toPrecision(6))
          .join(' ')}; gaps: loss ${lossGap}, α ${alphaGap}, weights ${JSON.stringify(weightGap)}`;
        console.log(`      ${kind}: ${report}`);
        assert.ok(lossGap < 1e-4, report);
        assert.ok(alphaGap < 1e-6, report);
        // Weights after the 8 updates, within a fifth of one Adam step (lr): Adam divides by √v̂, so a
        // gradient entry near zero carries float rounding into its weight (3.7e-5 apart at most here).
        // With the reference's Adam β₁ at 0.8 instead of 0.9 the critic and actor weights are 6e-3
        // apart and the critic losses 2e-2.
        for (const [what, gap] of Object.entries(weightGap)) assert.ok(gap < 2e-4, `${what}: ${report}`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
        agent.dispose();
      }
    };

    it('DrQ (K = M = 2 shifted views): the reference’s updates give our critic losses, α and weights', async function () {
      await compare(this, 'drq');
    });

    it('no augmentation (the raw frames once): the same', async function () {
      await compare(this, 'none');
    });

    it('the driver runs the quick preset’s spec: two timed agent steps of the three learners', async function () {
      this.timeout(120_000);
      const python = torchPythonOrSkip(this);
      const spec = await referenceSpec('drq', quick, { threads: 1, steps: 2, warmup: 1, seed: 0, dataRoot: root });
      const r = runReference(spec, { python, root, timeoutMs: 120_000 });
      assert.ok(r.ok, r.ok ? '' : r.reason);
      assert.deepEqual([r.timing.steps, r.timing.warmup, r.timing.threads], [2, 1, 1]);
      assert.ok(r.timing.stepsPerSecond > 0 && r.timing.cpuSeconds > 0);
    });
  });
});
