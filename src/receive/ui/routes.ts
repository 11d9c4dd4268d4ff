import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { exportNdjson } from '../export.js';
import type { ReceivedCall, ReceiverRoutes } from '../types.js';
import { APP_CSS } from './app-css.js';
import { PAGE_HTML } from './page.js';
import { detail, rawRequest, summarize } from './view.js';

/**
 * The page's script, served byte for byte as it is in src/receive/ui/app.js
 * (the build copies it beside this module; the package ships it).
 */
export const APP_JS_FILE = new URL('./app.js', import.meta.url);

const SECURITY = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

const PAGE_HEADERS = {
  ...SECURITY,
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

function json(res: ServerResponse, status: number, value: unknown): void {
  res
    .writeHead(status, { ...SECURITY, 'content-type': 'application/json; charset=utf-8' })
    .end(JSON.stringify(value));
}

function sseEvent(call: ReceivedCall): string {
  return `id: ${call.seq}\nevent: call\ndata: ${JSON.stringify(summarize(call))}\n\n`;
}

/** The page, its API and its event stream, beside the webhook on one port (`startReceiver({ routes: createUi })`). */
export function createUi(calls: readonly ReceivedCall[]): ReceiverRoutes {
  const appJs = readFileSync(APP_JS_FILE);
  const streams = new Set<ServerResponse>();
  const ping = setInterval(() => {
    for (const s of streams) s.write(': ping\n\n');
  }, 15_000);
  ping.unref();

  const find = (seq: string): ReceivedCall | undefined => {
    const n = Number(seq);
    return Number.isInteger(n) ? calls.find((c) => c.seq === n) : undefined;
  };

  return {
    handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://x');
      const p = url.pathname;
      if (p === '/' || p === '/index.html') {
        res.writeHead(200, PAGE_HEADERS).end(PAGE_HTML);
        return true;
      }
      if (p === '/ui/app.js') {
        res.writeHead(200, { ...SECURITY, 'content-type': 'text/javascript; charset=utf-8' }).end(appJs);
        return true;
      }
      if (p === '/ui/app.css') {
        res.writeHead(200, { ...SECURITY, 'content-type': 'text/css; charset=utf-8' }).end(APP_CSS);
        return true;
      }
      if (p === '/api/calls') {
        json(res, 200, calls.map(summarize));
        return true;
      }
      if (p === '/api/export.ndjson') {
        const out = exportNdjson(calls);
        res
          .writeHead(200, {
            ...SECURITY,
            'content-type': 'application/x-ndjson; charset=utf-8',
            'content-disposition': 'attachment; filename="smtpeter-sim-calls.ndjson"',
            'x-exported': String(out.lines),
            'x-skipped': String(out.skipped),
          })
          .end(out.text);
        return true;
      }
      if (p === '/api/events' && req.method === 'GET') {
        res.writeHead(200, {
          ...SECURITY,
          'content-type': 'text/event-stream; charset=utf-8',
          connection: 'keep-alive',
        });
        // A reconnecting page says what it has seen; a new one gets everything.
        const last = Number(req.headers['last-event-id'] ?? url.searchParams.get('after') ?? 0) || 0;
        res.write('retry: 1000\n\n');
        for (const call of calls) if (call.seq > last) res.write(sseEvent(call));
        streams.add(res);
        req.socket.setTimeout(0);
        res.on('close', () => streams.delete(res));
        return true;
      }
      const m = /^\/api\/calls\/(\d+)(\/raw|\/mime)?$/.exec(p);
      if (m) {
        const call = find(m[1]!);
        if (!call) {
          json(res, 404, { error: `no call #${m[1]}` });
        } else if (m[2] === '/raw') {
          res
            .writeHead(200, { ...SECURITY, 'content-type': 'text/plain; charset=utf-8' })
            .end(rawRequest(call));
        } else if (m[2] === '/mime') {
          const mime = call.fields?.['mime'];
          if (typeof mime !== 'string') json(res, 404, { error: `call #${call.seq} has no mime field` });
          else res.writeHead(200, { ...SECURITY, 'content-type': 'text/plain; charset=utf-8' }).end(mime);
        } else {
          json(res, 200, detail(call));
        }
        return true;
      }
      // The page's own folders: a path there that is none of the above is not found (not a verification file).
      if (p.startsWith('/api/') || p.startsWith('/ui/')) {
        json(res, 404, { error: `no ${p} here` });
        return true;
      }
      return false;
    },
    publish(call) {
      if (!streams.size) return;
      const event = sseEvent(call);
      for (const s of streams) s.write(event);
    },
    close() {
      clearInterval(ping);
      for (const s of streams) s.end();
      streams.clear();
    },
  };
}
