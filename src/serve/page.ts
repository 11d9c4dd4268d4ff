import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServeStore } from './store/store.js';
import type { StoredMessage, TimelineEvent } from './types.js';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function subjectOf(m: StoredMessage): string {
  if (m.mime === undefined) return m.draft?.fields.subject ?? '';
  return /^Subject:[ \t]*(.*(?:\r\n[ \t].*)*)/im.exec(m.mime)?.[1]?.replace(/\r\n[ \t]+/g, ' ') ?? '';
}

function eventRow(e: TimelineEvent, now: number): string {
  const when = new Date(e.dueAt).toISOString().replace('T', ' ').slice(0, 19);
  const attempts = e.attempts
    .map(
      (a) =>
        `${a.status ?? a.error ?? '?'}${a.retryInMs !== undefined ? ` (retry in ${Math.round(a.retryInMs)} ms)` : ''}`,
    )
    .join(', ');
  const state = e.dueAt > now && e.state === 'scheduled' ? 'due later' : e.state;
  return `<tr class="${esc(e.state)}"><td>${when}</td><td>${esc(e.kind)}</td><td>${esc(e.call.scenario)}/${esc(e.call.style)}</td><td>${esc(state)}</td><td>${esc(attempts)}</td></tr>`;
}

/** The page: every kept message (newest first), its timeline, and each webhook call's attempts and answers. */
export function renderPage(store: ServeStore, now: number, limit = 200): string {
  const messages = store.messages({ limit });
  const evicted = store.evicted();
  const blocks = messages.map((m) => {
    const rows = store
      .events(m.id)
      .map((e) => eventRow(e, now))
      .join('');
    return `<section><h2>${esc(m.recipient)} <small>${esc(m.id)} · ${esc(m.fate)} · via ${m.via} · tags ${esc(m.options.tags.join(', ') || '—')}</small></h2><p>${esc(subjectOf(m))}</p><table><tr><th>time</th><th>event</th><th>scenario/style</th><th>webhook call</th><th>attempts</th></tr>${rows}</table></section>`;
  });
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>smtpeter-sim serve</title><style>body{font:14px system-ui,sans-serif;margin:2em}section{border-top:1px solid #ccc;padding:.5em 0}small{color:#666;font-weight:normal}table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left}.delivered td:nth-child(4){color:#070}.given-up td:nth-child(4){color:#b00}.retrying td:nth-child(4){color:#a60}</style></head><body><h1>smtpeter-sim serve</h1><p>${store.count()} message(s) accepted${evicted ? `; the oldest ${evicted} no longer kept (--keep)` : ''}; showing the newest ${messages.length}.</p>${blocks.join('')}</body></html>`;
}

/** GET / (the page) and GET /api/messages (the same as JSON). */
export function pageRoutes(
  store: ServeStore,
  now: () => number,
): (req: IncomingMessage, res: ServerResponse, url: URL) => boolean {
  return (_req, res, url) => {
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(renderPage(store, now()));
      return true;
    }
    if (url.pathname === '/api/messages') {
      const messages = store.messages({ limit: 200 }).map((m) => ({
        id: m.id,
        recipient: m.recipient,
        fate: m.fate,
        tags: m.options.tags,
        events: store
          .events(m.id)
          .map((e) => ({ kind: e.kind, dueAt: e.dueAt, state: e.state, attempts: e.attempts })),
      }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(messages));
      return true;
    }
    return false;
  };
}
