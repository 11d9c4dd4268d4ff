import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunMetrics } from '../metrics/run-metrics.js';
import { evaluate } from '../metrics/thresholds.js';
import { UsageError } from '../model/errors.js';
import type { CallResult, DroppedCall, UnsentCall } from '../model/results.js';
import { PreciseSleeper } from '../pace/precise-sleep.js';
import { type FirePlan, fireExitCode } from '../plan/fire-plan.js';
import { type Receiver, startReceiver } from '../receive/server.js';
import { colourFor } from '../report/colour.js';
import {
  answerLines,
  type ReportExtras,
  receivedLine,
  resultLine,
  summaryJson,
  summaryText,
} from '../report/fire-report.js';
import { startLive } from '../report/live.js';
import { buildersLimit, scheduleBehind, signingLimit } from '../report/rate-limits.js';
import { RequestLog } from '../report/request-log.js';
import { runState } from '../report/run-state.js';
import { writeWhole } from '../report/whole-file.js';
import { BuildPool } from '../run/build-pool.js';
import { type FireSummary, fire } from '../run/fire.js';
import { settle } from '../run/settle.js';
import { reportProgressToParent, tellParentReady } from '../run/shard-processes.js';
import type { CallInfo } from '../run/source.js';
import { warmUpSendPath } from '../run/warm-up.js';
import { createTransport } from '../transport/create.js';
import type { HttpOptions } from '../transport/http.js';
import type { Transport } from '../transport/transport.js';
import { onInterrupt } from './interrupt-signals.js';
import type { CliIO } from './io.js';

/** A real fire run: the log, the resources, every call sent, the report. */
export async function runFire(plan: FirePlan, io: CliIO): Promise<number> {
  const log = plan.output.log ? await openLog(plan.output.log) : undefined;
  const run = await startRun(plan, io);
  try {
    const results: CallResult[] = [];
    const summary = await sendAll(plan, run, log, results);
    await log?.close();
    return report(plan, run, summary, results);
  } finally {
    await run.close();
  }
}

async function openLog(path: string): Promise<RequestLog> {
  const log = new RequestLog(path);
  await log.opened().catch((e: Error) => {
    throw new UsageError(`--log: cannot write '${path}': ${e.message}`);
  });
  return log;
}

/** What a run holds open: the receiver (no --url), the HTTP client, build workers, the signal handlers. */
type Colours = ReturnType<typeof colourFor>;

interface RunResources {
  io: CliIO;
  c: Colours;
  receiver?: Receiver;
  http: Transport;
  pool?: BuildPool;
  sleeper?: PreciseSleeper;
  stop: AbortController;
  close(): Promise<void>;
}

async function startRun(plan: FirePlan, io: CliIO): Promise<RunResources> {
  const c = colourFor(io.stdout);
  const { json, quiet } = plan.output;
  let receiver: Receiver | undefined;
  if (plan.embedded) {
    receiver = await startReceiver({
      ...(plan.signing.publicKey ? { publicKey: plan.signing.publicKey } : {}),
      dialect: plan.send.dialect,
      onCall: (call) => {
        if (!json && !quiet) io.stdout.write(`${receivedLine(call, c)}\n`);
      },
    });
    // Its port is known only now: the plan's targets take it.
    plan.send.targets.url = new URL(receiver.url);
    if (!json) io.stderr.write(`no --url: firing at the embedded receiver ${receiver.url}\n`);
  }
  if (plan.signing.notice && !json) io.stderr.write(`${plan.signing.notice}\n`);
  plan.rotation?.start();
  const http = createTransport(plan.send.transport.kind, transportOptions(plan));
  const pool = plan.workers > 0 && plan.generate ? buildPool(plan) : undefined;
  const sleeper = plan.load.model.kind === 'open' ? new PreciseSleeper() : undefined;
  const stop = new AbortController();
  // Every call waiting (--delay, a retry) listens for the stop.
  setMaxListeners(0, stop.signal);
  const offSignals = onInterrupt(stop, () => http.destroy());
  const parent = tellParentReady();
  // A shard starts at its parent's go-ahead, a stop asked for before it already taken.
  await parent.started;
  const close = async (): Promise<void> => {
    offSignals();
    parent.release();
    plan.rotation?.stop();
    if (plan.rotation && !json) io.stderr.write(`signed with ${plan.rotation.keyIds.join(', ')}\n`);
    await pool?.close();
    await sleeper?.close();
    await http.close();
    await receiver?.close();
  };
  return {
    io,
    c,
    ...(receiver ? { receiver } : {}),
    http,
    ...(pool ? { pool } : {}),
    ...(sleeper ? { sleeper } : {}),
    stop,
    close,
  };
}

/** The run's HTTP client options (the warm-up's client is made with the same). */
function transportOptions(plan: FirePlan): HttpOptions {
  return {
    connections: plan.connections,
    pipelining: plan.pipelining,
    ...plan.send.transport,
    ...(plan.output.keepAnswer ? { keepAnswer: plan.output.keepAnswer } : {}),
  };
}

/** Scenario instances of the workers' warm-up range the send path is warmed with (calls of the run's kind). */
const WARM_UP_INSTANCES = 5000;
/** Warm-up calls at most (an instance may be more than one call). */
const WARM_UP_CALLS = 5000;

function buildPool(plan: FirePlan): BuildPool {
  return new BuildPool(plan.workers, {
    generate: plan.generate!,
    clockBase: plan.clockBase,
    request: plan.request,
    targets: plan.send.targets,
    yieldToSender: plan.workersYield,
    warmUpInstances: WARM_UP_INSTANCES,
    ...plan.jobs,
  });
}

/** Warm up, then fire every call; each result to the log, the per-call line and the kept results. */
async function sendAll(
  plan: FirePlan,
  run: RunResources,
  log: RequestLog | undefined,
  results: CallResult[],
): Promise<FireSummary> {
  const { pool, sleeper, http } = run;
  // One clock and one pair of sleeps for the warm-up and the run: the code compiled in one is the other's.
  const now = (): number => performance.timeOrigin + performance.now();
  const sleepFor = (ms: number, signal?: AbortSignal): Promise<void> =>
    sleep(ms, undefined, signal ? { signal } : undefined).catch(() => undefined);
  const preciseSleep = sleeper ? (ms: number) => sleeper.sleep(ms) : undefined;
  // Worker start-up (modules, first calls) is not part of the run.
  await pool?.ready();
  if (pool) {
    // Warm the send path (the run's own calls, model and transport), then start once that compiling has
    // stopped using the cores. Best effort: a warm-up that cannot run (no loopback listener) only costs the
    // run its first second.
    await warmUpSendPath({
      request: plan.request,
      calls: pool.warmUpCalls(),
      count: WARM_UP_CALLS,
      targets: plan.send.targets,
      run: { retry: plan.send.retry, seed: plan.seed },
      transport: { kind: plan.send.transport.kind, options: transportOptions(plan) },
      model: plan.load.model,
      clock: { now, sleep: sleepFor, ...(preciseSleep ? { preciseSleep } : {}), signal: run.stop.signal },
    })
      .catch(() => undefined)
      .finally(() => pool.endWarmUp());
    await settle();
  }
  const metrics = new RunMetrics(Date.now());
  const live = plan.output.json ? undefined : startLive(run.io.stderr, () => metrics, now, plan.load.planned);
  const progress = reportProgressToParent(metrics);
  try {
    return await fire(
      {
        ...plan.request,
        calls: pool ?? plan.source.calls(),
        targets: plan.send.targets,
        model: plan.load.model,
        ...(Number.isFinite(plan.load.count) ? { count: plan.load.count } : {}),
        ...(plan.load.durationMs !== undefined ? { durationMs: plan.load.durationMs } : {}),
        graceMs: plan.graceMs,
        retry: plan.send.retry,
        disorder: plan.disorder,
        seed: plan.seed,
      },
      {
        http,
        now,
        sleep: sleepFor,
        ...(preciseSleep ? { preciseSleep } : {}),
        signal: run.stop.signal,
        metrics,
        onResult: (r) => {
          log?.result(r);
          if (plan.output.keepResults) results.push(r);
          if (plan.output.chatty)
            run.io.stdout.write(
              `${resultLine(r, run.c)}${plan.output.verbose ? answerLines(r, run.c) : ''}\n`,
            );
        },
        ...(log
          ? {
              onDropped: (d: DroppedCall) => log.dropped(d),
              onUnsent: (u: UnsentCall, call: CallInfo) => log.unsent(u, call),
            }
          : {}),
      },
    );
  } finally {
    live?.stop();
    progress.stop();
  }
}

/** The summary (text, or JSON and --out), then the exit code by the plan's rule. */
function report(plan: FirePlan, run: RunResources, summary: FireSummary, results: CallResult[]): number {
  const { json, chatty, out } = plan.output;
  const evaluated = plan.thresholds.length
    ? evaluate(plan.thresholds, summary.metrics, summary.rateWindowMs)
    : undefined;
  const extras = reportExtras(plan, run, summary, evaluated);
  const doc = summaryJson(summary, json && results.length ? results : undefined, extras);
  const invalid =
    run.receiver?.calls.filter((r) => r.validation.problems.length || r.signature.result === 'failed')
      .length ?? 0;
  if (out) {
    // The run's state too (accounting, counters, HDR histograms): `merge` combines shards' reports exactly.
    const state = runState(summary, {
      ...(plan.shard ? { shard: plan.shard } : {}),
      seed: plan.seed,
      thresholds: plan.thresholds.map((t) => t.text),
      ...(extras.targetRate !== undefined ? { targetRate: extras.targetRate } : {}),
      invalidReceived: invalid,
    });
    writeWhole(out, `${JSON.stringify({ ...doc, state }, null, 2)}\n`);
  }
  if (json) run.io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  else run.io.stdout.write(`${chatty ? '\n' : ''}${summaryText(summary, run.c, extras)}\n`);
  return fireExitCode({
    failed: summary.metrics.failed,
    dropped: summary.metrics.dropped,
    unsent: summary.unsent,
    interrupted: summary.interrupted,
    invalidReceived: invalid,
    ...(evaluated ? { thresholdsHeld: evaluated.every((t) => t.passed) } : {}),
  });
}

/** The target rate, build workers, and what (signing, building, the schedule) held the rate back. */
function reportExtras(
  plan: FirePlan,
  run: RunResources,
  summary: FireSummary,
  evaluated: ReportExtras['thresholds'],
): ReportExtras {
  const { load } = plan;
  const signing = plan.request.signing;
  const extras: ReportExtras = {
    ...(evaluated ? { thresholds: evaluated } : {}),
    ...(load.model.kind === 'open' && load.targetRate ? { targetRate: load.targetRate } : {}),
    ...(run.pool && signing ? { signWorkers: run.pool.size } : {}),
  };
  const limited = signing ? signingLimit(summary, run.pool, load.targetRate) : undefined;
  if (limited) extras.signingLimited = limited;
  else {
    const behind =
      (signing ? undefined : buildersLimit(summary, run.pool, load.targetRate)) ??
      scheduleBehind(summary, load.targetRate);
    if (behind) extras.generatorLimited = behind;
  }
  return extras;
}
