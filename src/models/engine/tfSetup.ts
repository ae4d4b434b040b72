/**
 * TensorFlow.js as the engine uses it: the core, every gradient, the chained tensor methods
 * (`x.square().sum()`), and the backends that are always present (cpu, wasm). tfjs-core alone
 * registers no gradients; importing this module first makes `tf.grad` work everywhere.
 *
 * The packages' Node builds are not listed in their `sideEffects`, so a bare import, or an import
 * whose binding goes unused, is dropped by the bundler together with the backend's registration.
 * The versions are imported and checked at the top level, which the bundler must keep: every
 * bundle that imports this module (the worker, the CLI, DrQ's learners) registers cpu and wasm.
 */
import { enableProdMode, version_core } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { registerGradientFixes } from './gradients';
import { registerRecurrentCellKernels } from './recurrentCells';
import { registerSoftmaxCrossEntropyKernel } from './softmaxCrossEntropy';

// Production mode: no debug-only checks, and no console banner suggesting tfjs-node on the cpu
// backend (the engine already tries tfjs-node first and records why it was skipped).
if (!version_cpu || !version_wasm)
  throw new Error('the cpu and wasm TensorFlow.js backends are missing from this bundle');
enableProdMode();
registerGradientFixes();
registerRecurrentCellKernels();
registerSoftmaxCrossEntropyKernel();

export const TFJS_VERSIONS: Readonly<Record<string, string>> = {
  'tfjs-core': version_core,
  'tfjs-backend-cpu': version_cpu,
  'tfjs-backend-wasm': version_wasm,
};
