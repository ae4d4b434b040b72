/**
 * TensorFlow.js as the engine uses it: the core, every gradient, the chained tensor methods
 * (`x.square().sum()`), and the backends that are always present (cpu, wasm). tfjs-core alone
 * registers no gradients; importing this module first makes `tf.grad` work everywhere.
 *
 * The packages' Node builds are not listed in their `sideEffects`, so a bare import, or an import
 * whose binding goes unused, is dropped by the bundler together with the backend's registration.
 * The versions are imported and checked at the top level (below), which the bundler must keep:
 * every bundle that imports this module (the worker, the CLI, DrQ's learners) registers cpu and wasm.
 */
import { enableProdMode, version_core } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { registerGradientFixes } from './gradients';
import { registerRecurrentCellKernels } from './recurrentCells';
import { registerSoftmaxCrossEntropyKernel } from './softmaxCrossEntropy';

/**
 * The TensorFlow.js release the engine's kernel fixes were written and tested against. They
 * replace kernels and read private fields (wasmFixes.ts, webgpuFixes.ts, gradients.ts), which
 * another release may lay out differently: package.json pins this exact version, and a build
 * with any other stops here with both versions named instead of computing wrong numbers.
 */
export const TFJS_VERSION = '4.22.0';

/** The error for TensorFlow.js packages of another release than TFJS_VERSION, or null. */
export function tfjsVersionError(found: Readonly<Record<string, string>>): string | null {
  const wrong = Object.entries(found).filter(([, v]) => v !== TFJS_VERSION);
  if (wrong.length === 0) return null;
  return (
    `Paper Lab's TensorFlow.js kernel fixes are written for ${TFJS_VERSION}, but found ` +
    `${wrong.map(([name, v]) => `${name} ${v || '(missing)'}`).join(', ')}. ` +
    `Install the pinned versions (npm ci), or reinstall the optional backend with "Paper Lab: Install GPU Backend…".`
  );
}

// The top-level check also keeps the bundler from dropping the backends' registration.
const versionError = tfjsVersionError({
  '@tensorflow/tfjs-core': version_core,
  '@tensorflow/tfjs-backend-cpu': version_cpu,
  '@tensorflow/tfjs-backend-wasm': version_wasm,
});
if (versionError) throw new Error(versionError);
// Production mode: no debug-only checks, and no console banner suggesting tfjs-node on the cpu
// backend (the engine already tries tfjs-node first and records why it was skipped).
enableProdMode();
registerGradientFixes();
registerRecurrentCellKernels();
registerSoftmaxCrossEntropyKernel();

export const TFJS_VERSIONS: Readonly<Record<string, string>> = {
  'tfjs-core': version_core,
  'tfjs-backend-cpu': version_cpu,
  'tfjs-backend-wasm': version_wasm,
};
