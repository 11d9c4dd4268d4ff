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
}

/**
 * The times in a bounce that SMTPeter reports at `callAt`: it reads the
 * bounce and then calls, so its own Received stamp is never after the
 * call's time, and the remote side wrote the bounce a moment before that.
 */
export function bounceTimes(rng: Rng, callAt: number): BounceTimes {
  const receivedAt = callAt - rng.int(200, 1500);
  return { now: receivedAt - rng.int(500, 3000), receivedAt };
}

/** The bounce call for a message that came back to `msg.envelope`. */
export function bounceEvent(msg: OriginalMessage, now: number, mime: string): BounceEvent {
  const { id, timestamp, time, recipient, tags } = callBase(msg, now);
  return { id, type: 'bounce', timestamp, time, recipient, envelope: msg.envelope, mime, tags };
}
