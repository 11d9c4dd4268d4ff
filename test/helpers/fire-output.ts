import { readFileSync } from 'node:fs';

/** `fire --json` / `--out`: the parts of the report the tests read. */
export interface FireReport {
  model: string;
  planned: number;
  sent: number;
  ok: number;
  failed: number;
  dropped: number;
  unsent: number;
  interrupted: boolean;
  aborted: number;
  attempts: number;
  rate: number;
  durationMs: number;
  errors: Record<string, number>;
  status: Record<string, number>;
  thresholds?: { threshold: string; actual: number; passed: boolean }[];
  accounting: {
    planned: number;
    delivered: number;
    failed: number;
    dropped: number;
    unsent: number;
    holds: boolean;
  };
  retries?: {
    policy: string;
    attempts: number;
    retried: number;
    okAfterRetry: number;
    failed: number;
    givenUp: Record<string, number>;
    lastFailure: Record<string, number>;
  };
  disorder?: { duplicate?: number; duplicates?: number; reorder?: number; delay?: string };
}

/** One line of `fire --log`: one per attempt, dropped or unsent call. */
export interface LogLine {
  i: number;
  attempt?: number;
  final: boolean;
  outcome: 'ok' | 'failed' | 'retry' | 'dropped' | 'unsent';
  id?: string;
  type?: string;
  scenario?: string;
  intendedAt: string;
  sentAt?: string;
  status?: number | null;
  error?: string | null;
  retryInMs?: number;
  givenUp?: string;
  cancelled?: boolean;
  duplicate?: boolean;
  delayMs?: number;
}

export const readLog = (file: string): LogLine[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LogLine);
