import { readFileSync } from 'node:fs';
import { type MetricsState, mergeMetrics, metricsState } from '../metrics/metrics-state.js';
import { UsageError } from '../model/errors.js';
import type { Shard } from '../model/shard.js';
import type { DisorderOptions } from '../run/disorder.js';
import type { FireSummary } from '../run/fire.js';
import type { RetryPolicy } from '../run/retry-policy.js';

/**
 * What `--out` carries beyond the summary so that shard reports merge
 * exactly (`smtpeter-sim merge`): the accounting, the metrics with their HDR
 * histograms encoded, and what the exit code is judged by.
 */
export interface RunState {
  version: 1;
  shard?: Shard;
  seed: number;
  startedAt: number;
  planned: number;
  unsent: number;
  durationMs: number;
  rateWindowMs: number;
  interrupted: boolean;
  aborted: number;
  model: FireSummary['model'];
  retry: RetryPolicy;
  disorder: DisorderOptions;
  /** The --threshold expressions, as given. */
  thresholds: string[];
  targetRate?: number;
  /** Calls the embedded receiver found invalid. */
  invalidReceived: number;
  metrics: MetricsState;
}

/** What a run's state adds to its summary, from the plan and the receiver. */
export interface RunStateExtras {
  shard?: Shard;
  seed: number;
  thresholds: string[];
  targetRate?: number;
  invalidReceived: number;
}

export function runState(s: FireSummary, extras: RunStateExtras): RunState {
  return {
    version: 1,
    ...(extras.shard ? { shard: extras.shard } : {}),
    seed: extras.seed,
    startedAt: s.metrics.startedAt,
    planned: s.planned,
    unsent: s.unsent,
    durationMs: s.durationMs,
    rateWindowMs: s.rateWindowMs,
    interrupted: s.interrupted,
    aborted: s.aborted,
    model: s.model,
    // JSON has no Infinity: an uncapped wait is written as null.
    retry: {
      ...s.retry,
      maxMs: Number.isFinite(s.retry.maxMs) ? s.retry.maxMs : (null as unknown as number),
    },
    disorder: s.disorder,
    thresholds: extras.thresholds,
    ...(extras.targetRate !== undefined ? { targetRate: extras.targetRate } : {}),
    invalidReceived: extras.invalidReceived,
    metrics: metricsState(s.metrics),
  };
}

/** Shard reports (`fire --out`) read and checked: one line naming the file that is not one. */
export function readRunStates(paths: readonly string[]): RunState[] {
  if (paths.length === 0) throw new UsageError('merge: give the report files (fire --out) to merge');
  return paths.map((path) => {
    let doc: { state?: RunState };
    try {
      doc = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new UsageError(`${path}: ${e.code ? `cannot read (${e.code})` : `not JSON (${e.message})`}`);
    }
    const state = doc?.state;
    if (
      state?.version !== 1 ||
      typeof state.metrics?.histograms?.corrected !== 'string' ||
      typeof state.metrics?.max?.corrected !== 'number'
    )
      throw new UsageError(
        `${path}: field 'state': not a fire --out report of this version (run fire --out)`,
      );
    return { ...state, retry: { ...state.retry, maxMs: state.retry.maxMs ?? Number.POSITIVE_INFINITY } };
  });
}

/** Shards that do not make one run (different seeds or N, a shard twice): the line that says so. */
export function shardProblem(states: readonly RunState[], paths: readonly string[]): string | undefined {
  const seen = new Map<number, string>();
  for (const [i, s] of states.entries()) {
    const first = states[0]!;
    if (s.seed !== first.seed) return `${paths[i]}: seed ${s.seed}, but ${paths[0]} has ${first.seed}`;
    if (s.shard?.count !== first.shard?.count)
      return `${paths[i]}: shard of ${s.shard?.count ?? 1}, but ${paths[0]} is a shard of ${first.shard?.count ?? 1}`;
    if (!s.shard) continue;
    const twice = seen.get(s.shard.index);
    if (twice) return `${paths[i]}: shard ${s.shard.index}/${s.shard.count} again (also ${twice})`;
    seen.set(s.shard.index, paths[i]!);
  }
  return undefined;
}

/** The merged run: shards ran side by side, so times are the longest, everything else adds up. */
export interface MergedRun {
  summary: FireSummary;
  thresholds: string[];
  targetRate?: number;
  invalidReceived: number;
  /** Shards of N there were not all of (listed as K/N). */
  missing: string[];
  state: RunState;
}

export function mergeRunStates(states: readonly RunState[]): MergedRun {
  const first = states[0]!;
  const sum = (f: (s: RunState) => number): number => states.reduce((n, s) => n + f(s), 0);
  const max = (f: (s: RunState) => number): number => Math.max(...states.map(f));
  const metrics = mergeMetrics(
    states.map((s) => s.metrics),
    Math.min(...states.map((s) => s.startedAt)),
  );
  const summary: FireSummary = {
    metrics,
    planned: sum((s) => s.planned),
    unsent: sum((s) => s.unsent),
    durationMs: max((s) => s.durationMs),
    rateWindowMs: max((s) => s.rateWindowMs),
    interrupted: states.some((s) => s.interrupted),
    aborted: sum((s) => s.aborted),
    model: first.model,
    retry: first.retry,
    disorder: first.disorder,
  };
  const n = first.shard?.count ?? 1;
  const have = new Set(states.map((s) => s.shard?.index ?? 0));
  const missing = first.shard
    ? Array.from({ length: n }, (_, k) => k)
        .filter((k) => !have.has(k))
        .map((k) => `${k}/${n}`)
    : [];
  const targets = states.filter((s) => s.targetRate !== undefined);
  const targetRate = targets.length ? sum((s) => s.targetRate ?? 0) : undefined;
  const invalidReceived = sum((s) => s.invalidReceived);
  return {
    summary,
    thresholds: first.thresholds,
    ...(targetRate !== undefined ? { targetRate } : {}),
    invalidReceived,
    missing,
    state: runState(summary, {
      seed: first.seed,
      thresholds: first.thresholds,
      ...(targetRate !== undefined ? { targetRate } : {}),
      invalidReceived,
    }),
  };
}
