import type { ServerResponse } from 'node:http';
import { findPart, mimeTree } from '../../receive/ui/mime-tree.js';
import { ApiError } from '../errors.js';
import { attachmentsOf } from '../message/attachments.js';
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

/** The message parts as they went out: GET /v1/recipient|envelope|headers|text|html|attachments/ID[/NAME|N]. */
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
    case 'attachments': {
      const all = await attachmentsOf(mime);
      if (rest[0] === undefined)
        return json(
          res,
          200,
          all.map((a, i) => ({ number: i, name: a.name, type: a.type, size: a.data.length })),
        );
      const found = /^\d+$/.test(rest[0]) ? all[Number(rest[0])] : all.find((a) => a.name === rest[0]);
      if (!found) throw new ApiError(404, `message ${m.id} has no attachment '${rest[0]}'`);
      return text(res, 200, found.data, found.type);
    }
    default:
      throw new ApiError(404, `unknown method '${method}'`);
  }
}
