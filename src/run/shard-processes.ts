import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MetricsState, metricsState } from '../metrics/metrics-state.js';
import type { RunMetrics } from '../metrics/run-metrics.js';

const BIN = fileURLToPath(new URL('../../../bin/smtpeter-sim.js', import.meta.url));
/** Set in a shard process started by `--processes`: it reports its metrics to the parent. */
const PROGRESS_ENV = 'SMTPETER_SIM_SHARD_PROGRESS';

export interface ShardProcessesOptions {
  /** `fire` arguments every shard gets (a --seed among them); --shard and --out are added. */
  args: readonly string[];
  processes: number;
  /** Folder for the shard reports. */
  dir: string;
  /** A shard's latest metrics, about once a second. */
  onProgress: (shard: number, state: MetricsState) => void;
  /** Aborted: pass the stop on (SIGTERM, then SIGKILL on a second abort... the shard's own grace period applies). */
  signal: AbortSignal;
}

export interface ShardProcessOutcome {
  report: string;
  exitCode: number;
  /** The shard's stderr, for a shard that failed before it wrote a report. */
  stderr: string;
}

/**
 * `fire --processes N`: N shard processes of this CLI (`--shard K/N`), each
 * with its own event loop and core, writing its report to `dir`. They start
 * together; an abort is passed on as SIGINT (their grace period applies).
 */
export async function runShardProcesses(o: ShardProcessesOptions): Promise<ShardProcessOutcome[]> {
  const children: ChildProcess[] = [];
  const stop = (): void => {
    for (const child of children) child.kill('SIGINT');
  };
  o.signal.addEventListener('abort', stop, { once: true });
  try {
    return await Promise.all(
      Array.from({ length: o.processes }, (_, k) => {
        const report = join(o.dir, `report-${k}.json`);
        const child = fork(
          BIN,
          ['fire', ...o.args, '--shard', `${k}/${o.processes}`, '--out', report, '-q'],
          {
            stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
            env: { ...process.env, [PROGRESS_ENV]: '1' },
          },
        );
        children.push(child);
        const stderr: string[] = [];
        child.stderr?.setEncoding('utf8').on('data', (s: string) => stderr.push(s));
        child.on('message', (state: MetricsState) => o.onProgress(k, state));
        return new Promise<ShardProcessOutcome>((resolve) =>
          child.on('exit', (code, signal) =>
            resolve({ report, exitCode: code ?? (signal ? 1 : 0), stderr: stderr.join('') }),
          ),
        );
      }),
    );
  } finally {
    o.signal.removeEventListener('abort', stop);
  }
}

/** In a shard process of `--processes`: send the metrics to the parent once a second; else nothing. */
export function reportProgressToParent(metrics: RunMetrics): { stop: () => void } {
  const send = process.send?.bind(process);
  if (!send || process.env[PROGRESS_ENV] !== '1') return { stop: () => {} };
  // The channel to the parent must not keep this process alive once the run is over.
  process.channel?.unref();
  const tick = (): void => {
    send(metricsState(metrics));
  };
  const timer = setInterval(tick, 1000);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      tick();
    },
  };
}
