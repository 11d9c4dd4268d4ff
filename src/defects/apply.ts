import { DEFECT_KINDS, type DefectKind } from './kinds.js';

/**
 * Each defect as a pure edit of a whole message (CRLF line ends, as every
 * bounce the simulator makes or reads): the same message and kind give the
 * same bytes, so a fixture can store the clean message and the kinds and
 * replay the defective bytes. An edit answers undefined where the message
 * has nothing to break (no multipart, no delivery-status part, no
 * MAILER-DAEMON sender...). Messages stay text that UTF-8 carries: the
 * webhook's `mime` field is a string until it can carry raw bytes.
 */
type Edit = (mime: string) => string | undefined;

/** The top-level header block (folded lines included) and where it ends. */
function headerBlock(mime: string): { head: string; end: number } {
  const end = mime.indexOf('\r\n\r\n');
  return end < 0 ? { head: mime, end: mime.length } : { head: mime.slice(0, end), end };
}

/**
 * The first header field whose start (name, colon, maybe the value's start)
 * matches `opening`, its folded lines included: where it starts and ends.
 */
function findField(head: string, opening: string): { start: number; end: number } | undefined {
  const re = new RegExp(`(?:^|\\r\\n)(${opening}[^\\r\\n]*(?:\\r\\n[ \\t][^\\r\\n]*)*)`, 'i');
  const m = re.exec(head);
  if (!m) return undefined;
  const start = m.index + m[0].length - m[1]!.length;
  return { start, end: start + m[1]!.length };
}

/** The boundary a header block's (unfolded) Content-Type declares for its multipart. */
function boundaryOf(head: string): string | undefined {
  const field = findField(head, 'Content-Type:');
  if (!field) return undefined;
  const value = head.slice(field.start, field.end).replace(/\r\n[ \t]+/g, ' ');
  if (!/^Content-Type:\s*multipart\//i.test(value)) return undefined;
  return /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(value)?.slice(1).find(Boolean);
}

/** The boundary of a top-level multipart. */
const topBoundary = (mime: string): string | undefined => boundaryOf(headerBlock(mime).head);

/**
 * Where the header blocks of the message and of its MIME parts lie
 * (multiparts within multiparts too, never inside a returned message): a
 * text that merely looks like a header, such as a copy of the original in a
 * plain-text bounce, is no part.
 */
function partHeads(mime: string): Array<{ start: number; end: number }> {
  const heads = [{ start: 0, end: headerBlock(mime).end }];
  const boundaries = [topBoundary(mime)];
  while (boundaries.length) {
    const b = boundaries.shift();
    if (b === undefined) continue;
    for (let at = mime.indexOf(`--${b}\r\n`); at >= 0; at = mime.indexOf(`\r\n--${b}\r\n`, at + 1)) {
      const start = at + (mime.startsWith('\r\n', at) ? 2 : 0) + b.length + 4;
      const blank = mime.indexOf('\r\n\r\n', start);
      const end = blank < 0 ? mime.length : blank;
      heads.push({ start, end });
      boundaries.push(boundaryOf(mime.slice(start, end)));
    }
  }
  return heads;
}

/**
 * The message stops half-way into its last part, at a line end, and the
 * closing boundary never comes: a relay's size limit cut it.
 */
const truncatedMultipart: Edit = (mime) => {
  const boundary = topBoundary(mime);
  if (!boundary) return undefined;
  const close = mime.lastIndexOf(`\r\n--${boundary}--`);
  const open = close < 0 ? -1 : mime.lastIndexOf(`\r\n--${boundary}\r\n`, close - 1);
  if (open < 0) return undefined;
  const partStart = open + boundary.length + 6;
  const blank = mime.indexOf('\r\n\r\n', partStart);
  const bodyStart = blank < 0 || blank > close ? close : blank + 4;
  const cut = mime.lastIndexOf('\r\n', bodyStart + Math.floor((close - bodyStart) / 2));
  return cut >= bodyStart ? mime.slice(0, cut + 2) : mime.slice(0, bodyStart);
};

/** From keeps MAILER-DAEMON or postmaster and loses the domain, as Sendmail and Barracuda write it. */
const anonymousSender: Edit = (mime) => {
  const { head } = headerBlock(mime);
  const from = findField(head, 'From:');
  if (!from) return undefined;
  const value = head.slice(from.start, from.end);
  const anonymous = value.replace(/\b(mailer-daemon|postmaster)@[^\s>()]+/i, '$1');
  return anonymous === value ? undefined : mime.slice(0, from.start) + anonymous + mime.slice(from.end);
};

/** Each Final-Recipient of the message/delivery-status part, rewritten. */
function editFinalRecipients(
  mime: string,
  rewrite: (type: string, address: string) => string,
): string | undefined {
  const at = mime.search(/\r\nContent-Type:[ \t]*message\/(?:global-)?delivery-status/i);
  if (at < 0) return undefined;
  const fields = /\r\nFinal-Recipient:[ \t]*([^;\r\n]*);[ \t]*([^\r\n]*@[^\r\n]*)/gi;
  fields.lastIndex = at;
  const boundary = topBoundary(mime);
  const end = boundary ? mime.indexOf(`\r\n--${boundary}`, at) : -1;
  let out = '';
  let last = 0;
  for (let m = fields.exec(mime); m && (end < 0 || m.index < end); m = fields.exec(mime)) {
    out += `${mime.slice(last, m.index)}\r\nFinal-Recipient: ${rewrite(m[1]!.trim(), m[2]!.trim())}`;
    last = m.index + m[0].length;
  }
  return last === 0 ? undefined : out + mime.slice(last);
}

/** `Final-Recipient: <user@example.com>`: no address-type, as McAfee's gateway writes it. */
const finalRecipientNoType: Edit = (mime) => editFinalRecipients(mime, (_type, address) => `<${address}>`);

/** `Final-Recipient: RFC822; @example.com`: only the domain left, as in Sendmail's host-unknown DSN. */
const finalRecipientNoLocalPart: Edit = (mime) =>
  editFinalRecipients(mime, (type, address) => `${type}; ${address.slice(address.lastIndexOf('@'))}`);

/**
 * Localised notices that gateways put in Subject as raw UTF-8 (KDDI's,
 * mail.ru's, Yandex's; see kinds.ts), one picked by the message's length so
 * the edit stays a function of the message.
 */
const RAW_NOTICES = ['メールエラー通知', 'Ваше сообщение не доставлено.', 'Недоставленное сообщение'];

/** Subject starts with a localised notice in raw UTF-8, before the subject the MTA wrote. */
const eightBitHeader: Edit = (mime) => {
  const { head } = headerBlock(mime);
  const subject = findField(head, 'Subject:');
  if (!subject) return undefined;
  const notice = RAW_NOTICES[mime.length % RAW_NOTICES.length]!;
  const value = head.slice(subject.start + 'Subject:'.length, subject.end).replace(/^[ \t]*/, '');
  return `${mime.slice(0, subject.start)}Subject: ${notice} ${value}${mime.slice(subject.end)}`;
};

/** The first text/plain part's charset becomes `UFT-8` (added where the part names none). */
const charsetUnknownLabel: Edit = (mime) => {
  let found: { start: number; end: number } | undefined;
  for (const head of partHeads(mime)) {
    const field = findField(mime.slice(head.start, head.end), 'Content-Type:[ \\t]*text/plain\\b');
    if (field) {
      found = { start: head.start + field.start, end: head.start + field.end };
      break;
    }
  }
  if (!found) return undefined;
  const field = found;
  const value = mime.slice(field.start, field.end);
  const labelled = /charset=/i.test(value)
    ? value.replace(/charset=(?:"[^"]*"|[^;\s]+)/i, 'charset=UFT-8')
    : `${value}; charset=UFT-8`;
  return mime.slice(0, field.start) + labelled + mime.slice(field.end);
};

const bareLf: Edit = (mime) => (mime.includes('\r\n') ? mime.replaceAll('\r\n', '\n') : undefined);

const EDITS: Record<DefectKind, Edit> = {
  'truncated-multipart': truncatedMultipart,
  'anonymous-sender': anonymousSender,
  'final-recipient-no-type': finalRecipientNoType,
  'final-recipient-no-local-part': finalRecipientNoLocalPart,
  '8bit-header': eightBitHeader,
  'charset-unknown-label': charsetUnknownLabel,
  'bare-lf': bareLf,
};

/** The kinds this message has something for. */
export function applicableDefects(mime: string): DefectKind[] {
  return DEFECT_KINDS.filter((kind) => EDITS[kind](mime) !== undefined);
}

export type DefectOutcome = { ok: true; mime: string } | { ok: false; kind: DefectKind };

/**
 * The message with every kind applied, in catalogue order (bare LF last:
 * the other edits read CRLF); the first kind the message has nothing for
 * when one does not apply.
 */
export function applyDefects(mime: string, kinds: readonly DefectKind[]): DefectOutcome {
  let out = mime;
  for (const kind of DEFECT_KINDS) {
    if (!kinds.includes(kind)) continue;
    const edited = EDITS[kind](out);
    if (edited === undefined) return { ok: false, kind };
    out = edited;
  }
  return { ok: true, mime: out };
}
