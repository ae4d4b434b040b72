/**
 * CPU time of the calling thread, in seconds: the clock that tells work a thread did from time it
 * spent waiting for a core. Wall time on a busy machine mixes the two; a thread's CPU time does not
 * grow while another process holds the core, so a comparison of CPU times holds however loaded the
 * machine is.
 *
 * Sources, in order: `process.threadCpuUsage()` (Node 22.15 / 23.9 and later), else Linux's
 * `/proc/thread-self/schedstat` (the first field is the thread's time on a CPU, in nanoseconds;
 * read with a synchronous call, which runs on the calling thread). `null` where neither exists.
 */
import { readFileSync } from 'node:fs';

interface CpuUsage {
  readonly user: number;
  readonly system: number;
}

const SCHEDSTAT = '/proc/thread-self/schedstat';

function fromSchedstat(): number | null {
  try {
    const first = readFileSync(SCHEDSTAT, 'utf8').split(' ')[0] ?? '';
    const ns = Number(first);
    return first !== '' && Number.isFinite(ns) ? ns / 1e9 : null;
  } catch {
    return null;
  }
}

/** The clock, chosen once per process (every thread has the same sources): null where none exists. */
let clock: (() => number | null) | null | undefined;

function chooseClock(): (() => number | null) | null {
  const node = (process as { threadCpuUsage?: unknown }).threadCpuUsage;
  if (typeof node === 'function') {
    const usage = node.bind(process) as () => CpuUsage;
    return () => {
      const u = usage();
      return (u.user + u.system) / 1e6;
    };
  }
  return fromSchedstat() !== null ? fromSchedstat : null;
}

/** Seconds of CPU the calling thread has used since it started, or null without a per-thread clock. */
export function threadCpuSeconds(): number | null {
  if (clock === undefined) clock = chooseClock();
  return clock ? clock() : null;
}

/** Whether this platform has a per-thread CPU clock (the same answer on every thread of a process). */
export function hasThreadCpuClock(): boolean {
  if (clock === undefined) clock = chooseClock();
  return clock !== null;
}
