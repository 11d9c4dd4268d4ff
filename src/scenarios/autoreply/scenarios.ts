import { bounceEvent, bounceTimes } from '../../mail/call-events.js';
import { buildOriginalMessage } from '../../mail/message.js';
import { companyDomain } from '../../mail/providers.js';
import type { SimCall } from '../../model/events.js';
import type { Scenario, ScenarioInput } from '../types.js';
import { appleVacation } from './apple.js';
import { exchangeOof } from './exchange.js';
import { gmailVacation } from './gmail.js';
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

export function composeAutoReply(input: ScenarioInput): ComposedAutoReply {
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
  const text = writeOutOfOffice(fake, lang, back, msg.recipientName, orgDomain);
  const replyInput = { fake, ...bounceTimes(fake.rng, now), message: msg, text };
  const mime = style.build(replyInput);
  const event = bounceEvent(msg, now, mime);
  const call: SimCall = {
    event,
    scenario: 'autoreply-out-of-office',
    style: style.name,
    mailfrom: style.nullSender ? '' : msg.recipient,
  };
  return { call, text, subject: style.subject(replyInput) };
}

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
    styleWeight: (style) => AUTOREPLY_STYLES.find((s) => s.style.name === style)?.weight ?? 1,
    build: (input) => [composeAutoReply(input).call],
  },
];
