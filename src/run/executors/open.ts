import type { DroppedCall } from '../../model/results.js';
import type { Pacer } from '../../pace/pacer.js';
import type { CallFeed } from '../call-feed.js';
import type { Delivery } from '../disorder.js';
import type { SendEngine } from '../send-engine.js';
import type { CallInfo } from '../source.js';

export interface OpenExecution {
  pacer: Pacer;
  maxInFlight: number;
  /** Slots to fill at most. */
  planned: number;
  /** ms since the epoch the schedule starts at. */
  start: number;
  /** Start no call after this many ms. */
  durationMs?: number;
  now: () => number;
  /** Wait until a call is due (sub-millisecond where the caller can). */
  waitFor: (ms: number) => Promise<void>;
  dropped: (d: DroppedCall) => void;
}

/** Slots handed out, and the span the achieved rate is measured over. */
export interface OpenOutcome {
  slots: number;
  rateWindowMs: number;
}

/**
 * The open model (k6's arrival-rate executors; constant rate and stages are
 * both pacers): calls are due on the schedule whatever the receiver does, and
 * a call due while `maxInFlight` requests are out is dropped, not sent late.
 * The loop only schedules: a call's delay and retries happen off it.
 */
export async function runOpen<C extends CallInfo>(
  engine: SendEngine<C>,
  feed: CallFeed<C>,
  x: OpenExecution,
): Promise<OpenOutcome> {
  const { pacer, start } = x;
  // Past the schedule's end (duration or last stage), calls still not started are dropped:
  // a generator that falls behind says so instead of stretching the run.
  const windowEnd = start + (x.durationMs ?? pacer.endMs);
  let n = 0;
  let burst = 0;
  /** A call generated ahead of its time (kept across drops: events are not wasted). */
  let ready: Delivery<C> | undefined;
  while (n < x.planned && !engine.stopped && !feed.exhausted) {
    const intendedAt = start + pacer.dueAt(n);
    if (intendedAt < windowEnd && x.now() >= windowEnd) {
      for (; n < x.planned; n++) x.dropped({ index: n, intendedAt: start + pacer.dueAt(n), reason: 'late' });
      break;
    }
    let wait = intendedAt - x.now();
    if (wait > 0) {
      burst = 0;
      // Generate the next call while waiting, so its cost is not schedule lag.
      if (ready === undefined && !feed.exhausted) {
        const next = feed.next();
        ready = next instanceof Promise ? await next : next;
        wait = intendedAt - x.now();
      }
      if (wait > 0) {
        await x.waitFor(wait);
        continue;
      }
    }
    if (engine.inFlight >= x.maxInFlight) x.dropped({ index: n, intendedAt, reason: 'in-flight' });
    else {
      let d = ready ?? feed.next();
      ready = undefined;
      if (d instanceof Promise) d = await d;
      if (!d) break;
      void engine.start(d.item, n, intendedAt, d.duplicate);
    }
    n++;
    // Behind schedule: still let responses and timers in now and then.
    if (++burst % 64 === 0) await yieldTurn();
  }
  // The schedule of the n slots ends where slot n would have been due (the end of the stages, or of --duration).
  const due = pacer.dueAt(n);
  const scheduleEnd = Math.min(Number.isFinite(due) ? due : pacer.endMs, x.durationMs ?? Infinity);
  const lastInterval = n > 0 ? scheduleEnd - pacer.dueAt(n - 1) : 0;
  return { slots: n, rateWindowMs: Math.max(scheduleEnd, engine.lastSlotAt - start + lastInterval) };
}

export const yieldTurn = (): Promise<void> => new Promise((r) => setImmediate(r));
