/**
 * `paper-lab bench host`: what a user of the extension feels.
 *
 *  (a) activation: loads dist/extension.js with a stub `vscode` module and times
 *      `activate(context)`; checks that no TensorFlow.js module was loaded and reports the
 *      bundle's size.
 *  (b) responsiveness: starts dist/worker.js in a worker thread on the fedopt quick preset, as
 *      the extension does, and measures the main thread's event-loop delay during the run.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { makeRunId } from '../shared/runs';
import {
  isWorkerToHost,
  StartRun,
  WorkerError,
  WorkerProgress,
  WorkerReady,
  WorkerSummary,
} from '../shared/workerProtocol';
import { describeFsError } from '../models/engine/recorder';
import { BENCH_HOST_FLAGS, checkOutputFile, parseArgs, parseBackend, UsageError } from './args';
import { table } from './format';
import { findPaper } from './papers';

export const BENCH_HOST_HELP = `Usage: paper-lab bench host [options]

(a) Loads dist/extension.js with a stub vscode module and times activate(); checks that no
    @tensorflow module is loaded by activation and reports the bundle size.
(b) Starts dist/worker.js in a worker thread running the fedopt quick preset (as the extension
    does) and reports the main thread's event-loop delay (p50/p99/max) during the run.

Options:
  --dist DIR       folder holding extension.js and worker.js (default: beside this CLI)
  --backend B      backend for the worker run (default auto)
  --skip-worker    only measure activation
  --json FILE      also write the results as JSON
  --help           this text`;

// ---------------------------------------------------------------------------------------------
// A stub of the vscode API: anything not listed is a callable no-op proxy.

function uri(p: string): Record<string, unknown> {
  const u: Record<string, unknown> = {
    scheme: 'file',
    authority: '',
    path: p.split(path.sep).join('/'),
    fsPath: p,
    query: '',
    fragment: '',
    toString: () => `file://${p}`,
    toJSON: () => ({ scheme: 'file', path: p }),
    with: (change: { path?: string }) => uri(change.path ?? p),
  };
  return u;
}

function noopProxy(): unknown {
  const cache = new Map<PropertyKey, unknown>();
  const target = function () {
    /* no-op */
  };
  return new Proxy(target, {
    get(_t, key) {
      if (key === 'then') return undefined; // not a promise
      if (key === Symbol.toPrimitive) return () => '';
      if (key === Symbol.iterator) return function* () {};
      if (key === 'toString' || key === 'toJSON') return () => '';
      if (key === 'dispose') return () => undefined;
      if (key === 'prototype') return target.prototype as unknown;
      if (!cache.has(key)) cache.set(key, noopProxy());
      return cache.get(key);
    },
    apply: () => noopProxy(),
    construct: () => noopProxy() as object,
    set: (_t, key, value) => {
      cache.set(key, value);
      return true;
    },
  });
}

export function vscodeStub(extraNames: readonly string[] = []): unknown {
  const disposable = { dispose: () => undefined };
  const configuration = {
    get: (_key: string, fallback?: unknown) => fallback,
    has: () => false,
    inspect: () => undefined,
    update: () => Promise.resolve(),
  };
  const overrides: Record<string, unknown> = {
    // Bundlers' interop helpers then use the stub as is instead of copying its (absent) own keys.
    __esModule: true,
    version: '1.95.0',
    Uri: {
      file: (p: string) => uri(p),
      parse: (s: string) => uri(s.replace(/^file:\/\//, '')),
      joinPath: (base: { fsPath: string }, ...parts: string[]) => uri(path.join(base.fsPath, ...parts)),
      from: (c: { path: string }) => uri(c.path),
    },
    Disposable: Object.assign(
      function Disposable() {
        return disposable;
      },
      { from: () => disposable },
    ),
    workspace: new Proxy(
      { getConfiguration: () => configuration, workspaceFolders: undefined },
      {
        get: (t, key) =>
          key in t ? t[key as keyof typeof t] : (noopProxy() as Record<string, unknown>)[key as string],
      },
    ),
  };
  const root = noopProxy() as Record<string, unknown>;
  const get = (key: PropertyKey): unknown =>
    typeof key === 'string' && key in overrides ? overrides[key] : root[key as string];
  // Bundlers copy a module's own keys (esbuild's __toESM), so the stub lists the API names it knows.
  const names = [...new Set([...VSCODE_NAMES, ...extraNames, ...Object.keys(overrides)])];
  return new Proxy({} as Record<string, unknown>, {
    get: (_t, key) => get(key),
    has: () => true,
    ownKeys: () => names,
    getOwnPropertyDescriptor: (_t, key) =>
      typeof key === 'string' && names.includes(key)
        ? { value: get(key), enumerable: true, configurable: true, writable: false }
        : undefined,
  });
}

const VSCODE_NAMES = [
  'window',
  'workspace',
  'commands',
  'languages',
  'env',
  'extensions',
  'l10n',
  'tasks',
  'debug',
  'authentication',
  'tests',
  'Uri',
  'EventEmitter',
  'Disposable',
  'ThemeIcon',
  'ThemeColor',
  'TreeItem',
  'TreeItemCollapsibleState',
  'StatusBarAlignment',
  'ViewColumn',
  'Range',
  'Position',
  'Selection',
  'CodeLens',
  'Diagnostic',
  'DiagnosticSeverity',
  'ProgressLocation',
  'ConfigurationTarget',
  'MarkdownString',
  'RelativePattern',
  'CancellationTokenSource',
  'Location',
  'TextEditorRevealType',
  'QuickPickItemKind',
  'ExtensionMode',
  'FileType',
  'WorkspaceEdit',
  'Hover',
  'ColorThemeKind',
  'LogLevel',
  'UIKind',
  'FileSystemError',
  'DiagnosticRelatedInformation',
  'version',
];

/** API names a bundle uses (`vscode.X`, `vscode3.X`), so that new uses need no change here. */
export function vscodeNamesIn(source: string): string[] {
  return [...new Set([...source.matchAll(/\bvscode\d*\.([A-Za-z_$][\w$]*)/g)].map((m) => m[1] ?? ''))].filter(Boolean);
}

function fakeExtensionContext(extensionPath: string, storage: string): unknown {
  const memento = (): Record<string, unknown> => {
    const store = new Map<string, unknown>();
    return {
      get: (k: string, d?: unknown) => (store.has(k) ? store.get(k) : d),
      update: (k: string, v: unknown) => {
        store.set(k, v);
        return Promise.resolve();
      },
      keys: () => [...store.keys()],
      setKeysForSync: () => undefined,
    };
  };
  const context: Record<string, unknown> = {
    subscriptions: [],
    extensionPath,
    extensionUri: uri(extensionPath),
    globalStorageUri: uri(path.join(storage, 'global')),
    globalStoragePath: path.join(storage, 'global'),
    storageUri: uri(path.join(storage, 'workspace')),
    storagePath: path.join(storage, 'workspace'),
    logUri: uri(path.join(storage, 'log')),
    logPath: path.join(storage, 'log'),
    extensionMode: 1,
    globalState: memento(),
    workspaceState: memento(),
    asAbsolutePath: (p: string) => path.join(extensionPath, p),
    extension: { id: 'paper-lab.paper-lab', extensionPath, extensionUri: uri(extensionPath), packageJSON: {} },
  };
  return new Proxy(context, {
    get: (t, key) =>
      typeof key === 'string' && key in t ? t[key] : (noopProxy() as Record<string, unknown>)[key as string],
  });
}

export interface ActivationResult {
  readonly activateMs: number;
  readonly loadMs: number;
  readonly bundleBytes: number;
  readonly tensorflowModules: string[];
  readonly error?: string;
}

type LoadFn = (request: string, parent: unknown, isMain: boolean) => unknown;

export async function measureActivation(dist: string): Promise<ActivationResult> {
  const file = path.join(dist, 'extension.js');
  if (!fs.existsSync(file)) throw new UsageError(`${file} is missing; run npm run build first`);
  const extensionPath = path.dirname(dist);
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'paper-lab-host-'));
  const stub = vscodeStub(vscodeNamesIn(fs.readFileSync(file, 'utf8')));
  const moduleWithLoad = Module as unknown as { _load: LoadFn };
  const originalLoad = moduleWithLoad._load;
  moduleWithLoad._load = function (request, parent, isMain) {
    if (request === 'vscode') return stub;
    return originalLoad.call(this, request, parent, isMain);
  };
  const before = new Set(Object.keys(require.cache));
  try {
    const t0 = performance.now();
    const req = Module.createRequire(file);
    const ext = req(file) as { activate?: (c: unknown) => unknown; deactivate?: () => unknown };
    const loadMs = performance.now() - t0;
    if (typeof ext.activate !== 'function') throw new Error('dist/extension.js exports no activate()');
    const t1 = performance.now();
    let error: string | undefined;
    try {
      await ext.activate(fakeExtensionContext(extensionPath, storage));
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const activateMs = performance.now() - t1;
    const tensorflowModules = Object.keys(require.cache).filter((k) => !before.has(k) && k.includes('@tensorflow'));
    try {
      await ext.deactivate?.();
    } catch {
      // deactivation errors are not measured
    }
    return {
      activateMs,
      loadMs,
      bundleBytes: fs.statSync(file).size,
      tensorflowModules,
      ...(error !== undefined ? { error } : {}),
    };
  } finally {
    moduleWithLoad._load = originalLoad;
  }
}

export interface LoopDelayResult {
  readonly status: string;
  readonly runSeconds: number;
  readonly steps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

export async function measureLoopDelay(dist: string, backend: string): Promise<LoopDelayResult> {
  const workerFile = path.join(dist, 'worker.js');
  if (!fs.existsSync(workerFile)) throw new UsageError(`${workerFile} is missing; run npm run build first`);
  const paper = await findPaper('fedopt');
  const demo = paper.demos[0];
  const preset = demo?.presets['quick'];
  if (!demo || !preset) throw new Error('fedopt has no quick preset');
  const runId = makeRunId('fedopt', 'quick', 0);
  const runDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paper-lab-host-run-')), runId);
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  const worker = new Worker(workerFile);
  const t0 = performance.now();
  let steps = 0;
  const status = await new Promise<string>((resolve) => {
    let done = false;
    const finish = (s: string): void => {
      if (!done) {
        done = true;
        resolve(s);
      }
    };
    worker.on('message', (message: unknown) => {
      if (!isWorkerToHost(message)) return;
      if (WorkerReady.is(message)) {
        histogram.enable();
        worker.postMessage(
          StartRun.create({
            runId,
            paper: 'fedopt',
            demo: demo.id,
            preset: 'quick',
            config: preset,
            seed: 0,
            backend: parseBackend(backend),
            runDir,
            modulePaths: [],
          }),
        );
      } else if (WorkerProgress.is(message)) steps = message.step;
      else if (WorkerSummary.is(message)) finish(message.summary.status);
      else if (WorkerError.is(message)) console.error(`worker: ${message.message}`);
    });
    worker.on('error', (e) => finish(`error: ${e.message}`));
    worker.on('exit', (code) => finish(`exited with ${code}`));
  });
  histogram.disable();
  await worker.terminate();
  const ms = (ns: number): number => ns / 1e6;
  return {
    status,
    runSeconds: (performance.now() - t0) / 1000,
    steps,
    p50Ms: ms(histogram.percentile(50)),
    p99Ms: ms(histogram.percentile(99)),
    maxMs: ms(histogram.max),
    meanMs: ms(histogram.mean),
  };
}

function defaultDist(): string {
  // dist/cli.js runs from dist/; under tsx this file is src/cli/.
  return fs.existsSync(path.join(__dirname, 'extension.js')) ? __dirname : path.resolve(__dirname, '..', '..', 'dist');
}

export async function benchHostCommand(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, BENCH_HOST_FLAGS);
  if (args.bool('help')) {
    console.log(BENCH_HOST_HELP);
    return 0;
  }
  if (args.positionals.length > 0)
    throw new UsageError(`bench host: unexpected arguments ${args.positionals.join(' ')}`);
  const dist = path.resolve(args.string('dist') ?? defaultDist());
  const backend = args.string('backend') ?? 'auto';
  parseBackend(backend);
  // Checked now, not after the measurements.
  const jsonFlag = args.string('json');
  const json = jsonFlag !== undefined ? checkOutputFile('--json', jsonFlag) : undefined;
  const activation = await measureActivation(dist);
  const rows: string[][] = [
    ['load dist/extension.js', `${activation.loadMs.toFixed(1)} ms`],
    ['activate()', `${activation.activateMs.toFixed(1)} ms${activation.error ? ` (threw: ${activation.error})` : ''}`],
    ['dist/extension.js size', `${(activation.bundleBytes / 1024).toFixed(0)} KiB`],
    [
      '@tensorflow modules loaded',
      activation.tensorflowModules.length === 0 ? 'none' : activation.tensorflowModules.slice(0, 3).join(', '),
    ],
  ];
  let loop: LoopDelayResult | null = null;
  if (!args.bool('skip-worker')) {
    loop = await measureLoopDelay(dist, backend);
    rows.push(
      ['fedopt quick run in worker', `${loop.status}, ${loop.steps} steps, ${loop.runSeconds.toFixed(1)} s`],
      ['event-loop delay p50', `${loop.p50Ms.toFixed(1)} ms`],
      ['event-loop delay p99', `${loop.p99Ms.toFixed(1)} ms`],
      ['event-loop delay max', `${loop.maxMs.toFixed(1)} ms`],
    );
  }
  console.log(table(['measure', 'value'], rows));
  if (json !== undefined) {
    try {
      fs.writeFileSync(json, JSON.stringify({ activation, loop }, null, 2) + '\n');
    } catch (e) {
      console.error(`paper-lab: could not write ${json}: ${describeFsError(e)}`);
      return 1;
    }
    console.log(`wrote ${json}`);
  }
  const bad =
    activation.tensorflowModules.length > 0 ||
    activation.error !== undefined ||
    (loop !== null && loop.status !== 'completed');
  return bad ? 1 : 0;
}
