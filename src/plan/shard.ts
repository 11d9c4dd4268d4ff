import type { EventGenerator } from '../generate/events.js';
import { UsageError } from '../model/errors.js';
import type { Shard } from '../model/shard.js';
import { callsOfShard, shardPacer } from '../pace/shard-pacer.js';
import type { LoadPlan } from './load-plan.js';

/** `--shard K/N`: the K-th (0-based, as Kubernetes' JOB_COMPLETION_INDEX) of N slices. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UsageError(`--shard: expected K/N with 0 ≤ K < N (e.g. 0/4), got '${text}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!(count >= 1) || count > 100_000) throw new UsageError(`--shard: N must be 1 to 100000, got '${text}'`);
  if (index >= count) throw new UsageError(`--shard: K counts from 0 and must be below N, got '${text}'`);
  return { index, count };
}

/**
 * The shard's calls among the run's first `total`: its scenario instances
 * are K, K+N, ... and an instance's calls stay together. When every instance
 * gives one call that is every N-th call; otherwise the instances are walked
 * (one scenario draw each, nothing built) up to `total` calls.
 */
export function shardCalls(total: number, shard: Shard, generator: EventGenerator): number {
  if (!Number.isFinite(total) || generator.oneCallPerInstance) return callsOfShard(total, shard);
  let seen = 0;
  let mine = 0;
  for (let i = 0; seen < total; i++) {
    const calls = Math.min(generator.callsOfRunInstance(i), total - seen);
    if (i % shard.count === shard.index) mine += calls;
    seen += calls;
  }
  return mine;
}

/**
 * A run's load cut to one shard: its share of the count, the run's schedule
 * sliced (an open rate split N ways), the same concurrency per shard (a
 * closed model has no rate to split: each shard is its own set of senders).
 */
export function shardLoad(load: LoadPlan, shard: Shard, generator: EventGenerator): LoadPlan {
  const count = shardCalls(load.count, shard, generator);
  if (load.model.kind === 'closed') {
    return { ...load, count, planned: Number.isFinite(load.planned) ? count : load.planned };
  }
  const pacer = shardPacer(load.model.pacer, shard);
  const byTime = load.durationMs !== undefined ? pacer.countBefore(load.durationMs) : Infinity;
  return {
    ...load,
    model: { ...load.model, pacer },
    count,
    planned: Math.min(count, byTime, pacer.countBefore(pacer.endMs)),
    ...(load.targetRate !== undefined ? { targetRate: load.targetRate / shard.count } : {}),
  };
}
