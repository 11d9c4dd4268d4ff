import { originalHeaderBlock, renderOriginal } from '../../mail/original.js';
import { replyOneLine } from '../../mail/reply.js';
import { wrapText } from '../../mime/body.js';
import { multipartBody, renderMessage } from '../../mime/multipart.js';
import {
  bounceReceived,
  dsnDateParts,
  envelopeIdField,
  originalRecipient,
  reportRecipients,
} from './common.js';
import type { DsnDiagnosis, DsnInput, DsnStyle } from './types.js';

/** What Postfix says happened: the remote server's reply and the command it answered, or its own error. */
export function postfixSaid(d: DsnDiagnosis): string {
  return d.reply
    ? `host ${d.remoteMta}[${d.remoteIp}] said: ${replyOneLine(d.reply)} (in reply to ${d.inReplyTo} command)`
    : d.local!;
}

/** A recipient block's fields after Final-/Original-Recipient, as bounce(8) writes them. */
export function postfixRecipientFields(d: DsnDiagnosis, action: 'failed' | 'delayed', extra = ''): string {
  const diag = d.reply ? `smtp; ${replyOneLine(d.reply)}` : `X-Postfix; ${d.local}`;
  return (
    `Action: ${action}\r\n` +
    `Status: ${d.status}\r\n` +
    (d.remoteMta ? `Remote-MTA: dns; ${d.remoteMta}\r\n` : '') +
    `${wrapText(`Diagnostic-Code: ${diag}`, 76, '    ')}\r\n` +
    extra
  );
}

/** What one Postfix notice says: bounce(5)'s template parts and the recipient blocks' action. */
export interface PostfixNotice {
  subject: string;
  /** The template text between "This is the mail system at host ..." and "The mail system". */
  template: string;
  action: 'failed' | 'delayed';
  /** Per-recipient fields after Diagnostic-Code (delay: Will-Retry-Until). */
  moreFields?: string;
}

/** A bounce(8) report around one notice (failure or delay), as the built-in templates write it. */
export function postfixReport(input: DsnInput, n: PostfixNotice): string {
  const { fake, message: msg, reportingHost: host } = input;
  const queueId = fake.rng.hex(11).toUpperCase();
  const { arrival, now } = dsnDateParts(input);
  const boundary = `${queueId}.${Math.floor(input.now / 1000)}/${host}`;
  const named = reportRecipients(input);
  const notification =
    `This is the mail system at host ${host}.\r\n\r\n${n.template}` +
    `For further assistance, please send mail to postmaster.\r\n\r\n` +
    `If you do so, please include this problem report. You can\r\n` +
    `delete your own text from the attached returned message.\r\n\r\n` +
    `                   The mail system\r\n\r\n` +
    named
      .map((r) => `${wrapText(`<${r.address}>: ${postfixSaid(r.diagnosis)}`, 76, '    ')}\r\n`)
      .join('\r\n');
  const status =
    envelopeIdField(msg) +
    `Reporting-MTA: dns; ${host}\r\n` +
    `X-Postfix-Queue-ID: ${queueId}\r\n` +
    `X-Postfix-Sender: rfc822; ${msg.envelope}\r\n` +
    `Arrival-Date: ${arrival}\r\n\r\n` +
    named
      .map(
        (r, i) =>
          `Final-Recipient: rfc822; ${r.address}\r\n` +
          `Original-Recipient: ${i === 0 ? originalRecipient(msg) : `rfc822;${r.address}`}\r\n` +
          postfixRecipientFields(r.diagnosis, n.action, n.moreFields),
      )
      .join('\r\n');
  const returned =
    input.returned === 'full'
      ? { type: 'message/rfc822', desc: 'Undelivered Message', body: renderOriginal(msg, fake) }
      : {
          type: 'text/rfc822-headers',
          desc: 'Undelivered Message Headers',
          body: originalHeaderBlock(msg, fake),
        };
  const body = multipartBody(
    boundary,
    [
      {
        headers: [
          ['Content-Description', 'Notification'],
          ['Content-Type', 'text/plain; charset=us-ascii'],
        ],
        body: notification,
      },
      {
        headers: [
          ['Content-Description', 'Delivery report'],
          ['Content-Type', 'message/delivery-status'],
        ],
        body: status,
      },
      {
        headers: [
          ['Content-Description', returned.desc],
          ['Content-Type', returned.type],
        ],
        body: returned.body,
      },
    ],
    'This is a MIME-encapsulated message.',
  );
  const stamp = new Date(input.now).toISOString().replace(/\D/g, '').slice(0, 14);
  return renderMessage(
    [
      ['Return-Path', '<>'],
      ['Received', bounceReceived(input, host)],
      ['Date', now],
      ['From', `MAILER-DAEMON@${host} (Mail Delivery System)`],
      ['Subject', n.subject],
      ['To', msg.envelope],
      ['Auto-Submitted', 'auto-replied'],
      ['MIME-Version', '1.0'],
      ['Content-Type', `multipart/report; report-type=delivery-status; boundary="${boundary}"`],
      ['Content-Transfer-Encoding', '8bit'],
      ['Message-Id', `<${stamp}.${queueId}@${host}>`],
    ],
    body,
  );
}

/** Postfix's bounce(8) DSN, as `bounce.cf` defaults write it. */
export const postfixStyle: DsnStyle = {
  name: 'postfix',
  label: 'Postfix',
  namesSeveral: true,
  reportingHost: (domain, fake) =>
    `${fake.rng.pick(['mx', 'mail', 'smtp', 'relay'])}${fake.rng.pick(['', '1', '2'])}.${domain}`,
  build: (input) =>
    postfixReport(input, {
      subject: 'Undelivered Mail Returned to Sender',
      template:
        `I'm sorry to have to inform you that your message could not\r\n` +
        `be delivered to one or more recipients. It's attached below.\r\n\r\n`,
      action: 'failed',
    }),
};
