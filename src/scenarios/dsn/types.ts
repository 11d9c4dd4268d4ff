import type { OriginalMessage } from '../../mail/message.js';
import type { SmtpReply } from '../../mail/reply.js';
import type { Fake } from '../../random/fake.js';

/** Why delivery failed, as the reporting MTA learnt it. */
export interface DsnDiagnosis {
  /** RFC 3463 status for the Status: field. */
  status: string;
  /** The remote server's reply, when there was one. */
  reply?: SmtpReply;
  /** The reporting MTA's own error text when no reply was received. */
  local?: string;
  /** The SMTP command the reply answered (Postfix: "in reply to RCPT TO command"). */
  inReplyTo: 'RCPT TO' | 'MAIL FROM' | 'end of DATA' | 'DATA';
  /** Host the reporting MTA was talking to (Remote-MTA), if any. */
  remoteMta?: string;
  remoteIp?: string;
}

/** What a DSN style needs to write one bounce. */
export interface DsnInput {
  fake: Fake;
  /** When the bounce was written (ms). */
  now: number;
  /** When SMTPeter's bounce MX took it in (ms): after `now`, not after the call. */
  receivedAt: number;
  /** When the reporting MTA got the message (ms, its Arrival-Date): after the message's Date, before `now`. */
  arrivedAt: number;
  message: OriginalMessage;
  diagnosis: DsnDiagnosis;
  /** RET=FULL returns the whole message, RET=HDRS only its headers. */
  returned: 'full' | 'headers';
  /** Host name of the MTA writing the bounce. */
  reportingHost: string;
  /**
   * Further recipients of the same message at the same domain that this
   * one report names (a multi-recipient DSN), after `message.recipient`.
   */
  others?: readonly DsnRecipient[];
}

/** One recipient a report names, and why its delivery failed. */
export interface DsnRecipient {
  address: string;
  /** Display name (Exchange's X-Display-Name). */
  name: string;
  diagnosis: DsnDiagnosis;
}

export interface DsnStyle {
  name: string;
  label: string;
  /** The recipient domains this style writes bounces for (its own users). */
  recipientDomain?: (fake: Fake) => string;
  /** Reporting host for a recipient domain. */
  reportingHost: (recipientDomain: string, fake: Fake) => string;
  /** The reasons this style can write; all of DSN_REASONS when absent. */
  reasons?: readonly DsnReason[];
  /**
   * Style-specific wordings of a reason, when they differ from the generic
   * ones: one is picked per call, so a list of several is a declaration
   * that the real server words this reason several ways.
   */
  diagnose?: Partial<Record<DsnReason, readonly Diagnose[]>>;
  /** Writes every recipient of `DsnInput.others` too (one report for several recipients). */
  namesSeveral?: boolean;
  build(input: DsnInput): string;
}

export const DSN_REASONS = [
  'userunknown',
  'mailboxfull',
  'expired',
  'spamdetected',
  'policyviolation',
  'suspend',
  'mesgtoobig',
  'hostunknown',
] as const;
export type DsnReason = (typeof DSN_REASONS)[number];

export interface DiagnosisContext {
  fake: Fake;
  recipient: string;
  domain: string;
  /** Internal host the reporting MTA relays to. */
  nextHop: string;
  nextHopIp: string;
  sender: string;
}

/** One real-world wording of a reason: the diagnosis it gives in a context. */
export type Diagnose = (c: DiagnosisContext) => DsnDiagnosis;
