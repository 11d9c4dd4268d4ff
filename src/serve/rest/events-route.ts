import { ApiError } from '../errors.js';
import type { ServeStore } from '../store/store.js';
import type { StoredMessage } from '../types.js';
import { attemptEntry, type LogEntry, logEntry } from './log-events.js';
import { findMessage } from './message-route.js';

const DAY = 86_400_000;

/** `start` / `end` as `yyyy-mm-dd` (UTC): at most a month apart, start first. */
export function dateRange(url: URL, now: number): { start: number; end: number } | undefined {
  const s = url.searchParams.get('start');
  const e = url.searchParams.get('end');
  if (s === null && e === null) return undefined;
  const parse = (name: string, v: string | null, fallback: number): number => {
    if (v === null) return fallback;
    if (!/^\d{4}-\d\d-\d\d$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
      throw new ApiError(400, `${name}: expected a date yyyy-mm-dd, got '${v}'`);
    return Date.parse(`${v}T00:00:00Z`);
  };
  const end = parse('end', e, now) + (e === null ? 0 : DAY);
  const start = parse('start', s, end - 31 * DAY);
  if (start > end) throw new ApiError(400, 'start: must come before end');
  if (end - start > 32 * DAY) throw new ApiError(400, 'start and end: at most a month apart');
  return { start, end };
}

/** What happened to these messages so far (events not yet due are left out), filtered as the query asks. */
function entries(store: ServeStore, messages: StoredMessage[], url: URL, now: number): LogEntry[] {
  const range = dateRange(url, now);
  const tags = url.searchParams.get('tags')?.split(';').filter(Boolean);
  const inRange = (t: number): boolean => !range || (t >= range.start && t < range.end);
  const out: LogEntry[] = [];
  for (const m of messages) {
    if (tags?.length && !tags.some((x) => m.options.tags.includes(x))) continue;
    if (inRange(m.acceptedAt)) out.push(attemptEntry(m));
    const timeline = store.events(m.id);
    // The tracking URLs are this server's: an open came over its protocol.
    const protocol = url.protocol.replace(/:$/, '');
    for (const e of timeline)
      if (e.dueAt <= now && inRange(e.dueAt)) out.push(logEntry(m, e, timeline, protocol));
  }
  return out;
}

/** GET /v1/events/messageid/ID, /events/email/ADDRESS, /events/template/ID, /events/tags/T1;T2. */
export function eventsRoute(
  store: ServeStore,
  kind: string | undefined,
  arg: string | undefined,
  url: URL,
  now: number,
): LogEntry[] {
  if (kind === 'messageid' && arg) {
    return entries(store, [findMessage(store, arg)], url, now);
  }
  if (kind === 'email' && arg)
    return entries(store, store.messages({ recipient: arg, limit: 10_000 }), url, now);
  if (kind === 'template' && arg) {
    if (!/^\d+$/.test(arg))
      throw new ApiError(400, `template: expected a template id (a number), got '${arg}'`);
    return entries(store, store.messages({ templateid: Number(arg), limit: 10_000 }), url, now);
  }
  if (kind === 'tags' && arg)
    return entries(store, store.messages({ tags: arg.split(';').filter(Boolean), limit: 10_000 }), url, now);
  throw new ApiError(
    404,
    'events: use /v1/events/messageid/ID, /v1/events/email/ADDRESS, /v1/events/template/ID or /v1/events/tags/T1;T2',
  );
}
