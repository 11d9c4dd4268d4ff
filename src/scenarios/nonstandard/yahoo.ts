import { renderOriginal } from '../../mail/original.js';
import { replyOneLine } from '../../mail/reply.js';
import { rfc5322Date } from '../../mime/headers.js';
import { renderMessage } from '../../mime/multipart.js';
import type { Fake } from '../../random/fake.js';
import { arrivalReceived, storeReply } from './common.js';
import type { NonstandardInput, NonstandardStyle } from './types.js';

/** Yahoo's opaque `X-YMailISG` token: ~60-character runs of [A-Za-z0-9._]. */
function ymailIsg(fake: Fake): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._';
  const runs: string[] = [];
  for (let r = fake.rng.int(6, 14); r > 0; r--) {
    runs.push(Array.from({ length: 60 }, () => chars[fake.rng.int(0, chars.length - 1)]).join(''));
  }
  return `${runs.join(' ')}--`;
}

/**
 * Yahoo's "Failure Notice" (qmail heritage: plain text, no MIME parts).
 * Yahoo writes it when a hand-off after acceptance fails, e.g. a domain on
 * Yahoo Small Business mail relaying to the customer's own server. The SMTP
 * phase follows the reply in brackets.
 */
export const yahooStyle: NonstandardStyle = {
  name: 'yahoo',
  label: 'Yahoo (Failure Notice)',
  // No hostunknown: no real sample shows how Yahoo words a DNS failure.
  reasons: ['userunknown', 'mailboxfull'],
  build(input: NonstandardInput): string {
    const { fake, message: msg, reason } = input;
    const dc = fake.rng.pick(['bf1', 'bf2', 'ne1', 'gq1']);
    const bullet = `nm${fake.rng.int(1, 40)}-vm${fake.rng.int(0, 9)}.bullet.mail.${dc}.yahoo.com`;
    const ip = `98.${fake.rng.pick([136, 137, 138, 139])}.${fake.rng.int(0, 255)}.${fake.rng.int(1, 254)}`;
    const said = replyOneLine(storeReply(reason as 'userunknown' | 'mailboxfull', msg.recipient, fake));
    const phase = reason === 'userunknown' ? 'RCPT_TO' : fake.rng.pick(['RCPT_TO', 'DATA']);
    const body =
      'Sorry, we were unable to deliver your message to the following address.\r\n\r\n' +
      `<${msg.recipient}>:\r\n` +
      `Remote host said: ${said} [${phase}]\r\n\r\n` +
      '--- Below this line is a copy of the message.\r\n\r\n' +
      renderOriginal(msg, fake);
    return renderMessage(
      [
        ['Return-Path', '<>'],
        ['Received', arrivalReceived(input, bullet, ip)],
        ['X-YMailISG', ymailIsg(fake)],
        ['X-Originating-IP', `[${ip}]`],
        ['From', 'MAILER-DAEMON@yahoo.com'],
        ['To', msg.envelope],
        ['Date', rfc5322Date(input.now)],
        ['Subject', 'Failure Notice'],
      ],
      body,
    );
  },
};
