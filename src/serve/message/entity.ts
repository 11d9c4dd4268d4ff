/**
 * Reading and editing a message as submitted, without rebuilding it: header
 * fields are found and removed or added line by line, and a part's body is
 * swapped in place, so every byte not edited goes out as it came.
 */

import { decodeQuotedPrintable } from '../../receive/ui/mime-tree.js';

export interface HeaderField {
  /** As written. */
  name: string;
  /** Unfolded, trimmed. */
  value: string;
  /** The field's lines as they came, CRLF after each. */
  raw: string;
}

export interface Entity {
  fields: HeaderField[];
  /** After the blank line. */
  body: string;
}

/** Why a message cannot be accepted, one line; where says which part. */
export class MimeProblem extends Error {}

const FIELD = /^([!-9;-~]+)[ \t]*:(.*)$/;

/** Lines of a header block; CRLF expected, a bare LF is read as CRLF. */
export function parseEntity(raw: string, where = 'message'): Entity {
  const end = /\r?\n\r?\n/.exec(raw);
  const head = end ? raw.slice(0, end.index) : raw;
  const body = end ? raw.slice(end.index + end[0].length) : '';
  const fields: HeaderField[] = [];
  if (head === '') return { fields, body };
  const lines = head.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (/^[ \t]/.test(line) && fields.length) {
      const f = fields[fields.length - 1]!;
      f.value = `${f.value} ${line.trim()}`.trim();
      f.raw += `${line}\r\n`;
      continue;
    }
    const m = FIELD.exec(line);
    if (!m)
      throw new MimeProblem(`${where}: header line ${i + 1} is not a header field: '${line.slice(0, 60)}'`);
    fields.push({ name: m[1]!, value: m[2]!.trim(), raw: `${line}\r\n` });
  }
  return { fields, body };
}

export function renderEntity(e: Entity): string {
  return `${e.fields.map((f) => f.raw).join('')}\r\n${e.body}`;
}

export function field(e: Entity, name: string): string | undefined {
  const lower = name.toLowerCase();
  return e.fields.find((f) => f.name.toLowerCase() === lower)?.value;
}

/** `type/subtype; a=b; c="d"` → lower-case type and parameters (quoted values unquoted). */
export function contentType(
  value: string | undefined,
  fallback = 'text/plain',
): {
  type: string;
  params: Record<string, string>;
} {
  if (!value) return { type: fallback, params: {} };
  const [main, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  const re = /([^=\s;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;
  const tail = rest.join(';');
  for (let m = re.exec(tail); m; m = re.exec(tail)) {
    const v = m[2]!.trim();
    params[m[1]!.toLowerCase()] = v.startsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
  }
  const type = main!.trim().toLowerCase();
  return { type: /^[^/\s]+\/[^/\s]+$/.test(type) ? type : fallback, params };
}

/** A multipart body cut at its delimiter lines; the lines themselves are kept for reassembly. */
interface Multipart {
  preamble: string;
  parts: string[];
  /** The delimiter line (with CRLF) before each part. */
  delimiters: string[];
  /** The close delimiter and the epilogue. */
  tail: string;
}

function splitMultipart(body: string, boundary: string, where: string): Multipart {
  const lines = body.split(/(?<=\n)/);
  const open = `--${boundary}`;
  let preamble = '';
  const parts: string[] = [];
  const delimiters: string[] = [];
  let current: string[] | undefined;
  let tail: string | undefined;
  for (const [i, line] of lines.entries()) {
    const bare = line.replace(/[ \t]*\r?\n$/, '');
    if (bare === open || bare === `${open}--`) {
      if (current) parts.push(current.join('').replace(/\r?\n$/, ''));
      if (bare !== open) {
        // The CRLF before a delimiter belongs to the delimiter (RFC 2046 5.1.1).
        tail = `\r\n${line}${lines.slice(i + 1).join('')}`;
        current = undefined;
        break;
      }
      delimiters.push(parts.length === 0 && !current ? line : `\r\n${line}`);
      current = [];
    } else if (current) current.push(line);
    else preamble += line;
  }
  if (!delimiters.length) throw new MimeProblem(`${where}: multipart boundary "${boundary}" never appears`);
  if (tail === undefined) throw new MimeProblem(`${where}: multipart not closed (no --${boundary}--)`);
  return { preamble, parts, delimiters, tail };
}

function joinMultipart(m: Multipart): string {
  let out = m.preamble;
  for (const [i, part] of m.parts.entries()) out += m.delimiters[i]! + part;
  return out + m.tail;
}

/** A leaf part: its type, parameters, transfer encoding and body. */
export interface Leaf {
  type: string;
  params: Record<string, string>;
  encoding: string;
  body: string;
  fields: HeaderField[];
}

/**
 * Walk the message's leaves (message/rfc822 parts are leaves: a forwarded
 * message is not ours to edit); `edit` may give a leaf a new body, which
 * replaces the old one in place. Structure problems throw MimeProblem.
 */
export async function mapLeaves(
  raw: string,
  edit: (leaf: Leaf) => string | undefined | Promise<string | undefined>,
  where = 'message',
  depth = 0,
): Promise<string> {
  const e = parseEntity(raw, where);
  const ct = contentType(field(e, 'Content-Type'));
  if (ct.type.startsWith('multipart/')) {
    const boundary = ct.params['boundary'];
    if (!boundary) throw new MimeProblem(`${where}: ${ct.type} without a boundary parameter`);
    if (depth > 20) throw new MimeProblem(`${where}: multiparts nested more than 20 deep`);
    const m = splitMultipart(e.body, boundary, where);
    for (const [i, part] of m.parts.entries())
      m.parts[i] = await mapLeaves(part, edit, `${where} part ${i + 1}`, depth + 1);
    return renderEntity({ fields: e.fields, body: joinMultipart(m) });
  }
  const encoding = (field(e, 'Content-Transfer-Encoding') ?? '7bit').toLowerCase();
  const body = await edit({ type: ct.type, params: ct.params, encoding, body: e.body, fields: e.fields });
  return body === undefined ? raw : renderEntity({ fields: e.fields, body });
}

/**
 * The message without the leaf parts `drop` picks: each is cut out of its
 * multipart with its delimiter line, every other byte stays. A multipart
 * keeps at least one part (RFC 2046): its last part is never dropped.
 */
export function dropLeaves(raw: string, drop: (leaf: Leaf) => boolean, where = 'message', depth = 0): string {
  const e = parseEntity(raw, where);
  const ct = contentType(field(e, 'Content-Type'));
  if (!ct.type.startsWith('multipart/') || depth > 20) return raw;
  const boundary = ct.params['boundary'];
  if (!boundary) return raw;
  const m = splitMultipart(e.body, boundary, where);
  const kept: Multipart = { preamble: m.preamble, parts: [], delimiters: [], tail: m.tail };
  for (const [i, part] of m.parts.entries()) {
    const pe = parseEntity(part, `${where} part ${i + 1}`);
    const pct = contentType(field(pe, 'Content-Type'));
    const leaf: Leaf = {
      type: pct.type,
      params: pct.params,
      encoding: (field(pe, 'Content-Transfer-Encoding') ?? '7bit').toLowerCase(),
      body: pe.body,
      fields: pe.fields,
    };
    const last = kept.parts.length === 0 && i === m.parts.length - 1;
    if (!pct.type.startsWith('multipart/') && drop(leaf) && !last) continue;
    // The first kept part takes the first delimiter's form (no CRLF before it when it opened the body).
    kept.delimiters.push(kept.parts.length === 0 ? m.delimiters[0]! : m.delimiters[i]!);
    kept.parts.push(dropLeaves(part, drop, `${where} part ${i + 1}`, depth + 1));
  }
  return renderEntity({ fields: e.fields, body: joinMultipart(kept) });
}

/** A leaf's body as bytes, its transfer encoding undone. */
export function leafBytes(leaf: Leaf): Buffer {
  if (leaf.encoding === 'base64') return Buffer.from(leaf.body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (leaf.encoding === 'quoted-printable') return Buffer.from(decodeQuotedPrintable(leaf.body));
  return Buffer.from(leaf.body, 'utf8');
}

/** Remove every field whose name `drop` picks; give back what was removed. */
export function takeFields(e: Entity, drop: (lowerName: string) => boolean): HeaderField[] {
  const taken = e.fields.filter((f) => drop(f.name.toLowerCase()));
  e.fields = e.fields.filter((f) => !drop(f.name.toLowerCase()));
  return taken;
}
