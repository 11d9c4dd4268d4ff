import type { OriginalMessage } from '../../mail/message.js';
import type { Fake } from '../../random/fake.js';

/** Reasons the non-standard formats below can truly carry (Sisimai 4.25 names). */
export const NONSTANDARD_REASONS = ['userunknown', 'mailboxfull', 'hostunknown'] as const;
export type NonstandardReason = (typeof NONSTANDARD_REASONS)[number];

export interface NonstandardInput {
  fake: Fake;
  /** When the bounce was written (ms). */
  now: number;
  /** When SMTPeter's bounce MX took it in (ms): after `now`, not after the call. */
  receivedAt: number;
  message: OriginalMessage;
  reason: NonstandardReason;
  /** The internal host the accepting MTA hands mail on to. */
  nextHop: string;
  nextHopIp: string;
}

/** A bounce format that carries no message/delivery-status part. */
export interface NonstandardStyle {
  name: string;
  label: string;
  /** Reasons this format can write so that Sisimai 4.25 reads them right. */
  reasons: readonly NonstandardReason[];
  /** Recipient domains this system accepts mail for; default a company domain. */
  recipientDomain?: (fake: Fake) => string;
  build(input: NonstandardInput): string;
}
