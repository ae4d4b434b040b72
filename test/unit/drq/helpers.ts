/** Helpers for the DrQ tests: a tiny config; backend selection and tensor comparison are the shared ones. */
import { DRQ_PRESETS, type DrqConfig, pixelSacDemo } from '../../../src/models/drq/demo';
import type { DemoConfig } from '../../../src/shared/catalog';

const TINY_SIZES = {
  seeds: 2,
  steps: 30,
  seedSteps: 16,
  batch: 8,
  evalEvery: 10,
  evalEpisodes: 2,
  filters: 4,
  featureDim: 8,
  hidden: 16,
} as const;

/** A tiny configuration: every code path of the run (all three agents, in this thread), in seconds. */
export const TINY: DrqConfig = {
  ...DRQ_PRESETS.quick,
  ...TINY_SIZES,
  agents: { none: true, rad: true, drq: true },
  workers: 1,
};

/** The same as a flat config (dotted keys), as run folders and the command line hold it. */
export const TINY_FLAT: DemoConfig = {
  ...pixelSacDemo.presets['quick'],
  ...TINY_SIZES,
  'agents.none': true,
  'agents.rad': true,
  'agents.drq': true,
  workers: 1,
};

export { expectClose, useBackend } from '../../helpers/backends';
