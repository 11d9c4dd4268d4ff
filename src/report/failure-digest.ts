import { type CallResult, isOk } from '../model/results.js';
import { outcomeLabel } from './outcome.js';

/** Per receiver URL: what happened since the last line about it. */
interface Failing {
  attempts: number;
  givenUp: number;
  answered: number;
  last: string;
  /** When the last line about it was written (the digest's clock). */
  lineAt: number;
  /** Its last line said it answers again: a failure within the interval after is counted, not written. */
  recovered: boolean;
}

/**
 * serve's terminal lines about webhook calls that fail: the first failure
 * to a URL at once, then at most one line per URL every `everyMs`: a count
 * while it keeps failing (a receiver that is down gets eleven attempts per
 * call: a line each would flood the terminal), or that it answers again. A
 * receiver refusing one kind of call among others it takes gets counts
 * with its 2xx answers in them, not a line a call.
 */
export class FailureDigest {
  private readonly failing = new Map<string, Failing>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly write: (line: string) => void,
    private readonly everyMs = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {
    // A tick a second (or per interval, if shorter): each receiver's line comes when its own interval is up.
    this.timer = setInterval(() => this.flush(), Math.min(everyMs, 1000));
    this.timer.unref();
  }

  /** One attempt's result (serve's onAttempt). */
  result(r: CallResult): void {
    // A stop cut it off: not the receiver's doing.
    if (r.cancelled || r.errorKind === 'aborted') return;
    const known = this.failing.get(r.url);
    if (isOk(r)) {
      if (!known || known.recovered) return;
      known.answered++;
      // Recovered, and the last line is an interval old: say so now rather than at the next tick.
      if (known.attempts === 0 && this.now() - known.lineAt >= this.everyMs) this.flushOne(r.url, known);
      return;
    }
    const what =
      r.status !== undefined ? `answered ${r.status}` : `${outcomeLabel(r)}${r.error ? ` (${r.error})` : ''}`;
    if (!known || (known.recovered && this.now() - known.lineAt >= this.everyMs)) {
      const next = r.final ? 'given up' : `retried in ${Math.round(r.retryInMs ?? 0)}ms`;
      this.write(
        `webhook call to ${r.url} failed: ${what} (${r.type} about ${r.id}, attempt ${r.attempt}, ${next}); further failures to it are counted every ${this.everyMs / 1000}s`,
      );
      const last = `${what}, a ${r.type} call`;
      this.failing.set(r.url, {
        attempts: 0,
        givenUp: 0,
        answered: 0,
        last,
        lineAt: this.now(),
        recovered: false,
      });
      return;
    }
    known.recovered = false;
    known.attempts++;
    if (r.final) known.givenUp++;
    known.last = `${what}, a ${r.type} call`;
  }

  /** The counts not yet written; the timer stops. */
  close(): void {
    clearInterval(this.timer);
    this.flush(true);
  }

  /** The tick: every receiver whose last line is an interval old (one written meanwhile waits its turn). */
  private flush(force = false): void {
    const now = this.now();
    for (const [url, f] of this.failing) if (force || now - f.lineAt >= this.everyMs) this.flushOne(url, f);
  }

  private flushOne(url: string, f: Failing): void {
    if (f.recovered) {
      // An interval without a failure since it answered again: its next failure is news.
      if (this.now() - f.lineAt >= this.everyMs) this.failing.delete(url);
      return;
    }
    if (f.attempts === 0) {
      // Only 2xx since the last line: it answers again. Nothing: nothing new.
      if (f.answered === 0) return;
      this.write(`webhook calls to ${url} answer again (${f.answered} answered 2xx)`);
      f.answered = 0;
      f.lineAt = this.now();
      f.recovered = true;
      return;
    }
    const answered = f.answered > 0 ? `, ${f.answered} answered 2xx` : '';
    this.write(
      `webhook calls to ${url}: ${f.attempts} more attempt${f.attempts === 1 ? '' : 's'} failed, ${f.givenUp} call${f.givenUp === 1 ? '' : 's'} given up${answered} (last: ${f.last})`,
    );
    f.attempts = 0;
    f.givenUp = 0;
    f.answered = 0;
    f.lineAt = this.now();
  }
}
