import { domainToUnicode } from 'node:url';
import { bounceEvent, bounceTimes } from '../../mail/call-events.js';
import { brandName, buildOriginalMessage } from '../../mail/message.js';
import { companyDomain } from '../../mail/providers.js';
import type { SimCall } from '../../model/events.js';
import { composeNotice, type NoticeStyle } from '../reply-notice.js';
import type { Scenario, ScenarioInput } from '../types.js';
import { appleVacation } from './apple.js';
import { tmdaChallenge } from './challenge.js';
import { writeDeparture } from './departed.js';
import { exchangeOof } from './exchange.js';
import { gmailVacation } from './gmail.js';
import { osTicketAcknowledgement, zendeskAcknowledgement } from './helpdesk.js';
import { cyrusVacation, dovecotVacation } from './sieve.js';
import { pickLanguage, writeOutOfOffice } from './texts.js';
import type { AutoReplyStyle, AutoReplyText } from './types.js';

export const AUTOREPLY_STYLES: ReadonlyArray<{ style: AutoReplyStyle; weight: number }> = [
  { style: exchangeOof, weight: 40 },
  { style: gmailVacation, weight: 30 },
  { style: dovecotVacation, weight: 12 },
  { style: cyrusVacation, weight: 4 },
  { style: appleVacation, weight: 8 },
];

/** One auto-reply with what went into it, so tests can check the wire against the intent. */
export interface ComposedAutoReply {
  call: SimCall;
  text: AutoReplyText;
  /** The Subject as intended, before RFC 2047 encoding. */
  subject: string;
}

/** What the person's reply says: away for a while, or gone for good. */
export type AutoReplyKind = 'out-of-office' | 'left-company';

export function composeAutoReply(
  input: ScenarioInput,
  kind: AutoReplyKind = 'out-of-office',
): ComposedAutoReply {
  const { fake, now } = input;
  const style = AUTOREPLY_STYLES.find((s) => s.style.name === input.style)!.style;
  const domain =
    input.message.domain ?? style.recipientDomain?.(fake) ?? companyDomain(fake, input.message.audience);
  const msg = buildOriginalMessage(fake, now, {
    ...input.message,
    domain,
    // Long enough before the call for the reply to be written after the message arrived.
    sentBefore: fake.rng.int(8, 120) * 1000,
  });
  const back = now + fake.rng.int(1, 21) * 86_400_000;
  const lang = pickLanguage(fake, msg.recipientDomain);
  // Colleagues' addresses are on the person's own domain, unless that is a webmail one.
  const orgDomain = style.recipientDomain ? companyDomain(fake) : msg.recipientDomain;
  const text =
    kind === 'out-of-office'
      ? writeOutOfOffice(fake, lang, back, msg.recipientName, orgDomain)
      : writeDeparture(fake, lang, now, msg.recipientName, orgDomain, brandName(domainToUnicode(orgDomain)));
  const replyInput = { fake, ...bounceTimes(fake.rng, now, msg.sentAt), message: msg, text };
  const mime = style.build(replyInput);
  const event = bounceEvent(msg, now, mime);
  const call: SimCall = {
    event,
    scenario: `autoreply-${kind}`,
    style: style.name,
    mailfrom: style.nullSender ? '' : msg.recipient,
  };
  return { call, text, subject: style.subject(replyInput) };
}

/** A leaver's mailbox is a company one: the company's own mail system answers. */
const DEPARTED_STYLES = AUTOREPLY_STYLES.filter((s) => !s.style.recipientDomain);

/** Challenge-response filters: they answer the envelope sender, so always the bounce address. */
export const CHALLENGE_STYLES: ReadonlyArray<{ style: NoticeStyle; weight: number }> = [
  { style: tmdaChallenge, weight: 1 },
];

/** Helpdesks acknowledging a new ticket. */
export const HELPDESK_STYLES: ReadonlyArray<{ style: NoticeStyle; weight: number }> = [
  { style: zendeskAcknowledgement, weight: 3 },
  { style: osTicketAcknowledgement, weight: 1 },
];

const weightOf =
  (styles: ReadonlyArray<{ style: { name: string }; weight: number }>) =>
  (name: string): number =>
    styles.find((s) => s.style.name === name)?.weight ?? 1;

export const AUTOREPLY_SCENARIOS: Scenario[] = [
  {
    name: 'autoreply-out-of-office',
    summary: 'Out-of-office / vacation auto-reply in en/nl/de/fr (bounce call only)',
    kind: 'autoreply',
    calls: ['bounce'],
    mode: 'none',
    reason: 'vacation',
    states: [],
    styles: AUTOREPLY_STYLES.map((s) => s.style.name),
    weight: 10,
    styleWeight: weightOf(AUTOREPLY_STYLES),
    build: (input) => [composeAutoReply(input).call],
  },
  {
    name: 'autoreply-left-company',
    summary: 'The person has left the company: write to a colleague instead, en/nl/de/fr (bounce call only)',
    kind: 'autoreply',
    calls: ['bounce'],
    mode: 'none',
    reason: 'vacation',
    states: [],
    styles: DEPARTED_STYLES.map((s) => s.style.name),
    weight: 3,
    styleWeight: weightOf(DEPARTED_STYLES),
    build: (input) => [composeAutoReply(input, 'left-company').call],
  },
  {
    name: 'autoreply-challenge',
    summary:
      'Challenge-response filter asks the sender to confirm before the message is delivered (bounce call only)',
    kind: 'autoreply',
    calls: ['bounce'],
    mode: 'none',
    reason: 'vacation',
    states: [],
    styles: CHALLENGE_STYLES.map((s) => s.style.name),
    weight: 1,
    styleWeight: weightOf(CHALLENGE_STYLES),
    build: (input) => [composeNotice(input, 'autoreply-challenge', CHALLENGE_STYLES).call],
  },
  {
    name: 'autoreply-ticket',
    summary:
      'Helpdesk acknowledges a new ticket ("Request received", "Support Ticket Opened") (bounce call only)',
    kind: 'autoreply',
    calls: ['bounce'],
    mode: 'none',
    reason: 'vacation',
    states: [],
    styles: HELPDESK_STYLES.map((s) => s.style.name),
    weight: 2,
    styleWeight: weightOf(HELPDESK_STYLES),
    build: (input) => [composeNotice(input, 'autoreply-ticket', HELPDESK_STYLES).call],
  },
];
