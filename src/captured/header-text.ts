import { isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';
import { hexByte } from './message-text.js';

/**
 * What a header of a captured message says, decoded by the charset it
 * declares, or why it cannot be: never a guess, never U+FFFD. UTF-8 through
 * TextDecoder in `fatal` mode; every other charset through iconv-lite (the
 * label read literally: `iso-8859-1` is Latin-1, `windows-1252` is
 * Windows-1252; Node 20's TextDecoder reads windows-1252 as Latin-1). A
 * charset iconv-lite does not know, or bytes it can only replace, are an
 * error. Not postal-mime's decodeWords: it falls back to windows-1252 for an
 * unknown label and replaces invalid bytes, the silent loss this refuses.
 */

export type Decoded = { ok: true; text: string } | { ok: false; problem: string };

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** iconv-lite, loaded when a message in another charset is read (not on every start: ~25 ms). */
let iconvLite: typeof import('iconv-lite') | undefined;
const iconv = () =>
  (iconvLite ??= createRequire(import.meta.url)('iconv-lite') as typeof import('iconv-lite'));

function decodeBytes(bytes: Uint8Array, charset: string, what: string): Decoded {
  const label = charset.trim();
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (/^utf-?8$/i.test(label)) {
    if (isUtf8(buffer)) return { ok: true, text: UTF8.decode(buffer) };
  } else if (!iconv().encodingExists(label)) {
    return { ok: false, problem: `${what}: charset '${label}' is not one iconv-lite knows` };
  } else {
    const text = iconv().decode(buffer, label);
    // iconv-lite replaces what the charset cannot map: the replacement is the refusal.
    if (!text.includes('\uFFFD')) return { ok: true, text };
  }
  return { ok: false, problem: `${what}: the bytes are not valid ${label}` };
}

/** RFC 2047 encoded-word: =?charset[*language]?B|Q?text?= */
const ENCODED_WORD = /=\?([^?*\s]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=/g;

function wordBytes(encoding: string, text: string): Buffer {
  if (encoding === 'B' || encoding === 'b') return Buffer.from(text, 'base64');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const hex = c === '=' ? text.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(c === '_' ? 0x20 : c.charCodeAt(0));
  }
  return Buffer.from(bytes);
}

/** Encoded-words decoded; whitespace between two adjacent ones dropped (RFC 2047 section 6.2). */
export function decodeEncodedWords(value: string): Decoded {
  let problem: string | undefined;
  const text = value
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(ENCODED_WORD, (word, charset: string, encoding: string, data: string) => {
      const decoded = decodeBytes(wordBytes(encoding, data), charset, `encoded-word ${word}`);
      if (decoded.ok) return decoded.text;
      problem ??= decoded.problem;
      return word;
    });
  return problem ? { ok: false, problem } : { ok: true, text };
}

/**
 * A raw header value: `raw` is its text as the message holds it (one
 * character per byte when the message was not UTF-8, `binary`). ASCII and
 * UTF-8 (RFC 6532) need no declaration; other 8-bit bytes are read in the
 * charset the header's entity declares, else they are undecodable.
 */
export function headerValue(raw: string, binary: boolean, charset: string | undefined): Decoded {
  let text = raw;
  if (binary && /[^\x00-\x7f]/.test(raw)) {
    const bytes = Buffer.from(raw, 'latin1');
    if (isUtf8(bytes)) text = bytes.toString('utf8');
    else if (!charset) {
      const byte = bytes.find((b) => b >= 0x80) ?? 0;
      return {
        ok: false,
        problem: `byte ${hexByte(byte)} is not UTF-8 and the message declares no charset for this header (no charset= in its Content-Type)`,
      };
    } else {
      const decoded = decodeBytes(bytes, charset, `charset=${charset}`);
      if (!decoded.ok) return decoded;
      text = decoded.text;
    }
  }
  return decodeEncodedWords(text);
}

/**
 * A DSN address of type `utf-8` (RFC 6533): `\x{HHHH}` escapes (its
 * utf-8-addr-xtext form) or raw UTF-8 (utf-8-addr-unitext); xtext's `+HH`
 * (RFC 3461) as well, as some MTAs write it.
 */
export function utf8AddressType(address: string): Decoded {
  let bad: string | undefined;
  const text = address
    .replace(/\\x\{([0-9A-Fa-f]{1,6})\}/g, (written, hex: string) => {
      const cp = Number.parseInt(hex, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) bad ??= written;
      return bad ? written : String.fromCodePoint(cp);
    })
    .replace(/\+([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return bad ? { ok: false, problem: `${bad} is not a Unicode code point` } : { ok: true, text };
}
