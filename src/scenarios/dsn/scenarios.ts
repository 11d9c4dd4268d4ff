import { bounceEvent, bounceTimes, callBase } from '../../mail/call-events.js';
import { buildOriginalMessage } from '../../mail/message.js';
import { companyDomain } from '../../mail/providers.js';
import { replyDescription } from '../../mail/reply.js';
import type { FailureEvent, Reason, SimCall } from '../../model/events.js';
import type { Scenario, ScenarioInput } from '../types.js';
import { wordingsFor } from './diagnoses.js';
import { DSN_STYLES } from './registry.js';
import type { DsnDiagnosis, DsnReason } from './types.js';

const SUMMARIES: Record<DsnReason, [string, number]> = {
  userunknown: ['Accepted, then bounced: no such user (DSN 5.1.1)', 20],
  mailboxfull: ['Accepted, then bounced: mailbox full (DSN 5.2.2)', 8],
  expired: ['Could not be delivered within the queue lifetime (DSN 4.4.7)', 3],
  spamdetected: ['Accepted at the edge, then refused as spam inside (DSN 5.7.1)', 3],
  policyviolation: ['Refused by the recipient domain policy (DSN 5.7.x)', 2],
  suspend: ['Mailbox suspended or disabled (DSN 5.2.1)', 2],
  mesgtoobig: ['Too big for the downstream server (DSN 5.3.4)', 1],
  hostunknown: ['Downstream host not found (DSN 5.4.4)', 1],
};

/** How long before the bounce the message was sent. */
function sentBefore(reason: DsnReason, input: ScenarioInput): number {
  const { rng } = input.fake;
  if (reason === 'expired') return (5 * 24 * 60 + rng.int(0, 59)) * 60_000; // Postfix's 5-day queue lifetime
  return rng.int(20, 3 * 60 * 60) * 1000;
}

function buildDsn(reason: DsnReason, input: ScenarioInput): SimCall[] {
  const { fake, now } = input;
  const entry = DSN_STYLES.find((s) => s.style.name === input.style)!;
  const style = entry.style;
  const domain =
    input.message.domain ?? style.recipientDomain?.(fake) ?? companyDomain(fake, input.message.audience);
  const msg = buildOriginalMessage(fake, now, {
    ...input.message,
    domain,
    sentBefore: sentBefore(reason, input),
    attachmentBytes: input.attachmentBytes,
  });
  const reportingHost = style.reportingHost(msg.recipientDomain, fake);
  const ctx = {
    fake,
    recipient: msg.recipient,
    domain: msg.recipientDomain,
    nextHop: `${fake.rng.pick(['mailstore', 'mbox', 'imap', 'exch'])}${fake.rng.int(1, 9)}.${fake.rng.pick(['int', 'corp', 'local'])}.${msg.recipientDomain}`,
    nextHopIp: `10.${fake.rng.int(0, 255)}.${fake.rng.int(0, 255)}.${fake.rng.int(1, 254)}`,
    sender: msg.fromAddress,
  };
  const diagnosis: DsnDiagnosis = fake.rng.pick(wordingsFor(style, reason))(ctx);
  const mime = style.build({
    fake,
    ...bounceTimes(fake.rng, now),
    message: msg,
    diagnosis,
    returned: returnedPart(msg.dsn?.ret, input.attachmentBytes > 0 || fake.rng.chance(0.7)),
    reportingHost,
  });
  const bounce = bounceEvent(msg, now, mime);
  // SMTPeter recognised the DSN and reports what it says.
  const failure: FailureEvent = { ...callBase(msg, now), type: 'failure', action: 'failed', state: 'bounce' };
  if (diagnosis.reply) failure.code = diagnosis.reply.code;
  failure.extended = diagnosis.status;
  failure.description = diagnosis.reply ? replyDescription(diagnosis.reply) : diagnosis.local!;
  const scenario = `dsn-${reason}`;
  return [
    { event: bounce, scenario, style: style.name, mailfrom: '' },
    { event: failure, scenario, style: style.name },
  ];
}

export const DSN_SCENARIOS: Scenario[] = (Object.keys(SUMMARIES) as DsnReason[]).map((reason) => ({
  name: `dsn-${reason}`,
  summary: SUMMARIES[reason][0],
  kind: 'dsn',
  calls: ['bounce', 'failure'],
  mode: 'async',
  reason: reason as Reason,
  states: ['bounce'],
  styles: DSN_STYLES.filter((s) => s.style.reasons?.includes(reason) ?? true).map((s) => s.style.name),
  weight: SUMMARIES[reason][1],
  action: 'failed',
  styleWeight: (style) => DSN_STYLES.find((s) => s.style.name === style)?.weight ?? 1,
  build: (input) => buildDsn(reason, input),
}));

/** RET=FULL / RET=HDRS decide; without one, the drawn habit of the reporting MTA. */
function returnedPart(ret: 'FULL' | 'HDRS' | undefined, drawnFull: boolean): 'full' | 'headers' {
  if (ret) return ret === 'FULL' ? 'full' : 'headers';
  return drawnFull ? 'full' : 'headers';
}
