import { isUtf8 } from 'node:buffer';

/**
 * A captured message as read from disk. Most are UTF-8 or 7-bit and are
 * carried as text. An 8-bit message in another charset (Latin-1,
 * Windows-1252...) cannot become a string without its bytes being replaced
 * by U+FFFD, so it is carried as its bytes: `text` then holds them read as
 * Latin-1, one character per byte, for finding headers and line ends (the
 * structure of a message is ASCII); what a header says is decoded by its
 * declared charset (header-text.ts), never by that one-byte reading.
 */
export interface CapturedMessage {
  /** The message, CRLF line ends: UTF-8 decoded, or one character per byte when `bytes` is set. */
  text: string;
  /** The exact bytes (CRLF line ends) when they are not UTF-8. */
  bytes?: Buffer;
}

/** SMTP mail is CRLF; captured files often are not. The line ends are the only bytes changed. */
export function toCrlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

export function capturedMessage(raw: Buffer): CapturedMessage {
  if (isUtf8(raw)) return { text: toCrlf(raw.toString('utf8')) };
  const text = toCrlf(raw.toString('latin1'));
  return { text, bytes: Buffer.from(text, 'latin1') };
}

/** Where the first byte that is not UTF-8 is: its line (1-based) and value. */
export function firstNonUtf8(bytes: Uint8Array): { line: number; byte: number } {
  const all = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let lineStart = 0;
  for (let line = 1; lineStart < all.length; line++) {
    const nl = all.indexOf(0x0a, lineStart);
    const end = nl < 0 ? all.length : nl + 1;
    const slice = all.subarray(lineStart, end);
    if (!isUtf8(slice)) return { line, byte: slice.find((b) => b >= 0x80) ?? 0 };
    lineStart = end;
  }
  return { line: 1, byte: 0 };
}

export const hexByte = (b: number): string => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * Why a JSON body cannot carry these bytes. JSON is Unicode text: a string
 * holds characters, not bytes, so an 8-bit message in another charset could
 * only be sent re-encoded (transcoded to UTF-8, or its bytes replaced), and
 * the receiver would not get the message that was captured. It is refused
 * instead, naming the first such byte; the form body carries any byte.
 */
export function jsonCannotCarry(bytes: Uint8Array): string {
  const { line, byte } = firstNonUtf8(bytes);
  return `line ${line}: byte ${hexByte(byte)} is not UTF-8 (8-bit text in another charset), and a JSON body cannot carry it byte for byte: send it with --format form (the default), or re-encode the message as UTF-8 or quoted-printable`;
}
