import { encodeWords, mailbox, rfc5322Date } from '../../mime/headers.js';
import { renderMessage } from '../../mime/multipart.js';
import { encodeBody } from './body.js';
import { arrivalReceived } from './common.js';
import type { AutoReplyInput, AutoReplyStyle } from './types.js';

/**
 * A Sieve `vacation` action (RFC 5230), as Dovecot Pigeonhole or Cyrus
 * write it: null sender, `Auto-Submitted: auto-replied (vacation)`, 8bit
 * UTF-8 text. Without a :subject the RFC's default `Auto: <subject>` is used;
 * webmail forms (Roundcube etc.) usually fill one in.
 */
function sieveStyle(kind: 'dovecot' | 'cyrus'): AutoReplyStyle {
  const style: AutoReplyStyle = {
    name: kind,
    label: kind === 'dovecot' ? 'Dovecot Pigeonhole Sieve vacation' : 'Cyrus IMAP Sieve vacation',
    nullSender: true,
    subject: ({ message, text }) => text.ownSubject ?? `Auto: ${message.subject}`,
    build(input: AutoReplyInput): string {
      const { fake, message: msg } = input;
      const { rng } = fake;
      const host = `${rng.pick(['mail', 'imap', 'mx', 'store'])}${rng.int(1, 12)}.${msg.recipientDomain}`;
      const epoch = Math.floor(input.now / 1000);
      const pid = rng.int(1000, 99999);
      const [xSieve, messageId] =
        kind === 'dovecot'
          ? [
              `Pigeonhole Sieve 0.5.${rng.int(13, 21)} (${rng.hex(8)})`,
              `<dovecot-sieve-${epoch}-${pid}-0@${host}>`,
            ]
          : [`CMU Sieve ${rng.pick(['2.4', '3.0'])}`, `<cmu-sieve-${pid}-${epoch}-0@${host}>`];
      return renderMessage(
        [
          ['Return-Path', '<>'],
          [
            'Received',
            arrivalReceived(
              input,
              host,
              `${rng.int(80, 95)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
            ),
          ],
          ['X-Sieve', xSieve],
          ['Message-ID', messageId],
          ['Date', rfc5322Date(input.now, rng.pick([0, 60]))],
          // Pigeonhole uses the bare address unless the script sets :from.
          ['From', rng.chance(0.5) ? `<${msg.recipient}>` : mailbox(msg.recipientName, msg.recipient)],
          ['To', `<${msg.envelope}>`],
          ['Subject', encodeWords(style.subject(input))],
          ['In-Reply-To', msg.messageId],
          ['References', msg.messageId],
          ['Auto-Submitted', 'auto-replied (vacation)'],
          ['Precedence', 'bulk'],
          ['MIME-Version', '1.0'],
          ['Content-Type', 'text/plain; charset=utf-8'],
          ['Content-Transfer-Encoding', '8bit'],
        ],
        `${encodeBody(input.text.body, '8bit')}`,
      );
    },
  };
  return style;
}

export const dovecotVacation = sieveStyle('dovecot');
export const cyrusVacation = sieveStyle('cyrus');
