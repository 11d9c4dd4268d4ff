import type { ChalkInstance } from 'chalk';
import type { LatencySummary } from '../metrics/run-metrics.js';
import { formatMeasured, type ThresholdResult } from '../metrics/thresholds.js';
import { type CallResult, isOk } from '../model/results.js';
import type { ReceivedCall } from '../receive/types.js';
import { describeDelay } from '../run/disorder.js';
import type { FireSummary } from '../run/fire.js';
import { describePolicy } from '../run/retry-policy.js';
import { answerText } from './answer.js';
import { gaveUpNote, outcomeLabel } from './outcome.js';
import { achievedRate } from './rate-limits.js';

const ms = (n: number): string => `${n < 10 ? n.toFixed(1) : Math.round(n)}ms`;
const ms2 = (n: number): string =>
  n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : Math.round(n).toString();

/** One line per attempt: status, latency, type, scenario, style, recipient; retries and give-ups said. */
export function resultLine(r: CallResult, c: ChalkInstance): string {
  const ok = isOk(r);
  const status = outcomeLabel(r);
  const mark = ok ? c.green(`✔ ${status}`) : r.final ? c.red(`✘ ${status}`) : c.yellow(`↻ ${status}`);
  const latency = r.cancelled ? '-' : ms(r.latencyMs);
  const attempt = r.attempt > 1 || !r.final ? c.dim(` #${r.attempt}`) : '';
  const gaveUp = r.final && !r.cancelled ? gaveUpNote(r.givenUp, r.attempt) : undefined;
  const notes = [
    r.error ? c.red(r.error) : '',
    r.retryInMs !== undefined ? c.yellow(`retry in ${ms(r.retryInMs)}`) : '',
    r.cancelled ? c.red('retry not sent: interrupted') : '',
    gaveUp ? c.red(gaveUp) : '',
    r.duplicate ? c.cyan('duplicate') : '',
    r.defects ? c.magenta(`defects: ${r.defects.join(', ')}`) : '',
  ].filter(Boolean);
  const tail = notes.length ? `  ${notes.join('  ')}` : '';
  return `${mark} ${latency.padStart(7)}  ${r.type.padEnd(7)}  ${r.scenario} (${r.style})  ${r.recipient}${attempt}${tail}`;
}

/** `--verbose`: the receiver's answer under a call's line. */
export function answerLines(r: CallResult, c: ChalkInstance): string {
  return r.answer ? `\n${answerText(r.status, r.answer, c)}` : '';
}

/** What the embedded receiver saw of a call. */
export function receivedLine(call: ReceivedCall, c: ChalkInstance): string {
  const f = call.fields ?? {};
  const kind = call.validation.kind ?? '?';
  const sig = call.signature;
  const sigText =
    sig.result === 'verified'
      ? c.green(`signature verified${sig.keyId ? ` by ${sig.keyId}` : ''}`)
      : sig.result === 'failed'
        ? c.red(`signature FAILED: ${sig.problem}`)
        : sig.result === 'unsigned'
          ? c.yellow('unsigned')
          : `digest ${sig.digest}`;
  const problems = call.validation.problems.length
    ? c.red(`\n    problems: ${call.validation.problems.join('; ')}`)
    : '';
  const dialect =
    call.validation.dialect && call.validation.dialect !== 'smtpeter' ? ` [${call.validation.dialect}]` : '';
  return (
    `${c.cyan('⇐')} ${c.bold(kind)}${dialect} id=${String(f['id'] ?? '?')} ${'emailfrom' in f ? `from=${String(f['emailfrom'])}` : `recipient=${String(f['recipient'] ?? '?')}`}  ${sigText}\n` +
    `    ${call.summary}${problems}`
  );
}

/** What the report knows beyond the run's own summary. */
export interface ReportExtras {
  thresholds?: ThresholdResult[];
  /** Target rate of an open-model run, calls/s (mean over the run). */
  targetRate?: number;
  /** Set when signing could not keep up with the schedule. */
  signingLimited?: string;
  signWorkers?: number;
  /** Set when this machine, not the receiver, could not keep the schedule. */
  generatorLimited?: string;
}

function latencyRow(name: string, l: LatencySummary): string {
  return [name.padEnd(22), ...[l.p50, l.p90, l.p99, l.p999, l.max].map((v) => ms2(v).padStart(9))].join('');
}

/** The final report: accounting, rate, statuses, errors, latency table, thresholds. */
export function summaryText(s: FireSummary, c: ChalkInstance, extras: ReportExtras = {}): string {
  const m = s.metrics;
  const statuses = [...m.byStatus].sort(([a], [b]) => a - b).map(([k, v]) => `${k}×${v}`);
  const errors = [...m.byError].map(([k, v]) => `${k}×${v}`);
  const clean = m.failed === 0 && s.unsent === 0 && m.dropped === 0;
  const head = clean
    ? c.green('all accepted')
    : m.failed
      ? c.red(`${m.failed} not accepted`)
      : c.green('none rejected');
  const inFlightDrops = m.dropped - m.droppedLate;
  const drops = [
    inFlightDrops ? `${inFlightDrops} max in flight reached` : '',
    m.droppedLate ? `${m.droppedLate} not started by the end of the schedule` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const lines = [
    `${m.sent} sent, ${m.ok} ok (2xx), ${head}` +
      `${m.dropped ? `, ${c.red(`${m.dropped} dropped`)} (${drops})` : ''}` +
      `${s.unsent ? `, ${s.unsent} not sent (interrupted)` : ''} in ${(s.durationMs / 1000).toFixed(2)}s`,
    equation(s) +
      `${m.duplicates || s.disorder.duplicate ? ` (duplicates included: ${m.duplicates} sent)` : ''}` +
      `${s.interrupted ? c.yellow('  (interrupted)') : ''}${s.aborted ? c.red(`  ${s.aborted} aborted after the grace period`) : ''}`,
    `rate: ${achievedRate(s).toFixed(1)}/s achieved` +
      `${extras.targetRate ? ` (target ${extras.targetRate.toFixed(1)}/s)` : ''}` +
      `${extras.signWorkers ? `, signing on ${extras.signWorkers} worker thread(s)` : ''}`,
    `status: ${statuses.join(' ') || '-'}${errors.length ? `   errors: ${errors.join(' ')}` : ''}`,
  ];
  if (retrying(s)) {
    const failed = [...m.givenUp].map(([k, v]) => `${k} ${v}`).join(', ');
    const last = [...m.lastFailure].map(([k, v]) => `${k}×${v}`).join(' ');
    lines.push(
      `retries: ${m.attempts} requests for ${m.sent} calls; ${m.retried} retried, ${m.okAfterRetry} ok after a retry` +
        `${m.failed ? `, ${c.red(`${m.failed} failed`)} (${failed}; last answer ${last})` : ''}`,
      `  policy: ${describePolicy(s.retry)}`,
    );
  }
  const disorder = disorderText(s);
  if (disorder) lines.push(`disorder: ${disorder}`);
  if (extras.signingLimited) lines.push(c.yellow(`signing limited the rate: ${extras.signingLimited}`));
  if (extras.generatorLimited)
    lines.push(c.yellow(`the load generator limited the rate: ${extras.generatorLimited}`));
  if (m.sent > 0) {
    lines.push(
      '',
      `${'latency (ms)'.padEnd(22)}${['p50', 'p90', 'p99', 'p99.9', 'max'].map((h) => h.padStart(9)).join('')}`,
      latencyRow('from intended send', m.latencySummary()),
      latencyRow('from actual send', m.serviceSummary()),
      latencyRow('schedule lag', m.lagSummary()),
    );
  }
  if (extras.thresholds?.length) {
    lines.push('', 'thresholds:');
    for (const t of extras.thresholds) {
      const mark = t.passed ? c.green('✔ pass') : c.red('✘ FAIL');
      lines.push(`  ${mark}  ${t.threshold.text.padEnd(18)} actual ${formatMeasured(t.threshold, t.actual)}`);
    }
  }
  return lines.join('\n');
}

/** Retries asked for, or made. */
const retrying = (s: FireSummary): boolean => s.retry.retries > 0 || s.metrics.attempts > s.metrics.sent;

function disorderText(s: FireSummary): string {
  const d = s.disorder;
  return [
    d.duplicate ? `duplicate ${+(d.duplicate * 100).toFixed(2)}% (${s.metrics.duplicates} sent)` : '',
    d.reorder && d.reorder > 1 ? `reorder in windows of ${d.reorder}` : '',
    d.delay ? `delay ${describeDelay(d.delay)}` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** planned = delivered + failed + dropped + unsent, with the numbers: for the text and the JSON. */
function equation(s: FireSummary): string {
  const m = s.metrics;
  return `planned ${s.planned} = delivered ${m.ok} + failed ${m.failed} + dropped ${m.dropped} + unsent ${s.unsent}`;
}

/** The accounting of a run, with whether it holds. */
function accounting(s: FireSummary): Record<string, unknown> {
  const m = s.metrics;
  return {
    planned: s.planned,
    delivered: m.ok,
    failed: m.failed,
    dropped: m.dropped,
    unsent: s.unsent,
    equation: equation(s),
    holds: s.planned === m.ok + m.failed + m.dropped + s.unsent,
  };
}

export function summaryJson(
  s: FireSummary,
  results: CallResult[] | undefined,
  extras: ReportExtras = {},
): Record<string, unknown> {
  const m = s.metrics;
  return {
    model: s.model,
    planned: s.planned,
    sent: m.sent,
    ok: m.ok,
    failed: m.failed,
    dropped: m.dropped,
    droppedLate: m.droppedLate,
    unsent: s.unsent,
    interrupted: s.interrupted,
    aborted: s.aborted,
    accounting: accounting(s),
    attempts: m.attempts,
    ...(retrying(s)
      ? {
          retries: {
            policy: describePolicy(s.retry),
            maxRetries: s.retry.retries,
            attempts: m.attempts,
            retried: m.retried,
            okAfterRetry: m.okAfterRetry,
            failed: m.failed,
            givenUp: Object.fromEntries(m.givenUp),
            lastFailure: Object.fromEntries(m.lastFailure),
          },
        }
      : {}),
    ...(disorderText(s)
      ? {
          disorder: {
            ...(s.disorder.duplicate ? { duplicate: s.disorder.duplicate, duplicates: m.duplicates } : {}),
            ...(s.disorder.reorder && s.disorder.reorder > 1 ? { reorder: s.disorder.reorder } : {}),
            ...(s.disorder.delay ? { delay: describeDelay(s.disorder.delay) } : {}),
          },
        }
      : {}),
    durationMs: Math.round(s.durationMs),
    rate: Math.round(achievedRate(s) * 10) / 10,
    ...(extras.targetRate ? { targetRate: Math.round(extras.targetRate * 10) / 10 } : {}),
    status: Object.fromEntries(m.byStatus),
    statusClass: Object.fromEntries(
      [1, 2, 3, 4, 5].map((k) => [`${k}xx`, m.statusClass(k)] as const).filter(([, v]) => v > 0),
    ),
    errors: Object.fromEntries(m.byError),
    urls: Object.fromEntries(m.byUrl),
    types: Object.fromEntries(m.byType),
    scenarios: Object.fromEntries(m.byScenario),
    latencyMs: m.latencySummary(),
    serviceLatencyMs: m.serviceSummary(),
    scheduleLagMs: m.lagSummary(),
    ...(extras.signWorkers ? { signWorkers: extras.signWorkers } : {}),
    ...(extras.signingLimited ? { signingLimited: extras.signingLimited } : {}),
    ...(extras.generatorLimited ? { generatorLimited: extras.generatorLimited } : {}),
    ...(extras.thresholds
      ? {
          thresholds: extras.thresholds.map((t) => ({
            threshold: t.threshold.text,
            actual: t.actual,
            passed: t.passed,
          })),
        }
      : {}),
    ...(results ? { results } : {}),
  };
}
