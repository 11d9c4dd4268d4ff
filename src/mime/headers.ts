/** RFC 5322 header helpers: dates, folding, RFC 2047 encoded words. */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `00`..`99` by table: String() and padStart per field were a quarter of writing a date. */
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const pad2 = (n: number): string => TWO_DIGITS[n] ?? String(n).padStart(2, '0');

const DAY_MS = 86_400_000;
/** The last day's `Thu, 15 Jan 2026 `, and which day it is: a run's dates fall on a few days. */
let dayNumber = Number.NaN;
let dayText = '';
/** The last offset's ` +0100`, and which offset it is. */
let zoneOffset = 0;
let zoneText = ' +0000';

/**
 * `Mon, 23 Nov 2026 11:01:32 +0100` in the given UTC offset (minutes). The
 * date's text is made once per day and the time from the seconds of the day
 * (a Date and six getters per date were 2% of a DSN call).
 */
export function rfc5322Date(ms: number, offsetMinutes = 0): string {
  const t = Math.trunc(ms + offsetMinutes * 60_000); // what Date keeps of a time value
  if (!(Math.abs(t) <= 8.64e15)) return dateFields(t, offsetMinutes); // invalid dates as Date writes them
  const day = Math.floor(t / DAY_MS);
  if (day !== dayNumber) {
    const d = new Date(day * DAY_MS);
    dayText = `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} `;
    dayNumber = day;
  }
  if (offsetMinutes !== zoneOffset) {
    zoneText = ` ${zone(offsetMinutes)}`;
    zoneOffset = offsetMinutes;
  }
  const seconds = Math.floor((t - day * DAY_MS) / 1000);
  const minutes = Math.floor(seconds / 60);
  return `${dayText}${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}:${pad2(seconds % 60)}${zoneText}`;
}

/** `+0100` for 60 minutes east of UTC. */
function zone(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`;
}

/** rfc5322Date field by field from a Date. */
function dateFields(t: number, offsetMinutes: number): string {
  const d = new Date(t);
  return (
    `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} ${zone(offsetMinutes)}`
  );
}

const NON_ASCII = /[^\x00-\x7f]/;

export function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

/** `=?UTF-8?Q?` and `?=`: what a word adds to its encoded text. */
const WORD_FRAME = 12;

/** Q encoding of each byte (RFC 2047 4.2, the characters allowed in a phrase kept as they are). */
const Q_BYTE: readonly string[] = Array.from({ length: 256 }, (_, byte) => {
  if (byte === 0x20) return '_';
  const c = String.fromCharCode(byte);
  return /[A-Za-z0-9!*+\-/]/.test(c) ? c : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
});

/** UTF-8 length of a code point (a lone surrogate is written as U+FFFD: 3 bytes). */
const utf8Length = (cp: number): number => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);

/**
 * RFC 2047 encoded words for a non-ASCII phrase (ASCII passes through).
 * Split on character boundaries so no multi-byte sequence is cut and each
 * word stays within 75 characters. A word's length is kept as characters
 * are added (each byte's Q width, or the base64 length of the bytes), not
 * measured by encoding the word again at every character.
 */
export function encodeWords(text: string, encoding: 'Q' | 'B' = 'Q'): string {
  if (isAscii(text)) return text;
  const words: string[] = [];
  let chunk = '';
  let bytes = 0;
  let qWidth = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const n = utf8Length(cp);
    // Bytes past ASCII are all escaped: three characters each in Q.
    const width = n === 1 ? Q_BYTE[cp]!.length : 3 * n;
    const length =
      encoding === 'B' ? WORD_FRAME + 4 * Math.ceil((bytes + n) / 3) : WORD_FRAME + qWidth + width;
    if (length > 75 && chunk !== '') {
      words.push(encodeOneWord(chunk, encoding));
      chunk = '';
      bytes = 0;
      qWidth = 0;
    }
    chunk += ch;
    bytes += n;
    qWidth += width;
  }
  if (chunk) words.push(encodeOneWord(chunk, encoding));
  return words.join(' ');
}

function encodeOneWord(text: string, encoding: 'Q' | 'B'): string {
  const bytes = Buffer.from(text, 'utf8');
  if (encoding === 'B') return `=?UTF-8?B?${bytes.toString('base64')}?=`;
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += Q_BYTE[bytes[i]!];
  return `=?UTF-8?Q?${out}?=`;
}

/** String.prototype.trim's white space (and line terminators), by UTF-16 code unit. */
function isTrimmed(c: number): boolean {
  return (
    (c >= 9 && c <= 13) ||
    c === 32 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * `Name: value`, folded at white space so lines stay within `width`
 * characters where possible (RFC 5322 2.2.3). Continuation lines start with
 * `indent` (a single space, or a tab as some MTAs write). Tokens end after
 * each space; a line is broken before a token that would overrun it, unless
 * the line holds nothing yet. Works on positions in `value`: a line is only
 * cut out where it is broken.
 */
export function foldHeader(name: string, value: string, width = 78, indent = ' '): string {
  const first = `${name}: `;
  // Most headers fit: then no token can break the line.
  if (first.length + value.length <= width) return trimmedEnd(first, value);
  let out = '';
  let head = first; // what the current line starts with before its part of value
  let from = 0; // where that part starts
  for (let pos = 0; pos < value.length; ) {
    const space = value.indexOf(' ', pos);
    const end = space === -1 ? value.length : space + 1;
    let tokenEnd = end;
    while (tokenEnd > pos && isTrimmed(value.charCodeAt(tokenEnd - 1))) tokenEnd--;
    if (head.length + (pos - from) + (tokenEnd - pos) > width) {
      // The line so far is head + value[from, pos), measured and cut without being made
      // (a charCodeAt on the joined line flattened it, and trimEnd copied it again).
      let end = pos;
      while (end > from && isTrimmed(value.charCodeAt(end - 1))) end--;
      const kept = end > from ? spanLength(head, value, from, end) : trimmedLength(head);
      if (kept > first.length - 1) {
        out += `${end > from ? head + value.slice(from, end) : head.trimEnd()}\r\n`;
        head = indent;
        from = pos;
      }
    }
    pos = end;
  }
  return out + trimmedEnd(head, value.slice(from));
}

/** `(head + tail).trimEnd()`, without the copy when nothing is trimmed (the usual case). */
function trimmedEnd(head: string, tail: string): string {
  const last = tail.length > 0 ? tail.charCodeAt(tail.length - 1) : head.charCodeAt(head.length - 1);
  return isTrimmed(last) ? (head + tail).trimEnd() : head + tail;
}

/** `(head + value.slice(from, end)).trim().length` when `value[end - 1]` is not white space. */
function spanLength(head: string, value: string, from: number, end: number): number {
  let start = 0;
  while (start < head.length && isTrimmed(head.charCodeAt(start))) start++;
  if (start < head.length) return head.length - start + (end - from);
  let at = from;
  while (at < end && isTrimmed(value.charCodeAt(at))) at++;
  return end - at;
}

/** `line.trim().length`, counted rather than cut out. */
function trimmedLength(line: string): number {
  let end = line.length;
  while (end > 0 && isTrimmed(line.charCodeAt(end - 1))) end--;
  let start = 0;
  while (start < end && isTrimmed(line.charCodeAt(start))) start++;
  return end - start;
}

export type HeaderList = ReadonlyArray<readonly [string, string]>;

/** Headers in order, each folded, CRLF after each. */
export function renderHeaders(headers: HeaderList): string {
  let out = '';
  // An index loop: no iterator and no destructuring per header.
  for (let i = 0; i < headers.length; i++) out += `${foldHeader(headers[i]![0], headers[i]![1])}\r\n`;
  return out;
}

/** `"Display Name" <addr>` with the name encoded or quoted as needed. */
export function mailbox(name: string | undefined, address: string): string {
  if (!name) return `<${address}>`;
  if (!isAscii(name)) return `${encodeWords(name)} <${address}>`;
  if (/[()<>[\]:;@\\,."]/.test(name)) return `"${name.replace(/["\\]/g, '\\$&')}" <${address}>`;
  return `${name} <${address}>`;
}
