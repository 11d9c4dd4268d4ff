import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MetricsState, mergeMetrics } from '../metrics/metrics-state.js';
import { UsageError } from '../model/errors.js';
import { type FireFlags, planFire } from '../plan/fire-plan.js';
import { positiveInt } from '../plan/flag-values.js';
import { planMerge } from '../plan/merge-plan.js';
import { randomSeed } from '../random/rng.js';
import { startLive } from '../report/live.js';
import { runShardProcesses, type ShardProcessOutcome } from '../run/shard-processes.js';
import { onInterrupt } from './interrupt-signals.js';
import type { CliIO } from './io.js';
import { reportMerged } from './merge-command.js';
import { loadFireSettings } from './settings.js';

/** Flags a shard process does not get: the parent's own (output, processes) and the shard's (added per process). */
const PARENT_ONLY = new Set(['processes', 'out', 'json', 'quiet', 'log', 'shard', 'mta', 'dryRun']);

/** `--processes N`: the processes, checked; undefined when the run stays in this process (N = 1). */
export function processCount(flags: FireFlags): number | undefined {
  if (flags.processes === undefined) return undefined;
  const n = positiveInt('--processes', flags.processes);
  if (flags.shard) throw new UsageError('--processes: not with --shard (it starts the shards itself)');
  if (flags.log) throw new UsageError('--processes: not with --log (each process would write its own)');
  if (flags.dryRun) throw new UsageError('--processes: not with --dry-run');
  return n > 1 ? n : undefined;
}

/**
 * fire's flags as arguments again, for a shard process: every flag the
 * user gave, by its commander name (camelCase → --kebab-case).
 */
export function fireArgs(flags: FireFlags): string[] {
  const args: string[] = [];
  for (const [key, value] of Object.entries(flags)) {
    if (PARENT_ONLY.has(key) || value === undefined) continue;
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (key === 'sign') {
      if (value === false) args.push('--no-sign');
    } else if (value === true) args.push(flag);
    else if (Array.isArray(value)) for (const v of value) args.push(flag, String(v));
    else if (value !== false) args.push(flag, String(value));
  }
  return args;
}

/** What the shards refuse (--shard's rules), said of --processes, the flag the user gave. */
function asProcesses<T>(make: () => T): T {
  try {
    return make();
  } catch (err) {
    if (err instanceof UsageError && err.message.startsWith('--shard:'))
      throw new UsageError(`--processes:${err.message.slice('--shard:'.length)}`);
    throw err;
  }
}

/**
 * `fire --processes N`: the run checked here (a bad flag is exit 2 before
 * any process starts), then N shard processes of the same seeded run, one
 * live line for all of them, and their reports merged as `merge` would.
 */
export async function fireProcesses(flags: FireFlags, processes: number, io: CliIO): Promise<number> {
  // First thing: a Ctrl-C from here on reaches the shards (each once), not the default action.
  const stop = new AbortController();
  const cutOff = new AbortController();
  const offSignals = onInterrupt(stop, async () => cutOff.abort());
  const dir = mkdtempSync(join(tmpdir(), 'smtpeter-sim-shards-'));
  try {
    return await runInProcesses(flags, processes, { dir, stop: stop.signal, cutOff: cutOff.signal }, io);
  } finally {
    offSignals();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runInProcesses(
  flags: FireFlags,
  processes: number,
  run: { dir: string; stop: AbortSignal; cutOff: AbortSignal },
  io: CliIO,
): Promise<number> {
  // The same plan in every shard: a seed (drawn here when none is given) and, without one, today's event times.
  const seeded: FireFlags = {
    ...flags,
    seed: flags.seed ?? String(randomSeed()),
    ...(flags.seed === undefined && flags.time === undefined ? { time: 'now' } : {}),
  };
  const settings = await loadFireSettings(seeded);
  const plan = asProcesses(() =>
    planFire({ ...seeded, shard: `0/${processes}` }, settings, {
      cores: availableParallelism(),
      now: Date.now,
      randomSeed,
    }),
  );
  const latest = new Map<number, MetricsState>();
  const started = Date.now();
  const now = (): number => performance.timeOrigin + performance.now();
  const live = flags.json
    ? undefined
    : startLive(
        io.stderr,
        () => (latest.size ? mergeMetrics([...latest.values()], started) : undefined),
        now,
        plan.load.planned * processes,
      );
  try {
    const outcomes = await runShardProcesses({
      args: fireArgs(seeded),
      processes,
      dir: run.dir,
      onProgress: (k, state) => latest.set(k, state),
      signal: run.stop,
      cutOff: run.cutOff,
    });
    live?.stop();
    return reportShards(outcomes, flags, run.stop.aborted, io);
  } finally {
    live?.stop();
  }
}

/**
 * The shards' reports merged as `merge` would. A shard that refused its
 * flags (exit 2, no report) is the user's bad input; a shard that ended
 * without a report otherwise is said in one line each, and the merge of
 * the others (missing that shard) fails the run.
 */
function reportShards(
  outcomes: ShardProcessOutcome[],
  flags: FireFlags,
  interrupted: boolean,
  io: CliIO,
): number {
  const written = outcomes.filter((o) => existsSync(o.report));
  const lost = outcomes.filter((o) => !existsSync(o.report));
  const usage = lost.find((o) => o.exitCode === 2 && !o.signal);
  if (usage && !interrupted) throw new UsageError(lastLine(usage.stderr) ?? '--processes: a shard failed');
  for (const o of lost) {
    const k = outcomes.indexOf(o);
    const how = o.signal ? `was killed by ${o.signal}` : `exited with code ${o.exitCode}`;
    // A signal's victim said nothing about its end: its last line is whatever it printed before.
    const why = o.signal ? undefined : lastLine(o.stderr);
    io.stderr.write(
      `smtpeter-sim: --processes: shard ${k}/${outcomes.length} ${how} without writing its report${why ? ` (${why})` : ''}\n`,
    );
  }
  if (!written.length) return 1;
  const reports = written.map((o) => o.report);
  const plan = planMerge(reports, { json: flags.json ?? false, ...(flags.out ? { out: flags.out } : {}) });
  return reportMerged(plan, reports.length, `${outcomes.length} shard processes, merged`, io);
}

/** A shard's last stderr line, without the program's prefix. */
const lastLine = (stderr: string): string | undefined =>
  stderr
    .trim()
    .split('\n')
    .at(-1)
    ?.replace(/^smtpeter-sim: /, '') || undefined;
