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

/**
 * RFC 2047 encoded words for a non-ASCII phrase (ASCII passes through).
 * Split on character boundaries so no multi-byte sequence is cut and each
 * word stays within 75 characters.
 */
export function encodeWords(text: string, encoding: 'Q' | 'B' = 'Q'): string {
  if (isAscii(text)) return text;
  const words: string[] = [];
  let chunk = '';
  const flush = (): void => {
    if (chunk) words.push(encodeOneWord(chunk, encoding));
    chunk = '';
  };
  for (const ch of text) {
    const candidate = chunk + ch;
    if (encodeOneWord(candidate, encoding).length > 75) flush();
    chunk += ch;
  }
  flush();
  return words.join(' ');
}

function encodeOneWord(text: string, encoding: 'Q' | 'B'): string {
  const bytes = Buffer.from(text, 'utf8');
  if (encoding === 'B') return `=?UTF-8?B?${bytes.toString('base64')}?=`;
  let out = '';
  for (const byte of bytes) {
    const c = String.fromCharCode(byte);
    if (byte === 0x20) out += '_';
    else if (/[A-Za-z0-9!*+\-/]/.test(c)) out += c;
    else out += `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
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
