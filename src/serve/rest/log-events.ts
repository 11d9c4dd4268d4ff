import { placeOf } from '../../mail/geo.js';
import { messageMta, mxAddress } from '../../mail/smtpeter-mta.js';
import type { WebhookEvent } from '../../model/events.js';
import { formatTimestamp } from '../../model/time.js';
import type { StoredMessage, TimelineEvent } from '../types.js';

/** One entry of GET /v1/events/...: the log file's event name and fields, and where its webhook call stands. */
export interface LogEntry {
  event: string;
  data: Record<string, string | number>;
  /** Not in SMTPeter's answer: the webhook call's state and attempts (serve's addition). */
  webhook: { state: TimelineEvent['state']; attempts: number; lastStatus?: number };
}

/** The request headers a tracking hit came with, one per line (the log's `headers`). */
function hitHeaders(ev: { useragent?: string; referer?: string }): string {
  const lines: string[] = [];
  if (ev.useragent) lines.push(`User-Agent: ${ev.useragent}`);
  if (ev.referer) lines.push(`Referer: ${ev.referer}`);
  return lines.join('\n');
}

/**
 * Which delivery attempt `e` was: 1 + the attempts (deliveries and failures
 * during the SMTP conversation) before it; an asynchronous failure (a DSN,
 * state `bounce`) is about the attempt that was accepted before it.
 */
function attemptNumber(e: TimelineEvent, timeline: readonly TimelineEvent[]): number {
  const isAttempt = (t: TimelineEvent): boolean =>
    t.kind === 'delivery' ||
    (t.kind === 'failure' && t.call.event.type === 'failure' && t.call.event.state !== 'bounce');
  const before = timeline.filter((t) => t.key !== e.key && t.dueAt <= e.dueAt && isAttempt(t)).length;
  return isAttempt(e) ? before + 1 : Math.max(before, 1);
}

/**
 * A timeline event in the log files' words and fields, in their order
 * (smtpeter-api.md §5): times `YYYY-MM-DD hh:mm:ss`, tags joined with `;`,
 * templateid (0 when none), webhook `extended` as `status`, click `original`
 * as `destination`; `from` is the MTA that sent the message (the one its
 * bounces and abuse reports name), `to` the recipient domain's MX; an open or
 * click is placed by its IP, over the tracking URL's `protocol`.
 */
export function logEntry(
  m: StoredMessage,
  e: TimelineEvent,
  timeline: readonly TimelineEvent[],
  protocol: string,
): LogEntry {
  const ev: WebhookEvent = e.call.event;
  const id = m.id;
  const time = formatTimestamp(Math.floor(e.dueAt / 1000));
  const { recipient } = m;
  const tags = m.options.tags.join(';');
  const templateid = m.options.templateid ?? 0;
  const hop = () => ({
    from: messageMta(m.id).ip,
    to: mxAddress(recipient.slice(recipient.lastIndexOf('@') + 1)),
    attempt: attemptNumber(e, timeline),
  });
  let data: Record<string, string | number>;
  switch (ev.type) {
    case 'delivery':
      data = { id, time, envelope: m.envelope, recipient, ...hop(), tags, templateid };
      break;
    case 'failure': {
      const { from, to, attempt } = hop();
      data = {
        id,
        time,
        envelope: m.envelope,
        recipient,
        attempt,
        from,
        to,
        type: ev.action === 'failed' ? 'permanent' : 'temporary',
        code: ev.code ?? '',
        status: ev.extended ?? '',
        description: ev.description ?? '',
        state: ev.state,
        tags,
        templateid,
      };
      break;
    }
    case 'bounce':
      data = { id, time, envelope: ev.envelope, recipient, mime: ev.mime, tags, templateid };
      break;
    case 'open':
      data = {
        id,
        time,
        headers: hitHeaders(ev),
        ip: ev.ip,
        protocol,
        tags,
        recipient,
        ...placeOf(ev.ip),
        templateid,
      };
      break;
    case 'click':
      data = {
        id,
        time,
        headers: hitHeaders(ev),
        ip: ev.ip,
        tags,
        recipient,
        ...placeOf(ev.ip),
        templateid,
        url: ev.url,
        destination: ev.original,
      };
      break;
    case 'abuse':
      data = { id, time, envelope: m.envelope, recipient, tags, templateid };
      break;
  }
  const last = e.attempts[e.attempts.length - 1];
  return {
    event: ev.type,
    data,
    webhook: {
      state: e.state,
      attempts: e.attempts.length,
      ...(last?.status !== undefined ? { lastStatus: last.status } : {}),
    },
  };
}

/** The attempt SMTPeter logs when it takes a message in. */
export function attemptEntry(m: StoredMessage): LogEntry {
  return {
    event: 'attempt',
    data: {
      id: m.id,
      time: formatTimestamp(Math.floor(m.acceptedAt / 1000)),
      envelope: m.envelope,
      recipient: m.recipient,
      properties: JSON.stringify({
        trackclicks: m.options.trackclicks,
        trackopens: m.options.trackopens,
        trackbounces: m.options.trackbounces,
      }),
      tags: m.options.tags.join(';'),
      templateid: m.options.templateid ?? 0,
    },
    webhook: { state: 'no-webhook', attempts: 0 },
  };
}
