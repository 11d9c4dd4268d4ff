import { bounceEvent, bounceTimes } from '../mail/call-events.js';
import { buildOriginalMessage, type OriginalMessage } from '../mail/message.js';
import { companyDomain } from '../mail/providers.js';
import type { SimCall } from '../model/events.js';
import type { Fake } from '../random/fake.js';
import type { ScenarioInput } from './types.js';

/**
 * What a system that answers a message by itself (a helpdesk, a
 * challenge-response filter, a list manager) is given to write its notice.
 */
export interface NoticeInput {
  fake: Fake;
  /** When the notice was written (ms). */
  now: number;
  /** When SMTPeter's bounce MX took it in (ms). */
  receivedAt: number;
  message: OriginalMessage;
}

/** A notice as written: the wire bytes and the Subject before RFC 2047. */
export interface WrittenNotice {
  mime: string;
  subject: string;
}

export interface NoticeStyle {
  name: string;
  label: string;
  /** Sends with the null sender `<>` (else from its own address). */
  nullSender: boolean;
  /** Domains of the addresses this system answers for; default a company domain. */
  recipientDomain?: (fake: Fake) => string;
  /** The local part of the address it answers for (`support`), when not a person's. */
  recipientLocal?: (fake: Fake) => string;
  /** The envelope sender when not null: the system's own address for this message. */
  mailFrom?: (message: OriginalMessage) => string;
  build(input: NoticeInput): WrittenNotice;
}

/** One notice with what went into it, so tests can check the wire against the intent. */
export interface ComposedNotice {
  call: SimCall;
  subject: string;
  message: OriginalMessage;
}

/**
 * The bounce call for a notice about one message: it comes back to the
 * message's return path, so SMTPeter reports it as a bounce call only
 * (it is not a DSN about a failed delivery; see README, Scenarios).
 */
export function composeNotice(
  input: ScenarioInput,
  scenario: string,
  styles: ReadonlyArray<{ style: NoticeStyle }>,
): ComposedNotice {
  const { fake, now } = input;
  const style = styles.find((s) => s.style.name === input.style)!.style;
  const domain =
    input.message.domain ?? style.recipientDomain?.(fake) ?? companyDomain(fake, input.message.audience);
  const local = input.message.recipient ? undefined : style.recipientLocal?.(fake);
  const message = buildOriginalMessage(fake, now, {
    ...input.message,
    ...(local ? { recipient: `${local}@${domain}` } : {}),
    domain,
    // Long enough before the call for the notice to be written after the message arrived.
    sentBefore: fake.rng.int(8, 120) * 1000,
  });
  const written = style.build({ fake, ...bounceTimes(fake.rng, now, message.sentAt), message });
  const call: SimCall = {
    event: bounceEvent(message, now, written.mime),
    scenario,
    style: style.name,
    mailfrom: style.nullSender ? '' : (style.mailFrom?.(message) ?? message.recipient),
  };
  return { call, subject: written.subject, message };
}
