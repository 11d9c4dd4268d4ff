import { base64Body, quotedPrintable } from '../mime/body.js';
import { encodeWords, type HeaderList, mailbox, renderHeaders, rfc5322Date } from '../mime/headers.js';
import { multipartBody } from '../mime/multipart.js';
import type { Fake } from '../random/fake.js';
import { dkimSignatureValue, randomBase64 } from '../random/rng.js';
import { type OriginalMessage, RENDER_CACHE } from './message.js';

/** The original's headers, drawn once per message, and their rendered block once asked for. */
class SentHeaders {
  block: string | undefined;
  constructor(
    readonly headers: HeaderList,
    readonly boundary: string,
  ) {}
}

/**
 * One header set per message: an NDR that quotes the original's headers in
 * its text and returns them as a part shows the same Received line and
 * DKIM signature twice, as a real one does (and they are drawn and folded
 * once). Kept in the message's render-cache slot: a WeakMap made every
 * young-generation GC trace its entries, five times slower.
 */
type WithHeaders = OriginalMessage & { [RENDER_CACHE]?: unknown };

/** The same, rendered: folded, CRLF after each field (no blank line). */
export function originalHeaderBlock(msg: OriginalMessage, fake: Fake): string {
  if (msg.raw !== undefined) return rawHeaderBlock(msg.raw);
  const sent = sentHeaders(msg, fake);
  sent.block ??= renderHeaders(sent.headers);
  return sent.block;
}

function sentHeaders(msg: WithHeaders, fake: Fake): SentHeaders {
  const cached = msg[RENDER_CACHE];
  if (cached instanceof SentHeaders) return cached;
  const sent = drawHeaders(msg, fake);
  // A caller's own (frozen) message is drawn afresh each time.
  if (Object.isExtensible(msg)) msg[RENDER_CACHE] = sent;
  return sent;
}

function drawHeaders(msg: OriginalMessage, fake: Fake): SentHeaders {
  const { rng } = fake;
  const boundary = `----=_smtpeter_${rng.hex(24)}`;
  const { mta } = msg;
  const headers: HeaderList = [
    [
      'Received',
      `from ${mta.host} (${mta.host} [${mta.ip}]) by ${msg.recipientDomain} with ESMTPS id ${rng.alnum(12)}; ${rfc5322Date(msg.sentAt + 1000)}`,
    ],
    [
      'DKIM-Signature',
      `v=1; a=rsa-sha256; c=relaxed/relaxed; d=${msg.senderDomain}; s=smtpeter; t=${Math.floor(msg.sentAt / 1000)}; h=from:to:subject:date:message-id:mime-version:content-type; bh=${randomBase64(rng, 32)}; b=${dkimSignatureValue(rng)}`,
    ],
    ['Return-Path', `<${msg.envelope}>`],
    ['From', mailbox(msg.fromName, msg.fromAddress)],
    ['To', mailbox(msg.recipientName, msg.recipient)],
    // A mail client encodes a non-ASCII subject (RFC 2047); an IDN brand makes one.
    ['Subject', encodeWords(msg.subject)],
    ['Date', rfc5322Date(msg.sentAt)],
    ['Message-ID', msg.messageId],
    ['MIME-Version', '1.0'],
    ['List-Unsubscribe', `<https://${msg.senderDomain}/unsubscribe/${msg.id}>`],
    ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'],
    [
      'Content-Type',
      msg.attachmentBytes > 0
        ? `multipart/mixed; boundary="${boundary}"`
        : `multipart/alternative; boundary="${boundary}"`,
    ],
    ['X-Mailer', 'SMTPeter'],
  ];
  return new SentHeaders(headers, boundary);
}

const TEXT_PART = [
  ['Content-Type', 'text/plain; charset=UTF-8'],
  ['Content-Transfer-Encoding', 'quoted-printable'],
] as const;
const HTML_PART = [
  ['Content-Type', 'text/html; charset=UTF-8'],
  ['Content-Transfer-Encoding', 'quoted-printable'],
] as const;

/**
 * The text body as the HTML alternative: one <p> per paragraph, line breaks
 * as <br>. `&` and `<` are escaped in the whole text at once and only when
 * present, and a paragraph's line breaks only when it has any: three
 * replaces per paragraph were ~1.3 µs of a DSN.
 */
function htmlOf(text: string): string {
  let body = text.trim();
  if (body.includes('&')) body = body.replaceAll('&', '&amp;');
  if (body.includes('<')) body = body.replaceAll('<', '&lt;');
  const paragraphs = body.split('\n\n');
  for (let i = 0; i < paragraphs.length; i++) {
    const p = paragraphs[i]!;
    if (p.includes('\n')) paragraphs[i] = p.replaceAll('\n', '<br>');
  }
  return `<!DOCTYPE html><html><body><p>${paragraphs.join('</p>\n<p>')}</p></body></html>`;
}

/** The complete original message (headers and body), CRLF. */
export function renderOriginal(msg: OriginalMessage, fake: Fake): string {
  if (msg.raw !== undefined) return msg.raw;
  const { boundary } = sentHeaders(msg, fake);
  const block = originalHeaderBlock(msg, fake);
  // quotedPrintable writes CRLF for any line end.
  const alternative = [
    { headers: TEXT_PART, body: quotedPrintable(msg.text) },
    { headers: HTML_PART, body: quotedPrintable(htmlOf(msg.text)) },
  ];
  if (msg.attachmentBytes <= 0) return `${block}\r\n${multipartBody(boundary, alternative)}`;
  const inner = `alt_${fake.rng.hex(20)}`;
  const attachment = attachmentBytes(msg.attachmentBytes, fake.rng.hex(8));
  const body = multipartBody(boundary, [
    {
      headers: [['Content-Type', `multipart/alternative; boundary="${inner}"`]],
      body: multipartBody(inner, alternative),
    },
    {
      headers: [
        ['Content-Type', 'application/pdf; name="brochure.pdf"'],
        ['Content-Disposition', 'attachment; filename="brochure.pdf"'],
        ['Content-Transfer-Encoding', 'base64'],
      ],
      body: base64Body(attachment),
    },
  ]);
  return `${block}\r\n${body}`;
}

/**
 * A real-size PDF-shaped attachment. Content is a repeated pattern keyed by
 * the seed: cheap to make, incompressible enough to be honest on the wire.
 */
function attachmentBytes(size: number, key: string): Buffer {
  const buf = Buffer.alloc(size);
  const head = Buffer.from(
    `%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog /Key (${key})>> endobj\n`,
    'latin1',
  );
  head.copy(buf, 0, 0, Math.min(head.length, size));
  let x = Number.parseInt(key, 16) >>> 0 || 1;
  for (let i = head.length; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf[i] = x & 0xff;
  }
  return buf;
}

/** The header block of a message as sent: up to and with the CRLF of its last field. */
function rawHeaderBlock(raw: string): string {
  const end = raw.indexOf('\r\n\r\n');
  return end < 0 ? (raw.endsWith('\r\n') ? raw : `${raw}\r\n`) : raw.slice(0, end + 2);
}
