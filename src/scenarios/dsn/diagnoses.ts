import { reply } from '../../mail/reply.js';
import type { DiagnosisContext, DsnDiagnosis, DsnReason } from './types.js';

/**
 * The generic wording of each reason, as a downstream server would reply to
 * the MTA that writes the DSN. Styles override where their own words differ.
 * Texts carry the phrases a bounce analyser keys on (see README "Realism").
 */
export const GENERIC_DIAGNOSES: Record<DsnReason, (c: DiagnosisContext) => DsnDiagnosis> = {
  userunknown: (c) => ({
    status: '5.1.1',
    reply: reply(
      '550',
      '5.1.1',
      `<${c.recipient}>: Recipient address rejected: User unknown in local recipient table`,
    ),
    inReplyTo: 'RCPT TO',
    remoteMta: c.nextHop,
    remoteIp: c.nextHopIp,
  }),
  mailboxfull: (c) => ({
    status: '5.2.2',
    reply: reply(
      '552',
      '5.2.2',
      `<${c.recipient}>: Recipient address rejected: Mailbox full, user is over quota`,
    ),
    inReplyTo: 'RCPT TO',
    remoteMta: c.nextHop,
    remoteIp: c.nextHopIp,
  }),
  expired: (c) => ({
    status: '4.4.7',
    local: `delivery temporarily suspended: connect to ${c.nextHop}[${c.nextHopIp}]:25: Connection timed out`,
    inReplyTo: 'RCPT TO',
  }),
  spamdetected: (c) => ({
    status: '5.7.1',
    reply: reply('550', '5.7.1', 'Message rejected as spam by content filter'),
    inReplyTo: 'end of DATA',
    remoteMta: c.nextHop,
    remoteIp: c.nextHopIp,
  }),
  policyviolation: (c) => ({
    status: '5.7.1',
    reply: reply('554', '5.7.1', `Message rejected due to DMARC policy of ${c.sender.split('@')[1]}`),
    inReplyTo: 'end of DATA',
    remoteMta: c.nextHop,
    remoteIp: c.nextHopIp,
  }),
  suspend: (c) => ({
    status: '5.2.1',
    reply: reply(
      '550',
      '5.2.1',
      `<${c.recipient}>: Recipient address rejected: this mailbox has been suspended`,
    ),
    inReplyTo: 'RCPT TO',
    remoteMta: c.nextHop,
    remoteIp: c.nextHopIp,
  }),
  mesgtoobig: (c) => ({
    status: '5.3.4',
    reply: reply('552', '5.3.4', 'Message too big for system'),
    inReplyTo: 'end of DATA',
    remoteMta: c.nextHop,
    remoteIp: c.nextHopIp,
  }),
  hostunknown: (c) => ({
    status: '5.4.4',
    local: `Host or domain name not found. Name service error for name=${c.nextHop} type=A: Host not found`,
    inReplyTo: 'RCPT TO',
  }),
};
