/**
 * RunManager.start checks a request before anything is created: an unknown preset (never a
 * silent fallback to `quick`) or a seed outside 0..4294967295 is a ConfigError, and no run
 * folder appears. RunManager imports `vscode`; a small stand-in module is loaded in its place.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
// Types only: the module itself is loaded once the stand-in for `vscode` is in place.
import type { ConfigError as ConfigErrorClass, RunManager } from '../../../src/extension/runManager';

type Resolve = (request: string, ...rest: unknown[]) => string;
const internals = Module as unknown as { _resolveFilename: Resolve };

/** The parts of the `vscode` API that RunManager and its imports touch when constructed and started. */
const vscodeStandIn = {
  EventEmitter: class<T> {
    private listeners: ((e: T) => void)[] = [];
    event = (listener: (e: T) => void) => {
      this.listeners.push(listener);
      return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
    };
    fire(e: T): void {
      for (const l of this.listeners) l(e);
    }
    dispose(): void {
      this.listeners = [];
    }
  },
  extensions: { getExtension: () => undefined },
  workspace: { getConfiguration: () => ({ get: <T>(_key: string, fallback: T) => fallback }) },
};

const STAND_IN = path.join(__dirname, 'vscode-stand-in.js');

describe('RunManager.start', function () {
  this.timeout(60000);
  const original = internals._resolveFilename;
  let manager: RunManager;
  let ConfigError: typeof ConfigErrorClass;
  let storage: string;
  const logged: string[] = [];

  before(async () => {
    require.cache[STAND_IN] = {
      id: STAND_IN,
      filename: STAND_IN,
      loaded: true,
      exports: vscodeStandIn,
    } as unknown as NodeJS.Module;
    internals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
      return request === 'vscode' ? STAND_IN : original.call(this, request, ...rest);
    };
    const runManager = await import('../../../src/extension/runManager');
    ConfigError = runManager.ConfigError;
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'paper-lab-manager-'));
    const log = {
      info: (t: string) => logged.push(t),
      warn: (t: string) => logged.push(t),
      error: (t: string) => logged.push(t),
    };
    manager = new runManager.RunManager(
      storage,
      storage,
      log as unknown as ConstructorParameters<typeof runManager.RunManager>[2],
    );
  });

  after(() => {
    internals._resolveFilename = original;
    delete require.cache[STAND_IN];
    manager?.dispose();
  });

  function runFolders(): string[] {
    try {
      return fs.readdirSync(path.join(storage, 'runs'));
    } catch {
      return [];
    }
  }

  it('rejects a preset the demo does not have, before creating a run folder', async () => {
    for (const preset of ['nope', '__proto__', 'constructor', 'toString']) {
      await assert.rejects(
        manager.start({ paper: 'rims', demo: 'generalize', preset, config: {}, seed: 0 }),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.errors.length === 1 &&
          e.errors[0] === `preset: generalize has no preset "${preset}" (presets: quick, paper)`,
        preset,
      );
      assert.deepEqual(runFolders(), [], `no run folder for preset ${preset}`);
    }
    assert.equal(manager.hasLiveRuns, false);
  });

  it('rejects a seed outside 0..4294967295, before creating a run folder', async () => {
    for (const seed of [4294967296, Number('9007199254740993'), -1, 0.5, 1e21]) {
      await assert.rejects(
        manager.start({ paper: 'rims', demo: 'generalize', preset: 'quick', config: {}, seed }),
        (e: unknown) =>
          e instanceof ConfigError && /^seed: must be an integer from 0 to 4294967295/.test(e.errors[0] ?? ''),
        String(seed),
      );
      assert.deepEqual(runFolders(), [], `no run folder for seed ${seed}`);
    }
  });
});
