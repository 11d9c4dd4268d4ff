import type { BounceEvent, FailureAction, FailureEvent, SmtpState } from '../model/events.js';
import { formatTimestamp } from '../model/time.js';
import type { Rng } from '../random/rng.js';
import type { OriginalMessage } from './message.js';

/** The fields every call about `msg` shares, stamped at `now` (ms). */
export function callBase(
  msg: OriginalMessage,
  now: number,
): Pick<BounceEvent, 'id' | 'timestamp' | 'time' | 'recipient' | 'tags'> {
  const time = Math.floor(now / 1000);
  return { id: msg.id, timestamp: formatTimestamp(time), time, recipient: msg.recipient, tags: msg.tags };
}

/**
 * A failure call about `msg` at `now`, before its code, extended code and
 * description: callBase's fields written out, in its order, with the
 * failure's own. Not spread from callBase: in a DSN scenario the spread
 * was ~5% of a call's CPU profile, and this runs once per call at full load.
 */
export function failureEvent(
  msg: OriginalMessage,
  now: number,
  recipient: string,
  action: FailureAction,
  state: SmtpState,
): FailureEvent {
  const time = Math.floor(now / 1000);
  return {
    id: msg.id,
    timestamp: formatTimestamp(time),
    time,
    recipient,
    tags: msg.tags,
    type: 'failure',
    action,
    state,
  };
}

/** The times a bounce writer is given (ms), named as its input names them. */
interface BounceTimes {
  /** When the remote side wrote the bounce. */
  now: number;
  /** When SMTPeter's bounce MX took it in. */
  receivedAt: number;
  /** When the remote side got the message (a DSN's Arrival-Date). */
  arrivedAt: number;
}

/** From SMTPeter's MTA to the remote side: its Arrival-Date is this long after the message's Date. */
const ARRIVAL_DELAY = 1500;

/**
 * The times in a bounce about a message sent at `sentAt` that SMTPeter
 * reports at `callAt`: the remote side got the message, wrote the bounce,
 * SMTPeter's bounce MX took it in and then SMTPeter called, in that order.
 * The gaps are drawn in seconds; when the whole span is shorter (serve runs
 * mail time faster than the wall clock), they shrink in proportion so the
 * order holds and no date in the bounce comes before the message's own.
 */
export function bounceTimes(rng: Rng, callAt: number, sentAt: number): BounceTimes {
  const toMx = rng.int(200, 1500);
  const writing = rng.int(500, 3000);
  const needed = ARRIVAL_DELAY + writing + toMx;
  const span = callAt - sentAt;
  const share = span >= needed ? 1 : Math.max(0, span) / needed;
  const receivedAt = callAt - Math.round(toMx * share);
  const now = receivedAt - Math.round(writing * share);
  // Each gap rounded on its own can overrun a short span by a millisecond: the arrival is never after the bounce.
  return { now, receivedAt, arrivedAt: Math.min(now, sentAt + Math.round(ARRIVAL_DELAY * share)) };
}

/** The bounce call for a message that came back to `msg.envelope`. */
export function bounceEvent(msg: OriginalMessage, now: number, mime: string): BounceEvent {
  const { id, timestamp, time, recipient, tags } = callBase(msg, now);
  return { id, type: 'bounce', timestamp, time, recipient, envelope: msg.envelope, mime, tags };
}
