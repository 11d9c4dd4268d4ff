import type { FireSummary } from '../run/fire.js';

/** What a build pool tells of its work (src/run/build-pool.ts). */
export interface PoolUsage {
  size: number;
  busyMs: number;
  built: number;
}

/**
 * Open model: calls started late with few in flight means this process (CPU:
 * generation, encoding, the event loop), not the receiver, set the pace.
 */
export function scheduleBehind(s: FireSummary): string | undefined {
  if (s.model !== 'open' || s.metrics.sent === 0) return undefined;
  const lag = s.metrics.lagSummary();
  if (lag.p99 < 50) return undefined;
  return `calls started late (schedule lag p50 ${lag.p50}ms, p99 ${lag.p99}ms): this machine could not generate and send at the target rate; the latency from the intended send includes that lag`;
}

/** Build workers busy most of the run while the run fell behind: how busy, and what they could do at most. */
function poolLimit(
  s: FireSummary,
  pool: PoolUsage | undefined,
  targetRate?: number,
): { busy: number; perSecond: number } | undefined {
  if (!pool || s.durationMs <= 0) return undefined;
  const busy = pool.busyMs / (s.durationMs * pool.size);
  const behind =
    s.model === 'closed' ||
    s.metrics.dropped > 0 ||
    (targetRate !== undefined && (s.metrics.sent * 1000) / s.durationMs < targetRate * 0.97);
  if (busy < 0.85 || !behind) return undefined;
  return { busy, perSecond: Math.round((pool.size * 1000 * pool.built) / Math.max(1, pool.busyMs)) };
}

/** Say so when signing, not the receiver, set the pace. */
export function signingLimit(
  s: FireSummary,
  pool: PoolUsage | undefined,
  targetRate?: number,
): string | undefined {
  const limit = poolLimit(s, pool, targetRate);
  if (!limit) return undefined;
  return `${pool!.size} signing worker(s) busy ${(limit.busy * 100).toFixed(0)}% of the run (~${limit.perSecond} signatures/s at most); add cores or --no-sign`;
}

/** Say so when building calls (generation, encoding), not the receiver, set the pace. */
export function buildersLimit(
  s: FireSummary,
  pool: PoolUsage | undefined,
  targetRate?: number,
): string | undefined {
  const limit = poolLimit(s, pool, targetRate);
  if (!limit) return undefined;
  return `${pool!.size} build worker(s) busy ${(limit.busy * 100).toFixed(0)}% of the run generating and encoding calls (~${limit.perSecond} calls/s at most); add cores or --workers`;
}
