import PostalMime, { type Email } from 'postal-mime';

/** Parse with a real MIME parser (postal-mime), independent of our builders. */
export async function parseMime(raw: string): Promise<Email> {
  return PostalMime.parse(raw);
}

/** The raw text of a message's top-level header block. */
export function headerBlock(raw: string): string {
  const end = raw.indexOf('\r\n\r\n');
  return end < 0 ? raw : raw.slice(0, end);
}

/** Every line ends in CRLF: no bare LF and no bare CR. */
export function hasOnlyCrlf(raw: string): boolean {
  return !/[^\r]\n/.test(raw) && !/\r(?!\n)/.test(raw) && !raw.startsWith('\n');
}

/** The body of the message/delivery-status part, unfolded into fields. */
export function deliveryStatusFields(raw: string): Array<Record<string, string>> | undefined {
  const m = /Content-Type: message\/delivery-status[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n--/i.exec(
    raw,
  );
  if (!m) return undefined;
  return m[1]!
    .replace(/\r\n[ \t]+/g, ' ')
    .split(/\r\n\r\n/)
    .filter((b) => b.trim())
    .map((block) => {
      const fields: Record<string, string> = {};
      for (const line of block.split('\r\n')) {
        const i = line.indexOf(':');
        if (i > 0) fields[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      return fields;
    });
}
