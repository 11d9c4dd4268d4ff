import { base64Body, crlf, quotedPrintable } from '../../mime/body.js';

export type TransferEncoding = 'quoted-printable' | 'base64' | '8bit';

/** Encode UTF-8 text for the wire; 8bit is sent as is (Sieve does that). */
export function encodeBody(text: string, cte: TransferEncoding): string {
  const lines = crlf(text);
  if (cte === 'base64') return base64Body(lines);
  if (cte === 'quoted-printable') return quotedPrintable(lines);
  return lines;
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The HTML part a mail client writes for the same text. Outlook wraps it in
 * a full document with its default font; Gmail's editor makes one `<div>`
 * per line and `<div><br></div>` for blank lines.
 */
export function htmlFor(text: string, flavour: 'outlook' | 'gmail'): string {
  const lines = text.trimEnd().split('\n').map(escapeHtml);
  if (flavour === 'gmail') {
    return `<div dir="ltr">${lines.map((l) => (l ? `<div>${l}</div>` : '<div><br></div>')).join('')}</div>\n`;
  }
  return (
    '<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n</head>\n<body>\n' +
    '<div style="font-family: Aptos, Calibri, Helvetica, sans-serif; font-size: 11pt; color: rgb(0, 0, 0);">\n' +
    text
      .trim()
      .split('\n\n')
      .map((p) => `<p>${p.split('\n').map(escapeHtml).join('<br>\n')}</p>`)
      .join('\n') +
    '\n</div>\n</body>\n</html>\n'
  );
}
