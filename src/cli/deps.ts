/**
 * What the commands run against: the real catalog and training code by default; tests give a
 * fake catalog and fake training code.
 */
import type { PaperDescriptor } from '../shared/catalog';
import type { DemoLookup, RunDemoOptions } from '../models/engine/runner';

export interface CliDeps {
  readonly papers?: readonly PaperDescriptor[];
  readonly lookup?: DemoLookup;
  readonly selectBackend?: RunDemoOptions['selectBackend'];
}

/** The runDemo options that carry `deps`. */
export function runDeps(deps: CliDeps): Pick<RunDemoOptions, 'lookup' | 'selectBackend'> {
  return {
    ...(deps.lookup ? { lookup: deps.lookup } : {}),
    ...(deps.selectBackend ? { selectBackend: deps.selectBackend } : {}),
  };
}
