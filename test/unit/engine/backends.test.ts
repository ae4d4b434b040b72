import { strict as assert } from 'node:assert';
import {
  BackendError,
  describeFailure,
  REAL_INITS,
  selectBackend,
  type BackendInit,
  type ModuleLoader,
} from '../../../src/models/engine/backends';

function notFound(name: string): Error {
  return Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- x.js`), { code: 'MODULE_NOT_FOUND' });
}

/** A loader where nothing optional is installed. */
const emptyLoader: ModuleLoader = {
  require(name) {
    throw notFound(name);
  },
  importModule(name) {
    return Promise.reject(Object.assign(new Error(`Cannot find package '${name}'`), { code: 'ERR_MODULE_NOT_FOUND' }));
  },
};

const fail =
  (message: string, code?: string): BackendInit =>
  () =>
    Promise.reject(Object.assign(new Error(message), code ? { code } : {}));
const succeed =
  (reason: string): BackendInit =>
  () =>
    Promise.resolve(reason);

describe('backend selection', () => {
  it('auto falls through failing backends and records why each was skipped', async () => {
    const report = await selectBackend('auto', {
      loader: emptyLoader,
      inits: {
        'tensorflow-gpu': REAL_INITS['tensorflow-gpu'],
        tensorflow: REAL_INITS.tensorflow,
        webgpu: fail('no WebGPU adapter (no Vulkan loader or driver found)'),
        wasm: fail("Error: ENOENT: no such file 'tfjs-backend-wasm-simd.wasm'"),
        cpu: succeed('plain JavaScript'),
      },
    });
    assert.equal(report.requested, 'auto');
    assert.equal(report.chosen, 'cpu');
    assert.deepEqual(
      report.attempts.map((a) => [a.name, a.ok]),
      [
        ['tensorflow-gpu', false],
        ['tensorflow', false],
        ['webgpu', false],
        ['wasm', false],
        ['cpu', true],
      ],
    );
    assert.equal(
      report.attempts[0]?.reason,
      'not installed (npm install @tensorflow/tfjs-node-gpu; needs CUDA 11.2 + cuDNN 8.1)',
    );
    assert.match(report.attempts[1]?.reason ?? '', /^not installed \(npm install @tensorflow\/tfjs-node\)/);
    assert.match(report.attempts[2]?.reason ?? '', /no WebGPU adapter/);
    assert.match(report.attempts[3]?.reason ?? '', /ENOENT/);
  });

  it('auto stops at the first backend that starts', async () => {
    let cpuTried = false;
    const report = await selectBackend('auto', {
      inits: {
        'tensorflow-gpu': fail('x'),
        tensorflow: fail('y'),
        webgpu: fail('z'),
        wasm: succeed('WebAssembly'),
        cpu: () => {
          cpuTried = true;
          return Promise.resolve('cpu');
        },
      },
    });
    assert.equal(report.chosen, 'wasm');
    assert.equal(cpuTried, false);
  });

  it('a forced backend that fails throws with its reason', async () => {
    await assert.rejects(
      selectBackend('tensorflow-gpu', {
        loader: emptyLoader,
        inits: { 'tensorflow-gpu': REAL_INITS['tensorflow-gpu'] },
      }),
      (e: unknown) =>
        e instanceof BackendError &&
        /tensorflow-gpu cannot start: not installed/.test(e.message) &&
        e.attempts.length === 1,
    );
    await assert.rejects(
      selectBackend('webgpu', { inits: { webgpu: fail('no WebGPU adapter') } }),
      /no WebGPU adapter/,
    );
  });

  it('webgpu is skipped without the package, with the reason', async () => {
    const report = await selectBackend('auto', {
      loader: emptyLoader,
      order: ['webgpu', 'cpu'],
      inits: { webgpu: REAL_INITS.webgpu, cpu: succeed('cpu') },
    });
    assert.match(report.attempts[0]?.reason ?? '', /^not installed \(npm install webgpu/);
  });

  it('describes native load failures', () => {
    assert.match(
      describeFailure(
        'tensorflow',
        Object.assign(new Error('libtensorflow.so.2: cannot open shared object file'), { code: 'ERR_DLOPEN_FAILED' }),
      ),
      /native library failed to load: libtensorflow\.so\.2/,
    );
    assert.match(
      describeFailure(
        'tensorflow-gpu',
        new Error('The Node.js native addon module (tfjs_binding.node) can not be found'),
      ),
      /native addon missing/,
    );
    assert.match(describeFailure('webgpu', new Error('External buffers are not allowed')), /External buffers/);
    // A missing dependency of an installed package is not "not installed".
    assert.doesNotMatch(describeFailure('tensorflow', notFound('@mapbox/node-pre-gyp')), /not installed/);
  });

  it('starts the real cpu backend, and the real wasm backend with its files found', async () => {
    const cpu = await selectBackend('cpu');
    assert.equal(cpu.chosen, 'cpu');
    const wasm = await selectBackend('wasm');
    assert.equal(wasm.chosen, 'wasm');
    assert.match(wasm.attempts[0]?.reason ?? '', /WebAssembly/);
    await selectBackend('cpu');
  });
});
