import { type CallResult, isOk } from '../model/results.js';
import { outcomeLabel } from './outcome.js';

/** Per receiver URL: failures since the last line about it. */
interface Failing {
  attempts: number;
  givenUp: number;
  last: string;
}

/**
 * serve's terminal lines about webhook calls that fail: the first failure
 * to a URL at once, then one count per URL every `everyMs` while it keeps
 * failing (a receiver that is down gets eleven attempts per call: a line
 * each would flood the terminal), and a line when it answers again.
 */
export class FailureDigest {
  private readonly failing = new Map<string, Failing>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly write: (line: string) => void,
    private readonly everyMs = 10_000,
  ) {
    this.timer = setInterval(() => this.flush(), everyMs);
    this.timer.unref();
  }

  /** One attempt's result (serve's onAttempt). */
  result(r: CallResult): void {
    // A stop cut it off: not the receiver's doing.
    if (r.cancelled || r.errorKind === 'aborted') return;
    const known = this.failing.get(r.url);
    if (isOk(r)) {
      if (!known) return;
      this.flushOne(r.url, known);
      this.failing.delete(r.url);
      this.write(`webhook calls to ${r.url} answer again (${r.status})`);
      return;
    }
    const what =
      r.status !== undefined ? `answered ${r.status}` : `${outcomeLabel(r)}${r.error ? ` (${r.error})` : ''}`;
    if (!known) {
      const next = r.final ? 'given up' : `retried in ${Math.round(r.retryInMs ?? 0)}ms`;
      this.write(
        `webhook call to ${r.url} failed: ${what} (${r.type} about ${r.id}, attempt ${r.attempt}, ${next}); further failures to it are counted every ${this.everyMs / 1000}s`,
      );
      this.failing.set(r.url, { attempts: 0, givenUp: 0, last: what });
      return;
    }
    known.attempts++;
    if (r.final) known.givenUp++;
    known.last = what;
  }

  /** The counts not yet written; the timer stops. */
  close(): void {
    clearInterval(this.timer);
    this.flush();
  }

  private flush(): void {
    for (const [url, f] of this.failing) this.flushOne(url, f);
  }

  private flushOne(url: string, f: Failing): void {
    if (f.attempts === 0) return;
    this.write(
      `webhook calls to ${url}: ${f.attempts} more attempt${f.attempts === 1 ? '' : 's'} failed, ${f.givenUp} call${f.givenUp === 1 ? '' : 's'} given up (last: ${f.last})`,
    );
    f.attempts = 0;
    f.givenUp = 0;
  }
}
