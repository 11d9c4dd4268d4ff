import { originalHeaderBlock } from '../../mail/original.js';
import { remoteIp } from '../../mail/providers.js';
import { rfc5322Date } from '../../mime/headers.js';
import { multipartBody, renderMessage } from '../../mime/multipart.js';
import type { Rng } from '../../random/rng.js';
import { arrivalReceived } from '../autoreply/common.js';
import type { NoticeInput, NoticeStyle, WrittenNotice } from '../reply-notice.js';
import { listHost, listLocal } from './list-names.js';

/**
 * Sympa's words for "held for moderation" (default/mail_tt2/
 * delivery_status_notification.tt2, status 2.3.0; Dutch from po/sympa/nl.po;
 * sympa-community/sympa @ 1d59e9a, 2026). Only the ASCII translations: the
 * others need the template's charset handling.
 */
const WORDS = {
  en: {
    subject: 'Message distribution: Forwarded',
    intro: 'This is an automatic response sent by Sympa Mailing Lists Manager.',
    forwarded: (list: string) => `Your message to the list '${list}' has been forwarded to the moderator(s)`,
  },
  nl: {
    subject: 'Distributie van berichten',
    intro: 'Dit is een automatisch bericht verstuurd door Sympa Mailing Lists Manager.',
    forwarded: (list: string) => `Uw bericht naar lijst '${list}' is doorgestuurd naar de moderator(s)`,
  },
} as const;

const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Sympa::unique_message_id: `<sympa.` + 100 bits in base 32 + `@domain>`. */
function sympaMessageId(rng: Rng, domain: string): string {
  let id = '';
  for (let i = 0; i < 20; i++) id += BASE32[rng.int(0, 31)];
  return `<sympa.${id}@${domain.slice(-39)}>`;
}

/**
 * Sympa's notice that a post was held for the moderators: Sympa::send_dsn
 * with status 2.3.0 (Sympa::Spindle::ToModeration), an RFC 3464 report
 * with `Action: delivered` and `Diagnostic-Code: X-Sympa; Message has been
 * forwarded to the list moderator(s)`, the held message's header as
 * text/rfc822-headers (Return-Path removed), sent with the null envelope
 * sender to the message's envelope sender, so it reaches the bounce
 * address. Headers as Sympa::Message::Template adds them: Message-Id,
 * Date, To, From (the robot's -request address with gecos SYMPA),
 * MIME-Version, Content-Transfer-Encoding, Auto-Submitted: auto-replied,
 * then the template's Content-Type, Subject and X-Loop.
 */
export const sympaHeld: NoticeStyle = {
  name: 'sympa',
  label: 'Sympa "forwarded to the moderator(s)" report',
  nullSender: true,
  recipientDomain: listHost,
  recipientLocal: listLocal,
  build(input: NoticeInput): WrittenNotice {
    const { fake, message: msg } = input;
    const { rng } = fake;
    const domain = msg.recipientDomain;
    const list = msg.recipient.slice(0, msg.recipient.indexOf('@'));
    const words = domain.endsWith('.nl') || rng.chance(0.2) ? WORDS.nl : WORDS.en;
    const messageId = sympaMessageId(rng, domain);
    const boundary = `=_${messageId}`;
    const date = rfc5322Date(input.now, rng.pick([60, 120, 0]));
    const report = [
      `Reporting-MTA: dns; ${domain}`,
      `Arrival-Date: ${date}`,
      '',
      `Final-Recipient: rfc822; ${msg.recipient}`,
      'Action: delivered',
      'Status: 2.3.0',
      `Remote-MTA: dns; ${domain}`,
      'Diagnostic-Code: X-Sympa; Message has been forwarded to the list moderator(s)',
      '',
    ].join('\r\n');
    const headerBlock = originalHeaderBlock(msg, fake).replace(/^Return-Path: .*\r\n(?![ \t])/m, '');
    const body = multipartBody(
      boundary,
      [
        {
          headers: [
            ['Content-Disposition', 'inline'],
            ['Content-Description', 'Notification'],
          ],
          body: `${words.intro}\r\n${words.forwarded(list)}\r\n\r\n`,
        },
        { headers: [['Content-Type', 'message/delivery-status']], body: `${report}\r\n` },
        {
          headers: [
            ['Content-Type', 'text/rfc822-headers'],
            ['Content-Disposition', 'inline'],
          ],
          body: `${headerBlock}\r\n`,
        },
      ],
      'This is a MIME-encapsulated message.',
    );
    const mime = renderMessage(
      [
        ['Return-Path', '<>'],
        ['Received', arrivalReceived(input, domain, remoteIp(fake))],
        ['Message-Id', messageId],
        ['Date', date],
        ['To', msg.envelope],
        ['From', `SYMPA <sympa-request@${domain}>`],
        ['MIME-Version', '1.0'],
        ['Content-Transfer-Encoding', '8bit'],
        ['Auto-Submitted', 'auto-replied'],
        ['Content-Type', `multipart/report; report-type=delivery-status; boundary="${boundary}"`],
        ['Subject', words.subject],
        ['X-Loop', `sympa@${domain}`],
      ],
      body,
    );
    return { mime, subject: words.subject };
  },
};
