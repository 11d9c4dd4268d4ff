import { decodeWords, parseParams } from '../../receive/ui/mime-tree.js';
import { field, type Leaf, leafBytes, mapLeaves } from './entity.js';

export interface Attachment {
  name: string;
  type: string;
  data: Buffer;
}

/**
 * A file name parameter of a Content-Disposition or Content-Type value, decoded as mail
 * clients write it: `name="x"`, RFC 2231 (`name*=utf-8''x`, continued as `name*0*=`,
 * `name*1*=` past 78 columns, as nodemailer does) or RFC 2047 (`name="=?UTF-8?Q?...?="`).
 */
function nameIn(value: string | undefined, param: string): string | undefined {
  if (!value) return undefined;
  const name = parseParams(value).params[param];
  return name === undefined ? undefined : decodeWords(name);
}

/** A leaf's Content-ID without its angle brackets, or undefined. */
export function contentIdOf(leaf: Leaf): string | undefined {
  const id = field({ fields: leaf.fields, body: '' }, 'Content-ID');
  return id ? id.replace(/^<|>$/g, '').trim() : undefined;
}

/** An embedded file's Content-ID: a part that has one and is not text (an HTML part may carry one too). */
function embeddedId(leaf: Leaf): string | undefined {
  const cid = contentIdOf(leaf);
  return cid && !leaf.type.startsWith('text/') ? cid : undefined;
}

/** The Content-IDs of the message's embedded parts, without decoding them. */
export async function embeddedIds(mime: string): Promise<Set<string>> {
  const ids = new Set<string>();
  await mapLeaves(mime, (leaf) => {
    const cid = embeddedId(leaf);
    if (cid) ids.add(cid);
    return undefined;
  });
  return ids;
}

/** The message's embedded parts (those with a Content-ID), decoded: GET /v1/embeds and hosted images. */
export async function embedsOf(mime: string): Promise<(Attachment & { cid: string })[]> {
  const out: (Attachment & { cid: string })[] = [];
  await mapLeaves(mime, (leaf) => {
    const cid = embeddedId(leaf);
    if (cid) out.push({ cid, name: nameOf(leaf) ?? cid, type: leaf.type, data: leafBytes(leaf) });
    return undefined;
  });
  return out;
}

/** A part's file name, from Content-Disposition or Content-Type. */
function nameOf(leaf: Leaf): string | undefined {
  const head = { fields: leaf.fields, body: '' };
  return (
    nameIn(field(head, 'Content-Disposition'), 'filename') ?? nameIn(field(head, 'Content-Type'), 'name')
  );
}

/** The message's attachments in order: parts with a file name or `Content-Disposition: attachment`, decoded. */
export async function attachmentsOf(mime: string): Promise<Attachment[]> {
  const out: Attachment[] = [];
  await mapLeaves(mime, (leaf) => {
    const disposition = field({ fields: leaf.fields, body: '' }, 'Content-Disposition');
    const name = nameOf(leaf);
    if (!name && !/^\s*attachment/i.test(disposition ?? '')) return undefined;
    out.push({ name: name ?? `attachment-${out.length + 1}`, type: leaf.type, data: leafBytes(leaf) });
    return undefined;
  });
  return out;
}
