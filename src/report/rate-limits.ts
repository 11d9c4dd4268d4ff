import type { FireSummary } from '../run/fire.js';

/** What a build pool tells of its work (src/run/build-pool.ts). */
interface PoolUsage {
  size: number;
  busyMs: number;
  built: number;
}

/** Calls sent per second, over the run's rate window (the schedule, for the open model). */
export function achievedRate(s: FireSummary): number {
  return s.rateWindowMs > 0 ? (s.metrics.sent * 1000) / s.rateWindowMs : 0;
}

/** The run did not keep its target: calls dropped, or the rate more than 1% short of it. */
function fellShort(s: FireSummary, targetRate: number | undefined): boolean {
  return s.metrics.dropped > 0 || (targetRate !== undefined && achievedRate(s) < targetRate * 0.99);
}

/**
 * Open model: calls started late with few in flight means this process (CPU:
 * generation, encoding, the event loop), not the receiver, set the pace. Said
 * only when the run fell short of its target: lag alone, with the rate kept,
 * limited nothing.
 */
export function scheduleBehind(s: FireSummary, targetRate?: number): string | undefined {
  if (s.model !== 'open' || s.metrics.sent === 0 || !fellShort(s, targetRate)) return undefined;
  const lag = s.metrics.lagSummary();
  if (lag.p99 < 50) return undefined;
  return `calls started late (schedule lag p50 ${lag.p50}ms, p99 ${lag.p99}ms): this machine could not generate and send at the target rate; the latency from the intended send includes that lag`;
}

/**
 * Build workers busy most of the run while the run fell behind: how busy, and
 * what they could do at most. Not judged for a run stopped by a signal: it
 * fell short because it was stopped, and the schedule its workers built ahead
 * is measured against what little of the run there was.
 */
function poolLimit(
  s: FireSummary,
  pool: PoolUsage | undefined,
  targetRate?: number,
): { busy: number; perSecond: number } | undefined {
  if (!pool || s.durationMs <= 0 || s.interrupted) return undefined;
  const busy = pool.busyMs / (s.durationMs * pool.size);
  if (busy < 0.85 || (s.model !== 'closed' && !fellShort(s, targetRate))) return undefined;
  return { busy, perSecond: Math.round((pool.size * 1000 * pool.built) / Math.max(1, pool.busyMs)) };
}

/** Say so when signing, not the receiver, set the pace. */
export function signingLimit(
  s: FireSummary,
  pool: PoolUsage | undefined,
  targetRate?: number,
): string | undefined {
  return limitText(s, pool, targetRate, 'signing', '', 'signatures/s', '--no-sign');
}

/** Say so when building calls (generation, encoding), not the receiver, set the pace. */
export function buildersLimit(
  s: FireSummary,
  pool: PoolUsage | undefined,
  targetRate?: number,
): string | undefined {
  return limitText(s, pool, targetRate, 'build', ' generating and encoding calls', 'calls/s', '--workers');
}

function limitText(
  s: FireSummary,
  pool: PoolUsage | undefined,
  targetRate: number | undefined,
  workers: string,
  doing: string,
  unit: string,
  remedy: string,
): string | undefined {
  const limit = pool && poolLimit(s, pool, targetRate);
  if (!limit) return undefined;
  return `${pool.size} ${workers} worker(s) busy ${(limit.busy * 100).toFixed(0)}% of the run${doing} (~${limit.perSecond} ${unit} at most); add cores or ${remedy}`;
}
