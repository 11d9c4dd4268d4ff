import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fetch } from '../../mail/user-agents.js';
import type { WebhookEvent } from '../../model/events.js';
import type { ServeStore } from '../store/store.js';
import { clickHit, openHit, PIXEL_GIF } from '../tracking/hits.js';
import type { StoredMessage } from '../types.js';
import { text } from './http.js';

/** Who fetched a tracking URL, as the tracking server sees it. */
function fetchOf(req: IncomingMessage): Fetch {
  const f: Fetch = { ip: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '') };
  if (req.headers['user-agent']) f.useragent = req.headers['user-agent'];
  if (req.headers.referer) f.referer = req.headers.referer;
  return f;
}

/**
 * The URLs tracked messages point to: /c/ID/N records the click and
 * redirects (302) to the original link, /o/ID.gif records the open and
 * answers the pixel. False: not a tracking URL.
 */
export function trackingRoute(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  store: ServeStore,
  happened: (m: StoredMessage, event: WebhookEvent) => void,
  now: number,
): boolean {
  const click = /^\/c\/([0-9a-f]{32})\/(\d+)$/.exec(url.pathname);
  if (click) {
    const m = store.message(click[1]!);
    const event = m && clickHit(m, Number(click[2]), url.href, now, fetchOf(req));
    if (!m || !event) {
      text(res, 404, 'unknown tracking link\n');
      return true;
    }
    happened(m, event);
    res
      .writeHead(302, { location: event.original, 'content-type': 'text/plain' })
      .end(`redirecting to ${event.original}\n`);
    return true;
  }
  const open = /^\/o\/([0-9a-f]{32})\.gif$/.exec(url.pathname);
  if (!open) return false;
  const m = store.message(open[1]!);
  if (m) happened(m, openHit(m, now, fetchOf(req)));
  res.writeHead(200, { 'content-type': 'image/gif', 'cache-control': 'no-store' }).end(PIXEL_GIF);
  return true;
}
