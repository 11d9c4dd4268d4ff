import { renderOriginal } from '../../mail/original.js';
import { replyWire } from '../../mail/reply.js';
import { rfc5322Date } from '../../mime/headers.js';
import { renderMessage } from '../../mime/multipart.js';
import type { Fake } from '../../random/fake.js';
import { arrivalReceived, publicIp, storeReply } from './common.js';
import type { NonstandardInput, NonstandardStyle } from './types.js';

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Exim message id before 4.97: `1tZ3aB-00012X-Qm` (base-62 time, pid, fraction). */
function eximId(fake: Fake): string {
  const part = (n: number): string => Array.from({ length: n }, () => fake.rng.pick([...B62])).join('');
  return `1${part(5)}-${fake.rng.pick(['0000', '0001', '000A', '0003'])}${part(2)}-${part(2)}`;
}

/**
 * The indented lines under the failed address. Exim 4.8x+ puts the host
 * first; older releases put it in front of the reply. Local failures
 * (quota, routing) are one line of Exim's own words.
 */
function detail(input: NonstandardInput): string[] {
  const { fake, message: msg, reason, nextHop, nextHopIp } = input;
  if (reason === 'hostunknown') {
    return [fake.rng.pick(['Unrouteable address', 'all relevant MX records point to non-existent hosts'])];
  }
  if (reason === 'mailboxfull' && fake.rng.chance(0.4)) {
    // appendfile's quota check is temporary; after the retry rules give up:
    return ['mailbox is full: retry timeout exceeded'];
  }
  const wire = replyWire(storeReply(reason, msg.recipient, fake));
  const after = `SMTP error from remote mail server after RCPT TO:<${msg.recipient}>:`;
  if (fake.rng.chance(0.6)) return [`host ${nextHop} [${nextHopIp}]`, after, ...wire];
  return [after, `host ${nextHop} [${nextHopIp}]: ${wire.join(' ')}`];
}

/** Exim's classic plain-text bounce (no delivery-status part). */
export const eximTextStyle: NonstandardStyle = {
  name: 'exim-text',
  label: 'Exim, classic plain-text bounce',
  reasons: ['userunknown', 'mailboxfull', 'hostunknown'],
  build(input: NonstandardInput): string {
    const { fake, message: msg } = input;
    const host = `${fake.rng.pick(['mail', 'mx', 'server', 'host'])}${fake.rng.pick(['', '1', '2'])}.${msg.recipientDomain}`;
    const id = eximId(fake);
    const date = rfc5322Date(input.now, fake.rng.pick([0, 60, 120]));
    const body =
      'This message was created automatically by mail delivery software.\r\n\r\n' +
      'A message that you sent could not be delivered to one or more of its\r\n' +
      'recipients. This is a permanent error. The following address(es) failed:\r\n\r\n' +
      `  ${msg.recipient}\r\n` +
      detail(input)
        .map((line) => `    ${line}\r\n`)
        .join('') +
      '\r\n------ This is a copy of the message, including all the headers. ------\r\n\r\n' +
      renderOriginal(msg, fake);
    return renderMessage(
      [
        ['Return-path', '<>'],
        ['Received', arrivalReceived(input, host, publicIp(fake))],
        [
          'Received',
          `from mailnull by ${host} with local (Exim 4.${fake.rng.pick(['92.3', '94.2', '95', '96'])}) id ${id} for ${msg.envelope}; ${date}`,
        ],
        ['X-Failed-Recipients', msg.recipient],
        ['Auto-Submitted', 'auto-replied'],
        ['From', `Mail Delivery System <Mailer-Daemon@${host}>`],
        ['To', msg.envelope],
        ['Subject', 'Mail delivery failed: returning message to sender'],
        ['Message-Id', `<E${id}@${host}>`],
        ['Date', date],
      ],
      body,
    );
  },
};
