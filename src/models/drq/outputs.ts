/** The DrQ run's outputs: the strip of augmented observations, a rollout of a trained agent, the returns table. */
import type { ImagesOutput, TableOutput } from '../../shared/outputs';
import { Rng } from '../engine/rng';
import { randomShift } from './augment';
import { AGENT_LABELS, type AgentKind, type DrqResults, LATE_FROM, seedIndexKey, THRESHOLD_FACTOR } from './demo';
import { CHANNELS_PER_FRAME, EPISODE_FRAMES, OBS_CHANNELS, OBS_LENGTH, PointMassEnv, SIZE } from './env';
import { type Learner, type Settings, SHAPE } from './learner';

/** A stacked observation as one grayscale picture: the mass (1.0) over its previous position (0.35) and the target (0.6). */
function picture(obs: Float32Array, offset: number): number[] {
  const pixels: number[] = [];
  for (let p = 0; p < SIZE * SIZE; p++) {
    const o = offset + p * OBS_CHANNELS;
    const previous = obs[o] as number;
    const mass = obs[o + CHANNELS_PER_FRAME] as number;
    const target = obs[o + CHANNELS_PER_FRAME + 1] as number;
    pixels.push(Math.max(mass, 0.6 * target, 0.35 * previous));
  }
  return pixels;
}

/** Four stored observations, each followed by three independent random shifts of it. */
export function augmentationStrip(l: Learner, s: Settings): ImagesOutput {
  const rng = new Rng(l.evalSeed ^ 0xa06);
  const sample = l.replay.sample(4, rng);
  const images: { label: string; pixels: number[] }[] = [];
  for (let i = 0; i < 4; i++) {
    const one = sample.obs.subarray(i * OBS_LENGTH, (i + 1) * OBS_LENGTH);
    images.push({ label: `obs ${i + 1}`, pixels: picture(one, 0) });
    for (let v = 0; v < 3; v++) {
      const { images: shifted, offsets } = randomShift(one, 1, SHAPE, s.pad, rng);
      // The crop offset ν moves the content by p − ν (down and right for positive values).
      const down = s.pad - (offsets[0] as number);
      const right = s.pad - (offsets[1] as number);
      images.push({ label: `moved (${down}, ${right})`, pixels: picture(shifted, 0) });
    }
  }
  return {
    kind: 'images',
    id: 'augmentations',
    title: 'Random shifts of stored observations',
    width: SIZE,
    height: SIZE,
    images,
    note: `Each observation is replicate-padded by ${s.pad} px and cropped back at a random offset; labels give how far the content moved (rows down, columns right; edges repeat). Bright: the mass; dim: where it was one agent step earlier; grey: the target.`,
  };
}

/** One evaluation episode of a trained learner, one frame per agent step. */
export async function rollout(l: Learner, s: Settings): Promise<ImagesOutput> {
  const env = new PointMassEnv(new Rng(l.evalSeed), s.actionRepeat);
  let obs = env.reset();
  const images: { label: string; pixels: number[] }[] = [{ label: 'start', pixels: picture(obs, 0) }];
  let total = 0;
  for (let t = 1; t * s.actionRepeat <= EPISODE_FRAMES; t++) {
    const a = await l.agent.act(obs, 1, true);
    const step = env.step(a[0] as number, a[1] as number);
    total += step.reward;
    obs = step.obs;
    images.push({ label: `t ${t}: ${total.toFixed(1)}`, pixels: picture(obs, 0) });
  }
  return {
    kind: 'images',
    id: 'rollout',
    title: `Trained ${AGENT_LABELS[l.kind]} agent (seed ${l.seedIndex + 1}): one evaluation episode`,
    width: SIZE,
    height: SIZE,
    images,
    note: `Deterministic policy (the mean action), one frame per agent step (action repeat ${s.actionRepeat}); labels give the agent step and the return so far (a perfect episode approaches ${EPISODE_FRAMES}).`,
  };
}

/** A learner's evaluation record, as the returns table reads it. */
export interface LearnerRecord {
  readonly kind: AgentKind;
  readonly seedIndex: number;
  readonly evals: readonly number[];
  readonly reachedAt: number | null;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export function returnsTable(
  learners: readonly LearnerRecord[],
  s: Settings,
  results: DrqResults,
  evalSteps: readonly number[],
): TableOutput {
  const r2 = (x: number | undefined): number | null =>
    x === undefined || Number.isNaN(x) ? null : Math.round(x * 100) / 100;
  const rows: (string | number | null)[][] = learners.map((l) => [
    AGENT_LABELS[l.kind],
    l.seedIndex + 1,
    r2(mean(l.evals)),
    r2(results.learnAuc[`${l.kind}.${seedIndexKey(l.seedIndex)}`]),
    r2(results.lateAuc[`${l.kind}.${seedIndexKey(l.seedIndex)}`]),
    r2(l.evals.at(-1)),
    r2(Math.max(...l.evals)),
    l.reachedAt ?? `> ${evalSteps.at(-1) ?? 0}`,
  ]);
  for (const kind of s.agents) {
    rows.push([
      `${AGENT_LABELS[kind]} (mean)`,
      `${s.seeds} ${s.seeds === 1 ? 'seed' : 'seeds'}`,
      r2(results.auc[kind]),
      r2(results.learnAuc[kind]),
      r2(results.lateAuc[kind]),
      r2(mean(learners.filter((l) => l.kind === kind).map((l) => l.evals.at(-1) ?? NaN))),
      null,
      `${results.reachedSeeds[kind] ?? 0} of ${s.seeds} reached`,
    ]);
  }
  return {
    kind: 'table',
    id: 'returns',
    title: 'Evaluation returns over seeds',
    columns: [
      'agent',
      'seed',
      'mean return (AUC)',
      'mean after seed steps',
      'mean, last quarter',
      'final return',
      'best return',
      `first step ≥ ${THRESHOLD_FACTOR}× random`,
    ],
    rows,
    note: `Each evaluation return is a mean over the same ${s.evalEpisodes} evaluation episodes (deterministic policy); ${evalSteps.length} evaluations, every ${s.evalEvery} agent steps. Random policy: ${r2(results.randomReturn)}; threshold ${r2(results.threshold)}. The mean return over evaluations is the area under the curve divided by its length; the mean after the seed steps takes the evaluations after agent step ${s.seedSteps}, where the agents learn, and the last quarter those from agent step ${LATE_FROM * s.steps}.`,
  };
}
