import type { Shard } from '../model/shard.js';
import type { Pacer } from './pacer.js';

/**
 * The K-th of N slices of a schedule: this shard's call m is the run's call
 * K + m·N, due when the whole run would send it. N shards started together
 * hold the run's rate between them, each at 1/N of it.
 */
export function shardPacer(pacer: Pacer, shard: Shard): Pacer {
  const { index, count } = shard;
  return {
    dueAt: (m) => pacer.dueAt(index + m * count),
    countBefore: (ms) => callsOfShard(pacer.countBefore(ms), shard),
    endMs: pacer.endMs,
  };
}

/** How many of the run's calls 0..total-1 are the shard's (K, K+N, ...): total may be Infinity. */
export function callsOfShard(total: number, shard: Shard): number {
  if (!Number.isFinite(total)) return total;
  return total > shard.index ? Math.floor((total - 1 - shard.index) / shard.count) + 1 : 0;
}
