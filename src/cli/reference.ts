/**
 * The PyTorch reference of `paper-lab bench --reference`: the same training step as a demo's
 * quick preset, written in PyTorch under `bench/reference/<paper>.py` and timed by
 * `bench/reference/run.py` with a python3 that has torch, so that our throughput and PyTorch's
 * come from one invocation as a ratio.
 *
 * This module builds the spec handed to the driver (the preset's values that shape the step),
 * finds the python (--python, then $PAPER_LAB_PYTHON, then python3 on PATH), runs the driver and
 * reads its JSON, and turns every failure into a plain "reference unavailable" reason.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DemoConfig } from '../shared/catalog';

/** Demos with a PyTorch reference of their training step. */
export const REFERENCE_PAPERS = ['fedopt', 'rims', 'score-sde', 'flyvec', 'ance', 'genre', 'drq'] as const;
export type ReferencePaper = (typeof REFERENCE_PAPERS)[number];

export function hasReference(paper: string): paper is ReferencePaper {
  return (REFERENCE_PAPERS as readonly string[]).includes(paper);
}

/**
 * Steps timed when --steps is not given, and untimed warm-up steps before them: enough for a
 * few seconds of steady training, and short of each demo's periodic extra work (RIMs evaluates
 * every 20 steps, score SDE previews samples every 500), so both sides time the training step.
 */
export const REFERENCE_STEPS: Readonly<Record<ReferencePaper, { readonly steps: number; readonly warmup: number }>> = {
  fedopt: { steps: 20, warmup: 3 },
  rims: { steps: 12, warmup: 2 },
  'score-sde': { steps: 400, warmup: 50 },
  flyvec: { steps: 40, warmup: 4 },
  // ANCE evaluates every 40 steps of the quick preset; its index refresh runs in another thread.
  ance: { steps: 30, warmup: 5 },
  genre: { steps: 40, warmup: 4 },
  // DrQ's first 500 agent steps (the quick preset's seed steps) act at random and make no update, and
  // it evaluates every 250 steps: the warm-up ends 2 steps past the seed steps and the evaluation at
  // step 500, and the timed steps end well before the one at 750. Ours times whole agent steps (each
  // learner's environment step, action and update); the reference times the updates only.
  drq: { steps: 40, warmup: 502 },
};

/** What `bench/reference/run.py` reads. */
export interface ReferenceSpec {
  readonly paper: ReferencePaper;
  readonly config: Readonly<Record<string, unknown>>;
  readonly threads: number;
  readonly steps: number;
  readonly warmup: number;
  readonly seed: number;
}

export interface SpecOptions {
  readonly threads: number;
  readonly steps: number;
  readonly warmup: number;
  readonly seed: number;
  /** Folder that holds `media/data/` (the repository or extension root), for FlyVec's corpus. */
  readonly dataRoot: string;
}

const num = (config: DemoConfig, key: string): number => {
  const v = config[key];
  if (typeof v !== 'number') throw new Error(`reference spec: config has no number "${key}"`);
  return v;
};
const str = (config: DemoConfig, key: string): string => {
  const v = config[key];
  if (typeof v !== 'string') throw new Error(`reference spec: config has no string "${key}"`);
  return v;
};

/** FedOpt: the synthetic task's sizes and every enabled server optimizer with its learning rates. */
async function fedoptConfig(config: DemoConfig): Promise<Record<string, unknown>> {
  const [{ SYNTHETIC }, { SERVER_OPTIMIZERS, hasServerLr }] = await Promise.all([
    import('../models/fedopt/data'),
    import('../models/fedopt/demo'),
  ]);
  return {
    dataset: str(config, 'dataset'),
    vocabulary: SYNTHETIC.vocabulary,
    classes: SYNTHETIC.classes,
    documentLength: SYNTHETIC.documentLength,
    testExamples: SYNTHETIC.testExamples,
    clients: num(config, 'clients'),
    examplesPerClient: num(config, 'examplesPerClient'),
    majorFraction: num(config, 'majorFraction'),
    clientsPerRound: num(config, 'clientsPerRound'),
    localEpochs: num(config, 'localEpochs'),
    localBatch: num(config, 'localBatch'),
    tau: num(config, 'tau'),
    beta1: num(config, 'beta1'),
    beta2: num(config, 'beta2'),
    arms: SERVER_OPTIMIZERS.filter((opt) => config[`optimizers.${opt}`] === true).map((opt) => ({
      name: opt,
      clientLr: num(config, `lr.${opt}.client`),
      serverLr: hasServerLr(opt) ? num(config, `lr.${opt}.server`) : 1,
    })),
  };
}

/**
 * The RIM cell bench/reference/rims.py implements: a learned initial state, a per-module linear
 * communication output, no dropout, communication over the states after inactive modules kept
 * theirs. A config with another cell has no reference to be timed against.
 */
export const RIMS_REFERENCE_CELL: Readonly<Record<string, boolean | number>> = {
  commGated: false,
  dropout: 0,
  learnedInitialState: true,
  commReadsUpdates: false,
};

/** RIMs: the RIM's sizes, and the LSTM's hidden size matched to the RIM's parameter count as the demo does. */
async function rimsConfig(config: DemoConfig): Promise<Record<string, unknown>> {
  const other = Object.entries(RIMS_REFERENCE_CELL).filter(([key, value]) => config[key] !== value);
  if (other.length > 0)
    throw new Error(
      `the PyTorch reference implements the RIM cell with ${Object.entries(RIMS_REFERENCE_CELL)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}; this config has ${other.map(([k]) => `${k}=${String(config[k])}`).join(', ')}`,
    );
  const [{ rimParameterCount }, { matchedLstmUnits }, { ALPHABET, VOCAB }] = await Promise.all([
    import('../models/rims/rim'),
    import('../models/rims/lstm'),
    import('../models/rims/data'),
  ]);
  const size = {
    modules: num(config, 'modules'),
    active: num(config, 'active'),
    units: num(config, 'units'),
    inputKey: num(config, 'inputKey'),
    inputValue: num(config, 'inputValue'),
    commHeads: num(config, 'commHeads'),
    commKey: num(config, 'commKey'),
  };
  const features = size.modules * size.units;
  const counted = { ...size, commGated: false, learnedInitialState: true };
  const rimParameters = rimParameterCount(counted, VOCAB) + features * ALPHABET + ALPHABET;
  return {
    ...size,
    lstmUnits: matchedLstmUnits(rimParameters, VOCAB, ALPHABET),
    trainDormant: num(config, 'trainDormant'),
    batch: num(config, 'batch'),
    lr: num(config, 'lr'),
    clip: num(config, 'clip'),
  };
}

function scoreSdeConfig(config: DemoConfig): Record<string, unknown> {
  const keys = ['sigmaMin', 'sigmaMax', 'betaMin', 'betaMax', 'steps', 'batch', 'lr', 'warmup', 'emaDecay'];
  const out: Record<string, unknown> = { dataset: str(config, 'dataset'), sde: str(config, 'sde') };
  for (const key of [...keys, 'hidden', 'layers', 'embedding']) out[key] = num(config, key);
  return out;
}

async function flyvecConfig(config: DemoConfig, dataRoot: string): Promise<Record<string, unknown>> {
  const [{ TOKENS_FILE, VOCABULARY_FILE }, { batchesPerEpoch, flyvecConfigOf }, { FUNCTION_WORDS }] = await Promise.all(
    [import('../models/flyvec/data'), import('../models/flyvec/demo'), import('../models/flyvec/probes')],
  );
  return {
    kenyonCells: num(config, 'kenyonCells'),
    windowWidth: num(config, 'windowWidth'),
    batchSize: num(config, 'batchSize'),
    epochs: num(config, 'epochs'),
    learningRate: num(config, 'learningRate'),
    batchesPerEpoch: batchesPerEpoch(flyvecConfigOf(config)),
    tokensFile: path.join(dataRoot, TOKENS_FILE),
    vocabularyFile: path.join(dataRoot, VOCABULARY_FILE),
    stopWords: [...FUNCTION_WORDS].sort(),
  };
}

/** ANCE: the encoder, the batch and the optimiser, on the first corpus the preset trains on. */
async function anceConfig(config: DemoConfig, dataRoot: string): Promise<Record<string, unknown>> {
  const [{ CORPORA, CORPUS_FILES }, { anceConfigOf }] = await Promise.all([
    import('../models/ance/data'),
    import('../models/ance/demo'),
  ]);
  const { steps } = anceConfigOf(config);
  const corpus = CORPORA.find((c) => steps[c] > 0);
  if (corpus === undefined) throw new Error('reference spec: the ANCE preset trains on no corpus');
  const out: Record<string, unknown> = { corpus, corpusFile: path.join(dataRoot, CORPUS_FILES[corpus]) };
  for (const key of ['hashBits', 'dim', 'batchSize', 'negatives', 'temperature', 'learningRate'])
    out[key] = num(config, key);
  return out;
}

/**
 * GENRE: the model sizes, batch and learning rate, and the demo's own contexts: the data set built
 * from the knowledge base under the data root (vocabulary, name token ids, training and held-out
 * pairs) is written to a JSON file in the temporary folder, whose path the reference reads.
 */
async function genreConfig(config: DemoConfig, dataRoot: string): Promise<Record<string, unknown>> {
  const [{ KB_FILE, decodeKnowledgeBase }, { buildDataset }, os] = await Promise.all([
    import('../models/genre/knowledgeBase'),
    import('../models/genre/contexts'),
    import('node:os'),
  ]);
  const data = buildDataset(decodeKnowledgeBase(fs.readFileSync(path.join(dataRoot, KB_FILE))));
  const pairs = (examples: typeof data.train) =>
    examples.map((e) => ({ source: e.source, target: e.target, entity: e.entity, ambiguous: e.ambiguous }));
  const dataFile = path.join(os.tmpdir(), 'paper-lab-genre-reference.json');
  fs.writeFileSync(
    dataFile,
    JSON.stringify({ words: data.words, names: data.names, train: pairs(data.train), test: pairs(data.test) }),
  );
  return {
    embedding: num(config, 'embedding'),
    hidden: num(config, 'hidden'),
    batchSize: num(config, 'batchSize'),
    learningRate: num(config, 'learningRate'),
    dataFile,
  };
}

/**
 * DrQ: the learners of one agent step (the enabled agents at every seed, with each agent's views of
 * s and s′), the batch, the shift padding, the networks, SAC's settings and the update frequencies
 * of actor and targets, as the demo's learners read them from the config; the replay capacity.
 */
async function drqConfig(config: DemoConfig): Promise<Record<string, unknown>> {
  const [{ settings, VIEWS }, { drqConfigOf }] = await Promise.all([
    import('../models/drq/learner'),
    import('../models/drq/demo'),
  ]);
  const s = settings(drqConfigOf(config));
  if (s.agents.length === 0) throw new Error('reference spec: the DrQ preset trains no agent');
  const { hp } = s;
  return {
    agents: s.agents,
    views: Object.fromEntries(s.agents.map((a) => [a, VIEWS[a]])),
    seeds: s.seeds,
    batch: s.batch,
    capacity: Math.min(s.bufferSize, s.steps),
    pad: s.pad,
    filters: hp.filters,
    featureDim: hp.featureDim,
    hidden: hp.hidden,
    lr: hp.lr,
    gamma: hp.gamma,
    tau: hp.tau,
    initTemperature: hp.initTemperature,
    actorEvery: hp.actorEvery,
    targetEvery: hp.targetEvery,
  };
}

/** The spec of one reference run: the values of `config` (a complete demo config) that shape the training step. */
export async function referenceSpec(
  paper: ReferencePaper,
  config: DemoConfig,
  options: SpecOptions,
): Promise<ReferenceSpec> {
  let values: Record<string, unknown>;
  switch (paper) {
    case 'fedopt':
      values = await fedoptConfig(config);
      break;
    case 'rims':
      values = await rimsConfig(config);
      break;
    case 'score-sde':
      values = scoreSdeConfig(config);
      break;
    case 'flyvec':
      values = await flyvecConfig(config, options.dataRoot);
      break;
    case 'ance':
      values = await anceConfig(config, options.dataRoot);
      break;
    case 'genre':
      values = await genreConfig(config, options.dataRoot);
      break;
    case 'drq':
      values = await drqConfig(config);
      break;
  }
  const { threads, steps, warmup, seed } = options;
  return { paper, config: values, threads, steps, warmup, seed };
}

// ---------------------------------------------------------------------------------------------
// Finding python and the driver

export interface PythonChoice {
  /** Executable to run, or null when none was found. */
  readonly path: string | null;
  /** Where it came from, for the report: "--python", "$PAPER_LAB_PYTHON" or "PATH". */
  readonly source: string;
  /** Why none was found. */
  readonly reason?: string;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** --python, then $PAPER_LAB_PYTHON, then the first python3 on PATH. */
export function findPython(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): PythonChoice {
  if (flag !== undefined) return { path: flag, source: '--python' };
  const fromEnv = env['PAPER_LAB_PYTHON'];
  if (fromEnv) return { path: fromEnv, source: '$PAPER_LAB_PYTHON' };
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'python3');
    if (isExecutable(candidate)) return { path: candidate, source: 'PATH' };
  }
  return { path: null, source: 'PATH', reason: 'no python3 on PATH (give one with --python or $PAPER_LAB_PYTHON)' };
}

/**
 * The folder holding `bench/reference/run.py`: the repository root, found upwards from this
 * module (it sits in `dist/` when bundled and in `src/cli/` under the test runner).
 */
export function findReferenceRoot(from: string = __dirname): string | null {
  let dir = from;
  for (let i = 0; i < 4; i++) {
    if (fs.existsSync(path.join(dir, 'bench', 'reference', 'run.py'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Running it

/** What run.py reports for a completed reference run. */
export interface ReferenceTiming {
  readonly stepsPerSecond: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly steps: number;
  readonly warmup: number;
  readonly threads: number;
  readonly torch: string;
  readonly blas: string;
  readonly python: string;
}

export type ReferenceResult =
  | { readonly ok: true; readonly python: string; readonly timing: ReferenceTiming }
  | { readonly ok: false; readonly python: string | null; readonly reason: string };

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Reads the driver's output (its last non-empty line is one JSON object); a reason when it is not a timing. */
export function parseReferenceOutput(stdout: string): ReferenceTiming | { reason: string } {
  const line = stdout.trim().split('\n').pop() ?? '';
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { reason: `reference printed no JSON${line ? ` (last line: ${line.slice(0, 200)})` : ''}` };
  }
  if (typeof value !== 'object' || value === null) return { reason: 'reference printed no JSON object' };
  const o = value as Record<string, unknown>;
  if (o['ok'] !== true) return { reason: typeof o['reason'] === 'string' ? o['reason'] : 'reference failed' };
  const fields = ['stepsPerSecond', 'seconds', 'cpuSeconds', 'steps', 'warmup', 'threads'] as const;
  for (const f of fields) if (!isNumber(o[f])) return { reason: `reference output has no number "${f}"` };
  return {
    stepsPerSecond: o['stepsPerSecond'] as number,
    seconds: o['seconds'] as number,
    cpuSeconds: o['cpuSeconds'] as number,
    steps: o['steps'] as number,
    warmup: o['warmup'] as number,
    threads: o['threads'] as number,
    torch: String(o['torch'] ?? 'unknown'),
    blas: String(o['blas'] ?? 'unknown'),
    python: String(o['python'] ?? 'unknown'),
  };
}

export interface RunReferenceOptions {
  readonly python: PythonChoice;
  /** Folder holding bench/reference/run.py (null: not found). */
  readonly root: string | null;
  readonly timeoutMs?: number;
}

/** Runs the driver on `spec` with the chosen python; never throws. */
export function runReference(spec: ReferenceSpec, options: RunReferenceOptions): ReferenceResult {
  const python = options.python.path;
  if (python === null) return { ok: false, python, reason: options.python.reason ?? 'no python3 found' };
  if (options.root === null) return { ok: false, python, reason: 'bench/reference/run.py not found' };
  const threads = String(spec.threads);
  // The spec goes as an argument (it is short), so a python that exits early cannot break a pipe.
  const child = spawnSync(python, [path.join(options.root, 'bench', 'reference', 'run.py'), JSON.stringify(spec)], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 600_000,
    maxBuffer: 16 * 1024 * 1024,
    // The BLAS and OpenMP pools follow the same thread count as torch.set_num_threads.
    env: {
      ...process.env,
      OMP_NUM_THREADS: threads,
      MKL_NUM_THREADS: threads,
      OPENBLAS_NUM_THREADS: threads,
      PYTHONDONTWRITEBYTECODE: '1',
    },
  });
  const from = `${python} (${options.python.source})`;
  if (child.error) {
    const code = (child.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, python, reason: `${from} not found` };
    if (code === 'ETIMEDOUT') return { ok: false, python, reason: `${from} timed out` };
    return { ok: false, python, reason: `${from} could not run: ${child.error.message}` };
  }
  const parsed = parseReferenceOutput(child.stdout);
  if ('reason' in parsed) {
    const stderr = child.stderr.trim().split('\n').pop() ?? '';
    const detail = parsed.reason.startsWith('reference printed no JSON') && stderr ? `: ${stderr}` : '';
    return { ok: false, python, reason: `${parsed.reason}${detail} [${from}, exit ${child.status ?? 'signal'}]` };
  }
  return { ok: true, python, timing: parsed };
}

/** Ours ÷ PyTorch steps per second; null when either is unknown or PyTorch's is zero. */
export function throughputRatio(ours: number | null, reference: number | null): number | null {
  if (ours === null || reference === null || !Number.isFinite(ours) || !Number.isFinite(reference)) return null;
  if (reference <= 0 || ours < 0) return null;
  return ours / reference;
}

// ---------------------------------------------------------------------------------------------
// Our steady rate

/** One progress report during our run: the step, and wall and CPU seconds since the run began. */
export interface ProgressMark {
  readonly step: number;
  readonly seconds: number;
  readonly cpuSeconds: number;
}

/**
 * Steps per second after the warm-up, from progress reports (which the engine sends at most every
 * 250 ms): from the first report at or after `warmup` steps to the last one. Null when fewer than
 * two reports fall there. CPU seconds cover the same span.
 */
export function steadyRate(
  marks: readonly ProgressMark[],
  warmup: number,
): { stepsPerSecond: number; steps: number; seconds: number; cpuSeconds: number } | null {
  const first = marks.find((m) => m.step >= warmup);
  const last = marks[marks.length - 1];
  if (!first || !last || last.step <= first.step || last.seconds <= first.seconds) return null;
  const steps = last.step - first.step;
  const seconds = last.seconds - first.seconds;
  return { stepsPerSecond: steps / seconds, steps, seconds, cpuSeconds: last.cpuSeconds - first.cpuSeconds };
}
