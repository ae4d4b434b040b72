/**
 * What the manifest promises: the extension works in untrusted and virtual workspaces (it runs
 * no workspace code and reads workspace files only through `vscode.workspace.fs`), and the
 * TensorFlow.js packages are pinned to the exact release installed (the one bundled, and the one
 * Install GPU Backend installs beside it).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUNDLED_TFJS_VERSION, WEBGPU_VERSION } from '../../../src/extension/npmInstall';

const repo = path.join(__dirname, '..', '..', '..');

interface Manifest {
  readonly capabilities?: unknown;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly optionalDependencies: Readonly<Record<string, string>>;
}

function read<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(repo, file), 'utf8')) as T;
}

describe('extension manifest', () => {
  const manifest = read<Manifest>('package.json');

  it('declares support for untrusted and virtual workspaces', () => {
    assert.deepEqual(manifest.capabilities, {
      untrustedWorkspaces: { supported: true },
      virtualWorkspaces: true,
    });
  });

  it('reads workspace files only through vscode.workspace.fs (no Node fs, no processes)', () => {
    for (const file of ['src/extension/annotationIndex.ts', 'src/extension/codeLens.ts']) {
      const source = fs.readFileSync(path.join(repo, file), 'utf8');
      assert.doesNotMatch(source, /from\s+['"](node:)?fs(\/promises)?['"]/, `${file} imports Node's fs`);
      assert.doesNotMatch(source, /require\(\s*['"](node:)?fs/, `${file} requires Node's fs`);
      assert.doesNotMatch(source, /['"](node:)?child_process['"]/, `${file} starts processes`);
    }
    assert.match(
      fs.readFileSync(path.join(repo, 'src/extension/annotationIndex.ts'), 'utf8'),
      /vscode\.workspace\.fs\.readFile/,
    );
  });

  it('pins every TensorFlow.js package to the exact release installed', () => {
    const installed = read<{ version: string }>('node_modules/@tensorflow/tfjs-core/package.json').version;
    const pins = {
      ...manifest.dependencies,
      ...manifest.optionalDependencies,
    };
    const tfjs = Object.keys(pins).filter((name) => name.startsWith('@tensorflow/'));
    assert.deepEqual(tfjs.sort(), [
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-backend-webgpu',
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-node',
      '@tensorflow/tfjs-node-gpu',
    ]);
    for (const name of tfjs) assert.equal(pins[name], installed, `${name} is pinned to ${installed}`);
    assert.equal(BUNDLED_TFJS_VERSION, installed);
  });

  it('installs the webgpu release of the lock file', () => {
    const lock = read<{ packages: Readonly<Record<string, { version?: string }>> }>('package-lock.json');
    assert.equal(WEBGPU_VERSION, lock.packages['node_modules/webgpu']?.version);
  });
});
