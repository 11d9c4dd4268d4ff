import { type HeaderList, renderHeaders } from './headers.js';

/** One MIME entity: its own headers and an already-encoded body (CRLF). */
interface MimePart {
  headers: HeaderList;
  body: string;
}

function renderPart(part: MimePart): string {
  return `${renderHeaders(part.headers)}\r\n${part.body}`;
}

/**
 * A multipart body: optional preamble, each part between `--boundary`
 * delimiters, closing `--boundary--` and a final CRLF.
 */
export function multipartBody(boundary: string, parts: readonly MimePart[], preamble?: string): string {
  let out = preamble ? `${preamble}\r\n\r\n` : '';
  for (const part of parts) out += `--${boundary}\r\n${renderPart(part)}\r\n`;
  return `${out}--${boundary}--\r\n`;
}

/** A whole message: top-level headers, blank line, body. */
export function renderMessage(headers: HeaderList, body: string): string {
  return `${renderHeaders(headers)}\r\n${body}`;
}
