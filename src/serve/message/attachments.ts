import { decodeQuotedPrintable } from '../../receive/ui/mime-tree.js';
import { contentType, field, mapLeaves } from './entity.js';

export interface Attachment {
  name: string;
  type: string;
  data: Buffer;
}

/** `name="x"` or RFC 2231 `name*=utf-8''x` of a Content-Disposition or Content-Type value. */
function nameIn(value: string | undefined, param: string): string | undefined {
  if (!value) return undefined;
  const { params } = contentType(`x/x; ${value.split(';').slice(1).join(';')}`);
  const extended = params[`${param}*`];
  if (extended) return decodeURIComponent(extended.replace(/^[^']*'[^']*'/, ''));
  return params[param];
}

/** The message's attachments in order: parts with a file name or `Content-Disposition: attachment`, decoded. */
export async function attachmentsOf(mime: string): Promise<Attachment[]> {
  const out: Attachment[] = [];
  await mapLeaves(mime, (leaf) => {
    const disposition = field({ fields: leaf.fields, body: '' }, 'Content-Disposition');
    const name =
      nameIn(disposition, 'filename') ??
      nameIn(field({ fields: leaf.fields, body: '' }, 'Content-Type'), 'name');
    if (!name && !/^\s*attachment/i.test(disposition ?? '')) return undefined;
    const data =
      leaf.encoding === 'base64'
        ? Buffer.from(leaf.body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64')
        : leaf.encoding === 'quoted-printable'
          ? Buffer.from(decodeQuotedPrintable(leaf.body))
          : Buffer.from(leaf.body, 'utf8');
    out.push({ name: name ?? `attachment-${out.length + 1}`, type: leaf.type, data });
    return undefined;
  });
  return out;
}
