import { buildOriginalMessage, type OriginalMessage } from '../../mail/message.js';
import { clickEvent, openEvent } from '../../mail/tracking.js';
import type { Fetch } from '../../mail/user-agents.js';
import type { ClickEvent, OpenEvent } from '../../model/events.js';
import { FakeSource } from '../../random/fake.js';
import type { StoredMessage } from '../types.js';

/** The sent message as the event builders read it (id, recipient, tags are what a click or open call carries). */
function originalOf(m: StoredMessage): OriginalMessage {
  return buildOriginalMessage(new FakeSource().reseed(0), m.acceptedAt, {
    recipient: m.recipient,
    tags: m.options.tags,
    sent: {
      id: m.id,
      fromName: '',
      fromAddress: '',
      recipientName: '',
      subject: '',
      messageId: '',
      sentAt: m.acceptedAt,
      envelope: m.envelope,
      // Open and click calls quote nothing of the message (an uncomposed draft has no MIME yet).
      raw: m.mime ?? '',
    },
  });
}

/** The open call for a real fetch of the pixel. */
export function openHit(m: StoredMessage, at: number, fetch: Fetch): OpenEvent {
  return openEvent(originalOf(m), at, fetch);
}

/** The click call for a real follow of tracked link `n`; undefined when the message has no such link. */
export function clickHit(
  m: StoredMessage,
  n: number,
  url: string,
  at: number,
  fetch: Fetch,
): ClickEvent | undefined {
  const original = m.links[n];
  if (original === undefined) return undefined;
  return clickEvent(originalOf(m), at, fetch, { original, url });
}

/** A transparent 1×1 GIF, the pixel open tracking serves. */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
