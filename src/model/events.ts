/**
 * The event model every layer shares. Field names are exactly SMTPeter's
 * (see README "Wire format"); nothing here imports the rest of the project.
 */

/** MailerQ's delivery-attempt states, plus `bounce` for an asynchronous DSN. */
export const SMTP_STATES = [
  'dns',
  'bind',
  'connect',
  'handshake',
  'intro',
  'ehlo',
  'helo',
  'starttls',
  'authplain',
  'authlogin',
  'mailfrom',
  'rcptto',
  'data',
  'message',
  'bounce',
] as const;
export type SmtpState = (typeof SMTP_STATES)[number];

export const CALL_TYPES = ['failure', 'bounce'] as const;
export type CallType = (typeof CALL_TYPES)[number];

/** `failure`: this attempt failed and will be retried; `failed`: final. */
export type FailureAction = 'failure' | 'failed';

/** Sisimai 4.25's reason vocabulary (the oracle the test suite uses). */
export const REASONS = [
  'blocked',
  'contenterror',
  'exceedlimit',
  'expired',
  'filtered',
  'hasmoved',
  'hostunknown',
  'mailboxfull',
  'mailererror',
  'mesgtoobig',
  'networkerror',
  'norelaying',
  'notaccept',
  'onhold',
  'policyviolation',
  'rejected',
  'securityerror',
  'spamdetected',
  'suspend',
  'syntaxerror',
  'systemerror',
  'systemfull',
  'toomanyconn',
  'userunknown',
  'vacation',
  'virusdetected',
] as const;
export type Reason = (typeof REASONS)[number];

export interface FailureEvent {
  id: string;
  type: 'failure';
  /** UTC, `YYYY-MM-DD HH:MM:SS`; the same moment as `time`. */
  timestamp: string;
  /** Unix seconds. */
  time: number;
  recipient: string;
  action: FailureAction;
  state: SmtpState;
  code?: string;
  extended?: string;
  description?: string;
  tags: string[];
}

export interface BounceEvent {
  id: string;
  type: 'bounce';
  timestamp: string;
  time: number;
  recipient: string;
  /** The rewritten return path the bounce was sent back to. */
  envelope: string;
  /** The complete bounce message, CRLF line ends. */
  mime: string;
  tags: string[];
}

export type WebhookEvent = FailureEvent | BounceEvent;

/**
 * One call to make, with what the simulator knows about it beyond the wire
 * fields. `mailfrom` is the bounce's own SMTP envelope sender ('' = null
 * sender), needed by the feedback-loop dialects.
 */
export interface SimCall {
  event: WebhookEvent;
  scenario: string;
  style: string;
  mailfrom?: string;
}
