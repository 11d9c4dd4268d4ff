import type { BounceEvent } from '../model/events.js';
import { formatTimestamp } from '../model/time.js';
import type { OriginalMessage } from './message.js';

/** The fields every call about `msg` shares, stamped at `now` (ms). */
export function callBase(
  msg: OriginalMessage,
  now: number,
): Pick<BounceEvent, 'id' | 'timestamp' | 'time' | 'recipient' | 'tags'> {
  const time = Math.floor(now / 1000);
  return { id: msg.id, timestamp: formatTimestamp(time), time, recipient: msg.recipient, tags: msg.tags };
}

/** The bounce call for a message that came back to `msg.envelope`. */
export function bounceEvent(msg: OriginalMessage, now: number, mime: string): BounceEvent {
  const { id, timestamp, time, recipient, tags } = callBase(msg, now);
  return { id, type: 'bounce', timestamp, time, recipient, envelope: msg.envelope, mime, tags };
}
