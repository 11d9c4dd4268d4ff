import { mailboxServer, serverIpv6 } from '../../mail/microsoft.js';
import { encodeWords, mailbox, rfc5322Date } from '../../mime/headers.js';
import { multipartBody, renderMessage } from '../../mime/multipart.js';
import { encodeBody, htmlFor, type TransferEncoding } from './body.js';
import type { AutoReplyInput, AutoReplyStyle } from './types.js';

/** Exchange / Outlook out-of-office (OOF) reply. */
export const exchangeOof: AutoReplyStyle = {
  name: 'exchange',
  label: 'Microsoft Exchange / Outlook out-of-office',
  nullSender: true,
  // Exchange puts its own localised prefix in front; a subject of the
  // person's own does not exist in OOF settings.
  subject: ({ message, text }) => `${text.subjectPrefix} ${message.subject}`,
  build(input: AutoReplyInput): string {
    const { fake, message: msg, text } = input;
    const host = mailboxServer(fake.rng);
    // Plain OOF text (older Outlook, OWA "plain" replies) or the HTML
    // editor's multipart/alternative; Exchange picks QP or base64 per part.
    const cte = (): TransferEncoding => fake.rng.pick(['quoted-printable', 'base64'] as const);
    let contentType = 'text/plain; charset="utf-8"';
    let body: string;
    let topCte: TransferEncoding | undefined = 'quoted-printable';
    if (fake.rng.chance(0.5)) {
      body = `${encodeBody(text.body, 'quoted-printable')}\r\n`;
    } else {
      const boundary = `_000_${fake.rng.hex(32).toUpperCase()}${host.split('.')[0]}_`;
      const [plain, html] = [cte(), cte()];
      contentType = `multipart/alternative; boundary="${boundary}"`;
      topCte = undefined;
      body = multipartBody(boundary, [
        {
          headers: [
            ['Content-Type', 'text/plain; charset="utf-8"'],
            ['Content-Transfer-Encoding', plain],
          ],
          body: `${encodeBody(text.body, plain)}\r\n`,
        },
        {
          headers: [
            ['Content-Type', 'text/html; charset="utf-8"'],
            ['Content-Transfer-Encoding', html],
          ],
          body: `${encodeBody(htmlFor(text.body, 'outlook'), html)}\r\n`,
        },
      ]);
    }
    return renderMessage(
      [
        ['Return-Path', '<>'],
        [
          'Received',
          `from ${host} (${serverIpv6(host, fake.rng)}) by bounce${fake.rng.int(1, 4)}.smtpeter.com with ESMTPS id ${fake.rng.alnum(12)} for <${msg.envelope}>; ${rfc5322Date(input.receivedAt)}`,
        ],
        ['From', mailbox(msg.recipientName, msg.recipient)],
        ['To', mailbox(msg.fromName, msg.envelope)],
        ['Subject', encodeWords(exchangeOof.subject(input), 'B')],
        ['Thread-Topic', encodeWords(msg.subject, 'B')],
        ['Date', rfc5322Date(input.now)],
        ['Message-ID', `<${fake.rng.hex(32)}@${host}>`],
        ['In-Reply-To', msg.messageId],
        ['References', msg.messageId],
        // Exchange Online marks OOF replies; Sisimai needs this for subjects
        // that do not start with an English "Auto..." word (French here).
        ['Auto-Submitted', 'auto-generated'],
        ['X-Auto-Response-Suppress', 'All'],
        ['X-MS-Exchange-Inbox-Rules-Loop', msg.recipient],
        ['X-MS-TNEF-Correlator', ''],
        ['Content-Language', text.language],
        ['X-MS-Has-Attach', ''],
        ['Content-Type', contentType],
        ...(topCte ? ([['Content-Transfer-Encoding', topCte]] as const) : []),
        ['MIME-Version', '1.0'],
      ],
      body,
    );
  },
};
