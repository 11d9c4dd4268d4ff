import { renderOriginal } from '../../mail/original.js';
import { replyWire } from '../../mail/reply.js';
import { rfc5322Date } from '../../mime/headers.js';
import { renderMessage } from '../../mime/multipart.js';
import { pacificDate } from '../../mime/pacific-time.js';
import { arrivalReceived, storeReply } from './common.js';
import type { NonstandardInput, NonstandardStyle } from './types.js';

/**
 * Technical details Gmail gave before ~2016: either the downstream server's
 * refusal or its own DNS failure.
 */
function technical(input: NonstandardInput): string {
  const { fake, message: msg, reason, nextHop, nextHopIp } = input;
  // The routing host's name does not resolve; Gmail said no more than this.
  if (reason === 'hostunknown') return 'DNS Error: Domain name not found';
  const wire = replyWire(storeReply(reason, msg.recipient, fake));
  return (
    `Google tried to deliver your message, but it was rejected by the server for the recipient domain ${msg.recipientDomain} by ${nextHop}. [${nextHopIp}].\r\n\r\n` +
    `The error that the other server returned was:\r\n${wire.join('\r\n')}`
  );
}

/**
 * Old plain-text Gmail bounce. SMTPeter gets one when a Google Apps domain
 * routes accepted mail on to the company's own server (dual delivery) and
 * that server refuses, so the failed address is the original recipient.
 */
export const gmailLegacyStyle: NonstandardStyle = {
  name: 'gmail-legacy',
  label: 'Gmail / Google Apps, text bounce before 2016',
  reasons: ['userunknown', 'mailboxfull', 'hostunknown'],
  build(input: NonstandardInput): string {
    const { fake, message: msg } = input;
    const internal = `10.${fake.rng.int(0, 255)}.${fake.rng.int(0, 255)}.${fake.rng.int(1, 254)}`;
    const smtpId = `${fake.rng.alnum(2).toLowerCase()}${fake.rng.int(1000, 9999)}${fake.rng.alnum(3).toLowerCase()}.${fake.rng.int(10, 99)}`;
    const pacific = pacificDate(input.now);
    const body =
      'Delivery to the following recipient failed permanently:\r\n\r\n' +
      `     ${msg.recipient}\r\n\r\n` +
      // Gmail left a space after the colon.
      'Technical details of permanent failure: \r\n' +
      `${technical(input)}\r\n\r\n` +
      '----- Original message -----\r\n\r\n' +
      renderOriginal(msg, fake);
    return renderMessage(
      [
        ['Return-Path', '<>'],
        [
          'Received',
          arrivalReceived(
            input,
            `mail-${fake.rng.pick(['pa', 'pd', 'wi', 'qc'])}0-f${fake.rng.int(170, 199)}.google.com`,
            `209.85.${fake.rng.int(128, 223)}.${fake.rng.int(1, 254)}`,
          ),
        ],
        ['Received', `by ${internal} with SMTP id ${smtpId}; ${pacific}`],
        ['MIME-Version', '1.0'],
        ['From', 'Mail Delivery Subsystem <mailer-daemon@googlemail.com>'],
        ['To', msg.envelope],
        ['X-Failed-Recipients', msg.recipient],
        ['Subject', 'Delivery Status Notification (Failure)'],
        ['Message-ID', `<${fake.rng.hex(28)}@google.com>`],
        ['Date', rfc5322Date(input.now)],
        ['Content-Type', 'text/plain; charset=ISO-8859-1'],
      ],
      body,
    );
  },
};
