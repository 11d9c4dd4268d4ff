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

/**
 * A timeline event in the log files' words (smtpeter-api.md §5): times
 * `YYYY-MM-DD hh:mm:ss`, tags joined with `;`, templateid (0 when none), webhook
 * `extended` as `status`, click `original` as `destination`.
 */
export function logEntry(m: StoredMessage, e: TimelineEvent): LogEntry {
  const ev: WebhookEvent = e.call.event;
  const base = {
    id: m.id,
    time: formatTimestamp(Math.floor(e.dueAt / 1000)),
    recipient: m.recipient,
    tags: m.options.tags.join(';'),
    templateid: m.options.templateid ?? 0,
  };
  let data: Record<string, string | number>;
  switch (ev.type) {
    case 'delivery':
      data = {
        ...base,
        envelope: m.envelope,
        attempt: 1,
        code: ev.code,
        status: ev.extended ?? '',
        description: ev.description,
      };
      break;
    case 'failure':
      data = {
        ...base,
        envelope: m.envelope,
        attempt: 1,
        type: ev.action === 'failed' ? 'permanent' : 'temporary',
        code: ev.code ?? '',
        status: ev.extended ?? '',
        description: ev.description ?? '',
        state: ev.state,
      };
      break;
    case 'bounce':
      data = { ...base, envelope: ev.envelope, mime: ev.mime };
      break;
    case 'open':
      data = {
        ...base,
        ip: ev.ip,
        headers: ev.useragent ? `User-Agent: ${ev.useragent}` : '',
        protocol: 'https',
      };
      break;
    case 'click':
      data = {
        ...base,
        ip: ev.ip,
        headers: ev.useragent ? `User-Agent: ${ev.useragent}` : '',
        url: ev.url,
        destination: ev.original,
      };
      break;
    case 'abuse':
      data = { ...base, envelope: m.envelope };
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
