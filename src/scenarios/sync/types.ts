import type { FailureAction, Reason, SmtpState } from '../../model/events.js';
import type { PiecedText } from '../../model/pieced-text.js';
import type { Fake } from '../../random/fake.js';

/** What a wording template sees: who was addressed, from where. */
export interface ReplyContext {
  fake: Fake;
  recipient: string;
  domain: string;
  sender: string;
  /** The sending MTA's IP (SMTPeter's), as the remote side saw it. */
  clientIp: string;
  mx: string;
  /** A provider-specific trace token (Gmail's `a1si123`, Microsoft's server name). */
  trace: string;
}

/** A wording's text: from a template (t`...`, pieced-text.ts), or a plain string. */
export type Said = PiecedText | string;

/**
 * What the server replied: its code, enhanced code, and its text as
 * SMTPeter's `description` carries it (a multi-line reply's lines joined by
 * a space, without the codes MailerQ puts in `code` and `extended`).
 */
export interface SyncReply {
  code: string;
  extended?: string;
  text: Said;
}

/** A reply, or (no reply received) the local error text. */
export type Wording = (c: ReplyContext) => SyncReply | { local: Said };

export interface SyncSpec {
  name: string;
  summary: string;
  state: SmtpState;
  reason: Reason;
  action: FailureAction;
  weight: number;
  /** Wording per style; the style's provider decides the recipient domain. */
  styles: Record<string, Wording>;
}
