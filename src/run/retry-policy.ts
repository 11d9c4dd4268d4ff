import { isSuccessStatus } from '../model/results.js';
import { createRng, deriveSeed, mix32, type Rng, seedFromString } from '../random/rng.js';
import type { ErrorKind } from '../transport/http.js';

/**
 * When and how soon to send a failed call again, as a mail platform does.
 * Pure: no clock, no timers; the rng is passed in, so a seed reproduces
 * every delay.
 */

/** full: uniform in [0, base·2^(k-1)] (capped); decorrelated: uniform in [base, 3·previous] (capped). */
export type Jitter = 'full' | 'decorrelated';
export const JITTERS: readonly Jitter[] = ['full', 'decorrelated'];

export type Backoff =
  | { kind: 'exponential'; baseMs: number; jitter: Jitter }
  /** Fixed waits, retry k waits `delaysMs[k-1]`; Retry-After is divided by `factor` (the clock is compressed). */
  | { kind: 'schedule'; delaysMs: readonly number[]; factor: number; name: string };

export interface RetryPolicy {
  /** Retries after the first attempt, at most (0: never retry). */
  retries: number;
  backoff: Backoff;
  /** Longest wait before a retry, Retry-After included (Infinity: no cap). */
  maxMs: number;
}

export const DEFAULT_RETRY_BASE_MS = 500;
export const DEFAULT_RETRY_MAX_MS = 30_000;

export const NO_RETRIES: RetryPolicy = {
  retries: 0,
  backoff: { kind: 'exponential', baseMs: DEFAULT_RETRY_BASE_MS, jitter: 'full' },
  maxMs: DEFAULT_RETRY_MAX_MS,
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * A mail platform's retry ladder, in real time: the wait before retry 1, 2, ...
 * SMTPeter does not publish the schedule its webhook calls are retried on; this
 * ladder follows MTA deferred-queue practice (Postfix's queue manager doubles
 * the wait between deliveries of a deferred message, from minimal_backoff_time
 * up to maximal_backoff_time, until maximal_queue_lifetime of 5 days) and the
 * ladders e-mail service providers document for their webhooks: quick first
 * retries, then hours apart, giving up after about two and a half days
 * (1m + 5m + 15m + 30m + 1h + 2h + 4h + 8h + 16h + 24h ≈ 55h51m).
 */
export const MAIL_RETRY_SCHEDULE_MS: readonly number[] = [
  1 * MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  1 * HOUR,
  2 * HOUR,
  4 * HOUR,
  8 * HOUR,
  16 * HOUR,
  24 * HOUR,
];

/** `real` compresses the schedule this much by default: 1 minute becomes 100 ms. */
const DEFAULT_SCHEDULE_FACTOR = 600;

/** What an attempt came back with, as far as retrying goes. */
export interface AttemptOutcome {
  status?: number;
  errorKind?: ErrorKind;
  /** The Retry-After header, verbatim. */
  retryAfter?: string;
  /** The request was never made (it could not be built): retrying cannot help. */
  local?: boolean;
}

/** Why a call is final. */
export type FinalReason = 'ok' | 'not-retryable' | 'exhausted';

export type RetryDecision =
  | { retry: true; delayMs: number; retryAfterMs?: number }
  | { retry: false; reason: FinalReason };

const isSuccess = (o: AttemptOutcome): boolean => isSuccessStatus(o.status);

/**
 * Worth another try: the connection failed (refused, reset, timed out, other
 * network trouble), or the receiver said so (5xx, 429 Too Many Requests, 408
 * Request Timeout). Not: 2xx, 3xx, other 4xx (the request itself is wrong), TLS
 * failures (a certificate does not fix itself), requests never made.
 */
export function isRetryable(o: AttemptOutcome): boolean {
  if (o.local) return false;
  if (o.status !== undefined) return o.status >= 500 || o.status === 429 || o.status === 408;
  return o.errorKind !== undefined && o.errorKind !== 'tls';
}

/**
 * `Retry-After` (RFC 9110 §10.2.3) in ms from `nowMs`: delta-seconds or an
 * HTTP-date (a date in the past is 0). Anything else: undefined.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // IMF-fixdate, and the obsolete RFC 850 / asctime forms Date.parse also reads; a bare number is not a date.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * The wait before retry `k` (1-based), before Retry-After, never over `maxMs`
 * (AWS's "Exponential Backoff And Jitter": full jitter draws from
 * [0, min(max, base·2^(k-1))], decorrelated from min(max, [base, 3·previous])).
 */
export function backoffDelay(
  backoff: Backoff,
  k: number,
  rng: Rng,
  maxMs = Number.POSITIVE_INFINITY,
  previousMs?: number,
): number {
  if (backoff.kind === 'schedule')
    return Math.min(maxMs, backoff.delaysMs[Math.min(k, backoff.delaysMs.length) - 1] ?? 0);
  const { baseMs, jitter } = backoff;
  if (jitter === 'full') return rng.next() * Math.min(maxMs, baseMs * 2 ** (k - 1));
  const prev = previousMs ?? baseMs;
  const upper = Math.max(baseMs, prev * 3);
  return Math.min(maxMs, baseMs + rng.next() * (upper - baseMs));
}

/**
 * After attempt `attempt` (1-based) ended with `outcome`: retry (after how
 * long) or stop (why). `previousMs` is this call's last wait (decorrelated
 * jitter grows from it). Retry-After on 429/503 is a floor, scaled like the
 * schedule, and the result never exceeds `maxMs`.
 */
export function decideRetry(
  policy: RetryPolicy,
  attempt: number,
  outcome: AttemptOutcome,
  /** The call's jitter stream, or how to make it: only a call that is retried draws from it. */
  rng: Rng | (() => Rng),
  nowMs: number,
  previousMs?: number,
): RetryDecision {
  if (isSuccess(outcome)) return { retry: false, reason: 'ok' };
  if (!isRetryable(outcome)) return { retry: false, reason: 'not-retryable' };
  if (attempt > policy.retries) return { retry: false, reason: 'exhausted' };
  const stream = typeof rng === 'function' ? rng() : rng;
  let delayMs = backoffDelay(policy.backoff, attempt, stream, policy.maxMs, previousMs);
  let retryAfterMs: number | undefined;
  if (outcome.status === 429 || outcome.status === 503) {
    const asked = parseRetryAfter(outcome.retryAfter, nowMs);
    if (asked !== undefined) {
      retryAfterMs = asked;
      const scaled = policy.backoff.kind === 'schedule' ? asked / policy.backoff.factor : asked;
      delayMs = Math.min(policy.maxMs, Math.max(delayMs, scaled));
    }
  }
  return { retry: true, delayMs, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
}

const RETRY_STREAM = seedFromString('retry');

/** Each call draws its jitter from its own stream: the same seed gives the same waits in any run order. */
export function retryRng(runSeed: number, index: number): Rng {
  return createRng(deriveSeed(mix32(runSeed ^ RETRY_STREAM), index));
}

/**
 * `real`, `real:600`, `real:600x` (the mail ladder divided by the factor) or
 * a list of waits such as `100ms,1s,5s` (used as given). Returns a message
 * instead of throwing, so the CLI words the error.
 */
export function parseRetrySchedule(
  text: string,
  parseDuration: (t: string) => number | undefined,
): Extract<Backoff, { kind: 'schedule' }> | string {
  const m = /^\s*real\s*(?::\s*(\d+(?:\.\d+)?)\s*x?)?\s*$/i.exec(text);
  if (m) {
    const factor = m[1] !== undefined ? Number(m[1]) : DEFAULT_SCHEDULE_FACTOR;
    if (!(factor > 0)) return `the factor must be more than 0, got '${m[1]}'`;
    return {
      kind: 'schedule',
      delaysMs: MAIL_RETRY_SCHEDULE_MS.map((d) => d / factor),
      factor,
      name: `real÷${factor}`,
    };
  }
  if (/^\s*real/i.test(text)) return `expected real or real:FACTOR (e.g. real:600), got '${text}'`;
  const delaysMs: number[] = [];
  for (const part of text.split(',')) {
    const ms = parseDuration(part.trim());
    if (ms === undefined)
      return `expected real, real:FACTOR or waits such as 100ms,1s,5s; '${part.trim()}' is not a duration with a unit`;
    delaysMs.push(ms);
  }
  return { kind: 'schedule', delaysMs, factor: 1, name: 'list' };
}

const fmt = (ms: number): string =>
  ms >= HOUR && ms % HOUR === 0
    ? `${ms / HOUR}h`
    : ms >= MINUTE && ms % MINUTE === 0
      ? `${ms / MINUTE}m`
      : ms >= 1000
        ? `${+(ms / 1000).toFixed(2)}s`
        : `${+ms.toFixed(1)}ms`;

/** One line for the report: `up to 2 retries, exponential from 500ms, full jitter, at most 30s`. */
export function describePolicy(p: RetryPolicy): string {
  const cap = Number.isFinite(p.maxMs) ? `, at most ${fmt(p.maxMs)}` : '';
  const b = p.backoff;
  const how =
    b.kind === 'exponential'
      ? `exponential from ${fmt(b.baseMs)}, ${b.jitter} jitter`
      : `${b.name === 'list' ? 'schedule' : `mail schedule ${b.name}`} ${b.delaysMs
          .slice(0, p.retries)
          .map(fmt)
          .join(' ')}`;
  return `up to ${p.retries} ${p.retries === 1 ? 'retry' : 'retries'}, ${how}${cap}`;
}
