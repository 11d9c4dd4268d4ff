import { originalHeaderBlock } from '../../mail/original.js';
import { rfc5322Date } from '../../mime/headers.js';
import { renderMessage } from '../../mime/multipart.js';
import { arrivalReceived, storeReply } from './common.js';
import type { NonstandardInput, NonstandardStyle } from './types.js';

/**
 * GMX / mail.com bounce: Exim-like wording, the address in quotes, the
 * remote reply without its three-digit code, and only the original's
 * headers returned. Written when GMX's relay for a customer domain cannot
 * hand the message on to that customer's own server.
 */
export const gmxStyle: NonstandardStyle = {
  name: 'gmx',
  label: 'GMX / mail.com',
  // No hostunknown: no real sample shows GMX's words for a DNS failure.
  reasons: ['userunknown', 'mailboxfull'],
  build(input: NonstandardInput): string {
    const { fake, message: msg, reason, nextHop } = input;
    const { rng } = fake;
    // GMX quotes the reply with the address in angle brackets (corpus gmx-*.eml).
    const r = storeReply(reason as 'userunknown' | 'mailboxfull', msg.recipient, fake, 'bracketed');
    const lan = `mogmx${rng.pick(['eu', 'us'])}00${rng.int(1, 9)}.server.lan`;
    const id = (): string =>
      `${rng.int(0, 1)}${rng.alnum(5)}-${rng.int(1, 9)}${rng.alnum(9)}-${rng.int(0, 1)}${rng.int(10, 99)}${rng.alnum(3)}`;
    const cet = rfc5322Date(input.now, 60);
    const body =
      'This message was created automatically by mail delivery software.\r\n\r\n' +
      'A message that you sent could not be delivered to one or more of\r\n' +
      'its recipients. This is a permanent error. The following address\r\n' +
      'failed:\r\n\r\n' +
      `"${msg.recipient}":\r\n` +
      'SMTP error from remote server after RCPT command:\r\n' +
      `host: ${nextHop}\r\n` +
      `${r.extended} ${r.lines.join(' ')}\r\n\r\n\r\n` +
      '--- The header of the original message is following. ---\r\n\r\n' +
      originalHeaderBlock(msg, fake);
    return renderMessage(
      [
        ['Return-Path', '<>'],
        ['Received', arrivalReceived(input, 'mout-bounce.gmx.com', `74.208.4.${rng.int(1, 254)}`)],
        ['Received', `from mda by ${lan} id ${id()} ${cet}`],
        ['Date', cet],
        ['From', 'MAILER-DAEMON@mail.gmx.com'],
        ['To', msg.envelope],
        ['Subject', 'Mail delivery failed: returning message to sender'],
        ['MIME-Version', '1.0'],
        ['Content-Type', 'text/plain; charset=utf-8'],
        ['Content-Transfer-Encoding', '8bit'],
        ['X-UI-Out-Filterresults', 'unknown:0;'],
        ['Envelope-To', `<${msg.envelope}>`],
        ['X-GMX-Antispam', '0 (Mail was not recognized as spam); Detail=V3;'],
        ['X-GMX-Antivirus', '0 (no virus found)'],
      ],
      body,
    );
  },
};
