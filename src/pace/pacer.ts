/**
 * When is the n-th call due? Pure: reads no clock, so rates are tested
 * without sleeping (vegeta's pacer idea).
 */
export interface Pacer {
  /** ms after the start at which call `n` (0-based) is due; Infinity = never. */
  dueAt(n: number): number;
  /** How many calls are due strictly before `ms` after the start (Infinity when unbounded). */
  countBefore(ms: number): number;
  /** ms after which no call is ever due (Infinity when open-ended). */
  readonly endMs: number;
}

/** Float noise guard: 499.9999999 calls is 500. */
const EPS = 1e-7;
const ceilCount = (x: number): number => Math.max(0, Math.ceil(x - EPS));

/** Evenly spaced calls at `perSecond`. */
export function constantPacer(perSecond: number): Pacer {
  if (!(perSecond > 0)) throw new Error('rate must be positive');
  const interval = 1000 / perSecond;
  return {
    dueAt: (n) => n * interval,
    countBefore: (ms) => (ms === Number.POSITIVE_INFINITY ? ms : ceilCount(ms / interval)),
    endMs: Number.POSITIVE_INFINITY,
  };
}

/** No pacing: every call due at once (replay as fast as possible). */
export const unpaced: Pacer = {
  dueAt: () => 0,
  countBefore: () => Number.POSITIVE_INFINITY,
  endMs: Number.POSITIVE_INFINITY,
};

/** One stage of a ramp: over `durationMs` the rate moves linearly to `target` calls/s. */
interface Stage {
  durationMs: number;
  target: number;
}

/**
 * Ramping arrival rate (k6's ramping-arrival-rate): the rate goes linearly
 * from `startRate` to each stage's target in turn; calls are due where the
 * integral of the rate crosses 0, 1, 2, ...
 */
export function stagesPacer(stages: readonly Stage[], startRate = 0): Pacer {
  if (stages.length === 0) throw new Error('at least one stage');
  // Per stage: start ms, start rate (per ms), slope (per ms²), calls before it.
  const segs: { t0: number; d: number; r0: number; a: number; n0: number; n: number }[] = [];
  let t0 = 0;
  let r = startRate / 1000;
  let n0 = 0;
  for (const s of stages) {
    if (!(s.durationMs >= 0) || !(s.target >= 0)) throw new Error('stage durations and targets must be ≥ 0');
    const r1 = s.target / 1000;
    const d = s.durationMs;
    const a = d > 0 ? (r1 - r) / d : 0;
    const n = d > 0 ? ((r + r1) / 2) * d : 0;
    segs.push({ t0, d, r0: r, a, n0, n });
    t0 += d;
    n0 += n;
    r = r1;
  }
  const total = n0;
  const endMs = t0;
  return {
    endMs,
    dueAt(n) {
      if (n >= total - EPS) return Number.POSITIVE_INFINITY;
      for (const s of segs) {
        const rem = n - s.n0;
        if (rem < s.n) {
          // Solve r0·τ + a·τ²/2 = rem, in the form that is stable for a of either sign.
          const tau = rem <= 0 ? 0 : (2 * rem) / (s.r0 + Math.sqrt(Math.max(0, s.r0 * s.r0 + 2 * s.a * rem)));
          return s.t0 + Math.min(tau, s.d);
        }
      }
      return Number.POSITIVE_INFINITY;
    },
    countBefore(ms) {
      if (ms >= endMs) return ceilCount(total);
      let calls = 0;
      for (const s of segs) {
        if (ms <= s.t0) break;
        const tau = Math.min(ms - s.t0, s.d);
        calls = s.n0 + s.r0 * tau + (s.a * tau * tau) / 2;
      }
      return ceilCount(calls);
    },
  };
}

/** Parse `500/s`, `30/m`, `2/h` or a bare number (per second). */
export function parseRate(text: string): number | undefined {
  const perSecond = parseRateOrZero(text);
  return perSecond !== undefined && perSecond > 0 ? perSecond : undefined;
}

function parseRateOrZero(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|sec|second|m|min|minute|h|hour))?\s*$/i.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase()[0];
  return unit === 'm' ? value / 60 : unit === 'h' ? value / 3600 : value;
}

/**
 * Parse `10s:100/s,30s:1000/s,10s:0/s` (duration:target rate). Returns a
 * message naming the bad part instead of throwing, so the CLI words the error.
 */
export function parseStages(
  text: string,
  parseDuration: (t: string) => number | undefined,
): Stage[] | string {
  const stages: Stage[] = [];
  for (const part of text.split(',')) {
    const i = part.indexOf(':');
    if (i < 0) return `'${part.trim()}' is not duration:rate (e.g. 30s:500/s)`;
    const durationMs = parseDuration(part.slice(0, i).trim());
    const target = parseRateOrZero(part.slice(i + 1));
    if (durationMs === undefined || !(durationMs > 0))
      return `'${part.trim()}': expected a duration with a unit before the colon, such as 10s:100/s`;
    if (target === undefined) return `'${part.trim()}': bad rate`;
    stages.push({ durationMs, target });
  }
  if (!stages.some((s) => s.target > 0)) return 'every stage has rate 0: nothing would be sent';
  return stages;
}
