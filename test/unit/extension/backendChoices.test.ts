import { strict as assert } from 'node:assert';
import { backendChoices, backendFixes } from '../../../src/extension/backendChoices';
import type { BackendReport } from '../../../src/shared/runs';

describe('backend picker', () => {
  const report: BackendReport = {
    requested: 'auto',
    chosen: 'wasm',
    attempts: [
      { name: 'tensorflow', ok: false, reason: 'native addon missing' },
      { name: 'wasm', ok: true, reason: 'WebAssembly SIMD' },
    ],
  };

  it('marks backends whose package is missing, with the install command to fix it', () => {
    const items = backendChoices(undefined, () => false);
    assert.deepEqual(
      items.map((i) => [i.name, i.available]),
      [
        ['auto', true],
        ['tensorflow-gpu', false],
        ['tensorflow', false],
        ['webgpu', false],
        ['wasm', true],
        ['cpu', true],
      ],
    );
    assert.match(items[1]?.why ?? '', /@tensorflow\/tfjs-node-gpu is not installed.*Install GPU Backend/);
  });

  it('marks an installed backend that did not start on the last run, with its reason', () => {
    const items = backendChoices(report, (pkg) => pkg === '@tensorflow/tfjs-node' || pkg === 'webgpu');
    const byName = new Map(items.map((i) => [i.name, i]));
    assert.equal(byName.get('tensorflow')?.available, false);
    assert.match(byName.get('tensorflow')?.why ?? '', /native addon missing/);
    assert.equal(byName.get('webgpu')?.available, true, 'installed and not reported failing');
    assert.equal(byName.get('tensorflow-gpu')?.available, false, 'not installed');
  });

  it('offers auto (and the installer for an optional backend) when a forced backend could not start', () => {
    assert.deepEqual(backendFixes('tensorflow-gpu', 'backend tensorflow-gpu cannot start: not installed'), [
      'Use auto',
      'Install GPU Backend…',
    ]);
    assert.deepEqual(backendFixes('wasm', 'backend wasm cannot start: no SIMD'), ['Use auto']);
    assert.deepEqual(backendFixes('auto', 'backend wasm cannot start: x'), []);
    assert.deepEqual(backendFixes('webgpu', 'out of memory'), [], 'another failure: nothing to offer');
  });
});
