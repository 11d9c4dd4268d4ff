import type { DsnRequest } from '../mail/message.js';
import type { CallType, SimCall } from '../model/events.js';
import type { ComposeFields } from './message/compose.js';
import type { Draft } from './message/draft.js';

/** Per-message options, from REST fields or `x-smtpeter-*` headers (headers win). */
export interface SendOptions {
  trackclicks: boolean;
  trackopens: boolean;
  trackbounces: boolean;
  preventscam: boolean;
  inlinecss: boolean;
  images?: 'hosted' | 'default';
  tags: string[];
  /** `YYYY-MM-DD hh:mm:ss` UTC: not delivered after it. */
  maxdelivertime?: string;
  dsn?: DsnRequest;
  /** The template the message was made from (the log files' `templateid`); absent: none. */
  templateid?: number;
}

/** A template made with `POST /v1/template`: content fields as a send gives them, `{$variables}` unfilled. */
export interface StoredTemplate {
  id: number;
  name?: string;
  /** from, to, cc, replyto, subject, text, html, unsubscribe, extra, attachments: checked when created. */
  content: Record<string, unknown>;
  createdAt: number;
}

/** One message handed to serve, by REST or SMTP, before it has ids. */
export interface Submission {
  /** Envelope sender; '' is the null sender (`MAIL FROM:<>`). */
  envelope: string;
  recipients: string[];
  /** The message as the client gave it (CRLF); absent: `draft` gives it. */
  mime?: string;
  /**
   * Fields to compose the message from, when it was not given as MIME; the
   * Message-ID, Date and boundary serve fixes when absent (a resend keeps them).
   */
  draft?: { fields: ComposeFields } & Partial<Omit<Draft, 'fields'>>;
  /** Personalised sends: each recipient's own message, in place of `mime`. */
  personal?: Record<string, string>;
  options: SendOptions;
  /** SMTP: each RCPT's own NOTIFY and ORCPT, over `options.dsn` for that recipient. */
  recipientDsn?: Record<string, { notify?: string[]; orcpt?: string }>;
  via: 'rest' | 'smtp';
}

/** One recipient's copy: what serve sent and what it decided would happen. */
export interface StoredMessage {
  id: string;
  recipient: string;
  /** The return path it went out with (SMTPeter's VERP address with bounce tracking). */
  envelope: string;
  /**
   * The message as it went out: tracking applied, `x-smtpeter-*` removed,
   * CRLF. Absent: nothing had to read it yet, and `draft` composes it (the
   * same bytes each time: read it with mimeOf).
   */
  mime?: string;
  draft?: Draft;
  options: SendOptions;
  acceptedAt: number;
  /** What happens to it: an outcome name or a scenario name. */
  fate: string;
  /** Tracked links: the original URL of link n is `links[n]`. */
  links: string[];
  via: 'rest' | 'smtp';
  /** What was submitted (before tracking), for POST /v1/resend: the same string for every recipient of a submission. */
  submitted: { envelope: string; mime?: string; draft?: Draft };
}

/** Where an event's webhook call stands. */
export type CallState = 'scheduled' | 'retrying' | 'delivered' | 'given-up' | 'no-webhook';

/** One attempt at an event's webhook call, as the engine reported it. */
export interface AttemptRecord {
  attempt: number;
  at: number;
  url: string;
  status?: number;
  error?: string;
  latencyMs: number;
  retryInMs?: number;
}

/** One thing that happened to a message, and its webhook call. */
export interface TimelineEvent {
  /** `<message id>/<n>`: unique, ordered within a message. */
  key: string;
  messageId: string;
  kind: CallType;
  /** When it happens (and its call is due), ms since the epoch. */
  dueAt: number;
  call: SimCall;
  state: CallState;
  attempts: AttemptRecord[];
}
