/** Body encodings and line-end handling. */

/** Normalise any line ends to CRLF. */
export function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/** Base64, wrapped at 76 columns (RFC 2045 6.8). */
export function base64Body(data: string | Buffer): string {
  const b64 = (typeof data === 'string' ? Buffer.from(data, 'utf8') : data).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join('\r\n');
}

/** `=XX` for every byte value. */
const QP_ESCAPE = Array.from({ length: 256 }, (_, b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`);
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Quoted-printable (RFC 2045 6.7) of UTF-8 text: soft line breaks at 76
 * columns, trailing white space encoded, hard line breaks kept as CRLF.
 * Runs of literal characters are copied as slices, not appended one by one.
 * Text with non-ASCII characters is read as its UTF-8 bytes (one character
 * per byte) from the start: an ASCII line sliced from a two-byte string is
 * a two-byte piece, and one such piece made the whole DSN two-byte when it
 * was flattened (twice the bytes to copy and a slower UTF-8 write; 1.8% of
 * DSNs, half of the French NDRs).
 */
export function quotedPrintable(text: string): string {
  return qpLines(text, false) ?? (qpLines(Buffer.from(text, 'utf8').toString('latin1'), true) as string);
}

/**
 * quotedPrintable of `text`, whose characters are bytes when `octets`;
 * undefined at the first line with a non-ASCII character when they are not.
 */
function qpLines(text: string, octets: boolean): string | undefined {
  let out = '';
  let start = 0;
  for (;;) {
    const newline = text.indexOf('\n', start);
    const end =
      newline === -1
        ? text.length
        : newline > start && text.charCodeAt(newline - 1) === 13
          ? newline - 1
          : newline;
    const line = text.slice(start, end);
    let encoded: string;
    if (QP_LITERAL.test(line)) encoded = qpLiteralLine(line);
    else if (octets || !NON_ASCII.test(line)) encoded = qpOctets(line);
    else return undefined;
    if (newline === -1) return out + encoded;
    out += `${encoded}\r\n`;
    start = newline + 1;
  }
}

/** Printable ASCII but `=`, and space and tab: literal in quoted-printable (white space not at the end). */
const QP_LITERAL = /^[\t\x20-\x3c\x3e-\x7e]*$/;
const QP_WIDTH = 75;

/** One line (no line end) of quoted-printable, its characters bytes (below 256). */
function qpOctets(s: string): string {
  const n = s.length;
  let out = '';
  let width = 0;
  let run = 0; // start of the literal characters not yet copied to out
  for (let i = 0; i < n; i++) {
    const b = s.charCodeAt(i);
    const literal = b === 0x20 || b === 0x09 ? i !== n - 1 : b >= 33 && b <= 126 && b !== 61;
    if (width + (literal ? 1 : 3) > 75) {
      out += `${s.slice(run, i)}=\r\n`;
      run = i;
      width = 0;
    }
    if (literal) {
      width++;
    } else {
      out += s.slice(run, i) + QP_ESCAPE[b];
      run = i + 1;
      width += 3;
    }
  }
  return run === 0 ? s : out + s.slice(run);
}

/**
 * A line of literal characters only (the common case: prose): cut into
 * 75-character pieces; a final space or tab is encoded (3 characters) and
 * goes on a line of its own if it does not fit.
 */
function qpLiteralLine(line: string): string {
  const n = line.length;
  const last = n > 0 ? line.charCodeAt(n - 1) : 0;
  const core = last === 0x20 || last === 0x09 ? n - 1 : n;
  if (core === n && n <= QP_WIDTH) return line;
  let out = '';
  let at = 0;
  for (; core - at > QP_WIDTH; at += QP_WIDTH) out += `${line.slice(at, at + QP_WIDTH)}=\r\n`;
  out += line.slice(at, core);
  if (core === n) return out;
  return out + (core - at + 3 > QP_WIDTH ? '=\r\n' : '') + QP_ESCAPE[last];
}

/** Words separated by single spaces, no other white space. */
const SINGLE_SPACED = /^\S+(?: \S+)*$/;

/** Wrap plain text at `width` columns on word boundaries (for MTA prose). */
export function wrapText(text: string, width = 76, indent = ''): string {
  // What the MTA texts here are: no need to split on white space and join again.
  if (SINGLE_SPACED.test(text)) return wrapWords(text, width, indent);
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent + word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join('\r\n');
}

/**
 * wrapText for single-spaced text, a line at a time: the break goes before
 * the word that crosses the last column; a word too long for a line stands
 * alone on it.
 */
function wrapWords(text: string, width: number, indent: string): string {
  if (text.length <= width) return text;
  const lines: string[] = [];
  let head = ''; // the first line has no indent
  let from = 0;
  for (;;) {
    const limit = from + width - head.length; // the line holds text[from, limit)
    if (text.length <= limit) break;
    let next = text.lastIndexOf(' ', limit) + 1; // start of the word that does not fit
    if (next <= from) {
      next = text.indexOf(' ', from) + 1;
      if (next === 0) break; // one long last word
    }
    lines.push(head + text.slice(from, next - 1));
    head = indent;
    from = next;
  }
  lines.push(head + text.slice(from));
  return lines.join('\r\n');
}
