import { createWriteStream, type WriteStream } from 'node:fs';
import type { CallResult, DroppedCall } from '../metrics/run-metrics.js';

/** One NDJSON line per call, written as the run goes (never buffered to the end). */
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
    const ok = r.status !== undefined && r.status >= 200 && r.status < 300;
    this.stream.write(
      `${JSON.stringify({
        i: r.index,
        outcome: ok ? 'ok' : 'failed',
        id: r.id,
        type: r.type,
        scenario: r.scenario,
        style: r.style,
        url: r.url,
        intendedAt: new Date(r.intendedAt).toISOString(),
        sentAt: new Date(r.sentAt).toISOString(),
        lagMs: round(r.sentAt - r.intendedAt),
        status: r.status ?? null,
        latencyMs: round(r.latencyMs),
        correctedMs: round(r.sentAt - r.intendedAt + r.latencyMs),
        error: r.error ?? null,
      })}\n`,
    );
  }

  dropped(d: DroppedCall): void {
    this.stream.write(
      `${JSON.stringify({ i: d.index, outcome: 'dropped', reason: d.reason, intendedAt: new Date(d.intendedAt).toISOString() })}\n`,
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
