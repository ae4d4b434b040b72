/** Sharing a run's units of work (learners, …) out to worker threads by their cost. */

/**
 * Splits items into `workers` shards of nearly equal cost: longest first, each to the least
 * loaded shard (ties to the lowest index). Shards keep the items' order by id and none is empty.
 */
export function assignShards<T extends { readonly id: number }>(
  items: readonly T[],
  workers: number,
  cost: (item: T) => number,
): T[][] {
  const count = Math.max(1, Math.min(workers, items.length));
  const loads = new Array<number>(count).fill(0);
  const shards: T[][] = Array.from({ length: count }, () => []);
  const order = [...items].sort((a, b) => cost(b) - cost(a) || a.id - b.id);
  for (const item of order) {
    let best = 0;
    for (let w = 1; w < count; w++) if ((loads[w] as number) < (loads[best] as number)) best = w;
    loads[best] = (loads[best] as number) + cost(item);
    (shards[best] as T[]).push(item);
  }
  for (const shard of shards) shard.sort((a, b) => a.id - b.id);
  return shards;
}
