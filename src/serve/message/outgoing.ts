import addressparser from 'nodemailer/lib/addressparser';
import { encode as base64Encode, wrap as base64Wrap } from 'nodemailer/lib/base64';
import { encode as qpEncode, wrap as qpWrap } from 'nodemailer/lib/qp';
import { toCrlf } from '../../captured/infer.js';
import type { SentFacts } from '../../mail/message.js';
import { isValidTag } from '../../mail/message.js';
import { rfc5322Date } from '../../mime/headers.js';
import { decodeCharset, decodeQuotedPrintable, decodeWords } from '../../receive/ui/mime-tree.js';
import { hostImages } from '../tracking/hosted-images.js';
import { type TrackingOptions, trackHtml } from '../tracking/links.js';
import type { SendOptions } from '../types.js';
import { contentIdOf, embeddedIds } from './attachments.js';
import {
  dropLeaves,
  type Entity,
  field,
  type Leaf,
  MimeProblem,
  mapLeaves,
  parseEntity,
  renderEntity,
  takeFields,
} from './entity.js';

/** A submitted message, read once: options from its headers applied, headers SMTPeter adds added. */
export interface Prepared {
  /** `x-smtpeter-*` removed, Message-ID and Date present, CRLF. */
  mime: string;
  options: SendOptions;
  fromName: string;
  fromAddress: string;
  subject: string;
  messageId: string;
}

const BOOLEAN_HEADERS = ['inlinecss', 'trackclicks', 'trackopens', 'trackbounces', 'preventscam'] as const;

/** `x-smtpeter-*` header values over the options they set; a value that says nothing clear is refused. */
function applyHeaders(options: SendOptions, taken: { name: string; value: string }[]): SendOptions {
  const out = { ...options };
  for (const { name, value } of taken) {
    const key = name.toLowerCase().slice('x-smtpeter-'.length);
    const v = value.trim().toLowerCase();
    if ((BOOLEAN_HEADERS as readonly string[]).includes(key)) {
      if (v !== 'true' && v !== 'false' && v !== '1' && v !== '0')
        throw new MimeProblem(`${name}: expected true or false, got '${value}'`);
      out[key as (typeof BOOLEAN_HEADERS)[number]] = v === 'true' || v === '1';
    } else if (key === 'tags') {
      const tags = value
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      for (const t of tags)
        if (!isValidTag(t)) throw new MimeProblem(`${name}: tag '${t}' contains white space or a semicolon`);
      out.tags = tags;
    } else if (key === 'images') {
      if (v !== 'hosted' && v !== 'default')
        throw new MimeProblem(`${name}: expected hosted or default, got '${value}'`);
      out.images = v;
    }
    // Other x-smtpeter-* names: removed like the rest, as SMTPeter strips its whole namespace.
  }
  return out;
}

function addField(e: Entity, name: string, value: string): void {
  e.fields.push({ name, value, raw: `${name}: ${value}\r\n` });
}

/**
 * Read a submitted message: its structure is checked (a broken multipart is
 * refused, not half-delivered), From is required, `x-smtpeter-*` headers set
 * options and are removed, Message-ID and Date are added when missing as an
 * MTA adds them.
 */
export async function prepareMessage(
  raw: string,
  options: SendOptions,
  idHost: string,
  makeId: () => string,
  now: number,
): Promise<Prepared> {
  const mime = toCrlf(raw);
  const top = parseEntity(mime);
  if (!top.fields.length)
    throw new MimeProblem('message: no header fields (a message starts with its headers)');
  const taken = takeFields(top, (n) => n.startsWith('x-smtpeter-'));
  const opts = applyHeaders(options, taken);
  const from = field(top, 'From');
  if (!from) throw new MimeProblem('message: no From header');
  const [sender] = addressparser(decodeWords(from), { flatten: true });
  if (!sender?.address?.includes('@')) throw new MimeProblem(`From: '${from}' holds no address`);
  if (!field(top, 'Message-ID')) addField(top, 'Message-ID', `<${makeId()}@${idHost}>`);
  if (!field(top, 'Date')) addField(top, 'Date', rfc5322Date(now));
  const out = renderEntity(top);
  // Walk it once: a structure problem anywhere is found now, before anything is stored.
  await mapLeaves(out, () => undefined);
  return {
    mime: out,
    options: opts,
    fromName: sender.name,
    fromAddress: sender.address,
    subject: decodeWords(field(top, 'Subject') ?? ''),
    messageId: field(top, 'Message-ID')!,
  };
}

/** What a bounce about one recipient's copy quotes. */
export function sentFacts(
  p: Omit<Prepared, 'mime'>,
  id: string,
  mime: string,
  envelope: string,
  sentAt: number,
  recipientName: string,
): SentFacts {
  return {
    id,
    fromName: p.fromName,
    fromAddress: p.fromAddress,
    recipientName,
    subject: p.subject,
    messageId: p.messageId,
    sentAt,
    envelope,
    raw: mime,
    ...(p.options.dsn ? { dsn: p.options.dsn } : {}),
  };
}

const TEXT_CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii', 'iso-8859-1', 'latin1', 'windows-1252']);

/** An HTML leaf's text, or undefined when its charset cannot be written back the same way. */
function htmlText(leaf: Leaf): { text: string; utf8: boolean } | undefined {
  const charset = (leaf.params['charset'] ?? 'us-ascii').toLowerCase();
  if (!TEXT_CHARSETS.has(charset)) return undefined;
  const utf8 = charset.startsWith('utf');
  const bytes =
    leaf.encoding === 'base64'
      ? Buffer.from(leaf.body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64')
      : leaf.encoding === 'quoted-printable'
        ? decodeQuotedPrintable(leaf.body)
        : Buffer.from(leaf.body, 'utf8');
  return { text: decodeCharset(bytes, utf8 ? 'utf-8' : 'windows-1252'), utf8 };
}

function encodeBody(text: string, encoding: string, utf8: boolean): string {
  const bytes = Buffer.from(text, utf8 ? 'utf8' : 'latin1');
  if (encoding === 'base64') return base64Wrap(base64Encode(bytes), 76);
  if (encoding === 'quoted-printable') return qpWrap(qpEncode(bytes), 76);
  return text;
}

/** What happens to the HTML parts of one recipient's copy. */
export interface HtmlPass {
  /** Move `<style>` rules into `style` attributes (SMTPeter's `inlinecss`), with juice. */
  inlinecss: boolean;
  /** Click and open tracking; absent: none. */
  tracking?: TrackingOptions;
  /** `images: hosted`: embedded images referenced by `cid:` move to this URL and out of the message. */
  hostedImageUrl?: (cid: string) => string;
}

/**
 * One recipient's copy with its HTML parts finished: CSS inlined when asked,
 * then links rewritten and the pixel added, each part re-encoded in its own
 * transfer encoding. Gives the tracked links in order (link n redirects to
 * links[n]). Nothing to do: the message as it is.
 */
export async function finishHtml(
  mime: string,
  pass: HtmlPass,
): Promise<{ mime: string; links: string[]; pixel: boolean }> {
  const links: string[] = [];
  const { tracking, hostedImageUrl } = pass;
  if (!pass.inlinecss && !tracking && !hostedImageUrl) return { mime, links, pixel: false };
  // An open is counted by the pixel, which only an HTML part can carry: a text-only message is never opened.
  let pixel = false;
  // juice brings cheerio and postcss: loaded only when a message asks for inlining.
  const juice = pass.inlinecss ? (await import('juice')).default : undefined;
  const embedded = hostedImageUrl ? await embeddedIds(mime) : new Set<string>();
  const hosted = new Set<string>();
  const out = await mapLeaves(mime, async (leaf) => {
    if (leaf.type !== 'text/html') return undefined;
    const decoded = htmlText(leaf);
    if (!decoded) return undefined;
    let html = juice ? juice(decoded.text, { preserveMediaQueries: true }) : decoded.text;
    if (hostedImageUrl && embedded.size) {
      const moved = await hostImages(html, embedded, hostedImageUrl);
      for (const cid of moved.hosted) hosted.add(cid);
      html = moved.html;
    }
    if (tracking) {
      pixel ||= tracking.opens;
      const base = links.length;
      const tracked = await trackHtml(html, {
        ...tracking,
        clickUrl: (n, original) => tracking.clickUrl(base + n, original),
      });
      links.push(...tracked.links);
      html = tracked.html;
    }
    return encodeBody(html, leaf.encoding, decoded.utf8);
  });
  // The images now hosted leave the message; embedded parts the HTML did not name stay.
  const cut = hosted.size ? dropLeaves(out, (leaf) => hosted.has(contentIdOf(leaf) ?? '')) : out;
  return { mime: cut, links, pixel };
}

/** The display name a To field gives a recipient, or ''. */
export function recipientName(mime: string, recipient: string): string {
  const to = field(parseEntity(mime), 'To');
  return to ? nameIn(decodeWords(to), recipient) : '';
}

/** The display name an address list (decoded) gives a recipient, or ''. */
export function nameIn(list: string, recipient: string): string {
  const found = addressparser(list, { flatten: true }).find(
    (a) => a.address.toLowerCase() === recipient.toLowerCase(),
  );
  return found?.name ?? '';
}
