/**
 * Answers one question about a finished run (a demo's query, e.g. GENRE's beams for a sentence)
 * with the paper's own model code, from the checkpoint the run saved. Runs in a short-lived
 * worker: the extension host never loads model code.
 */
import * as fs from 'node:fs';
import type { PaperId } from '../../shared/catalog';
import type { RunOutput } from '../../shared/outputs';
import { selectBackend } from './backends';

export interface QueryRequest {
  readonly paper: PaperId;
  readonly demo: string;
  readonly query: string;
  /** The run's `checkpoints/<name>.json`. */
  readonly checkpointFile: string;
  readonly input: string;
  readonly modulePaths?: readonly string[];
}

/** The output to show, or why there is none (a message meant for the person who asked). */
export type QueryResult = { readonly output: RunOutput } | { readonly error: string };

export async function answerQuery(request: QueryRequest): Promise<QueryResult> {
  const { findDemo } = await import('../catalog');
  const demo = findDemo(request.paper, request.demo);
  if (!demo?.queries?.some((q) => q.id === request.query) || !demo.loadQueries)
    return { error: `${request.paper}/${request.demo} has no query "${request.query}".` };
  let checkpoint: unknown;
  try {
    checkpoint = JSON.parse(await fs.promises.readFile(request.checkpointFile, 'utf8')) as unknown;
  } catch (e) {
    return { error: `Could not read the run's checkpoint: ${e instanceof Error ? e.message : String(e)}` };
  }
  const answer = (await demo.loadQueries())[request.query];
  if (!answer) return { error: `${request.paper}/${request.demo} has no answer for "${request.query}".` };
  // A question is a few small steps: wasm, else plain JavaScript, whatever trained the run.
  await selectBackend('auto', { order: ['wasm', 'cpu'], modulePaths: request.modulePaths ?? [] });
  try {
    return { output: await answer(checkpoint, request.input.trim()) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
