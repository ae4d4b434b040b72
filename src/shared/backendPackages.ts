/** The npm package each optional backend needs; the others ship with the extension. */
import type { BackendName } from './runs';

export const OPTIONAL_BACKEND_PACKAGES: Readonly<Partial<Record<BackendName, string>>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  webgpu: 'webgpu',
};
