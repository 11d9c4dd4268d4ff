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
  /** The user's first stop: passed on to every shard as a stop (their --grace applies). */
  signal: AbortSignal;
  /** The user's second stop: passed on as a second stop (their calls in flight are cut off). */
  cutOff: AbortSignal;
}

export interface ShardProcessOutcome {
  report: string;
  exitCode: number;
  /** The signal that ended the shard, when one did. */
  signal?: NodeJS.Signals;
  /** The shard's stderr, for a shard that failed before it wrote a report. */
  stderr: string;
}

/** The message a shard sends once its own SIGINT/SIGTERM handler is in place. */
const READY = 'ready';
/** The parent's messages to a shard: a stop (as a Ctrl-C would be), and the go-ahead to start sending. */
const STOP = 'stop';
const GO = 'go';

/**
 * One shard process. Stops reach it only through `stop()`, as messages: it
 * runs in its own process group (a terminal's Ctrl-C goes to the parent
 * alone, which passes it on once, not twice); two signals sent together can
 * arrive as one (a second Ctrl-C lost), and one sent before the shard has
 * its handler would kill it without a report. So stops asked for before the
 * shard's ready message wait for it, and the shard starts sending only at
 * the parent's go-ahead, which follows them: a shard stopped before it
 * starts sends nothing.
 */
function startShard(
  o: ShardProcessesOptions,
  k: number,
): { stop: () => void; done: Promise<ShardProcessOutcome> } {
  const report = join(o.dir, `report-${k}.json`);
  const child: ChildProcess = fork(
    BIN,
    ['fire', ...o.args, '--shard', `${k}/${o.processes}`, '--out', report, '-q'],
    {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, [PROGRESS_ENV]: '1' },
      detached: true,
    },
  );
  let ready = false;
  let pending = 0;
  const tell = (message: typeof STOP | typeof GO): void => {
    // A shard that has gone needs no stop; its end is what `done` reports.
    if (child.connected) child.send(message, () => undefined);
  };
  const send = (): void => tell(STOP);
  const stderr: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (s: string) => stderr.push(s));
  child.on('message', (message: MetricsState | typeof READY) => {
    if (message !== READY) return o.onProgress(k, message);
    ready = true;
    for (; pending > 0; pending--) send();
    tell(GO);
  });
  const done = new Promise<ShardProcessOutcome>((resolve) =>
    child.on('exit', (code, signal) =>
      resolve({
        report,
        exitCode: code ?? (signal ? 1 : 0),
        ...(signal ? { signal } : {}),
        stderr: stderr.join(''),
      }),
    ),
  );
  return { stop: () => (ready ? send() : pending++), done };
}

/**
 * `fire --processes N`: N shard processes of this CLI (`--shard K/N`), each
 * with its own event loop and core, writing its report to `dir`. They start
 * together; each stop of the parent is passed on to every shard as a SIGINT
 * (the first: their grace period; the second: cut off). Resolves once every
 * shard has exited.
 */
export async function runShardProcesses(o: ShardProcessesOptions): Promise<ShardProcessOutcome[]> {
  const shards = Array.from({ length: o.processes }, (_, k) => startShard(o, k));
  const stop = (): void => {
    for (const shard of shards) shard.stop();
  };
  // A stop that came while the run was being planned is passed on too.
  for (const signal of [o.signal, o.cutOff]) {
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  }
  try {
    return await Promise.all(shards.map((s) => s.done));
  } finally {
    o.signal.removeEventListener('abort', stop);
    o.cutOff.removeEventListener('abort', stop);
  }
}

/**
 * In a shard process of `--processes`, once its stop handler is in place:
 * tell the parent (which holds stops back until then), take each stop it
 * sends as a SIGINT (the same handler), and stop as a signal would if the
 * parent goes away. `started` resolves at the parent's go-ahead (after any
 * stop asked for before), or at once outside a shard; `release` lets the
 * channel go once the run is over.
 */
export function tellParentReady(): { started: Promise<void>; release: () => void } {
  if (!process.send || process.env[PROGRESS_ENV] !== '1')
    return { started: Promise.resolve(), release: () => {} };
  let go: () => void = () => {};
  const started = new Promise<void>((resolve) => (go = resolve));
  const onMessage = (message: unknown): void => {
    if (message === STOP) process.emit('SIGINT', 'SIGINT');
    else if (message === GO) go();
  };
  const onDisconnect = (): void => {
    if (process.listenerCount('SIGINT') > 0) process.kill(process.pid, 'SIGINT');
    go();
  };
  process.on('message', onMessage);
  process.once('disconnect', onDisconnect);
  // A parent gone already: 'disconnect' stops this shard; the send's error is that, not a crash.
  if (process.connected) process.send(READY, undefined, {}, () => undefined);
  else {
    process.off('disconnect', onDisconnect);
    onDisconnect();
  }
  return {
    started,
    release: () => {
      process.off('message', onMessage);
      process.off('disconnect', onDisconnect);
    },
  };
}

/** In a shard process of `--processes`: send the metrics to the parent once a second; else nothing. */
export function reportProgressToParent(metrics: RunMetrics): { stop: () => void } {
  const send = process.send?.bind(process);
  if (!send || process.env[PROGRESS_ENV] !== '1') return { stop: () => {} };
  // The channel to the parent must not keep this process alive once the run is over.
  process.channel?.unref();
  const tick = (): void => {
    if (process.connected) send(metricsState(metrics), undefined, {}, () => undefined);
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
