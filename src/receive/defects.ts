import type { DefectKind } from '../defects/kinds.js';
import type { MimeNode } from './ui/mime-tree.js';

/**
 * The real-world defects a receiver can see in a bounce as it arrived: read
 * from the wire (the `mime` field and the page's own reading of it), never
 * from what the sender says it did, so the listen page shows what a
 * receiver's parser would meet and proves each kind detectable.
 */
export function detectDefects(mime: string, tree: MimeNode): DefectKind[] {
  const found = new Set<DefectKind>();
  const top = tree.headers;
  const from = fieldOf(top, 'From');
  // RFC 5322 3.4.1: an addr-spec is local-part "@" domain.
  if (from !== undefined && !/@[^\s>@]+/.test(addressOf(from))) found.add('anonymous-sender');
  // RFC 5322 2.2: header fields are US-ASCII; RFC 2047 words carry the rest.
  if (/[^\x00-\x7f]/.test(rawHead(mime))) found.add('8bit-header');
  // RFC 5322 2.1: lines end in CRLF.
  if (/(?<!\r)\n/.test(mime)) found.add('bare-lf');
  walk(tree, (node) => {
    if (node.notes?.some((n) => n.startsWith('multipart not closed'))) found.add('truncated-multipart');
    const charset = node.contentType.startsWith('text/') ? node.params['charset'] : undefined;
    if (charset !== undefined && !knownCharset(charset)) found.add('charset-unknown-label');
    for (const group of node.deliveryStatus?.recipients ?? []) {
      const value = fieldOf(group, 'Final-Recipient');
      if (value === undefined) continue;
      // RFC 3464 2.3.2: address-type ";" generic-address; for rfc822, an addr-spec.
      const m = /^\s*([^;\s]+)\s*;\s*(.*)$/.exec(value);
      if (!m) found.add('final-recipient-no-type');
      else if (m[1]!.toLowerCase() === 'rfc822' && m[2]!.trim().startsWith('@'))
        found.add('final-recipient-no-local-part');
    }
  });
  return [...found].sort();
}

function fieldOf(pairs: ReadonlyArray<readonly [string, string]>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return pairs.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** The address of a From value: inside angle brackets, else the value less any comment. */
function addressOf(value: string): string {
  const angle = /<([^>]*)>/.exec(value);
  return angle ? angle[1]! : value.replace(/\([^)]*\)/g, '').trim();
}

/** The message's own header block, as it arrived (before RFC 2047 decoding). */
function rawHead(mime: string): string {
  const end = /\r?\n\r?\n/.exec(mime);
  return end ? mime.slice(0, end.index) : mime;
}

/** A charset label the WHATWG Encoding Standard (every browser's and Node's decoder) knows. */
function knownCharset(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

function walk(node: MimeNode, visit: (node: MimeNode) => void): void {
  visit(node);
  for (const part of node.parts ?? []) walk(part, visit);
}
