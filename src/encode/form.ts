import type { PiecedText } from '../model/pieced-text.js';
import type { FieldValue, Payload } from './dialect.js';

/** A field's value as the form encoder takes it: a text from a template too (encodeCall's description). */
export type FormValue = FieldValue | PiecedText;

/**
 * application/x-www-form-urlencoded straight into bytes. A bounce's `mime`
 * field is kilobytes of text; encodeURIComponent plus two regex passes
 * (space to `+`, then `!'()*`) and a final string-to-Buffer copy took a
 * quarter of the time to make a DSN call. Here each value is written as
 * UTF-8 into a reused buffer (native, near memcpy speed) and one loop over
 * those bytes writes the escaped form into another: the same bytes as
 * before, about three times faster than looping over the string itself.
 */

/** RFC 3986 unreserved bytes (A-Z a-z 0-9 - . _ ~) pass through; everything else is escaped. */
const KEEP = new Uint8Array(256);
for (let c = 0; c < 128; c++) KEEP[c] = /[A-Za-z0-9\-._~]/.test(String.fromCharCode(c)) ? 1 : 0;
/** The two hex digits of `%XX` per byte value. */
const HIGH = new Uint8Array(256);
const LOW = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  HIGH[b] = '0123456789ABCDEF'.charCodeAt(b >> 4);
  LOW[b] = '0123456789ABCDEF'.charCodeAt(b & 15);
}
const SPACE = 0x20;
const PLUS = 0x2b;
/**
 * Per byte value, the one byte it is written as (itself, or `+` for a
 * space), or 0 when it is written as `%XX`: one lookup and one branch per
 * byte instead of two of each (~15% off encoding a DSN's MIME).
 */
const ONE = new Uint8Array(256);
for (let b = 0; b < 256; b++) ONE[b] = KEEP[b] === 1 ? b : b === SPACE ? PLUS : 0;
const PERCENT = 0x25;
const AMPERSAND = 0x26;
/**
 * Per byte value, the (up to) three bytes it is written as and how many
 * count: the escape loops store all three and move on by the count, with
 * no branch on the byte. Which bytes are escaped follows the text, so that
 * branch was mispredicted often; without it a DSN's MIME escapes ~1.6×
 * faster. A store past the count lands where the next byte is written, or
 * inside the bound reserved for the value.
 */
const FIRST = new Uint8Array(256);
const SECOND = new Uint8Array(256);
const THIRD = new Uint8Array(256);
const WIDTH = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  const one = ONE[b]!;
  FIRST[b] = one !== 0 ? one : PERCENT;
  SECOND[b] = one !== 0 ? 0 : HIGH[b]!;
  THIRD[b] = one !== 0 ? 0 : LOW[b]!;
  WIDTH[b] = one !== 0 ? 1 : 3;
}

/**
 * Scratch space reused by every call (a value or body too big for it gets
 * buffers of its own). Constant bindings: V8 then keeps the loop below
 * tight, ~30% faster than with reassignable ones.
 */
const UTF8 = Buffer.allocUnsafeSlow(64 * 1024);
const ESCAPED = Buffer.allocUnsafeSlow(192 * 1024);
/**
 * Where a long value (a bounce's MIME) is escaped before it is copied into
 * the body: with both buffers of the loop known constants once inlined,
 * V8 keeps their bounds and base pointers out of the loop, and escaping
 * into the body's own buffer (a slab, the scratch or a new one) ran ~1.4×
 * slower than this loop plus the copy.
 */
const LONG_ESCAPED = Buffer.allocUnsafeSlow(UTF8.length * 3);
/** The same bytes as a plain Uint8Array: its subarray and `set` are V8 builtins, not Buffer code inlined into the encoder. */
const LONG_VIEW = new Uint8Array(LONG_ESCAPED.buffer, LONG_ESCAPED.byteOffset, LONG_ESCAPED.length);

/**
 * A body whose worst case fits 64 KiB (a DSN call's is ~50 KiB) is written
 * straight into a shared slab and handed out as a view of it, as Node's own
 * Buffer pool does: no copy, which was a fifth of the cost of encoding a
 * failure call. A slab is freed once no body in it is referenced. Whoever
 * posts a body to another thread must copy it: structured clone sends the
 * whole slab.
 */
const SLAB_SIZE = 256 * 1024;
const SLAB_BODY_MAX = 64 * 1024;
let slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
let slabUsed = 0;

/** `bytes[0, n)` form-escaped into `out` from `pos`; returns the new position. */
function escapeInto(bytes: Uint8Array, n: number, out: Buffer, pos: number): number {
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    out[pos] = FIRST[b]!;
    out[pos + 1] = SECOND[b]!;
    out[pos + 2] = THIRD[b]!;
    pos += WIDTH[b]!;
  }
  return pos;
}

/**
 * Below this length a value is escaped from its UTF-16 units directly: the
 * native UTF-8 write costs more per call than the JS loop per character.
 */
const SHORT = 256;

/** ASCII `text` escaped into `out` from `pos`; -1 at the first non-ASCII unit. */
function escapeAscii(text: string, out: Buffer, pos: number): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return -1;
    const one = ONE[c]!;
    if (one !== 0) {
      out[pos++] = one;
    } else {
      out[pos] = PERCENT;
      out[pos + 1] = HIGH[c]!;
      out[pos + 2] = LOW[c]!;
      pos += 3;
    }
  }
  return pos;
}

const BRACKETS = Buffer.from('[]', 'latin1');
const EQUALS = 0x3d;

/** `&name=value`, or `&name[]=value` for an array item (no `&` at `start`); returns the new position. */
function writeField(
  out: Buffer,
  start: number,
  pos: number,
  name: string,
  item: boolean,
  text: string,
): number {
  if (pos > start) out[pos++] = AMPERSAND;
  for (let i = 0; i < name.length; i++) out[pos++] = name.charCodeAt(i);
  if (item) {
    out[pos++] = BRACKETS[0]!;
    out[pos++] = BRACKETS[1]!;
  }
  out[pos++] = EQUALS;
  return writeEscaped(out, pos, text);
}

/** `text` form-escaped into `out` from `pos`; returns the new position. */
function writeEscaped(out: Buffer, pos: number, text: string): number {
  if (text.length < SHORT) {
    const end = escapeAscii(text, out, pos);
    if (end >= 0) return end;
  }
  if (text.length * 3 <= UTF8.length) {
    const end = escapeInto(UTF8, UTF8.write(text, 0, 'utf8'), LONG_ESCAPED, 0);
    out.set(LONG_VIEW.subarray(0, end), pos);
    return pos + end;
  }
  const bytes = Buffer.from(text, 'utf8');
  return escapeInto(bytes, bytes.length, out, pos);
}

/** Per template (its pieces array, made once), each piece form-escaped once. */
const ESCAPED_PIECES = new WeakMap<readonly string[], Uint8Array[]>();

function escapedPieces(pieces: readonly string[]): Uint8Array[] {
  let escaped = ESCAPED_PIECES.get(pieces);
  if (escaped === undefined) {
    escaped = pieces.map((piece) => {
      const bytes = Buffer.allocUnsafeSlow(piece.length * 9);
      return bytes.subarray(0, writeEscaped(bytes, 0, piece));
    });
    ESCAPED_PIECES.set(pieces, escaped);
  }
  return escaped;
}

/**
 * A text from a template: its pieces' stored escaped bytes, only the
 * values escaped here. The same bytes as escaping `value.text`.
 */
function writePieced(out: Buffer, pos: number, value: PiecedText): number {
  const escaped = escapedPieces(value.pieces);
  const values = value.values;
  for (let i = 0; i < values.length; i++) {
    out.set(escaped[i]!, pos);
    pos = writeEscaped(out, pos + escaped[i]!.length, values[i]!);
  }
  const last = escaped[values.length]!;
  out.set(last, pos);
  return pos + last.length;
}

/** Bytes, not an array of strings (Array.isArray: the array, the common case, decides at once). */
const isBytes = (value: readonly string[] | Uint8Array): value is Uint8Array => !Array.isArray(value);

/** A value as a payload holds it: a text from a template as its whole text (for the rare paths). */
function whole(value: FormValue | undefined): FieldValue | undefined {
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) return value;
  return (value as PiecedText).text;
}

/**
 * A payload with a bytes value (a captured message that is not UTF-8): each
 * byte escaped as it is (what PHP's http_build_query makes of a binary
 * string), so $_POST['mime'] holds the original bytes. A path of its own,
 * off formEncodeBuffer's loops (see there). Rare calls: no slab or scratch.
 */
function formEncodeWithBytes(
  names: readonly string[],
  values: ArrayLike<FormValue | undefined>,
  count: number,
): Buffer {
  let bound = 0;
  for (let f = 0; f < count; f++) {
    const name = names[f]!;
    const value = whole(values[f]);
    if (value === undefined) continue;
    if (typeof value === 'number') bound += name.length + 2 + 32;
    else if (typeof value === 'string' || isBytes(value)) bound += name.length + 2 + value.length * 9;
    else for (const item of value) bound += name.length + 4 + item.length * 9;
  }
  const out = Buffer.allocUnsafe(bound);
  let pos = 0;
  for (let f = 0; f < count; f++) {
    const name = names[f]!;
    const value = whole(values[f]);
    if (value === undefined) continue;
    if (typeof value === 'string') pos = writeField(out, 0, pos, name, false, value);
    else if (typeof value === 'number') pos = writeField(out, 0, pos, name, false, String(value));
    else if (isBytes(value))
      pos = escapeInto(value, value.length, out, writeField(out, 0, pos, name, false, ''));
    else for (const item of value) pos = writeField(out, 0, pos, name, true, item);
  }
  return out.subarray(0, pos);
}

/** `n / 10` rounded down: by integer division while n fits 31 bits (`time` until 2038), faster than Math.floor. */
const tenth = (n: number): number => (n <= 0x7fffffff ? (n / 10) | 0 : Math.floor(n / 10));

/**
 * `&name=digits` for a number: a safe non-negative integer (`time`) is
 * written digit by digit, the same digits String() gives, without making the
 * string; anything else goes through String().
 */
function writeNumber(out: Buffer, start: number, pos: number, name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0)
    return writeField(out, start, pos, name, false, String(value));
  pos = writeField(out, start, pos, name, false, '');
  let digits = 1;
  for (let rest = value; rest >= 10; rest = tenth(rest)) digits++;
  let rest = value;
  for (let i = pos + digits - 1; i >= pos; i--) {
    const next = tenth(rest);
    out[i] = 0x30 + (rest - next * 10);
    rest = next;
  }
  return pos + digits;
}

/**
 * PHP-convention form encoding: arrays one item per `name[]=` key, so
 * `$_POST['tags']` arrives as an array. RFC 3986 unreserved kept, space as
 * `+`, everything else percent-encoded UTF-8 (a lone surrogate as U+FFFD);
 * a bytes value (a captured message that is not UTF-8) percent-encoded byte
 * for byte.
 * Field names are ASCII and written as they are.
 */
export function formEncodeBuffer(payload: Payload): Buffer {
  const names: string[] = [];
  const values: FieldValue[] = [];
  for (const [name, value] of payload) {
    names.push(name);
    values.push(value);
  }
  return formEncodeFields(names, values, payload.length);
}

/**
 * formEncodeBuffer of the fields `names[i] = values[i]` for i < count, an
 * undefined value left out: what a call's encoding reads straight from its
 * dialect's field table and a reused array of values (dialect.ts
 * readFields), with no payload of pairs made per call.
 */
export function formEncodeFields(
  names: readonly string[],
  values: ArrayLike<FormValue | undefined>,
  count: number,
): Buffer {
  // Index loops, not `for (const [name, value] of ...)`: array destructuring
  // per field was a sixth of the time to encode a failure call.
  // Worst case: a UTF-16 unit is 3 UTF-8 bytes, each written as `%XX`.
  let bound = 0;
  for (let f = 0; f < count; f++) {
    const value = values[f];
    const nameLength = names[f]!.length;
    if (typeof value === 'string') bound += nameLength + 2 + value.length * 9;
    else if (typeof value === 'number') bound += nameLength + 2 + 32;
    else if (value === undefined) continue;
    else if (Array.isArray(value)) {
      const items = value as readonly string[];
      for (let i = 0; i < items.length; i++) bound += nameLength + 4 + items[i]!.length * 9;
    }
    // Bytes (a captured message that is not UTF-8) take their own path; only the rare
    // object fields get here, so the check costs the ordinary strings nothing.
    else if (value instanceof Uint8Array) return formEncodeWithBytes(names, values, count);
    else bound += nameLength + 2 + (value as PiecedText).text.length * 9;
  }
  let out: Buffer;
  let start = 0;
  if (bound <= SLAB_BODY_MAX) {
    if (slabUsed + bound > SLAB_SIZE) {
      slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
      slabUsed = 0;
    }
    out = slab;
    start = slabUsed;
  } else {
    out = bound <= ESCAPED.length ? ESCAPED : Buffer.allocUnsafeSlow(bound);
  }
  let pos = start;
  for (let f = 0; f < count; f++) {
    const name = names[f]!;
    const value = values[f];
    if (typeof value === 'string') pos = writeField(out, start, pos, name, false, value);
    else if (typeof value === 'number') pos = writeNumber(out, start, pos, name, value);
    else if (value === undefined) continue;
    else if (Array.isArray(value)) {
      const items = value as readonly string[];
      for (let i = 0; i < items.length; i++) pos = writeField(out, start, pos, name, true, items[i]!);
    }
    // Bytes went to formEncodeWithBytes above: what is left is a text from a template.
    else pos = writePieced(out, writeField(out, start, pos, name, false, ''), value as PiecedText);
  }
  if (out === slab) {
    slabUsed = (pos + 7) & ~7; // the next body starts 8-byte aligned, as in Node's pool
    return slab.subarray(start, pos);
  }
  if (out !== ESCAPED) return out.subarray(0, pos);
  // The scratch is reused by the next call: the caller gets a copy.
  const body = Buffer.allocUnsafe(pos);
  out.copy(body, 0, 0, pos);
  return body;
}
