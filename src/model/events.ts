/**
 * The event model every layer shares. Field names are exactly SMTPeter's
 * (see README "Wire format"); nothing here imports the rest of the project.
 */
import type { PiecedText } from './pieced-text.js';

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

export const CALL_TYPES = ['failure', 'bounce', 'delivery', 'open', 'click', 'abuse'] as const;
export type CallType = (typeof CALL_TYPES)[number];

/** The kinds the simulator made first; a run that names no kind makes these (as it always did). */
export const DELIVERY_PROBLEM_TYPES = ['failure', 'bounce'] as const satisfies readonly CallType[];
/** The rest of SMTPeter's webhook family. */
export const ENGAGEMENT_TYPES = ['delivery', 'open', 'click', 'abuse'] as const satisfies readonly CallType[];

export function isCallType(name: string): name is CallType {
  return (CALL_TYPES as readonly string[]).includes(name);
}

/** `failure`: this attempt failed and will be retried; `failed`: final. */
export type FailureAction = 'failure' | 'failed';

/**
 * Sisimai 4.25's reason vocabulary (the oracle the test suite uses);
 * `delivered` and `feedback` are its names for a successful delivery and an
 * ARF complaint.
 */
export const REASONS = [
  'blocked',
  'contenterror',
  'delivered',
  'exceedlimit',
  'expired',
  'feedback',
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
  /**
   * The message's exact bytes, when it is a captured one that is not UTF-8
   * (8-bit text in Latin-1, Windows-1252...): they are what the `mime` field
   * carries, and `mime` holds them read one character per byte.
   */
  mimeBytes?: Uint8Array;
  tags: string[];
}

/** The receiving server accepted the message (its reply to the final dot). */
export interface DeliveryEvent {
  id: string;
  type: 'delivery';
  timestamp: string;
  time: number;
  recipient: string;
  code: string;
  /** Absent when the server sends no enhanced status code (qmail, some Exim setups). */
  extended?: string;
  /** The accepting server's text after the code(s), e.g. Gmail's `OK  1700000000 ... - gsmtp`. */
  description: string;
  tags: string[];
}

/** An image of the message (the tracking pixel) was fetched. */
export interface OpenEvent {
  id: string;
  type: 'open';
  timestamp: string;
  time: number;
  recipient: string;
  /** Address that fetched the image, IPv4 or IPv6. */
  ip: string;
  useragent?: string;
  referer?: string;
  tags: string[];
}

/** A tracked link was followed. */
export interface ClickEvent {
  id: string;
  type: 'click';
  timestamp: string;
  time: number;
  recipient: string;
  ip: string;
  /** The link as the message's author wrote it (where the click redirects to). */
  original: string;
  /** The tracking link that was fetched (older published field). */
  url: string;
  useragent?: string;
  referer?: string;
  tags: string[];
}

/**
 * A complaint a mailbox provider's feedback loop sent back. On the wire only
 * id, type, emailfrom and mime; recipient, time and tags are what the
 * simulator knows about it (the message it is about, when the report came
 * in), used for reports, metrics and replay, never sent.
 */
export interface AbuseEvent {
  id: string;
  type: 'abuse';
  timestamp: string;
  time: number;
  /** The complained-about message's recipient ('' when only a redacted report is known). */
  recipient: string;
  /** The address the report came from (the feedback loop's sender). */
  emailfrom: string;
  /** The report as received: ARF (RFC 5965), CRLF line ends. */
  mime: string;
  /** As a bounce's `mimeBytes`: the exact bytes of a captured report that is not UTF-8. */
  mimeBytes?: Uint8Array;
  tags: string[];
}

export type WebhookEvent = FailureEvent | BounceEvent | DeliveryEvent | OpenEvent | ClickEvent | AbuseEvent;

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
  /**
   * The failure's description as its wording wrote it (sync scenarios): its
   * template's pieces and the values drawn for them. The form encoder uses
   * it only while its text is still the event's description.
   */
  descriptionText?: PiecedText;
  /**
   * A bounce given real-world defects (`--defects`, a fixture's `defects`):
   * their names (defects/kinds.ts), and the message before them, which a
   * fixture stores so that replaying applies the same defects again.
   */
  defects?: AppliedDefects;
}

export interface AppliedDefects {
  kinds: readonly string[];
  cleanMime: string;
}
