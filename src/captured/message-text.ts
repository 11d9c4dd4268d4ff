import { isUtf8 } from 'node:buffer';

/**
 * A captured message's bytes as text, or why they cannot be carried. The
 * call's `mime` is text end to end (encoding, signing, the fixture format),
 * so an 8-bit message in another charset (Latin-1, Windows-1252...) would
 * have its bytes replaced by U+FFFD, the recipient's name included: data
 * loss. It is refused instead, naming the line and the byte.
 */
export function messageText(bytes: Buffer): { ok: true; text: string } | { ok: false; problem: string } {
  if (isUtf8(bytes)) return { ok: true, text: bytes.toString('utf8') };
  let lineStart = 0;
  for (let line = 1; ; line++) {
    const nl = bytes.indexOf(0x0a, lineStart);
    const end = nl < 0 ? bytes.length : nl + 1;
    const slice = bytes.subarray(lineStart, end);
    if (!isUtf8(slice)) {
      const at = slice.findIndex((b) => b >= 0x80);
      const byte = (slice[at] ?? 0).toString(16).toUpperCase().padStart(2, '0');
      return {
        ok: false,
        problem: `line ${line}: byte 0x${byte} is not UTF-8 (8-bit text in another charset); not carried, as its bytes would be replaced: re-encode the message as UTF-8 or quoted-printable`,
      };
    }
    lineStart = end;
  }
}
