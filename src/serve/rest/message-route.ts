import type { ServerResponse } from 'node:http';
import { findPart, mimeTree } from '../../receive/ui/mime-tree.js';
import { ApiError } from '../errors.js';
import { type Attachment, attachmentsOf, embedsOf } from '../message/attachments.js';
import { mimeOf } from '../message/draft.js';
import { parseEntity } from '../message/entity.js';
import type { ServeStore } from '../store/store.js';
import type { StoredMessage } from '../types.js';
import { json, text } from './http.js';

/**
 * A stored message by id, or 404. Past `--keep` the oldest messages are
 * evicted, and the answer says so: the id may be one of them.
 */
export function findMessage(store: ServeStore, id: string): StoredMessage {
  const m = store.message(id);
  if (m) return m;
  const evicted = store.evicted();
  throw new ApiError(
    404,
    evicted
      ? `unknown message id '${id}': not among the messages kept (the oldest ${evicted} were evicted by --keep)`
      : `unknown message id '${id}'`,
  );
}

/** The GET methods about one message: `/v1/METHOD/ID`. */
export const MESSAGE_METHODS: ReadonlySet<string> = new Set([
  'recipient',
  'envelope',
  'headers',
  'header',
  'text',
  'html',
  'attachments',
  'embeds',
]);

/** The message parts as they went out: GET /v1/recipient|envelope|headers|text|html|attachments|embeds/ID[/NAME|N]. */
export async function messageRoute(
  res: ServerResponse,
  method: string,
  m: StoredMessage,
  rest: string[],
): Promise<void> {
  if (method === 'recipient') return text(res, 200, m.recipient);
  if (method === 'envelope') return text(res, 200, m.envelope);
  const mime = await mimeOf(m);
  switch (method) {
    case 'headers':
    case 'header':
      return json(res, 200, Object.fromEntries(parseEntity(mime).fields.map((f) => [f.name, f.value])));
    case 'text':
    case 'html': {
      const part = findPart(
        mimeTree(mime, { maxText: mime.length }),
        method === 'text' ? 'text/plain' : 'text/html',
      );
      if (part?.text === undefined) throw new ApiError(404, `message ${m.id} has no ${method} part`);
      return text(res, 200, part.text, `text/${method === 'text' ? 'plain' : 'html'}; charset=utf-8`);
    }
    case 'attachments':
      return filesRoute(res, m.id, await attachmentsOf(mime), rest[0], 'attachment', (a) => a.name);
    case 'embeds':
      // The embedded files (parts with a Content-ID), as the message went out.
      return filesRoute(res, m.id, await embedsOf(mime), rest[0], 'embedded file', (a) => a.cid);
    default:
      throw new ApiError(404, `unknown method '${method}'`);
  }
}

/** A list of files (number, name, type, size, and the cid of embeds), or one file's bytes by number or key. */
function filesRoute<F extends Attachment>(
  res: ServerResponse,
  id: string,
  all: F[],
  which: string | undefined,
  what: string,
  keyOf: (f: F) => string,
): void {
  if (which === undefined) {
    json(
      res,
      200,
      all.map(({ data, ...rest }, number) => ({ number, ...rest, size: data.length })),
    );
    return;
  }
  const found = /^\d+$/.test(which) ? all[Number(which)] : all.find((f) => keyOf(f) === which);
  if (!found) throw new ApiError(404, `message ${id} has no ${what} '${which}'`);
  text(res, 200, found.data, found.type);
}
