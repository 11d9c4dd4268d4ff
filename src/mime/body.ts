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

/**
 * Quoted-printable (RFC 2045 6.7) of UTF-8 text: soft line breaks at 76
 * columns, trailing white space encoded, hard line breaks kept as CRLF.
 */
export function quotedPrintable(text: string): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const bytes = Buffer.from(line, 'utf8');
    let encoded = '';
    let width = 0;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i] as number;
      const last = i === bytes.length - 1;
      let token: string;
      if ((byte === 0x20 || byte === 0x09) && !last) token = String.fromCharCode(byte);
      else if (byte >= 33 && byte <= 126 && byte !== 61) token = String.fromCharCode(byte);
      else token = `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      if (width + token.length > 75) {
        encoded += '=\r\n';
        width = 0;
      }
      encoded += token;
      width += token.length;
    }
    out.push(encoded);
  }
  return out.join('\r\n');
}

/** Wrap plain text at `width` columns on word boundaries (for MTA prose). */
export function wrapText(text: string, width = 76, indent = ''): string {
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
