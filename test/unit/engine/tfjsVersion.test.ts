/**
 * The engine's kernel fixes are written for one TensorFlow.js release: package.json pins exactly
 * that release, the installed packages are that release, and another release is refused with
 * both versions named.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TFJS_VERSION, tfjsVersionError } from '../../../src/models/engine/tfSetup';

const repo = resolve(__dirname, '..', '..', '..');

describe('the pinned TensorFlow.js release', () => {
  it('package.json pins every @tensorflow package to exactly the release the fixes are written for', () => {
    const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    const all = { ...pkg['dependencies'], ...pkg['optionalDependencies'] };
    const tf = Object.entries(all).filter(([name]) => name.startsWith('@tensorflow/'));
    assert.ok(tf.length >= 6, `expected the tfjs packages, found ${tf.map(([n]) => n).join(', ')}`);
    for (const [name, range] of tf) assert.equal(range, TFJS_VERSION, name);
  });

  it('the installed packages are that release', () => {
    for (const name of ['tfjs-core', 'tfjs-backend-cpu', 'tfjs-backend-wasm', 'tfjs-backend-webgpu']) {
      const manifest = JSON.parse(
        readFileSync(join(repo, 'node_modules', '@tensorflow', name, 'package.json'), 'utf8'),
      ) as { version: string };
      assert.equal(manifest.version, TFJS_VERSION, name);
    }
  });

  it('names both versions when a package is of another release', () => {
    assert.equal(tfjsVersionError({ '@tensorflow/tfjs-core': TFJS_VERSION }), null);
    const error = tfjsVersionError({ '@tensorflow/tfjs-core': TFJS_VERSION, '@tensorflow/tfjs-node': '4.21.0' }) ?? '';
    assert.ok(error.includes('@tensorflow/tfjs-node 4.21.0'), error || 'no error');
    assert.ok(error.includes(`written for ${TFJS_VERSION}`), error);
    assert.ok(!error.includes('tfjs-core'), error);
  });
});
