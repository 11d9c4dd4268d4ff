import { createWriteStream, type WriteStream } from 'node:fs';
import type { CallResult, DroppedCall, UnsentCall } from '../model/results.js';
import { isOk } from '../model/results.js';
import type { CallInfo } from '../run/source.js';

/**
 * One NDJSON line per attempt, written as the run goes (never buffered to the
 * end). Every call with a slot has exactly one line with `final: true`: its
 * last attempt (`ok`/`failed`), `dropped`, `unsent` (stopped during its
 * --delay), or `failed` with `cancelled: true` (stopped while it waited for a
 * retry: no request on that line). Earlier attempts have `outcome: 'retry'`.
 */
export class RequestLog {
  private readonly stream: WriteStream;
  private failure: Error | undefined;

  constructor(path: string) {
    this.stream = createWriteStream(path, { flags: 'w' });
    this.stream.on('error', (err) => {
      this.failure = err;
    });
  }

  /** Resolves once the file is open (so a bad path fails before anything is sent). */
  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.stream.once('ready', () => resolve());
      this.stream.once('error', reject);
    });
  }

  result(r: CallResult): void {
    const ok = isOk(r);
    const request = r.cancelled
      ? { cancelled: true }
      : {
          intendedAt: new Date(r.intendedAt).toISOString(),
          sentAt: new Date(r.sentAt).toISOString(),
          lagMs: round(r.sentAt - r.intendedAt),
        };
    this.stream.write(
      `${JSON.stringify({
        i: r.index,
        attempt: r.attempt,
        final: r.final,
        outcome: !r.final ? 'retry' : ok ? 'ok' : 'failed',
        id: r.id,
        type: r.type,
        scenario: r.scenario,
        style: r.style,
        ...(r.defects ? { defects: r.defects } : {}),
        url: r.url,
        ...request,
        status: r.status ?? null,
        ...(r.cancelled
          ? {}
          : { latencyMs: round(r.latencyMs), correctedMs: round(r.sentAt - r.intendedAt + r.latencyMs) }),
        error: r.error ?? null,
        ...(r.retryInMs !== undefined ? { retryInMs: round(r.retryInMs) } : {}),
        ...(r.givenUp ? { givenUp: r.givenUp } : {}),
        ...(r.duplicate ? { duplicate: true } : {}),
        ...(r.delayMs !== undefined ? { delayMs: round(r.delayMs) } : {}),
        ...(r.answer ? { answer: r.answer } : {}),
      })}\n`,
    );
  }

  dropped(d: DroppedCall): void {
    this.stream.write(
      `${JSON.stringify({ i: d.index, final: true, outcome: 'dropped', reason: d.reason, intendedAt: new Date(d.intendedAt).toISOString() })}\n`,
    );
  }

  unsent(u: UnsentCall, call: CallInfo): void {
    this.stream.write(
      `${JSON.stringify({ i: u.index, final: true, outcome: 'unsent', reason: u.reason, id: call.event.id, type: call.event.type, intendedAt: new Date(u.intendedAt).toISOString(), delayMs: round(u.delayMs) })}\n`,
    );
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.stream.end(() => (this.failure ? reject(this.failure) : resolve()));
    });
  }
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;
