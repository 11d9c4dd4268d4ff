import { renderOriginal } from '../../mail/original.js';
import { remoteIp } from '../../mail/providers.js';
import { mailbox, rfc5322Date } from '../../mime/headers.js';
import { multipartBody, renderMessage } from '../../mime/multipart.js';
import type { NoticeInput, NoticeStyle, WrittenNotice } from '../reply-notice.js';
import { arrivalReceived } from './common.js';

/**
 * Python's email.utils.formatdate: the day of the month in two digits
 * (`Sun, 06 Dec 2026 ...`), unlike most MTAs.
 */
export const pythonDate = (ms: number, offset = 0): string =>
  rfc5322Date(ms, offset).replace(/^(\w{3}), (\d) /, '$1, 0$2 ');

/** Python 2 email's multipart boundary: 15 `=`, 19 digits, `==`. */
export const pythonBoundary = (digits: string): string => `===============${digits}==`;

/**
 * TMDA's confirmation request, the default template
 * (tmda/templates/confirm_request.txt, TMDA 1.1.12-kg3 "Haumea",
 * github.com/KevinGoodsell/tmda-fork) as TMDA/AutoResponse.py sends it:
 * null envelope sender (Defaults.BOUNCE_ENV_SENDER), multipart/mixed with
 * the text and the held message (AUTORESPONSE_INCLUDE_SENDER_COPY = 2),
 * References and In-Reply-To the original's Message-ID, Precedence: bulk,
 * Auto-Submitted: auto-replied, X-Delivery-Agent. It answers the envelope
 * sender, so it always reaches the bounce address.
 */
export const tmdaChallenge: NoticeStyle = {
  name: 'tmda',
  label: 'TMDA challenge-response confirmation request',
  nullSender: true,
  build(input: NoticeInput): WrittenNotice {
    const { fake, message: msg } = input;
    const { rng } = fake;
    const [user, domain] = [msg.recipient.slice(0, msg.recipient.lastIndexOf('@')), msg.recipientDomain];
    const pid = rng.int(1000, 65000);
    const sentSecs = Math.floor(input.now / 1000) - rng.int(1, 5);
    // Cookie.make_confirm_address: user-confirm-TIMESTAMP.PID.HMAC (HMAC_BYTES = 3).
    const confirm = `${user}-confirm-${sentSecs}.${pid}.${rng.hex(6)}@${domain}`;
    const host = `${rng.pick(['mail', 'mx', 'smtp', 'server'])}.${domain}`;
    const boundary = pythonBoundary(String(rng.int(1e8, 9.2e8)) + String(rng.int(1e9, 9.9e9)));
    const subject = 'Please confirm your message';
    const text = [
      'This message was created automatically by mail delivery software (TMDA).',
      '',
      'Your message attached below is being held because the address',
      `<${msg.envelope}> has not been verified.`,
      '',
      'To release your message for delivery, please send an empty message',
      `to the following address, or use your mailer's "Reply" feature.`,
      '',
      `   ${confirm}`,
      '',
      'This confirmation verifies that your message is legitimate and not',
      'junk-mail. You should only have to confirm your address once.',
      '',
      'If you do not respond to this confirmation request within 14 days,',
      'your message will not be delivered.',
      '',
    ].join('\r\n');
    const body = multipartBody(boundary, [
      {
        headers: [
          ['Content-Type', 'text/plain; charset="us-ascii"'],
          ['MIME-Version', '1.0'],
          ['Content-Transfer-Encoding', '7bit'],
          ['Content-Description', 'Confirmation Request'],
          ['Content-Disposition', 'inline'],
        ],
        body: text,
      },
      {
        headers: [
          ['Content-Type', 'message/rfc822'],
          ['MIME-Version', '1.0'],
          ['Content-Description', 'Original Message'],
          ['Content-Disposition', 'inline'],
        ],
        body: renderOriginal(msg, fake).replace(/(\r\n)*$/, ''),
      },
    ]);
    const offset = rng.pick([0, 60, 120, -300]);
    const mime = renderMessage(
      [
        ['Return-Path', '<>'],
        ['Received', arrivalReceived(input, host, remoteIp(fake))],
        ['Content-Type', `multipart/mixed; boundary="${boundary}"`],
        ['MIME-Version', '1.0'],
        ['Content-Disposition', 'inline'],
        ['From', mailbox(msg.recipientName, msg.recipient)],
        ['Subject', subject],
        ['Reply-To', confirm],
        ['Date', pythonDate(input.now, offset)],
        ['Message-ID', `<${Math.floor(input.now / 1000)}.${pid}.TMDA@${host}>`],
        ['References', msg.messageId],
        ['In-Reply-To', msg.messageId],
        ['To', msg.envelope],
        ['Precedence', 'bulk'],
        ['Auto-Submitted', 'auto-replied'],
        ['X-Delivery-Agent', 'TMDA/1.1.12-kg3 (Haumea)'],
      ],
      body,
    );
    return { mime, subject };
  },
};
