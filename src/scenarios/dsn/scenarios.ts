import { bounceEvent, bounceTimes, failureEvent } from '../../mail/call-events.js';
import { buildOriginalMessage, type OriginalMessage } from '../../mail/message.js';
import { companyDomain } from '../../mail/providers.js';
import { replyDescription } from '../../mail/reply.js';
import type { FailureAction, FailureEvent, Reason, SimCall } from '../../model/events.js';
import type { Scenario, ScenarioInput } from '../types.js';
import { DELAY_WRITERS } from './delayed.js';
import { wordingsFor } from './diagnoses.js';
import { DSN_STYLES, dsnStyleWeight } from './registry.js';
import type { DiagnosisContext, DsnDiagnosis, DsnReason, DsnRecipient, DsnStyle } from './types.js';

const SUMMARIES: Record<DsnReason, [string, number]> = {
  userunknown: ['Accepted, then bounced: no such user (DSN 5.1.1)', 20],
  mailboxfull: ['Accepted, then bounced: mailbox full (DSN 5.2.2)', 8],
  expired: ['Could not be delivered within the queue lifetime (DSN 4.4.7)', 3],
  spamdetected: ['Accepted at the edge, then refused as spam inside (DSN 5.7.1)', 3],
  policyviolation: ['Refused by the recipient domain policy (DSN 5.7.x)', 2],
  suspend: ['Mailbox suspended or disabled (DSN 5.2.1)', 2],
  mesgtoobig: ['Too big for the downstream server (DSN 5.3.4)', 1],
  hostunknown: ['Downstream host not found (DSN 5.4.4)', 1],
};

/** How long before the bounce the message was sent. */
function sentBefore(reason: DsnReason, input: ScenarioInput): number {
  const { rng } = input.fake;
  if (reason === 'expired') return (5 * 24 * 60 + rng.int(0, 59)) * 60_000; // Postfix's 5-day queue lifetime
  return rng.int(20, 3 * 60 * 60) * 1000;
}

const styleNamed = (name: string): DsnStyle => DSN_STYLES.find((s) => s.style.name === name)!.style;

/** The message a report is about, in the style's recipient domains, and the reporting side's hosts. */
function reportCase(
  style: DsnStyle,
  input: ScenarioInput,
  before: number,
): { msg: OriginalMessage; ctx: DiagnosisContext; reportingHost: string } {
  const { fake, now } = input;
  const domain =
    input.message.domain ?? style.recipientDomain?.(fake) ?? companyDomain(fake, input.message.audience);
  const msg = buildOriginalMessage(fake, now, input.message, {
    domain,
    sentBefore: before,
    attachmentBytes: input.attachmentBytes,
  });
  const reportingHost = style.reportingHost(msg.recipientDomain, fake);
  const ctx = {
    fake,
    recipient: msg.recipient,
    domain: msg.recipientDomain,
    nextHop: `${fake.rng.pick(['mailstore', 'mbox', 'imap', 'exch'])}${fake.rng.int(1, 9)}.${fake.rng.pick(['int', 'corp', 'local'])}.${msg.recipientDomain}`,
    nextHopIp: `10.${fake.rng.int(0, 255)}.${fake.rng.int(0, 255)}.${fake.rng.int(1, 254)}`,
    sender: msg.fromAddress,
  };
  return { msg, ctx, reportingHost };
}

/** SMTPeter recognised the DSN and reports what it says about `recipient`. */
function failureCall(
  msg: OriginalMessage,
  at: number,
  d: DsnDiagnosis,
  action: FailureAction,
  recipient = msg.recipient,
): FailureEvent {
  const failure = failureEvent(msg, at, recipient, action, 'bounce');
  if (d.reply) failure.code = d.reply.code;
  failure.extended = d.status;
  failure.description = d.reply ? replyDescription(d.reply) : d.local!;
  return failure;
}

/** RET=FULL / RET=HDRS decide; without one, the drawn habit of the reporting MTA. */
function returnedPart(ret: 'FULL' | 'HDRS' | undefined, drawnFull: boolean): 'full' | 'headers' {
  if (ret) return ret === 'FULL' ? 'full' : 'headers';
  return drawnFull ? 'full' : 'headers';
}

function buildDsn(reason: DsnReason, input: ScenarioInput): SimCall[] {
  const { fake, now } = input;
  const style = styleNamed(input.style);
  const { msg, ctx, reportingHost } = reportCase(style, input, sentBefore(reason, input));
  const diagnosis: DsnDiagnosis = fake.rng.pick(wordingsFor(style, reason))(ctx);
  const mime = style.build({
    fake,
    ...bounceTimes(fake.rng, now, msg.sentAt),
    message: msg,
    diagnosis,
    returned: returnedPart(msg.dsn?.ret, input.attachmentBytes > 0 || fake.rng.chance(0.7)),
    reportingHost,
  });
  const scenario = `dsn-${reason}`;
  return [
    { event: bounceEvent(msg, now, mime), scenario, style: style.name, mailfrom: '' },
    { event: failureCall(msg, now, diagnosis, 'failed'), scenario, style: style.name },
  ];
}

/**
 * One message to several mailboxes at one domain, one report naming two to
 * four of them (Postfix and Exchange write one DSN per message and
 * delivery attempt, a block per recipient). SMTPeter makes a bounce call
 * per named recipient, each carrying the same MIME (the same bytes) and the
 * message's id and envelope, each with its own recipient, then a failure
 * call per recipient. A really sent message (serve) went to its recipient
 * alone, so its report names that one.
 */
function buildMultiRecipient(input: ScenarioInput): SimCall[] {
  const { fake, now } = input;
  const style = styleNamed(input.style);
  const { msg, ctx, reportingHost } = reportCase(style, input, sentBefore('userunknown', input));
  const wording = fake.rng.pick(wordingsFor(style, 'userunknown'));
  const others: DsnRecipient[] = [];
  for (let n = input.message.sent ? 0 : fake.rng.int(1, 3); others.length < n; ) {
    const co = buildOriginalMessage(fake, now, { domain: msg.recipientDomain });
    if (co.recipient === msg.recipient || others.some((o) => o.address === co.recipient)) continue;
    others.push({
      address: co.recipient,
      name: co.recipientName,
      diagnosis: wording({ ...ctx, recipient: co.recipient }),
    });
  }
  const diagnosis = wording(ctx);
  const mime = style.build({
    fake,
    ...bounceTimes(fake.rng, now, msg.sentAt),
    message: msg,
    diagnosis,
    returned: returnedPart(msg.dsn?.ret, fake.rng.chance(0.7)),
    reportingHost,
    others,
  });
  const scenario = 'dsn-multi-recipient';
  const named = [{ address: msg.recipient, diagnosis }, ...others];
  const bounces: SimCall[] = named.map((r) => ({
    event: { ...bounceEvent(msg, now, mime), recipient: r.address },
    scenario,
    style: style.name,
    mailfrom: '',
  }));
  const failures: SimCall[] = named.map((r) => ({
    event: failureCall(msg, now, r.diagnosis, 'failed', r.address),
    scenario,
    style: style.name,
  }));
  return [...bounces, ...failures];
}

/**
 * A delay warning, then the final failure when the queue lifetime ends.
 * SMTPeter's documentation: every message that comes back to the envelope
 * reaches the bounce webhook, and a standard DSN it recognises also makes a
 * failure call, `action` `failure` while delivery is still retried, `failed`
 * when final (SMTPeter/en/feedback-failures.md and feedback-bounces.md in
 * CopernicaMarketingSoftware/Documentation; README
 * "Delay notifications"). So a delay is a bounce call (the warning's MIME)
 * and a failure call with action `failure`, state `bounce` and the
 * warning's 4.x.x status; days later the final DSN gives a bounce call and
 * a failure call with action `failed`, for the same message id.
 */
function buildDelayed(input: ScenarioInput): SimCall[] {
  const { fake, now } = input;
  const writer = DELAY_WRITERS.find((w) => w.style.name === input.style)!;
  const style = writer.style;
  const { msg, ctx, reportingHost } = reportCase(style, input, writer.warnAfter(fake.rng));
  const cause = fake.rng.pick(writer.causes)(ctx);
  const retryUntil = msg.sentAt + writer.lifetime;
  const base = { fake, message: msg, reportingHost, returned: 'headers' as const };
  const warning = writer.build(
    { ...base, ...bounceTimes(fake.rng, now, msg.sentAt), diagnosis: cause.delay },
    cause,
    retryUntil,
  );
  // The final bounce reaches SMTPeter a few minutes after the last retry.
  const finalAt = retryUntil + fake.rng.int(1, 15) * 60_000;
  const final = style.build({
    ...base,
    ...bounceTimes(fake.rng, finalAt, msg.sentAt),
    diagnosis: cause.final,
    returned: returnedPart(msg.dsn?.ret, input.attachmentBytes > 0 || fake.rng.chance(0.7)),
  });
  const scenario = 'dsn-delayed';
  const call = (event: SimCall['event'], bounce: boolean): SimCall => ({
    event,
    scenario,
    style: style.name,
    ...(bounce ? { mailfrom: '' } : {}),
  });
  return [
    call(bounceEvent(msg, now, warning), true),
    call(failureCall(msg, now, cause.delay, 'failure'), false),
    call(bounceEvent(msg, finalAt, final), true),
    call(failureCall(msg, finalAt, cause.final, 'failed'), false),
  ];
}

const REASON_SCENARIOS: Scenario[] = (Object.keys(SUMMARIES) as DsnReason[]).map((reason) => ({
  name: `dsn-${reason}`,
  summary: SUMMARIES[reason][0],
  kind: 'dsn',
  calls: ['bounce', 'failure'],
  mode: 'async',
  reason: reason as Reason,
  states: ['bounce'],
  styles: DSN_STYLES.filter((s) => s.style.reasons?.includes(reason) ?? true).map((s) => s.style.name),
  weight: SUMMARIES[reason][1],
  action: 'failed',
  styleWeight: dsnStyleWeight,
  build: (input) => buildDsn(reason, input),
}));

export const DSN_SCENARIOS: Scenario[] = [
  ...REASON_SCENARIOS,
  {
    name: 'dsn-delayed',
    summary:
      'Delay warning (Action: delayed, 4.x.x, Will-Retry-Until): bounce + failure (action failure), then days later the final DSN: bounce + failure (failed)',
    kind: 'dsn',
    calls: ['bounce', 'failure'],
    mode: 'async',
    reason: 'expired',
    states: ['bounce'],
    styles: DELAY_WRITERS.map((w) => w.style.name),
    weight: 2,
    action: 'failed',
    styleWeight: dsnStyleWeight,
    callsVary: true,
    build: buildDelayed,
  },
  {
    name: 'dsn-multi-recipient',
    summary:
      'One DSN naming 2-4 recipients at one domain (no such user): a bounce call per recipient with the same MIME, and a failure call each',
    kind: 'dsn',
    calls: ['bounce', 'failure'],
    mode: 'async',
    reason: 'userunknown',
    states: ['bounce'],
    styles: DSN_STYLES.filter((s) => s.style.namesSeveral).map((s) => s.style.name),
    weight: 2,
    action: 'failed',
    styleWeight: dsnStyleWeight,
    callsVary: true,
    build: buildMultiRecipient,
  },
];
