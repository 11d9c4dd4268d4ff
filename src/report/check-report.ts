import type { ChalkInstance } from 'chalk';
import type { Score } from '../check/run.js';
import type { CheckResult } from '../check/types.js';
import type { ErrorKind } from '../transport/http.js';
import { answerText } from './answer.js';

const ERROR_TEXT: Record<ErrorKind, string> = {
  refused: 'connection refused',
  reset: 'connection reset',
  timeout: 'timeout',
  tls: 'TLS error',
  aborted: 'cut off by the stop',
  other: 'network error',
};

/** What came back: the status, or the kind of network failure. */
function gotText(got: CheckResult['got']): string {
  if (!got) return '-';
  if (got.status !== undefined) return String(got.status);
  return ERROR_TEXT[got.errorKind ?? 'other'];
}

const expectText = (r: CheckResult): string =>
  r.expect === 'accept' ? 'expected 2xx' : 'expected a refusal';

/** Two lines per check: verdict, name, level, answer; then what was sent. */
export function checkLines(r: CheckResult, c: ChalkInstance): string {
  const mark =
    r.outcome === 'pass' ? c.green('✔ PASS') : r.outcome === 'fail' ? c.red('✘ FAIL') : c.yellow('- SKIP');
  const outcome = r.outcome === 'skip' ? (r.note ?? 'skipped') : `got ${gotText(r.got)}, ${expectText(r)}`;
  const detail = r.got?.error && r.outcome !== 'skip' ? `\n          ${c.dim(r.got.error)}` : '';
  // A failed check shows what the receiver answered: the status alone rarely says why.
  const answer =
    r.outcome === 'fail' && r.got?.answer
      ? `\n${answerText(r.got.status, r.got.answer, c, '          ')}`
      : '';
  const note = r.note && r.outcome !== 'skip' ? `\n          ${c.yellow(r.note)}` : '';
  return `  ${mark}  ${r.name.padEnd(23)} ${r.level.padEnd(12)} ${outcome}\n          sent: ${r.sends}${detail}${note}${answer}`;
}

interface CheckRunInfo {
  url: string;
  dialect: string;
  format: string;
  copernicaId: string;
  keyId: string;
}

export function checkHeader(info: CheckRunInfo, c: ChalkInstance): string {
  return `${c.bold('check')} ${info.url}  (dialect ${info.dialect}, ${info.format}, X-Copernica-ID ${info.copernicaId}, keyId ${info.keyId})`;
}

export function checkSummary(s: Score, c: ChalkInstance): string {
  const part = (n: { passed: number; failed: number; skipped: number }): string =>
    `${n.passed} passed, ${n.failed} failed${n.skipped ? `, ${n.skipped} skipped` : ''}`;
  const lines = [`required: ${part(s.required)}; recommended: ${part(s.recommended)}`];
  if (s.validRefused)
    lines.push(
      c.yellow(
        'a valid call was not accepted: is the receiver up, and does it trust this key and X-Copernica-ID? Refusals of forged calls prove little until valid ones pass',
      ),
    );
  lines.push(
    s.ok
      ? c.green('PASS: every required check passed')
      : c.red(`FAIL: ${s.required.failed} required check${s.required.failed === 1 ? '' : 's'} failed`),
  );
  return lines.join('\n');
}

/** `--json`: the run, the score, every check. */
export function checkJson(
  info: CheckRunInfo,
  s: Score,
  results: readonly CheckResult[],
): Record<string, unknown> {
  return {
    ...info,
    ok: s.ok,
    required: s.required,
    recommended: s.recommended,
    checks: results.map((r) => ({
      name: r.name,
      level: r.level,
      expect: r.expect,
      sent: r.sends,
      outcome: r.outcome,
      ...(r.url ? { url: r.url } : {}),
      ...(r.got ? { got: r.got } : {}),
      ...(r.note ? { note: r.note } : {}),
    })),
  };
}
