import { brandName } from '../../mail/message.js';
import { remoteIp } from '../../mail/providers.js';
import { wrapText } from '../../mime/body.js';
import { encodeWords, mailbox, rfc5322Date } from '../../mime/headers.js';
import { multipartBody, renderMessage } from '../../mime/multipart.js';
import type { Rng } from '../../random/rng.js';
import type { NoticeInput, NoticeStyle, WrittenNotice } from '../reply-notice.js';
import { encodeBody, type TransferEncoding } from './body.js';
import { arrivalReceived } from './common.js';

/** The shared mailboxes helpdesks receive on. */
const SUPPORT_LOCALS = ['support', 'help', 'service', 'helpdesk', 'klantenservice', 'kundenservice'] as const;
/** A helpdesk receives on a shared mailbox and sends from it (not the null sender). */
const HELPDESK = {
  nullSender: false,
  recipientLocal: (fake: { rng: Rng }) => fake.rng.pick(SUPPORT_LOCALS),
  mailFrom: (m: { recipient: string }) => m.recipient,
} as const;

/**
 * Zendesk's default trigger "Notify requester of received request", as its
 * API lists it (nukosuke/go-zendesk testdata, 2019; the gist
 * kgarfinkel/d27eb8b500db26b35fc2e243549aad07, 2017, which appends the
 * ticket's comments). Subject `[Request received] <ticket title>`; the
 * ticket title is the mail's Subject.
 */
const ZENDESK_BODIES: ReadonlyArray<(id: number, comment: string) => string> = [
  (id) =>
    `Your request (${id}) has been received and is being reviewed by our support staff.\n\nTo add additional comments, reply to this email.`,
  (id, comment) =>
    `Your request (${id}) has been received and is being reviewed by our support staff.\n\nTo add additional comments, reply to this email.${comment}`,
];

/** {{ticket.comments_formatted}} as the Travis CI sample shows it: a rule, `Name, Mon D, YYYY, HH:MM UTC`, the text. */
function formattedComment(name: string, at: number, text: string): string {
  if (!text.trim()) return '';
  const d = new Date(at);
  const when = `${d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' })}, ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')} UTC`;
  return `\n\n----------------------------------------------\n\n${name}, ${when}\n\n${text.trim()}`;
}

/**
 * Header shapes from real Zendesk mail in public archives (Travis CI
 * support on clang-built-linux@googlegroups.com, 2020-2021; GitHub
 * support, 2026) and Zendesk's "headers that must persist" list:
 * Auto-Submitted: auto-generated, X-Auto-Response-Suppress: All,
 * X-Mailer: Zendesk Mailer, X-Zendesk-From-Account-Id (7 hex),
 * X-Zendesk-Email-Id (ULID); Message-ID `<TICKETKEY_hex_hex_sprut@zendesk.com>`,
 * References `<TICKETKEY@zendesk.com>` then the customer's Message-ID.
 * Zendesk answers the requester (From or Reply-To), not the return path.
 */
export const zendeskAcknowledgement: NoticeStyle = {
  name: 'zendesk',
  label: 'Zendesk "Request received" notification',
  ...HELPDESK,
  build(input: NoticeInput): WrittenNotice {
    const { fake, message: msg } = input;
    const { rng } = fake;
    const ticket = rng.int(1000, 899999);
    const key = rng.alnum(10).toUpperCase();
    const brand = brandName(msg.recipientDomain);
    const subject = `[Request received] ${msg.subject}`;
    const boundary = `--==_mimepart_${rng.hex(13)}_${rng.hex(12)}`;
    const request = rng.pick(ZENDESK_BODIES)(ticket, formattedComment(msg.fromName, msg.sentAt, msg.text));
    // The footer and the [TICKETKEY] marker Zendesk uses to thread replies, as in the Travis CI sample.
    const text = `##- Please type your reply above this line -##\n\n${request}\n\n--------------------------------\nThis email is a service from ${brand}.\n\n\n\n\n\n\n\n\n\n[${key.slice(0, 6)}-${key.slice(6)}]\n`;
    const paragraphs = request.split('\n\n').slice(0, 2);
    const html = `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml"><head>\n  <meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n</head>\n<body lang="en-us" style="width: 100%!important; margin: 0; padding: 0;" xml:lang="en-us">\n  <div style="padding: 10px ; line-height: 18px; font-family: 'Lucida Grande',Verdana,Arial,sans-serif; font-size: 12px; color:#444444;">\n    <div style="color: #b5b5b5;">##- Please type your reply above this line -##</div>\n    ${paragraphs.map((p) => `<p dir="ltr">${p}</p>`).join('')}\n  </div>\n<span style="color:#FFFFFF" aria-hidden="true">[${key.slice(0, 6)}-${key.slice(6)}]</span></body>\n</html>\n`;
    const pod = rng.pick(['pod18.euc1', 'pod17.euw1', 'pod23.use1', 'pod13.usw2']);
    const host = `outbyoip${rng.int(1, 14)}.${pod}.zdsys.com`;
    const body = textAndHtml(boundary, text, html, 'quoted-printable', '"UTF-8"');
    const mime = renderMessage(
      [
        ['Return-Path', `<${msg.recipient}>`],
        ['Received', arrivalReceived(input, host, `188.172.${rng.int(128, 139)}.${rng.int(1, 254)}`)],
        ['Date', rfc5322Date(input.now)],
        ['From', mailbox(brand, msg.recipient)],
        ['Reply-To', mailbox(brand, msg.recipient)],
        ['To', mailbox(msg.fromName, msg.fromAddress)],
        ['Message-ID', `<${key}_${rng.hex(13)}_${rng.hex(14)}_sprut@zendesk.com>`],
        ['In-Reply-To', msg.messageId],
        ['References', `<${key}@zendesk.com> ${msg.messageId}`],
        ['Subject', encodeWords(subject, 'Q')],
        ['Mime-Version', '1.0'],
        ['Content-Type', `multipart/alternative; boundary="${boundary}"; charset=utf-8`],
        ['Content-Transfer-Encoding', '7bit'],
        ['X-Delivery-Context', `event-id-${rng.int(100000, 999999)}${rng.int(100000, 999999)}`],
        ['Auto-Submitted', 'auto-generated'],
        ['X-Auto-Response-Suppress', 'All'],
        ['X-Mailer', 'Zendesk Mailer'],
        ['X-Zendesk-From-Account-Id', rng.hex(7)],
        ['X-Zendesk-Email-Id', ulid(rng)],
      ],
      body,
    );
    return { mime, subject };
  },
};

/** The plain text (quoted-printable) and the HTML a helpdesk sends as multipart/alternative. */
function textAndHtml(
  boundary: string,
  text: string,
  html: string,
  htmlCte: TransferEncoding,
  charset: string,
): string {
  return multipartBody(boundary, [
    {
      headers: [
        ['Content-Type', `text/plain; charset=${charset}`],
        ['Content-Transfer-Encoding', 'quoted-printable'],
      ],
      body: encodeBody(text, 'quoted-printable'),
    },
    {
      headers: [
        ['Content-Type', `text/html; charset=${charset}`],
        ['Content-Transfer-Encoding', htmlCte],
      ],
      body: encodeBody(html, htmlCte),
    },
  ]);
}

/** A ULID's 26 Crockford base-32 characters (Zendesk's X-Zendesk-Email-Id). */
function ulid(rng: Rng): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let out = '01';
  for (let i = 0; i < 24; i++) out += alphabet[rng.int(0, 31)];
  return out;
}

/**
 * osTicket's new-ticket auto-response: the default template
 * include/i18n/en_US/templates/email/ticket.autoresp.yaml (subject
 * `Support Ticket Opened [#%{ticket.number}]`, which does not quote the
 * mail's subject), sent by include/class.mailer.php with the autoreply
 * flag: Precedence: auto_reply, X-Autoreply: yes,
 * X-Auto-Response-Suppress: DR, RN, OOF, AutoReply, Auto-Submitted:
 * auto-replied, In-Reply-To/References the customer's Message-ID,
 * X-Mailer: osTicket Mailer, Message-ID `B<sysid>-<rand>-<tag>-<email>`,
 * Return-Path the help desk's address; the text part is html2text of the
 * HTML plus `Ref-Mid:` (osTicket/osTicket @ 4689926, 2023).
 */
export const osTicketAcknowledgement: NoticeStyle = {
  name: 'osticket',
  label: 'osTicket new-ticket auto-response',
  ...HELPDESK,
  build(input: NoticeInput): WrittenNotice {
    const { fake, message: msg } = input;
    const { rng } = fake;
    const number = String(rng.int(100000, 999999));
    const subject = `Support Ticket Opened [#${number}]`;
    const brand = brandName(msg.recipientDomain);
    const first = msg.fromName.split(' ')[0]!;
    const b64 = (n: number): string => Buffer.from(rng.hex(n * 2), 'hex').toString('base64');
    const messageId = `B${b64(6).slice(0, 6).replace(/\+/g, '=')}-${rng.alnum(5)}-${b64(18)}-${msg.recipient}`;
    const link = `https://${msg.recipientDomain}/support/view.php?auth=o${rng.alnum(3).toLowerCase()}.${rng.hex(24)}`;
    const html = `<div style="display:none"\n                        class="mid-${messageId}"></div><h3><strong>Dear ${first},</strong></h3>\n<p>\nA request for support has been created and assigned #${number}.\nA representative will follow-up with you as soon as possible. You can\n<a href="${link}">view this ticket's progress\nonline</a>.\n</p>\n<br>\n<div style="color: rgb(127, 127, 127)">\nYour ${brand} Team,\n<br>\n</div>\n<hr>\n<div style="color: rgb(127, 127, 127); font-size: small; "><em>If you\nwish to provide additional comments or information regarding the issue,\nplease reply to this email or <a href="${link}"><span\nstyle="color: rgb(84, 141, 212);" >login to your account</span></a> for\na complete archive of your support requests.</em></div>\n`;
    const text = [
      `Dear ${first},`,
      '',
      wrapText(
        `A request for support has been created and assigned #${number}. A representative will follow-up with you as soon as possible. You can view this ticket's progress online [${link}].`,
        90,
      ),
      '',
      `Your ${brand} Team,`,
      '',
      '-------------------------------------------------------------------------------',
      '',
      wrapText(
        'If you wish to provide additional comments or information regarding the issue, please reply to this email or login to your account [' +
          link +
          '] for a complete archive of your support requests.',
        90,
      ),
      '',
      `Ref-Mid: ${messageId}`,
      '',
    ].join('\n');
    const boundary = `=_${rng.hex(32)}`;
    const body = textAndHtml(boundary, text, html, 'base64', 'utf-8');
    const host = `${rng.pick(['web', 'helpdesk', 'support', 'www'])}${rng.int(1, 4)}.${msg.recipientDomain}`;
    const mime = renderMessage(
      [
        ['Return-Path', `<${msg.recipient}>`],
        ['Received', arrivalReceived(input, host, remoteIp(fake))],
        ['Date', rfc5322Date(input.now, rng.pick([0, 60, 120]))],
        ['Message-ID', `<${messageId}>`],
        ['From', mailbox(`${brand} Support`, msg.recipient)],
        ['Subject', subject],
        ['To', mailbox(msg.fromName, msg.fromAddress)],
        ['In-Reply-To', msg.messageId],
        ['References', msg.messageId],
        ['X-Mailer', 'osTicket Mailer'],
        ['Precedence', 'auto_reply'],
        ['X-Autoreply', 'yes'],
        ['X-Auto-Response-Suppress', 'DR, RN, OOF, AutoReply'],
        ['Auto-Submitted', 'auto-replied'],
        ['MIME-Version', '1.0'],
        ['Content-Type', `multipart/alternative; boundary="${boundary}"`],
      ],
      body,
    );
    return { mime, subject };
  },
};
