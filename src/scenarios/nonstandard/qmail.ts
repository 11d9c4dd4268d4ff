import { renderOriginal } from '../../mail/original.js';
import { companyDomain } from '../../mail/providers.js';
import { replyOneLine } from '../../mail/reply.js';
import { renderMessage } from '../../mime/multipart.js';
import { arrivalReceived, publicIp, storeReply } from './common.js';
import type { NonstandardInput, NonstandardStyle } from './types.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** qmail writes its own date form: `24 Jun 2024 08:48:01 -0000`, always UTC. */
function qmailDate(ms: number): string {
  const d = new Date(ms);
  const t = d.toISOString().slice(11, 19);
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${t} -0000`;
}

/**
 * The per-recipient paragraph qmail-send writes. Remote refusals end with
 * "Giving up on <ip>.", which Sisimai reads as *expired* unless the reply
 * carries a specific status, so only 5.1.1 and 5.2.2 replies go that way;
 * the rest are qmail's own local texts with their `(#x.y.z)` codes.
 */
function paragraph(input: NonstandardInput): string {
  const { fake, message: msg, reason, nextHop, nextHopIp } = input;
  if (reason === 'hostunknown') {
    return fake.rng.chance(0.5)
      ? `Sorry, I couldn't find any host named ${nextHop}. (#5.1.2)`
      : `Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)`;
  }
  if (reason === 'userunknown' && fake.rng.chance(0.4)) {
    // Delivered locally by qmail-local, e.g. a vpopmail domain without that user.
    return 'Sorry, no mailbox here by that name. (#5.1.1)';
  }
  const r = storeReply(reason, msg.recipient, fake);
  return (
    `${nextHopIp} does not like recipient.\r\n` +
    `Remote host said: ${replyOneLine(r)}\r\n` +
    `Giving up on ${nextHopIp}.`
  );
}

/** qmail-send's "failure notice": plain text, no MIME, original appended. */
export const qmailStyle: NonstandardStyle = {
  name: 'qmail',
  label: 'qmail (failure notice)',
  reasons: ['userunknown', 'mailboxfull', 'hostunknown'],
  build(input: NonstandardInput): string {
    const { fake, message: msg } = input;
    // When the domain's own host cannot be found, the bounce comes from the
    // hosting provider's shared relay that took the mail for it, never from
    // a host in the domain that does not resolve.
    const hostDomain = input.reason === 'hostunknown' ? companyDomain(fake) : msg.recipientDomain;
    const host = `${fake.rng.pick(['mail', 'mx', 'smtp', 'mx1'])}.${hostDomain}`;
    const pid = fake.rng.int(1000, 65000);
    const body =
      `Hi. This is the qmail-send program at ${host}.\r\n` +
      `I'm afraid I wasn't able to deliver your message to the following addresses.\r\n` +
      `This is a permanent error; I've given up. Sorry it didn't work out.\r\n\r\n` +
      `<${msg.recipient}>:\r\n${paragraph(input)}\r\n\r\n` +
      `--- Below this line is a copy of the message.\r\n\r\n` +
      renderOriginal(msg, fake);
    return renderMessage(
      [
        ['Return-Path', '<>'],
        ['Received', arrivalReceived(input, host, publicIp(fake))],
        ['Received', `(qmail ${pid} invoked for bounce); ${qmailDate(input.now)}`],
        ['Date', qmailDate(input.now)],
        ['From', `MAILER-DAEMON@${host}`],
        ['To', msg.envelope],
        ['Subject', 'failure notice'],
      ],
      body,
    );
  },
};
