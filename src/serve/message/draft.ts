import addressparser from 'nodemailer/lib/addressparser';
import type { SendOptions } from '../types.js';
import { type ComposeFields, composeMessage } from './compose.js';
import { MimeProblem } from './entity.js';
import { nameIn, type Prepared } from './outgoing.js';

/**
 * A message kept as the fields it is composed from (URL attachments already
 * fetched into `data`), with everything nodemailer would otherwise draw at
 * random fixed: composed on demand, it gives the same bytes every time and
 * after a restart (the fields are what the store keeps).
 */
export interface Draft {
  fields: ComposeFields;
  /** `<...@host>` */
  messageId: string;
  /** The Date header, ms since the epoch. */
  date: number;
  /** nodemailer's base boundary for multipart messages. */
  boundary: string;
}

/** The message a draft describes, as nodemailer's composer writes it. */
export function composeDraft(d: Draft): Promise<string> {
  return composeMessage(d.fields, d.messageId, new Date(d.date), d.boundary);
}

/** A stored message's MIME: kept as it went out, or composed again from its draft (the same bytes). */
export function mimeOf(m: { mime?: string; draft?: Draft }): Promise<string> {
  if (m.mime !== undefined) return Promise.resolve(m.mime);
  if (!m.draft) throw new Error('a stored message has neither MIME nor a draft');
  return composeDraft(m.draft);
}

/**
 * What reading the composed message would give, read from the fields instead
 * (From, Subject, Message-ID), or undefined when the message must be composed
 * at once: `x-smtpeter-*` headers among the extra ones (they set options and
 * are removed from the MIME), or HTML that tracking or CSS inlining rewrites.
 * A From without an address is refused here, as reading the MIME would.
 */
export function draftFacts(d: Draft, options: SendOptions): Omit<Prepared, 'mime'> | undefined {
  if (Object.keys(d.fields.extra ?? {}).some((n) => n.toLowerCase().startsWith('x-smtpeter-')))
    return undefined;
  const rewrites = options.inlinecss || options.trackclicks || options.trackopens;
  if (d.fields.html !== undefined && rewrites) return undefined;
  const sender = senderOf(d.fields);
  if (!sender?.address?.includes('@')) throw new MimeProblem(`From: '${d.fields.from}' holds no address`);
  return {
    options,
    fromName: sender.name,
    fromAddress: sender.address,
    subject: d.fields.subject ?? '',
    messageId: d.messageId,
  };
}

/** The From address of the fields ('' when it holds none): the envelope sender a send defaults to. */
export function draftSender(f: ComposeFields): string {
  return senderOf(f)?.address ?? '';
}

/** The From of a send's fields, parsed once: the send reads it for the envelope, the intake for the facts. */
const senders = new WeakMap<ComposeFields, { name: string; address: string } | undefined>();
function senderOf(f: ComposeFields): { name: string; address: string } | undefined {
  if (!senders.has(f)) senders.set(f, addressparser(f.from, { flatten: true })[0]);
  return senders.get(f);
}

/** The display name the draft's To gives a recipient, or ''. */
export function draftRecipientName(d: Draft, recipient: string): string {
  return d.fields.to ? nameIn(d.fields.to, recipient) : '';
}
