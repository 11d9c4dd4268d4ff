import { crlf, quotedPrintable } from '../../mime/body.js';
import { encodeWords, mailbox, rfc5322Date } from '../../mime/headers.js';
import { renderMessage } from '../../mime/multipart.js';
import type { AutoReplyInput, AutoReplyStyle } from './types.js';

/** Exchange / Outlook out-of-office (OOF) reply. */
export const exchangeOof: AutoReplyStyle = {
  name: 'exchange',
  label: 'Microsoft Exchange / Outlook out-of-office',
  nullSender: true,
  build(input: AutoReplyInput): string {
    const { fake, message: msg, text } = input;
    const host = `${fake.rng.pick(['AM', 'DB', 'VI', 'PA'])}${fake.rng.int(1, 9)}PR${fake.rng.int(10, 99)}MB${fake.rng.int(1000, 9999)}.${fake.rng.pick(['eurprd04', 'eurprd08', 'namprd11'])}.prod.outlook.com`;
    return renderMessage(
      [
        ['Return-Path', '<>'],
        [
          'Received',
          `from ${host} (2603:10a6:20b::${fake.rng.hex(4)}) by bounce${fake.rng.int(1, 4)}.smtpeter.com with ESMTPS id ${fake.rng.alnum(12)} for <${msg.envelope}>; ${rfc5322Date(input.now + 1500)}`,
        ],
        ['From', mailbox(msg.recipientName, msg.recipient)],
        ['To', mailbox(msg.fromName, msg.envelope)],
        ['Subject', encodeWords(`${text.subjectPrefix} ${msg.subject}`)],
        ['Thread-Topic', encodeWords(msg.subject)],
        ['Date', rfc5322Date(input.now)],
        ['Message-ID', `<${fake.rng.hex(32)}@${host}>`],
        ['In-Reply-To', msg.messageId],
        ['References', msg.messageId],
        ['Auto-Submitted', 'auto-generated'],
        ['X-Auto-Response-Suppress', 'All'],
        ['X-MS-Exchange-Inbox-Rules-Loop', msg.recipient],
        ['X-MS-TNEF-Correlator', ''],
        ['Content-Language', text.language],
        ['X-MS-Has-Attach', ''],
        ['Content-Type', 'text/plain; charset="utf-8"'],
        ['Content-Transfer-Encoding', 'quoted-printable'],
        ['MIME-Version', '1.0'],
      ],
      `${quotedPrintable(crlf(text.body))}\r\n`,
    );
  },
};
