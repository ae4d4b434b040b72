/**
 * Starting a helper thread from inside a training worker: ANCE's index refresher and DrQ's
 * learner workers. Bundled (dist/worker.js, dist/cli.js), a helper is its own built file beside the
 * bundle; run from the TypeScript sources (tests under tsx), the new thread first registers tsx's
 * require hook and then loads the helper's source. No TensorFlow.js here.
 */
import type { Worker } from 'node:worker_threads';

/** A helper thread's entry point in both forms, as absolute paths. */
export interface ThreadEntry {
  /** The TypeScript source, used when this module itself runs from source. */
  readonly source: string;
  /** The bundled file, used when this module runs from a bundle. */
  readonly bundle: string;
}

/** True when this module runs from its TypeScript source rather than a bundle. */
export function runningFromSource(): boolean {
  return __filename.endsWith('.ts');
}

/** Starts a Node worker thread on the entry that matches how this process was started. */
export async function startThread(entry: ThreadEntry): Promise<Worker> {
  const [{ Worker }, { createRequire }] = await Promise.all([import('node:worker_threads'), import('node:module')]);
  if (!runningFromSource()) return new Worker(entry.bundle);
  const tsx = createRequire(__filename).resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(tsx)});\nrequire(${JSON.stringify(entry.source)});`, { eval: true });
}
