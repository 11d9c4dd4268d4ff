/**
 * A small, careful MIME reader for showing a bounce as structure: the parts
 * tree with content types and headers, the delivery-status fields, and the
 * human-readable text decoded (quoted-printable, base64, charsets, RFC 2047).
 * It reads what arrived for display; it never throws on malformed input.
 */

export type HeaderPair = [name: string, value: string];

export interface MimeNode {
  /** Position in the tree, e.g. "1.3.2" ("" for the message itself). */
  path: string;
  /** Lower-case type/subtype, defaulted as RFC 2045 says. */
  contentType: string;
  /** Content-Type parameters, lower-case names (RFC 2231 continuations joined). */
  params: Record<string, string>;
  /** Lower-case Content-Transfer-Encoding ("7bit" when absent). */
  encoding: string;
  /** Headers in order, unfolded, RFC 2047 words decoded. */
  headers: HeaderPair[];
  /** Size of the encoded body, characters. */
  size: number;
  /** Children of a multipart, or the one message of a message/rfc822. */
  parts?: MimeNode[];
  /** Decoded text of a text/* part (capped). */
  text?: string;
  /** True when `text` was cut at the cap. */
  truncated?: boolean;
  /** message/delivery-status: per-message fields, then one group per recipient. */
  deliveryStatus?: { message: HeaderPair[]; recipients: HeaderPair[][] };
  /** text/rfc822-headers: the returned message's headers. */
  returnedHeaders?: HeaderPair[];
  /** Anything the reader noticed while reading (no boundary, unclosed multipart...). */
  notes?: string[];
}

export interface MimeTreeOptions {
  /** Longest decoded text kept per part (characters). */
  maxText?: number;
  maxDepth?: number;
  maxParts?: number;
}

const DEFAULTS: Required<MimeTreeOptions> = { maxText: 64 * 1024, maxDepth: 12, maxParts: 500 };

/** Split a raw entity into header block and body at the first empty line. */
function splitEntity(raw: string): { head: string; body: string } {
  // No headers: an empty first line, or a first line that is no header field.
  const blank = /^\r?\n/.exec(raw);
  if (blank) return { head: '', body: raw.slice(blank[0].length) };
  if (!/^[!-9;-~]+:/.test(raw)) return { head: '', body: raw };
  const m = /\r?\n\r?\n/.exec(raw);
  if (!m) {
    // Headers only.
    return { head: raw, body: '' };
  }
  return { head: raw.slice(0, m.index), body: raw.slice(m.index + m[0].length) };
}

/** Header lines, unfolded; values raw (not yet RFC 2047 decoded). */
export function parseHeaderBlock(head: string): HeaderPair[] {
  const out: HeaderPair[] = [];
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && out.length) {
      const last = out[out.length - 1]!;
      last[1] = `${last[1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    out.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return out;
}

/** Bytes of a string whose characters are octets (latin1). */
function octets(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

/** Decode octets in a charset; UTF-8 when the charset is unknown. */
export function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  const label = (charset ?? 'utf-8').trim().toLowerCase() || 'utf-8';
  try {
    return new TextDecoder(label === 'us-ascii' ? 'utf-8' : label).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** Quoted-printable to octets (soft line breaks removed, bad escapes kept). */
export function decodeQuotedPrintable(text: string): Uint8Array {
  const cleaned = text.replace(/[ \t]+(?=\r?\n|$)/g, '').replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < cleaned.length; i++) {
    const ch = cleaned.charCodeAt(i);
    if (ch === 0x3d && /^[0-9A-Fa-f]{2}$/.test(cleaned.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(cleaned.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (ch < 0x80) {
      bytes.push(ch);
    } else {
      // An 8-bit character in a QP body (should not be there): keep it as UTF-8.
      for (const b of Buffer.from(cleaned[i]!, 'utf8')) bytes.push(b);
    }
  }
  return Uint8Array.from(bytes);
}

/** RFC 2047 encoded words in a header value, decoded; white space between adjacent words dropped. */
export function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?\s]+\?[QqBb]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[QqBb]\?[^?\s]*\?=)/g, '$1')
    .replace(/=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=/g, (whole, cs: string, enc: string, text: string) => {
      const charset = cs.split('*')[0]; // RFC 2231 language suffix
      try {
        const bytes =
          enc.toUpperCase() === 'B'
            ? Buffer.from(text, 'base64')
            : // `_` as =20: a space that ends an encoded word (Python 2's Header splits anywhere) is kept.
              decodeQuotedPrintable(text.replace(/_/g, '=20'));
        return decodeCharset(bytes, charset);
      } catch {
        return whole;
      }
    });
}

/** Content-Type (or -Disposition) value: the type and its parameters. */
export function parseParams(value: string): { value: string; params: Record<string, string> } {
  const semi = value.indexOf(';');
  const main = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  const params: Record<string, string> = {};
  const continued: Record<string, { parts: string[]; extended: boolean }> = {};
  const extendedKeys = new Set<string>();
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  const rest = semi < 0 ? '' : value.slice(semi);
  for (let m = re.exec(rest); m; m = re.exec(rest)) {
    const key = m[1]!.toLowerCase();
    const val = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!.trim();
    const cont = /^(.+?)\*(\d+)(\*?)$/.exec(key);
    if (cont) {
      const entry = continued[cont[1]!] ?? { parts: [], extended: false };
      continued[cont[1]!] = entry;
      entry.parts[Number(cont[2])] = val;
      if (cont[2] === '0' && cont[3]) entry.extended = true;
    } else if (key.endsWith('*')) {
      params[key.slice(0, -1)] = decode2231(val);
      extendedKeys.add(key.slice(0, -1));
    } else if (!extendedKeys.has(key)) {
      // A plain value beside an RFC 2231 one is the fallback for readers without 2231 (RFC 6266 4.3).
      params[key] = val;
    }
  }
  for (const [key, { parts, extended }] of Object.entries(continued)) {
    const joined = parts.join('');
    params[key] = extended ? decode2231(joined) : joined;
  }
  return { value: main, params };
}

/** charset'lang'percent-encoded (RFC 2231). */
function decode2231(value: string): string {
  const m = /^([^']*)'[^']*'(.*)$/.exec(value);
  if (!m) return value;
  const bytes = octets(
    m[2]!.replace(/%([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
  );
  return decodeCharset(bytes, m[1] || 'utf-8');
}

/** A body decoded per its transfer encoding, to octets. */
function bodyOctets(body: string, encoding: string): Uint8Array {
  if (encoding === 'base64') return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  // 7bit/8bit/binary: the form field arrived as UTF-8 text already.
  return Buffer.from(body, 'utf8');
}

/** The parts of a multipart body between its boundary lines. */
function splitMultipart(body: string, boundary: string): { parts: string[]; closed: boolean } {
  const lines = body.split(/(?<=\n)/); // keep line ends
  const open = `--${boundary}`;
  const parts: string[] = [];
  let current: string[] | undefined;
  let closed = false;
  for (const line of lines) {
    const bare = line.replace(/[ \t]*\r?\n$/, '');
    if (bare === open || bare === `${open}--`) {
      if (current) parts.push(current.join('').replace(/\r?\n$/, ''));
      if (bare !== open) {
        closed = true;
        current = undefined;
        break;
      }
      current = [];
    } else if (current) {
      current.push(line);
    }
  }
  if (current) parts.push(current.join('').replace(/\r?\n$/, ''));
  return { parts, closed };
}

function header(headers: HeaderPair[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** Groups of header-like fields separated by empty lines (RFC 3464 delivery-status). */
function fieldGroups(text: string): HeaderPair[][] {
  return text
    .split(/\r?\n(?:[ \t]*\r?\n)+/)
    .map((block) => parseHeaderBlock(block.replace(/^(?:[ \t]*\r?\n)+/, '')))
    .filter((g) => g.length > 0);
}

/** Read a raw message (as the `mime` field carries it) into a tree. */
export function mimeTree(raw: string, options: MimeTreeOptions = {}): MimeNode {
  const opts = { ...DEFAULTS, ...options };
  let count = 0;

  const read = (entity: string, path: string, depth: number, defaultType: string): MimeNode => {
    count++;
    const { head, body } = splitEntity(entity);
    const rawHeaders = parseHeaderBlock(head);
    const ct = parseParams(header(rawHeaders, 'Content-Type') ?? defaultType);
    const contentType = /^[^/\s]+\/[^/\s]+$/.test(ct.value) ? ct.value : defaultType;
    const encoding = (header(rawHeaders, 'Content-Transfer-Encoding') ?? '7bit').trim().toLowerCase();
    const node: MimeNode = {
      path,
      contentType,
      params: ct.params,
      encoding,
      headers: rawHeaders.map(([n, v]) => [n, decodeWords(v)]),
      size: body.length,
    };
    const notes: string[] = [];
    const child = (p: number): string => (path ? `${path}.${p}` : String(p));

    if (contentType.startsWith('multipart/')) {
      const boundary = ct.params['boundary'];
      if (!boundary) notes.push('multipart without a boundary parameter');
      else if (depth >= opts.maxDepth) notes.push('nested too deep; not read further');
      else {
        const { parts, closed } = splitMultipart(body, boundary);
        if (!parts.length) notes.push(`no part found for boundary "${boundary}"`);
        if (!closed) notes.push('multipart not closed (no final boundary)');
        const inner = contentType === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
        node.parts = [];
        for (const [i, part] of parts.entries()) {
          if (count >= opts.maxParts) {
            notes.push(`more than ${opts.maxParts} parts; the rest not read`);
            break;
          }
          node.parts.push(read(part, child(i + 1), depth + 1, inner));
        }
      }
    } else if (contentType === 'message/rfc822' || contentType === 'message/global') {
      if (depth >= opts.maxDepth) notes.push('nested too deep; not read further');
      else {
        const inner =
          encoding === 'base64' || encoding === 'quoted-printable' ? text(body, encoding, 'utf-8') : body;
        node.parts = [read(inner, child(1), depth + 1, 'text/plain')];
      }
    } else if (
      contentType === 'message/delivery-status' ||
      contentType === 'message/global-delivery-status'
    ) {
      const groups = fieldGroups(text(body, encoding, ct.params['charset']));
      node.deliveryStatus = { message: groups[0] ?? [], recipients: groups.slice(1) };
      if (!groups.length) notes.push('delivery-status without fields');
    } else if (contentType === 'text/rfc822-headers' || contentType === 'message/global-headers') {
      node.returnedHeaders = parseHeaderBlock(text(body, encoding, ct.params['charset'])).map(([n, v]) => [
        n,
        decodeWords(v),
      ]);
    } else if (contentType.startsWith('text/')) {
      const decoded = text(body, encoding, ct.params['charset']);
      if (decoded.length > opts.maxText) {
        node.text = decoded.slice(0, opts.maxText);
        node.truncated = true;
      } else node.text = decoded;
    }
    if (notes.length) node.notes = notes;
    return node;
  };

  return read(raw, '', 0, 'text/plain');
}

function text(body: string, encoding: string, charset: string | undefined): string {
  if (encoding !== 'base64' && encoding !== 'quoted-printable') return body;
  return decodeCharset(bodyOctets(body, encoding), charset);
}

/** The first node of a type, depth first. */
export function findPart(node: MimeNode, type: string): MimeNode | undefined {
  if (node.contentType === type) return node;
  for (const p of node.parts ?? []) {
    const hit = findPart(p, type);
    if (hit) return hit;
  }
  return undefined;
}
