import type { ChalkInstance } from 'chalk';
import type { ReplayResult, ReplayRetry } from '../run/replay.js';
import { gaveUpNote, outcomeLabel } from './outcome.js';

const ms = (n: number): string => `${n < 10 ? n.toFixed(1) : Math.round(n)}ms`;

function where(r: ReplayResult): string {
  const l = r.planned.location;
  return l.line !== undefined ? `${l.file}:${l.line}` : `${l.file} ${l.path}`;
}

/** One line per call: outcome, latency, type, label, where it came from. */
export function replayLine(r: ReplayResult, c: ChalkInstance): string {
  const status = outcomeLabel(r);
  const gaveUp = gaveUpNote(r.givenUp, r.attempts);
  const mark = r.ok ? c.green(`✔ ${status}`) : c.red(`✘ ${status} (expected ${r.expected})`);
  const tail =
    (r.error ? c.red(`  ${r.error}`) : '') +
    (r.planned.redelivery ? c.dim('  redelivery') : '') +
    (r.attempts > 1 ? c.dim(`  attempt ${r.attempts}`) : '') +
    (gaveUp ? c.red(`  ${gaveUp}`) : '');
  return `${mark} ${ms(r.latencyMs).padStart(7)}  ${r.sent.event.type.padEnd(7)}  ${r.planned.label}  ${c.dim(where(r))}${tail}`;
}

/** An attempt that will be retried. */
export function replayRetryLine(r: ReplayRetry, c: ChalkInstance): string {
  const status = outcomeLabel(r);
  const l = r.planned.location;
  const at = l.line !== undefined ? `${l.file}:${l.line}` : `${l.file} ${l.path}`;
  return c.yellow(
    `↻ ${status} attempt ${r.attempt}, retry in ${ms(r.retryInMs)}  ${r.planned.label}  ${at}${r.error ? `  ${r.error}` : ''}`,
  );
}

interface ReplaySummary {
  files: number;
  planned: number;
  sent: number;
  asExpected: number;
  unexpected: number;
  unsent: number;
  /** Requests made, retries included. */
  attempts: number;
  /** Calls that needed more than one request. */
  retried: number;
  /** Second deliveries sent (`--duplicate`), counted in `planned` and `sent`. */
  redeliveries: number;
  /** The seed of `--duplicate`/`--reorder`, when either was on. */
  seed?: number;
  durationMs: number;
}

export function summarise(
  files: number,
  planned: number,
  results: ReplayResult[],
  unsent: number,
  durationMs: number,
  seed?: number,
): ReplaySummary {
  const asExpected = results.filter((r) => r.ok).length;
  return {
    ...(seed !== undefined ? { seed } : {}),
    files,
    planned,
    sent: results.length,
    asExpected,
    unexpected: results.length - asExpected,
    unsent,
    attempts: results.reduce((n, r) => n + r.attempts, 0),
    retried: results.filter((r) => r.attempts > 1).length,
    redeliveries: results.filter((r) => r.planned.redelivery).length,
    durationMs: Math.round(durationMs),
  };
}

export function replaySummaryText(s: ReplaySummary, c: ChalkInstance): string {
  // `all as expected` already says how many: the count only when some were not.
  const head =
    s.unexpected === 0 && s.unsent === 0
      ? c.green('all as expected')
      : `${s.asExpected} as expected, ${c.red(`${s.unexpected} not as expected`)}`;
  return (
    `${s.sent} of ${s.planned} calls from ${s.files} file${s.files === 1 ? '' : 's'} sent, ${head}` +
    `${s.unsent ? `, ${s.unsent} not sent (interrupted)` : ''}` +
    `${s.retried ? `, ${s.retried} retried (${s.attempts} requests)` : ''}` +
    `${s.redeliveries ? `, ${s.redeliveries} of them redeliveries` : ''} in ${(s.durationMs / 1000).toFixed(2)}s` +
    `${s.seed !== undefined ? ` (--seed ${s.seed} repeats the disorder)` : ''}`
  );
}

export function replayJson(s: ReplaySummary, results: ReplayResult[]): Record<string, unknown> {
  return {
    ...s,
    results: results.map((r) => ({
      file: r.planned.location.file,
      ...(r.planned.location.line !== undefined ? { line: r.planned.location.line } : {}),
      path: r.planned.location.path,
      label: r.planned.label,
      type: r.sent.event.type,
      id: r.sent.event.id,
      recipient: r.sent.event.recipient,
      time: r.sent.event.time,
      url: r.url,
      expected: r.expected,
      ...(r.status !== undefined ? { status: r.status } : {}),
      ...(r.errorKind ? { errorKind: r.errorKind } : {}),
      ...(r.error ? { error: r.error } : {}),
      ok: r.ok,
      attempts: r.attempts,
      ...(r.planned.redelivery ? { redelivery: true } : {}),
      ...(r.givenUp ? { givenUp: r.givenUp } : {}),
      latencyMs: Math.round(r.latencyMs * 10) / 10,
    })),
  };
}
