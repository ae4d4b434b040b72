/**
 * TensorFlow.js as the engine uses it: the core, every gradient, the chained tensor methods
 * (`x.square().sum()`), and the backends that are always present (cpu, wasm). tfjs-core alone
 * registers no gradients; importing this module first makes `tf.grad` work everywhere.
 *
 * The packages' Node builds are not listed in their `sideEffects`, so bare imports would be
 * dropped by the bundler: the versions are imported (and exported) to keep them.
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
enableProdMode();
registerGradientFixes();
registerRecurrentCellKernels();
registerSoftmaxCrossEntropyKernel();

export const TFJS_VERSIONS: Readonly<Record<string, string>> = {
  'tfjs-core': version_core,
  'tfjs-backend-cpu': version_cpu,
  'tfjs-backend-wasm': version_wasm,
};
