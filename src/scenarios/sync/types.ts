import type { SmtpReply } from '../../mail/reply.js';
import type { FailureAction, Reason, SmtpState } from '../../model/events.js';
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

/** A reply, or (no reply received) the local error text. */
export type Wording = (c: ReplyContext) => SmtpReply | { local: string };

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
