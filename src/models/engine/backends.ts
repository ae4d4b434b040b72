/**
 * Backend selection inside the worker (or the CLI process).
 *
 * Order: tensorflow-gpu → tensorflow → webgpu → wasm → cpu. `auto` tries each in turn and
 * records why the earlier ones were skipped; a forced backend that cannot start throws with its
 * reason. Optional packages (tfjs-node-gpu, tfjs-node, webgpu) are never bundled: they are
 * resolved at run time from node_modules and from extra folders (the extension's global
 * storage, where a user can install them).
 */
import { tfjsVersionError } from './tfSetup';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  BACKEND_NAMES,
  type BackendAttempt,
  type BackendChoice,
  type BackendName,
  type BackendReport,
} from '../../shared/runs';
import { OPTIONAL_BACKEND_PACKAGES } from '../../shared/backendPackages';
import { installWasmFixes } from './wasmFixes';
import { installWebgpuFixes } from './webgpuFixes';

/** Loads optional modules; injected in tests. */
export interface ModuleLoader {
  /** Loads a CommonJS module by name, searching node_modules and then the extra folders. Throws like `require`. */
  require(name: string): unknown;
  /** Loads an ES module by name (same search). */
  importModule(name: string): Promise<unknown>;
}

export interface BackendInitContext {
  readonly loader: ModuleLoader;
  /** True when the backend was chosen by `auto` (software GPU adapters are then skipped). */
  readonly auto: boolean;
  /** Folder holding the `.wasm` files. */
  readonly wasmDir: string;
}

/** Starts one backend; resolves to a description of what it runs on, or throws with the reason it cannot start. */
export type BackendInit = (ctx: BackendInitContext) => Promise<string>;

export interface SelectBackendOptions {
  /** Extra folders where optional backend packages may be installed. */
  readonly modulePaths?: readonly string[];
  readonly loader?: ModuleLoader;
  /** Replaces the real initialisers (tests). */
  readonly inits?: Partial<Record<BackendName, BackendInit>>;
  /** Order `auto` tries (default: the design order). */
  readonly order?: readonly BackendName[];
  readonly wasmDir?: string;
  /** The run's stop: checked before each backend starts (selection then throws `RunAbortedError`). */
  readonly signal?: AbortSignal;
}

/** Thrown when the run is stopped while its backend is being started or measured. */
export class RunAbortedError extends Error {
  constructor(reason?: unknown) {
    super(typeof reason === 'string' && reason !== '' ? `stopped (${reason})` : 'stopped');
    this.name = 'AbortError';
  }
}

/** Throws `RunAbortedError` once `signal` has aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RunAbortedError(signal.reason);
}

/** A readable reason from anything thrown while starting a backend. */
export function describeFailure(name: BackendName, error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
    // Only the package itself missing means "not installed"; a missing dependency is reported as is.
    const pkg = PACKAGES[name];
    if (pkg !== undefined && (message.includes(`'${pkg}'`) || message.includes(`"${pkg}"`) || !message.includes("'")))
      return `not installed (${INSTALL_HINTS[name] ?? `npm install ${pkg}`})`;
  }
  if (/tfjs_binding\.node/.test(message))
    return `native addon missing (reinstall ${PACKAGES[name]} with its install script)`;
  if (code === 'ERR_DLOPEN_FAILED' || /cannot open shared object|dlopen|libtensorflow/.test(message)) {
    const first = message.split('\n')[0] ?? message;
    return `native library failed to load: ${first.slice(0, 300)}`;
  }
  if (/External buffers are not allowed/.test(message))
    return 'Dawn cannot run in this runtime (External buffers are not allowed, as in Electron)';
  return (message.split('\n')[0] ?? message).slice(0, 300) || 'failed to start';
}

const PACKAGES = OPTIONAL_BACKEND_PACKAGES;

const INSTALL_HINTS: Partial<Record<BackendName, string>> = {
  'tensorflow-gpu': 'npm install @tensorflow/tfjs-node-gpu; needs CUDA 11.2 + cuDNN 8.1',
  tensorflow: 'npm install @tensorflow/tfjs-node',
  webgpu: 'npm install webgpu; needs a Vulkan driver',
};

/** A loader that searches the bundle's own node_modules, then each extra folder. */
export function createModuleLoader(modulePaths: readonly string[] = []): ModuleLoader {
  const requires = [
    createRequire(path.join(__dirname, 'noop.js')),
    ...modulePaths.map((p) => createRequire(path.join(path.resolve(p), 'noop.js'))),
  ];
  const resolve = (name: string): string => {
    let first: unknown;
    for (const r of requires) {
      try {
        return r.resolve(name);
      } catch (e) {
        first ??= e;
      }
    }
    throw first;
  };
  // A non-literal specifier keeps esbuild from bundling the module.
  const dynamicImport = (specifier: string): Promise<unknown> => import(specifier) as Promise<unknown>;
  return {
    require(name) {
      const resolved = resolve(name);
      const req = requires[0];
      if (!req) throw new Error('no require');
      return req(resolved) as unknown;
    },
    importModule(name) {
      return dynamicImport(pathToFileURL(resolve(name)).href);
    },
  };
}

/** The folder holding the `.wasm` files: beside the bundle at run time, the package's dist in tests. */
export function defaultWasmDir(): string {
  if (existsSync(path.join(__dirname, 'tfjs-backend-wasm-simd.wasm'))) return __dirname;
  const pkg = '@tensorflow/tfjs-backend-wasm/package.json';
  try {
    const req = createRequire(path.join(__dirname, 'noop.js'));
    return path.join(path.dirname(req.resolve(pkg)), 'dist');
  } catch {
    return __dirname;
  }
}

function property(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

async function useBackend(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`TensorFlow.js could not initialise the ${name} backend`);
  await tf.ready();
}

/** Runs a tiny op and reads it back asynchronously, catching backends that register but cannot compute. */
async function smokeTest(): Promise<void> {
  const t = tf.tidy(() => tf.add(tf.tensor1d([1, 2, 3]), tf.scalar(1)));
  try {
    const data = await t.data();
    if (data[0] !== 2 || data[2] !== 4) throw new Error('backend computed wrong values');
  } finally {
    t.dispose();
  }
}

function isTensorflowRegistered(): boolean {
  return tf.findBackendFactory('tensorflow') !== null && tf.findBackendFactory('tensorflow') !== undefined;
}

/** Throws when an optional TensorFlow.js package is of another release than the engine's (see tfSetup.ts). */
function requirePinned(loader: ModuleLoader, name: string): void {
  const loaded = loader.require(name);
  const versions = property(loaded, 'version');
  const found = property(versions, name.replace('@tensorflow/', '')) ?? property(versions, 'tfjs-node');
  const error = tfjsVersionError({ [name]: typeof found === 'string' ? found : '' });
  if (error) throw new Error(error);
}

const initTensorflowGpu: BackendInit = async ({ loader }) => {
  requirePinned(loader, '@tensorflow/tfjs-node-gpu');
  await useBackend('tensorflow');
  const gpu = property(tf.backend(), 'isUsingGpuDevice');
  if (gpu !== true)
    throw new Error('loaded, but TensorFlow found no usable GPU (needs an NVIDIA GPU with CUDA 11.2 + cuDNN 8.1)');
  await smokeTest();
  return 'TensorFlow with CUDA (GPU device)';
};

const initTensorflow: BackendInit = async ({ loader }) => {
  let via = '@tensorflow/tfjs-node';
  if (isTensorflowRegistered()) via = 'already loaded TensorFlow binding';
  else requirePinned(loader, '@tensorflow/tfjs-node');
  await useBackend('tensorflow');
  await smokeTest();
  return `TensorFlow on the CPU (${via})`;
};

/**
 * The first error a GPU device reported outside any error scope. TensorFlow.js does not throw
 * when a WebGPU kernel fails validation: the work is skipped and the numbers are wrong, so the
 * runner fails the run (and calibration the backend) when this is set.
 */
let deviceFault: string | null = null;

function watchDevice(device: unknown): void {
  const listen = property(device, 'addEventListener');
  if (typeof listen !== 'function') return;
  (listen as (type: string, handler: (event: unknown) => void) => void).call(device, 'uncapturederror', (event) => {
    const message = property(property(event, 'error'), 'message');
    deviceFault ??= typeof message === 'string' && message.length > 0 ? message.split('\n')[0]! : 'unnamed GPU error';
  });
}

/** The first uncaptured GPU device error since the last call (and clears it); null when none. */
export function takeDeviceFault(): string | null {
  const fault = deviceFault;
  deviceFault = null;
  return fault;
}

/** Records a device fault as if the device had reported it (tests). */
export function reportDeviceFault(message: string): void {
  deviceFault ??= message;
}

const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|software|microsoft basic render/i;

const initWebgpu: BackendInit = async ({ loader, auto }) => {
  const mod = await loader.importModule('webgpu');
  const create = property(mod, 'create');
  const globals = property(mod, 'globals');
  if (typeof create !== 'function') throw new Error('the webgpu package has no create()');
  if (typeof globals === 'object' && globals !== null) Object.assign(globalThis, globals);
  const gpu: unknown = (create as (flags: string[]) => unknown)([]);
  // Node 21+ has a read-only global navigator: redefine it.
  const previous = property(globalThis, 'navigator');
  Object.defineProperty(globalThis, 'navigator', {
    value: { ...(typeof previous === 'object' && previous !== null ? previous : {}), gpu },
    configurable: true,
    writable: true,
  });
  const requestAdapter = property(gpu, 'requestAdapter');
  if (typeof requestAdapter !== 'function') throw new Error('navigator.gpu has no requestAdapter()');
  const adapter: unknown = await (requestAdapter as (o: object) => Promise<unknown>).call(gpu, {
    powerPreference: 'high-performance',
  });
  if (adapter === null || adapter === undefined)
    throw new Error('no WebGPU adapter (no Vulkan loader or driver found)');
  const info = property(adapter, 'info');
  const fields = ['vendor', 'architecture', 'device', 'description'].map((k) => property(info, k));
  const text = fields.filter((f): f is string => typeof f === 'string' && f.length > 0).join(' ');
  const software = property(adapter, 'isFallbackAdapter') === true || SOFTWARE_ADAPTER.test(text);
  if (software && auto) throw new Error(`software adapter (${text || 'fallback'}) skipped`);
  // Bundled at the pinned release (it exports no version to check here; a unit test checks the package).
  await import('@tensorflow/tfjs-backend-webgpu');
  installWebgpuFixes();
  await useBackend('webgpu');
  watchDevice(property(tf.backend(), 'device'));
  await smokeTest();
  return `WebGPU on ${text || 'an unnamed adapter'}${software ? ' (software)' : ''}`;
};

const initWasm: BackendInit = async ({ wasmDir }) => {
  setWasmPaths(wasmDir.endsWith(path.sep) ? wasmDir : wasmDir + path.sep);
  // One thread: the threaded build needs a worker script and cross-origin isolation.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  installWasmFixes();
  await useBackend('wasm');
  await smokeTest();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return `WebAssembly, 1 thread${simd === true ? ', SIMD' : ''}`;
};

const initCpu: BackendInit = async () => {
  await useBackend('cpu');
  return 'plain JavaScript';
};

export const REAL_INITS: Readonly<Record<BackendName, BackendInit>> = {
  'tensorflow-gpu': initTensorflowGpu,
  tensorflow: initTensorflow,
  webgpu: initWebgpu,
  wasm: initWasm,
  cpu: initCpu,
};

/** Error thrown when no backend (or the forced one) can start; carries the report of what was tried. */
export class BackendError extends Error {
  constructor(
    message: string,
    readonly attempts: readonly BackendAttempt[],
  ) {
    super(message);
    this.name = 'BackendError';
  }
}

/** Starts each backend of `order` in turn, stopping at the first that works unless `all` is set. */
async function startInOrder(
  order: readonly BackendName[],
  auto: boolean,
  all: boolean,
  options: SelectBackendOptions,
): Promise<BackendAttempt[]> {
  let loader = options.loader;
  const getLoader = (): ModuleLoader => (loader ??= createModuleLoader(options.modulePaths ?? []));
  const attempts: BackendAttempt[] = [];
  let wasmDir = options.wasmDir;
  for (const name of order) {
    // A stop between backends ends the selection: starting one (loading a native addon, asking
    // for a GPU adapter) can take seconds.
    throwIfAborted(options.signal);
    const init = options.inits?.[name] ?? REAL_INITS[name];
    const ctx: BackendInitContext = {
      get loader() {
        return getLoader();
      },
      auto,
      get wasmDir() {
        return (wasmDir ??= defaultWasmDir());
      },
    };
    try {
      const reason = await init(ctx);
      attempts.push({ name, ok: true, reason });
      if (!all) return attempts;
    } catch (e) {
      const reason = describeFailure(name, e);
      attempts.push({ name, ok: false, reason });
      if (!auto) throw new BackendError(`backend ${name} cannot start: ${reason}`, attempts);
    }
  }
  return attempts;
}

function noBackendError(attempts: readonly BackendAttempt[]): BackendError {
  return new BackendError(
    `no backend could start: ${attempts.map((a) => `${a.name}: ${a.reason}`).join('; ')}`,
    attempts,
  );
}

/**
 * Selects and initialises a backend: the forced one, or for `auto` the first in order that
 * starts. Returns what was chosen and why the others were skipped.
 */
export async function selectBackend(choice: BackendChoice, options: SelectBackendOptions = {}): Promise<BackendReport> {
  const auto = choice === 'auto';
  const attempts = await startInOrder(auto ? (options.order ?? BACKEND_NAMES) : [choice], auto, false, options);
  const chosen = attempts.find((a) => a.ok);
  if (!chosen) throw noBackendError(attempts);
  return { requested: choice, chosen: chosen.name, attempts };
}

/**
 * Starts every backend that can start (in `auto` mode: software GPU adapters skipped), leaving
 * TensorFlow.js on the last one started. Throws when none starts.
 */
export async function startAllBackends(options: SelectBackendOptions = {}): Promise<BackendAttempt[]> {
  const attempts = await startInOrder(options.order ?? BACKEND_NAMES, true, true, options);
  if (!attempts.some((a) => a.ok)) throw noBackendError(attempts);
  return attempts;
}

/** Makes an already started backend the current one. */
export async function activateBackend(name: BackendName): Promise<void> {
  await useBackend(name);
}

/** One line for logs and the status bar, e.g. "wasm (WebAssembly, 1 thread, SIMD); skipped tensorflow-gpu: not installed…". */
export function describeReport(report: BackendReport): string {
  const chosen = report.attempts.find((a) => a.ok && a.name === report.chosen);
  const others = report.attempts.filter((a) => a.ok && a.name !== report.chosen).map((a) => `${a.name}: ${a.reason}`);
  const skipped = report.attempts.filter((a) => !a.ok).map((a) => `${a.name}: ${a.reason}`);
  const measured = report.calibration
    ? report.calibration.cached
      ? ', by remembered throughput'
      : ', by measured throughput'
    : '';
  return (
    `${report.chosen}${chosen ? ` (${chosen.reason})` : ''}${measured}` +
    `${others.length ? `; also started ${others.join('; ')}` : ''}${skipped.length ? `; skipped ${skipped.join('; ')}` : ''}`
  );
}
