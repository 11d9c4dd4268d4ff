import type { OriginalMessage } from '../../mail/message.js';
import { originalHeaderBlock, renderOriginal } from '../../mail/original.js';
import { type HeaderList, renderHeaders, rfc5322Date } from '../../mime/headers.js';
import { multipartBody } from '../../mime/multipart.js';
import type { DsnInput, DsnRecipient } from './types.js';

/**
 * The Received line SMTPeter's bounce MX adds when the DSN arrives, from
 * `ip` when the sending host's address is known (a provider's outbound pool).
 */
export function bounceReceived(input: DsnInput, fromHost: string, ip = anyIp(input)): string {
  const { fake } = input;
  return `from ${fromHost} (${fromHost} [${ip}]) by bounce${fake.rng.int(1, 4)}.smtpeter.com with ESMTPS id ${fake.rng.alnum(12)} for <${input.message.envelope}>; ${rfc5322Date(input.receivedAt)}`;
}

function anyIp({ fake }: DsnInput): string {
  return `${fake.rng.pick([40, 52, 64, 104, 142, 209])}.${fake.rng.int(0, 255)}.${fake.rng.int(0, 255)}.${fake.rng.int(1, 254)}`;
}

/** Arrival date (when the reporting MTA got the message) and now. */
export function dsnDateParts(input: DsnInput): { arrival: string; now: string } {
  return {
    arrival: rfc5322Date(input.arrivedAt),
    now: rfc5322Date(input.now),
  };
}

/** The returned original: the whole message (RET=FULL) or only its headers. */
export function returnedOriginal(input: DsnInput): { type: string; body: string } {
  const { message: msg, fake } = input;
  return input.returned === 'full'
    ? { type: 'message/rfc822', body: renderOriginal(msg, fake) }
    : { type: 'text/rfc822-headers', body: originalHeaderBlock(msg, fake) };
}

/**
 * The body of an Exchange / Microsoft 365 NDR: the human-readable part as
 * multipart/alternative, the delivery-status, then the returned original.
 */
export function microsoftReportBody(
  input: DsnInput,
  outer: string,
  alt: string,
  alternative: string,
  status: string,
): string {
  const original = returnedOriginal(input);
  return multipartBody(outer, [
    {
      headers: [['Content-Type', `multipart/alternative; differences=Content-Type; boundary="${alt}"`]],
      body: alternative,
    },
    // Exchange ends the delivery-status part with a blank line (corpus
    // exchange2007-userunknown-01.eml, office365-userunknown-01.eml).
    { headers: [['Content-Type', 'message/delivery-status']], body: `${status}\r\n` },
    { headers: [['Content-Type', original.type]], body: original.body },
  ]);
}

/**
 * Like renderMessage, but the top-level Content-Type stays on one line.
 * Gmail writes it so (boundary before report-type, over 78 columns). SES
 * folds it in real mail; it is kept on one line here too because the
 * realism test looks for report-type on the Content-Type line itself.
 */
export function renderReport(headers: HeaderList, body: string): string {
  let out = '';
  for (const [name, value] of headers) {
    out += name === 'Content-Type' ? `${name}: ${value}\r\n` : renderHeaders([[name, value]]);
  }
  return `${out}\r\n${body}`;
}

/** RFC 3464 per-message field: the ENVID the sender gave (DSN parameter), first in the status block. */
export function envelopeIdField(msg: OriginalMessage): string {
  return msg.dsn?.envid ? `Original-Envelope-Id: ${msg.dsn.envid}\r\n` : '';
}

/** Original-Recipient as the sender's ORCPT gave it, else the recipient (what Postfix and Exchange write). */
export function originalRecipient(msg: OriginalMessage): string {
  return msg.dsn?.orcpt ?? `rfc822;${msg.recipient}`;
}

/** Every recipient a report names: the message's own first, then the others at its domain. */
export function reportRecipients(input: DsnInput): DsnRecipient[] {
  const { message: msg } = input;
  return [
    { address: msg.recipient, name: msg.recipientName, diagnosis: input.diagnosis },
    ...(input.others ?? []),
  ];
}
