/**
 * How long each preset takes here: wall times measured by `scripts/measure-presets.mjs` and kept in
 * media/preset-times.json with the config that was timed. A time is shown only while the preset
 * still has that config. No VS Code API here.
 */
import type { DemoConfig } from '../shared/catalog';
import { isRecord } from '../shared/messages';

export interface PresetTime {
  readonly paper: string;
  readonly demo: string;
  readonly preset: string;
  readonly seconds: number;
  readonly backend: string;
  readonly cores: number;
  readonly measuredAt: string;
  readonly config: DemoConfig;
}

/** The entries of a preset-times file; malformed entries are left out. */
export function readPresetTimes(json: unknown): PresetTime[] {
  if (!isRecord(json) || !Array.isArray(json['entries'])) return [];
  return json['entries'].filter(
    (e): e is PresetTime =>
      isRecord(e) &&
      typeof e['paper'] === 'string' &&
      typeof e['demo'] === 'string' &&
      typeof e['preset'] === 'string' &&
      typeof e['seconds'] === 'number' &&
      typeof e['backend'] === 'string' &&
      typeof e['cores'] === 'number' &&
      typeof e['measuredAt'] === 'string' &&
      isRecord(e['config']),
  );
}

function sameConfig(a: DemoConfig, b: DemoConfig): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

/** The measured time of a preset, if it was measured with the config it has now. */
export function presetTime(
  times: readonly PresetTime[],
  paper: string,
  demo: string,
  preset: string,
  config: DemoConfig | undefined,
): PresetTime | undefined {
  const entry = times.find((t) => t.paper === paper && t.demo === demo && t.preset === preset);
  return entry && config && sameConfig(entry.config, config) ? entry : undefined;
}

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds / 5) * 5)} s`;
  return `${Math.round(seconds / 60)} min`;
}

/** The picker's line for a preset: how long it took here, or that it was not timed. */
export function presetTimeLine(time: PresetTime | undefined): string {
  return time
    ? `about ${duration(time.seconds)} on ${time.cores} cores (${time.backend}, measured ${time.measuredAt})`
    : 'not timed here';
}
