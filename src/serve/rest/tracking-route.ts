import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fetch } from '../../mail/user-agents.js';
import type { WebhookEvent } from '../../model/events.js';
import { embedsOf } from '../message/attachments.js';
import type { ServeStore } from '../store/store.js';
import { clickOf } from '../tracking/click-url.js';
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
 * /i/ID/CID: an image of an `images: hosted` message, served from what was
 * submitted, as SMTPeter serves the images it took out of a message. Each
 * download is an open when the message tracks opens ("open tracking serves
 * the message's images (or a pixel) and records each download").
 */
async function hostedImage(
  req: IncomingMessage,
  res: ServerResponse,
  m: StoredMessage | undefined,
  cid: string,
  happened: (m: StoredMessage, event: WebhookEvent) => void,
  now: number,
): Promise<void> {
  // A message composed from fields has no embedded parts: only a submitted MIME can have them.
  const submitted = m?.options.images === 'hosted' ? m.submitted.mime : undefined;
  const image = submitted ? (await embedsOf(submitted)).find((e) => e.cid === cid) : undefined;
  if (!m || !image) return text(res, 404, 'unknown hosted image\n');
  if (m.options.trackopens) happened(m, openHit(m, now, fetchOf(req)));
  res.writeHead(200, { 'content-type': image.type, 'content-length': image.data.length }).end(image.data);
}

/**
 * The URLs tracked messages point to: /PATH?ID-N (the link's own path) records the click and
 * redirects (302) to the original link, /o/ID.gif records the open and
 * answers the pixel, /i/ID/CID serves a hosted image. False: not a tracking URL.
 */
export function trackingRoute(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  store: ServeStore,
  happened: (m: StoredMessage, event: WebhookEvent) => void,
  now: number,
): boolean {
  const click = clickOf(url);
  if (click) {
    const m = store.message(click.id);
    const event = m && clickHit(m, click.n, url.href, now, fetchOf(req));
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
  const image = /^\/i\/([0-9a-f]{32})\/([^/]+)$/.exec(url.pathname);
  if (image) {
    let cid: string;
    try {
      cid = decodeURIComponent(image[2]!);
    } catch {
      text(res, 400, 'hosted image: the content id is not valid percent-encoding\n');
      return true;
    }
    void hostedImage(req, res, store.message(image[1]!), cid, happened, now).catch(() => {
      if (!res.headersSent) text(res, 500, 'internal error\n');
    });
    return true;
  }
  const open = /^\/o\/([0-9a-f]{32})\.gif$/.exec(url.pathname);
  if (!open) return false;
  const m = store.message(open[1]!);
  if (m) happened(m, openHit(m, now, fetchOf(req)));
  res.writeHead(200, { 'content-type': 'image/gif', 'cache-control': 'no-store' }).end(PIXEL_GIF);
  return true;
}
