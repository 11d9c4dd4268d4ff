import { ARF_STYLES, abuseEvent, abuseReport } from '../../mail/arf.js';
import { acceptReply, type DeliveryStyle, deliveryEvent } from '../../mail/delivery-reply.js';
import { buildOriginalMessage, type OriginalMessage, type SentFacts } from '../../mail/message.js';
import { clickEvent, openEvent } from '../../mail/tracking.js';
import { clickingClient, clientFetch, openingClient } from '../../mail/user-agents.js';
import type { FailureEvent, SimCall, WebhookEvent } from '../../model/events.js';
import { formatTimestamp } from '../../model/time.js';
import type { Fake } from '../../random/fake.js';
import { WeightedTable } from '../../random/rng.js';
import { findScenario } from '../../scenarios/catalogue.js';
import { styleWeight } from '../../scenarios/style-weights.js';
import type { Scenario } from '../../scenarios/types.js';
import { isOutcome } from '../outcomes/fate.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export interface PlanInput {
  fake: Fake;
  /** The recipient's copy as it went out. */
  facts: SentFacts;
  recipient: string;
  tags: string[];
  fate: string;
  /** When serve accepted it, ms. */
  acceptedAt: number;
  /** Mail time runs this much faster than the wall clock. */
  timeScale: number;
  /** Bounces and auto-replies come back to SMTPeter (bounce tracking on, a return path to send them to). */
  bouncesReturn: boolean;
  /** Tracked links: original URL and serve's click URL. */
  links: { original: string; url: string }[];
  trackopens: boolean;
  /** `maxdelivertime` on the compressed clock (wall ms): retries due after it are not made. */
  deadline?: number;
}

/**
 * `maxdelivertime` (`YYYY-MM-DD hh:mm:ss`, UTC) on the compressed clock: as
 * far after acceptance, in wall ms, as it is in mail time divided by the scale.
 */
export function deadlineOf(maxdelivertime: string, acceptedAt: number, timeScale: number): number {
  const until = Date.parse(`${maxdelivertime.replace(' ', 'T')}Z`);
  return Math.round(acceptedAt + (until - acceptedAt) / timeScale);
}

/** One planned event: its call, and when (wall clock, ms) it happens. */
export interface Planned {
  at: number;
  call: SimCall;
}

/** Whose server answers the delivery, by the recipient's domain; other domains run the common MTAs. */
function deliveryStyle(domain: string, fake: Fake): DeliveryStyle {
  if (/^(gmail|googlemail)\.com$/.test(domain)) return 'gmail';
  if (/^(outlook|hotmail|live)\.com$/.test(domain)) return 'outlook';
  if (/^(yahoo|ymail|aol)\.com$/.test(domain)) return 'yahoo';
  return fake.rng.weighted(
    [
      ['postfix', 50],
      ['office365', 20],
      ['exim', 15],
      ['sendmail', 10],
      ['qmail', 5],
    ] as const,
    ([, w]) => w,
  )[0];
}

/** A sleep in mail time, drawn in [min, max] ms, as wall-clock ms. */
class MailClock {
  constructor(
    private at: number,
    private readonly scale: number,
    private readonly fake: Fake,
  ) {}
  /** Advance by a draw in [min, max] mail-time ms; the new wall-clock time. */
  after(min: number, max: number): number {
    this.at += this.fake.rng.int(min, max) / this.scale;
    return Math.round(this.at);
  }
  get now(): number {
    return Math.round(this.at);
  }
}

/** The event's time fields set to `at` (a scenario's call stamped at its compressed time). */
function stamp(event: WebhookEvent, at: number): void {
  event.time = Math.floor(at / 1000);
  event.timestamp = formatTimestamp(event.time);
}

function pickStyle(scenario: Scenario, fake: Fake): string {
  return WeightedTable.of(scenario.styles, scenario.styleWeight ?? styleWeight).pick(fake.rng);
}

/**
 * A scenario's calls about the message, from `start` (wall ms). The calls
 * keep their own spacing, compressed; calls that only a returned message
 * causes (DSNs, auto-replies) are left out when bounces do not come back.
 */
function scenarioCalls(scenario: Scenario, input: PlanInput, start: number, style?: string): Planned[] {
  const { fake } = input;
  const calls = scenario.build({
    fake,
    now: start,
    style: style ?? pickStyle(scenario, fake),
    message: { recipient: input.recipient, tags: input.tags, sent: input.facts },
    attachmentBytes: 0,
  });
  const first = calls[0]?.event.time ?? 0;
  const out: Planned[] = [];
  for (const call of calls) {
    const returned =
      call.event.type === 'bounce' || (call.event.type === 'failure' && call.event.state === 'bounce');
    if (returned && !input.bouncesReturn) continue;
    const at = Math.round(start + ((call.event.time - first) * SECOND) / input.timeScale);
    stamp(call.event, at);
    out.push({ at, call });
  }
  return out;
}

function call(event: WebhookEvent, scenario: string, style: string): SimCall {
  return { event, scenario, style };
}

/**
 * SMTPeter gives up when `maxdelivertime` passes: the last temporary failure
 * becomes final (action `failed`, the same 4xx reply), logged at the deadline.
 */
function gaveUp(out: readonly Planned[], deadline: number): Planned | undefined {
  const last = out.findLast((p) => p.call.event.type === 'failure');
  if (!last) return undefined;
  const at = Math.max(deadline, last.at);
  const event: FailureEvent = { ...(last.call.event as FailureEvent), action: 'failed' };
  stamp(event, at);
  return { at, call: { ...last.call, event } };
}

/**
 * What happens to one recipient's copy, as timed events (pure: the same
 * input, the same plan). Spaced like real mail in mail time: delivery in
 * seconds, a greylisted retry minutes later, DSNs minutes to an hour after,
 * opens and clicks over hours; the wall clock runs `timeScale` times faster.
 */
export function planTimeline(input: PlanInput): Planned[] {
  const { fake, fate } = input;
  const clock = new MailClock(input.acceptedAt, input.timeScale, fake);
  const msg = buildOriginalMessage(fake, input.acceptedAt, {
    recipient: input.recipient,
    tags: input.tags,
    sent: input.facts,
  });
  const out: Planned[] = [];
  const deliverAt = (at: number, given?: DeliveryStyle): void => {
    const style = given ?? deliveryStyle(msg.recipientDomain, fake);
    out.push({ at, call: call(deliveryEvent(msg, at, acceptReply(style, msg, fake.rng, at)), fate, style) });
  };
  const deliver = (min = 1 * SECOND, max = 20 * SECOND, style?: DeliveryStyle): void =>
    deliverAt(clock.after(min, max), style);
  // After a temporary failure: the retry gets through, unless it would come after maxdelivertime.
  const retry = (min: number, max: number): void => {
    const at = clock.after(min, max);
    const end = input.deadline !== undefined && at > input.deadline ? gaveUp(out, input.deadline) : undefined;
    if (end) out.push(end);
    else deliverAt(at);
  };
  if (!isOutcome(fate)) {
    const scenario = findScenario(fate);
    if (scenario.mode === 'sync') {
      out.push(...scenarioCalls(scenario, input, clock.after(1 * SECOND, 10 * SECOND)));
      // A temporary failure is retried, and the retry gets through.
      if (scenario.action === 'failure') retry(5 * MINUTE, 20 * MINUTE);
      return out;
    }
    deliver();
    const later =
      scenario.kind === 'autoreply'
        ? clock.after(30 * SECOND, 10 * MINUTE)
        : clock.after(1 * MINUTE, 60 * MINUTE);
    out.push(...scenarioCalls(scenario, input, later));
    return out;
  }
  switch (fate) {
    case 'delivered':
      deliver();
      break;
    case 'bounce':
      // The server that accepted the message is the one that reports it undeliverable: Postfix
      // for both (the common MTA, and one whose DSN writes every RFC 3464 field a DSN request
      // asks for), so its 250 and its DSN read as one MTA's.
      deliver(1 * SECOND, 20 * SECOND, 'postfix');
      out.push(
        ...scenarioCalls(
          findScenario('dsn-userunknown'),
          input,
          clock.after(1 * MINUTE, 30 * MINUTE),
          'postfix',
        ),
      );
      break;
    case 'softbounce':
      out.push(...scenarioCalls(findScenario('sync-greylisted'), input, clock.after(1 * SECOND, 5 * SECOND)));
      retry(5 * MINUTE, 15 * MINUTE);
      break;
    case 'ooto':
      deliver();
      out.push(
        ...scenarioCalls(
          findScenario('autoreply-out-of-office'),
          input,
          clock.after(30 * SECOND, 10 * MINUTE),
        ),
      );
      break;
    case 'complaint': {
      deliver();
      const at = clock.after(5 * MINUTE, 2 * HOUR);
      const style = fake.rng.pick(ARF_STYLES).name;
      out.push({ at, call: call(abuseEvent(msg, at, abuseReport(msg, style, fake, at)), fate, style) });
      break;
    }
    case 'opened':
    case 'clicked':
      deliver();
      engagement(input, msg, clock, fate === 'clicked', out);
      break;
  }
  return out;
}

/** The open (when opens are tracked) and, for `clicked`, every tracked link followed after it. */
function engagement(
  input: PlanInput,
  msg: OriginalMessage,
  clock: MailClock,
  clicks: boolean,
  out: Planned[],
): void {
  const { fake } = input;
  const opener = openingClient(fake.rng, msg.recipientDomain);
  const openAt = clock.after(2 * MINUTE, 3 * HOUR);
  if (input.trackopens)
    out.push({
      at: openAt,
      call: call(openEvent(msg, openAt, clientFetch(opener, fake.rng)), 'opened', opener.name),
    });
  if (!clicks) return;
  const clicker = clickingClient(fake.rng);
  const fetch = clientFetch(clicker, fake.rng);
  for (const link of input.links) {
    const at = clock.after(5 * SECOND, 2 * MINUTE);
    out.push({ at, call: call(clickEvent(msg, at, fetch, link), 'clicked', clicker.name) });
  }
}
