import type { ChalkInstance } from 'chalk';
import type { CallResult } from '../metrics/run-metrics.js';
import type { ReceivedCall } from '../receive/server.js';
import type { FireSummary } from '../run/fire.js';

const ms = (n: number): string => `${n < 10 ? n.toFixed(1) : Math.round(n)}ms`;

/** One line per call: status, latency, type, scenario, style, recipient. */
export function resultLine(r: CallResult, c: ChalkInstance): string {
  const ok = r.status !== undefined && r.status >= 200 && r.status < 300;
  const status = r.status !== undefined ? String(r.status) : r.errorKind!.toUpperCase();
  const mark = ok ? c.green(`✔ ${status}`) : c.red(`✘ ${status}`);
  const tail = r.error ? c.red(`  ${r.error}`) : '';
  return `${mark} ${ms(r.latencyMs).padStart(7)}  ${r.type.padEnd(7)}  ${r.scenario} (${r.style})  ${r.recipient}${tail}`;
}

/** What the embedded receiver saw of a call. */
export function receivedLine(call: ReceivedCall, c: ChalkInstance): string {
  const f = call.fields ?? {};
  const kind = call.validation.kind ?? '?';
  const sig = call.signature;
  const sigText =
    sig.result === 'verified'
      ? c.green('signature verified')
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
    `${c.cyan('⇐')} ${c.bold(kind)}${dialect} id=${String(f['id'] ?? '?')} recipient=${String(f['recipient'] ?? '?')}  ${sigText}\n` +
    `    ${call.summary}${problems}`
  );
}

export function summaryText(s: FireSummary, c: ChalkInstance): string {
  const m = s.metrics;
  const lat = m.latencySummary();
  const statuses = [...m.byStatus].sort(([a], [b]) => a - b).map(([k, v]) => `${k}×${v}`);
  const errors = [...m.byError].map(([k, v]) => `${k}×${v}`);
  const head = m.failed === 0 && s.unsent === 0 ? c.green('all accepted') : c.red(`${m.failed} not accepted`);
  return [
    `${m.sent} sent, ${m.ok} ok (2xx), ${head}${s.unsent ? `, ${s.unsent} not sent (interrupted)` : ''} in ${(s.durationMs / 1000).toFixed(2)}s`,
    `status: ${statuses.join(' ') || '-'}${errors.length ? `   errors: ${errors.join(' ')}` : ''}`,
    `latency: p50 ${ms(lat.p50)}  p90 ${ms(lat.p90)}  p99 ${ms(lat.p99)}  max ${ms(lat.max)}`,
  ].join('\n');
}

export function summaryJson(s: FireSummary, results: CallResult[]): Record<string, unknown> {
  const m = s.metrics;
  return {
    planned: s.planned,
    sent: m.sent,
    ok: m.ok,
    failed: m.failed,
    unsent: s.unsent,
    durationMs: Math.round(s.durationMs),
    status: Object.fromEntries(m.byStatus),
    errors: Object.fromEntries(m.byError),
    urls: Object.fromEntries(m.byUrl),
    latencyMs: m.latencySummary(),
    results,
  };
}
