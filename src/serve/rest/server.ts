import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Fetch } from '../../mail/user-agents.js';
import type { WebhookEvent } from '../../model/events.js';
import { findPart, mimeTree } from '../../receive/ui/mime-tree.js';
import { Refused } from '../intake.js';
import { composeMessage } from '../message/compose.js';
import { parseEntity } from '../message/entity.js';
import type { ServeStore } from '../store/store.js';
import { clickHit, openHit, PIXEL_GIF } from '../tracking/hits.js';
import type { StoredMessage, Submission } from '../types.js';
import { ApiError, parseRequestBody } from './body.js';
import { attemptEntry, type LogEntry, logEntry } from './log-events.js';
import { parseSendRequest } from './send-request.js';
import type { WebhookConfig } from './webhooks.js';

export interface RestOptions {
  host: string;
  port: number;
  token: string;
  maxSize: number;
  store: ServeStore;
  accept: (sub: Submission) => Promise<StoredMessage[]>;
  /** A real click or open happened: record it and schedule its call now. */
  happened: (m: StoredMessage, event: WebhookEvent) => void;
  webhooks: WebhookConfig;
  /** GET / and /api/...: the page. True when handled. */
  page: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;
  now?: () => number;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new ApiError(413, `request body larger than ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const json = (res: ServerResponse, status: number, value: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(value)}\n`);
};
const text = (
  res: ServerResponse,
  status: number,
  body: string,
  type = 'text/plain; charset=utf-8',
): void => {
  res.writeHead(status, { 'content-type': type }).end(body);
};

function sameToken(given: string | null, token: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Who fetched a tracking URL, as the tracking server sees it. */
function fetchOf(req: IncomingMessage): Fetch {
  const f: Fetch = { ip: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '') };
  if (req.headers['user-agent']) f.useragent = req.headers['user-agent'];
  if (req.headers.referer) f.referer = req.headers.referer;
  return f;
}

/** `yyyy-mm-dd` (UTC) → ms; start and end at most a month apart, start first. */
function dateRange(url: URL): { start: number; end: number } | undefined {
  const s = url.searchParams.get('start');
  const e = url.searchParams.get('end');
  if (s === null && e === null) return undefined;
  const parse = (name: string, v: string | null, fallback: number): number => {
    if (v === null) return fallback;
    if (!/^\d{4}-\d\d-\d\d$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
      throw new ApiError(400, `${name}: expected a date yyyy-mm-dd, got '${v}'`);
    return Date.parse(`${v}T00:00:00Z`);
  };
  const end = parse('end', e, Date.now()) + (e === null ? 0 : 86_400_000);
  const start = parse('start', s, end - 31 * 86_400_000);
  if (start > end) throw new ApiError(400, 'start: must come before end');
  if (end - start > 32 * 86_400_000) throw new ApiError(400, 'start and end: at most a month apart');
  return { start, end };
}

/**
 * SMTPeter's REST API under /v1 (access_token in the query), plus the
 * tracking URLs its messages point to (/c/ID/N redirects, /o/ID.gif) and
 * the page. Every error is a status and one line of text; the server goes on.
 */
export async function startRestFront(o: RestOptions): Promise<{ port: number; close(): Promise<void> }> {
  const now = o.now ?? Date.now;

  const messageOr404 = (id: string): StoredMessage => {
    const m = o.store.message(id);
    if (!m) throw new ApiError(404, `unknown message id '${id}'`);
    return m;
  };

  const entries = (messages: StoredMessage[], url: URL): LogEntry[] => {
    const range = dateRange(url);
    const tags = url.searchParams.get('tags')?.split(';').filter(Boolean);
    const t = now();
    const out: LogEntry[] = [];
    for (const m of messages) {
      if (tags?.length && !tags.some((x) => m.options.tags.includes(x))) continue;
      if (!range || (m.acceptedAt >= range.start && m.acceptedAt < range.end)) out.push(attemptEntry(m));
      for (const e of o.store.events(m.id)) {
        if (e.dueAt > t) continue; // not happened yet
        if (range && (e.dueAt < range.start || e.dueAt >= range.end)) continue;
        out.push(logEntry(m, e));
      }
    }
    return out;
  };

  const send = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = parseRequestBody(req.headers['content-type'], await readBody(req, o.maxSize));
    const request = parseSendRequest(body);
    let mime: string;
    if ('mime' in request.content) mime = request.content.mime;
    else
      mime = await composeMessage(
        request.content.compose,
        `<${now().toString(36)}.${Math.random().toString(36).slice(2)}@simulator.smtpeter.test>`,
        new Date(now()),
      );
    const fromHeader = request.envelope ?? fromAddress(mime);
    try {
      const messages = await o.accept({
        envelope: fromHeader,
        recipients: request.recipients,
        mime,
        options: request.options,
        via: 'rest',
      });
      json(res, 200, Object.fromEntries(messages.map((m) => [m.id, m.recipient])));
    } catch (err) {
      if (err instanceof Refused) throw new ApiError(400, err.message);
      throw err;
    }
  };

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (!sameToken(url.searchParams.get('access_token'), o.token))
      throw new ApiError(401, 'invalid or missing access_token');
    const parts = url.pathname.split('/').slice(2).map(decodeURIComponent);
    const [method, arg, ...rest] = parts;
    const m = req.method ?? 'GET';
    if (m === 'POST' && method === 'send' && !arg) return send(req, res);
    if (m === 'POST' && (method === 'webhook' || method === 'feedbackloop') && !arg)
      return json(
        res,
        200,
        await o.webhooks.configure(parseRequestBody(req.headers['content-type'], await readBody(req, 65536))),
      );
    if (m === 'GET' && (method === 'webhooks' || method === 'feedbackloops') && !arg)
      return json(res, 200, o.webhooks.list());
    if (m !== 'GET') throw new ApiError(405, `${m} /v1/${method ?? ''} is not an API method here`);
    if (!method) throw new ApiError(404, 'no method: try /v1/send, /v1/events/messageid/ID, ...');
    if (method === 'events') {
      if (arg === 'messageid' && rest[0]) return json(res, 200, entries([messageOr404(rest[0])], url));
      if (arg === 'email' && rest[0])
        return json(res, 200, entries(o.store.messages({ recipient: rest[0], limit: 10_000 }), url));
      if (arg === 'tags' && rest[0]) {
        const tags = rest[0].split(';').filter(Boolean);
        return json(res, 200, entries(o.store.messages({ tags, limit: 10_000 }), url));
      }
      throw new ApiError(
        404,
        'events: use /v1/events/messageid/ID, /v1/events/email/ADDRESS or /v1/events/tags/T1;T2',
      );
    }
    if (!arg) throw new ApiError(404, `${method}: give a message id, /v1/${method}/ID`);
    const msg = messageOr404(arg);
    switch (method) {
      case 'recipient':
        return text(res, 200, msg.recipient);
      case 'envelope':
        return text(res, 200, msg.envelope);
      case 'headers':
      case 'header':
        return json(res, 200, Object.fromEntries(parseEntity(msg.mime).fields.map((f) => [f.name, f.value])));
      case 'text':
      case 'html': {
        const part = findPart(
          mimeTree(msg.mime, { maxText: o.maxSize }),
          method === 'text' ? 'text/plain' : 'text/html',
        );
        if (!part?.text) throw new ApiError(404, `message ${arg} has no ${method} part`);
        return text(
          res,
          200,
          part.text,
          method === 'text' ? 'text/plain; charset=utf-8' : 'text/html; charset=utf-8',
        );
      }
      default:
        throw new ApiError(404, `unknown method '${method}'`);
    }
  };

  const tracking = (req: IncomingMessage, res: ServerResponse, url: URL): boolean => {
    const click = /^\/c\/([0-9a-f]{32})\/(\d+)$/.exec(url.pathname);
    if (click) {
      const m = o.store.message(click[1]!);
      const event = m && clickHit(m, Number(click[2]), url.href, now(), fetchOf(req));
      if (!m || !event) {
        text(res, 404, 'unknown tracking link\n');
        return true;
      }
      o.happened(m, event);
      res
        .writeHead(302, { location: event.original, 'content-type': 'text/plain' })
        .end(`redirecting to ${event.original}\n`);
      return true;
    }
    const open = /^\/o\/([0-9a-f]{32})\.gif$/.exec(url.pathname);
    if (open) {
      const m = o.store.message(open[1]!);
      if (m) o.happened(m, openHit(m, now(), fetchOf(req)));
      res.writeHead(200, { 'content-type': 'image/gif', 'cache-control': 'no-store' }).end(PIXEL_GIF);
      return true;
    }
    return false;
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const fail = (err: unknown): void => {
      if (res.headersSent) return void res.destroy();
      if (err instanceof ApiError) text(res, err.status, `${err.message}\n`);
      else text(res, 500, 'internal error\n');
    };
    try {
      if (url.pathname.startsWith('/v1/') || url.pathname === '/v1')
        return void api(req, res, url).catch(fail);
      if (req.method === 'GET' && (tracking(req, res, url) || o.page(req, res, url))) return;
      text(res, 404, 'not found: the API is under /v1/\n');
    } catch (err) {
      fail(err);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The From address of a message (the envelope when none is given), '' when none can be read. */
function fromAddress(mime: string): string {
  try {
    const from =
      parseEntity(mime.replace(/\r?\n/g, '\r\n')).fields.find((f) => f.name.toLowerCase() === 'from')
        ?.value ?? '';
    return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
  } catch {
    return '';
  }
}
