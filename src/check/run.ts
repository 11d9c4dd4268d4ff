import { isSuccessStatus } from '../model/results.js';
import type { BuiltRequest } from '../run/request.js';
import type { HttpResult } from '../transport/http.js';
import type { CheckContext, CheckDefinition, CheckLevel, CheckResult } from './types.js';

/** Sends one request; HttpClient.post in the CLI, a fake in unit tests. */
export type Send = (req: BuiltRequest) => Promise<HttpResult>;

const accepted = (r: HttpResult): boolean => isSuccessStatus(r.status);

function answer(r: HttpResult): CheckResult['got'] {
  return r.status !== undefined
    ? { status: r.status, ...(r.answer ? { answer: r.answer } : {}) }
    : { errorKind: r.errorKind ?? 'other', ...(r.error ? { error: r.error } : {}) };
}

/** Run one check: its setup requests, then the judged one. */
export async function runCheck(check: CheckDefinition, ctx: CheckContext, send: Send): Promise<CheckResult> {
  const base = { name: check.name, level: check.level, expect: check.expect, sends: check.sends };
  const skip = check.skip?.(ctx);
  if (skip) return { ...base, outcome: 'skip', note: skip };
  const plan = check.build(ctx);
  const setup = plan.setup ?? [];
  for (const [i, req] of setup.entries()) {
    const r = await send(req);
    if (!accepted(r)) {
      const what = r.status !== undefined ? `answered ${r.status}` : `failed (${r.errorKind ?? 'other'})`;
      return {
        ...base,
        outcome: 'fail',
        url: req.url.href,
        got: answer(r),
        note: `valid setup request ${i + 1} of ${setup.length} ${what}, so the repeat could not be judged`,
      };
    }
  }
  plan.beforeRequest?.();
  const r = await send(plan.request);
  const refused =
    r.status !== undefined ? !accepted(r) : check.unansweredIsRefusal?.(r.errorKind ?? 'other', ctx) === true;
  const pass = check.expect === 'accept' ? accepted(r) : refused;
  const note =
    !pass && r.status === undefined && check.expect === 'refuse'
      ? 'no answer is not a refusal: the receiver may have processed the call'
      : undefined;
  return {
    ...base,
    outcome: pass ? 'pass' : 'fail',
    url: plan.request.url.href,
    got: answer(r),
    ...(note ? { note } : {}),
  };
}

/** Run checks one after another (a receiver's nonce cache and clock see them in order). */
export async function runChecks(
  checks: readonly CheckDefinition[],
  ctx: CheckContext,
  send: Send,
  onResult?: (r: CheckResult) => void,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const result = await runCheck(check, ctx, send);
    results.push(result);
    onResult?.(result);
  }
  return results;
}

export interface LevelScore {
  passed: number;
  failed: number;
  skipped: number;
}

export interface Score {
  required: LevelScore;
  recommended: LevelScore;
  /** No required check failed. */
  ok: boolean;
  /** A valid call was refused: refusals of forgeries then prove little. */
  validRefused: boolean;
}

export function score(results: readonly CheckResult[]): Score {
  const level = (l: CheckLevel): LevelScore => {
    const of = results.filter((r) => r.level === l);
    return {
      passed: of.filter((r) => r.outcome === 'pass').length,
      failed: of.filter((r) => r.outcome === 'fail').length,
      skipped: of.filter((r) => r.outcome === 'skip').length,
    };
  };
  const required = level('required');
  return {
    required,
    recommended: level('recommended'),
    ok: required.failed === 0,
    validRefused: results.some((r) => r.expect === 'accept' && r.outcome === 'fail'),
  };
}
