import { bounceEvent, bounceTimes } from '../../mail/call-events.js';
import { buildOriginalMessage } from '../../mail/message.js';
import { companyDomain } from '../../mail/providers.js';
import type { SimCall } from '../../model/events.js';
import type { Scenario, ScenarioInput } from '../types.js';
import { internalHost } from './common.js';
import { eximTextStyle } from './exim-text.js';
import { gmailLegacyStyle } from './gmail-legacy.js';
import { gmxStyle } from './gmx.js';
import { qmailStyle } from './qmail.js';
import type { NonstandardReason, NonstandardStyle } from './types.js';
import { yahooStyle } from './yahoo.js';

const NONSTANDARD_STYLES: readonly NonstandardStyle[] = [
  qmailStyle,
  eximTextStyle,
  yahooStyle,
  gmailLegacyStyle,
  gmxStyle,
];

const SUMMARIES: Record<NonstandardReason, [string, number]> = {
  userunknown: ['Non-standard bounce (no DSN part): no such user', 4],
  mailboxfull: ['Non-standard bounce (no DSN part): mailbox full', 2],
  hostunknown: ['Non-standard bounce (no DSN part): next host not found', 1],
};

function buildNonstandard(reason: NonstandardReason, input: ScenarioInput): SimCall[] {
  const { fake, now } = input;
  const style = NONSTANDARD_STYLES.find((s) => s.name === input.style)!;
  const domain =
    input.message.domain ?? style.recipientDomain?.(fake) ?? companyDomain(fake, input.message.audience);
  const msg = buildOriginalMessage(fake, now, {
    ...input.message,
    domain,
    sentBefore: fake.rng.int(30, 4 * 60 * 60) * 1000,
    attachmentBytes: input.attachmentBytes,
  });
  const next = internalHost(msg.recipientDomain, fake);
  const mime = style.build({
    fake,
    ...bounceTimes(fake.rng, now, msg.sentAt),
    message: msg,
    reason,
    nextHop: next.host,
    nextHopIp: next.ip,
  });
  const event = bounceEvent(msg, now, mime);
  // SMTPeter cannot read these, so there is no failure call: only the raw bounce.
  return [{ event, scenario: `nonstandard-${reason}`, style: style.name, mailfrom: '' }];
}

export const NONSTANDARD_SCENARIOS: Scenario[] = (Object.keys(SUMMARIES) as NonstandardReason[]).map(
  (reason) => ({
    name: `nonstandard-${reason}`,
    summary: SUMMARIES[reason][0],
    kind: 'nonstandard',
    calls: ['bounce'],
    mode: 'none',
    reason,
    states: [],
    styles: NONSTANDARD_STYLES.filter((s) => s.reasons.includes(reason)).map((s) => s.name),
    weight: SUMMARIES[reason][1],
    build: (input) => buildNonstandard(reason, input),
  }),
);
