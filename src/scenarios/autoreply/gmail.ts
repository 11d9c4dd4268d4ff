import { PROVIDERS, providerDomain } from '../../mail/providers.js';
import { encodeWords, mailbox, rfc5322Date } from '../../mime/headers.js';
import { multipartBody, renderMessage } from '../../mime/multipart.js';
import { dkimSignatureValue, randomBase64 } from '../../random/rng.js';
import { encodeBody, htmlFor, type TransferEncoding } from './body.js';
import { arrivalReceived } from './common.js';
import type { AutoReplyInput, AutoReplyStyle } from './types.js';

/** Gmail's vacation responder (also Google Workspace mailboxes). */
export const gmailVacation: AutoReplyStyle = {
  name: 'gmail',
  label: 'Gmail vacation responder',
  nullSender: false,
  recipientDomain: (fake) => providerDomain(PROVIDERS['gmail']!, fake),
  // A blank subject field makes the reply look like an answer to the mail.
  subject: ({ message, text }) => text.ownSubject ?? `Re: ${message.subject}`,
  build(input: AutoReplyInput): string {
    const { fake, message: msg, text } = input;
    const { rng } = fake;
    // Gmail picks QP for mostly-ASCII text, base64 when it saves bytes.
    const cte: TransferEncoding = text.lang === 'en' || rng.chance(0.4) ? 'quoted-printable' : 'base64';
    const boundary = `000000000000${rng.hex(16)}`;
    const body = multipartBody(boundary, [
      {
        headers: [
          ['Content-Type', 'text/plain; charset="UTF-8"'],
          ['Content-Transfer-Encoding', cte],
        ],
        body: `${encodeBody(text.body, cte)}\r\n`,
      },
      {
        headers: [
          ['Content-Type', 'text/html; charset="UTF-8"'],
          ['Content-Transfer-Encoding', cte],
        ],
        body: `${encodeBody(htmlFor(text.body, 'gmail'), cte)}\r\n`,
      },
    ]);
    const host = `mail-${rng.pick(['wm1', 'ej1', 'lf1', 'qt1', 'yw1'])}-f${rng.int(41, 199)}.google.com`;
    return renderMessage(
      [
        ['Return-Path', `<${msg.recipient}>`],
        ['Received', arrivalReceived(input, host, `209.85.${rng.int(128, 223)}.${rng.int(1, 254)}`)],
        [
          'DKIM-Signature',
          // Gmail folds the h= list before a colon: a space there lets foldHeader break it.
          `v=1; a=rsa-sha256; c=relaxed/relaxed; d=${msg.recipientDomain}; s=20230601; t=${Math.floor(input.now / 1000)}; x=${Math.floor(input.now / 1000) + 604800}; h=auto-submitted:precedence:to:subject:message-id:date:from:mime-version :from:to:cc:subject:date:message-id:reply-to; bh=${randomBase64(rng, 32)}; b=${dkimSignatureValue(rng)}`,
        ],
        ['X-Gm-Message-State', `AOJu0Y${rng.alnum(60)}`],
        ['MIME-Version', '1.0'],
        ['From', mailbox(msg.recipientName, msg.recipient)],
        ['Date', rfc5322Date(input.now)],
        ['Message-ID', `<CA${rng.alnum(44)}@mail.gmail.com>`],
        ['Subject', encodeWords(gmailVacation.subject(input), 'B')],
        ['To', msg.envelope],
        ['Precedence', 'bulk'],
        ['X-Autoreply', 'yes'],
        ['Auto-Submitted', 'auto-replied'],
        ['Content-Type', `multipart/alternative; boundary="${boundary}"`],
      ],
      body,
    );
  },
};
