import type { Audience } from '../mail/audience.js';
import type { MessageOptions, OriginalMessage } from '../mail/message.js';
import type { CallType, Reason, SimCall, SmtpState } from '../model/events.js';
import type { Fake } from '../random/fake.js';

/**
 * How a scenario reaches SMTPeter: a failure during SMTP, later as a DSN,
 * not recognised, an accepted delivery, through its open/click tracking, or
 * as a feedback-loop report.
 */
export type ScenarioMode = 'sync' | 'async' | 'none' | 'delivery' | 'tracking' | 'report';
/** The catalogue's sections. */
export type ScenarioKind =
  | 'sync'
  | 'dsn'
  | 'nonstandard'
  | 'autoreply'
  | 'moderation'
  | 'engagement'
  | 'complaint';

/** What `scenarios --json` lists; plain data, cheap to import. */
export interface ScenarioInfo {
  name: string;
  summary: string;
  kind: ScenarioKind;
  calls: CallType[];
  mode: ScenarioMode;
  /** Sisimai 4.25's reason for the bounce (or the failure's cause); `delivered` / `feedback` for the stories. */
  reason: Reason;
  states: SmtpState[];
  /** Styles it can be written in (receiving provider or reporting MTA). */
  styles: string[];
  /** Relative frequency in a realistic mix. */
  weight: number;
  /** `failure` (temporary, will retry) or `failed`; for scenarios with a failure call. */
  action?: 'failure' | 'failed';
}

export interface ScenarioInput {
  fake: Fake;
  /** The clock's value for this event, ms since the epoch. */
  now: number;
  /** Requested style, already checked against `styles`. */
  style: string;
  message: MessageOptions;
  /** Returned-message size for heavy bounces, bytes; 0 = normal. */
  attachmentBytes: number;
}

export interface Scenario extends ScenarioInfo {
  /**
   * Share of each style in a realistic mix, for the run's audience;
   * default: the provider table in style-weights.ts.
   */
  styleWeight?: (style: string, audience?: Audience) => number;
  /**
   * How many calls an instance makes depends on what it draws (a story's
   * opens, a report's recipients, a delay and its final bounce): counting
   * them means building them.
   */
  callsVary?: boolean;
  /** Pure: the same input gives the same calls. */
  build(input: ScenarioInput): SimCall[];
}

export type { OriginalMessage };
