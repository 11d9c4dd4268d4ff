import type { RunMetrics } from '../metrics/run-metrics.js';

/** The once-a-second progress line: elapsed, rate, sent, ok, errors, p99. */
function liveLine(m: RunMetrics, elapsedMs: number, ratePerSec: number, planned?: number): string {
  const errors = m.failed + m.dropped;
  const of = planned !== undefined && Number.isFinite(planned) ? `/${planned}` : '';
  return (
    `${(elapsedMs / 1000).toFixed(1).padStart(6)}s  ${Math.round(ratePerSec).toString().padStart(6)}/s  ` +
    `sent ${m.sent}${of}  ok ${m.ok}  errors ${errors}${m.dropped ? ` (dropped ${m.dropped})` : ''}  ` +
    `${m.attempts > m.sent ? `retries ${m.attempts - m.sent}${m.waitingRetry ? ` (${m.waitingRetry} waiting)` : ''}  ` : ''}` +
    `p99 ${m.p99().toFixed(1)}ms`
  );
}

/**
 * Live progress on a TTY (stderr), rewritten in place; silent otherwise.
 * Reads the metrics, never writes them.
 */
export function startLive(
  out: NodeJS.WriteStream,
  metrics: () => RunMetrics | undefined,
  now: () => number,
  planned?: number,
): { stop: () => void } {
  if (!out.isTTY) return { stop: () => {} };
  const started = now();
  let lastSent = 0;
  let lastAt = started;
  const timer = setInterval(() => {
    const m = metrics();
    if (!m) return;
    const t = now();
    const rate = t > lastAt ? ((m.sent - lastSent) * 1000) / (t - lastAt) : 0;
    lastSent = m.sent;
    lastAt = t;
    out.write(`\r\x1b[2K${liveLine(m, t - started, rate, planned)}`);
  }, 1000);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      out.write('\r\x1b[2K');
    },
  };
}
