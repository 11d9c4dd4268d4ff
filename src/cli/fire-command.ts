import { setMaxListeners } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { type MimeSourceFile, type MimeSourceOptions, mimeSource } from '../captured/bounce-call.js';
import { uncarriedKind } from '../encode/dialect.js';
import { EventGenerator, eventClock, type GenerateOptions, SEEDED_EPOCH } from '../generate/events.js';
import { isValidTag } from '../mail/message.js';
import { type CallResult, type DroppedCall, RunMetrics, type UnsentCall } from '../metrics/run-metrics.js';
import { evaluate, parseThreshold } from '../metrics/thresholds.js';
import { UsageError } from '../model/errors.js';
import { CALL_TYPES, type CallType } from '../model/events.js';
import { systemClock } from '../model/time.js';
import { PreciseSleeper } from '../pace/precise-sleep.js';
import { randomSeed, seedFromString } from '../random/rng.js';
import { type Receiver, startReceiver } from '../receive/server.js';
import { colourFor } from '../report/colour.js';
import {
  type ReportExtras,
  receivedLine,
  resultLine,
  summaryJson,
  summaryText,
} from '../report/fire-report.js';
import { startLive } from '../report/live.js';
import { buildersLimit, scheduleBehind, signingLimit } from '../report/rate-limits.js';
import { RequestLog } from '../report/request-log.js';
import { BuildPool } from '../run/build-pool.js';
import { deliveries, reshuffles } from '../run/disorder.js';
import { fire } from '../run/fire.js';
import { anyTarget, buildRequest, renderRequest, type Targets, targetFor } from '../run/request.js';
import { settle } from '../run/settle.js';
import type { CallInfo } from '../run/source.js';
import { warmUpSendPath } from '../run/warm-up.js';
import { HttpClient } from '../transport/http.js';
import { byteSize, duration, eventTime, oneOf, positiveInt, readableFile } from './flags.js';
import { type LoadFlags, loadPlan, parseMix } from './load-plan.js';
import { DRY_RUN_URL, disorderFrom, type SendFlags, sendConfig } from './send-config.js';

export interface FireFlags extends SendFlags, LoadFlags {
  type?: string;
  scenario?: string;
  style?: string;
  seed?: string;
  time?: string;
  tag?: string[];
  recipient?: string;
  domain?: string;
  sign: boolean;
  attachmentSize?: string;
  dryRun?: boolean;
  json?: boolean;
  connections?: string;
  mix?: string;
  threshold?: string[];
  out?: string;
  log?: string;
  grace?: string;
  quiet?: boolean;
  signWorkers?: string;
  workers?: string;
  duplicate?: string;
  reorder?: string;
  delay?: string;
  mime?: string[];
}

/** Runs larger than this print no line per call and keep no per-call results. */
const CHATTY_LIMIT = 1000;

/** Exit code: 0 all 2xx, 1 otherwise. UsageErrors propagate (exit 2). */
export async function fireCommand(flags: FireFlags): Promise<number> {
  const out = process.stdout;
  const err = process.stderr;
  const c = colourFor(out);
  const send = await sendConfig(flags, {
    tags: flags.tag,
    seed: flags.seed,
    duplicate: flags.duplicate,
    reorder: flags.reorder,
    delay: flags.delay,
  });
  const { settings, format, dialect, targets, extraHeaders } = send;

  // --- check every input before anything is sent ---
  const type = flags.type ? oneOf<CallType>('--type', flags.type, CALL_TYPES) : undefined;
  const mimeFiles = flags.mime ? readMimeFiles(flags) : undefined;
  // Without a count or a time, --mime sends every file once.
  const load = loadPlan(
    mimeFiles && !flags.count && !flags.duration && !flags.stages
      ? { ...flags, count: String(mimeFiles.length) }
      : flags,
  );
  const mix = flags.mix ? parseMix(flags.mix) : undefined;
  if (mix && (flags.type || flags.scenario))
    throw new UsageError('--mix: give either --mix or --type/--scenario, not both');
  const thresholds = (flags.threshold ?? []).map((t) => {
    const parsed = parseThreshold(t);
    if (typeof parsed === 'string') throw new UsageError(`--threshold: ${parsed}`);
    return parsed;
  });
  const graceMs = flags.grace ? duration('--grace', flags.grace) : 5000;
  const disorder = disorderFrom(settings, true);
  const workersFlag = buildWorkersFlag(flags);
  // Retries, duplicates and reordering sign every delivery afresh: that needs the call, not a built request.
  const resigns = send.retry.retries > 0 || reshuffles(disorder);
  if (workersFlag && (resigns || mimeFiles))
    throw new UsageError(
      `--workers: ${mimeFiles ? '--mime calls' : 'retries, --duplicate and --reorder'} are built on the main thread; give --workers 0 or leave it out`,
    );
  const tags = settings.value<string[]>('tags');
  for (const t of tags ?? [])
    if (!isValidTag(t))
      throw new UsageError(`--tag: '${t}' contains white space or a semicolon (SMTPeter forbids both)`);
  if (flags.recipient && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(flags.recipient)) {
    throw new UsageError(`--recipient: '${flags.recipient}' is not an e-mail address`);
  }
  if (flags.domain && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(flags.domain))
    throw new UsageError(`--domain: '${flags.domain}' is not a domain name`);
  const seedText = settings.value<string>('seed');
  const seed = seedText !== undefined ? seedFromString(seedText) : randomSeed();
  const base: number | 'now' = flags.time
    ? eventTime('--time', flags.time)
    : seedText !== undefined
      ? SEEDED_EPOCH
      : 'now';
  const generateOptions: Omit<GenerateOptions, 'clock'> = {
    seed,
    ...(type ? { type } : {}),
    ...(flags.scenario ? { scenario: flags.scenario } : {}),
    ...(flags.style ? { style: flags.style } : {}),
    ...(flags.recipient ? { recipient: flags.recipient } : {}),
    ...(flags.domain ? { domain: flags.domain } : {}),
    ...(tags ? { tags } : {}),
    ...(mix ? { mix } : {}),
    ...(flags.attachmentSize ? { attachmentBytes: byteSize('--attachment-size', flags.attachmentSize) } : {}),
  };
  const clock = eventClock(base, systemClock);
  const generator = mimeFiles
    ? mimeCalls(mimeFiles, {
        clock,
        ...(flags.recipient ? { recipient: flags.recipient } : {}),
        ...(tags ? { tags } : {}),
      })
    : new EventGenerator({ ...generateOptions, clock });
  const { signing, publicKey, notice } = send.signingFor(dialect);
  const requestOptions = { format, dialect, extraHeaders, ...(signing ? { signing } : {}) };
  // A dialect with no field set for a kind refuses it before anything is sent or shown.
  const kinds = type ? [type] : new Set(generator.take(Math.min(load.planned, 200)).map((c) => c.event.type));
  for (const kind of kinds) {
    const refusal = uncarriedKind(dialect, kind, type ? '--type' : '--dialect');
    if (refusal) throw new UsageError(refusal);
  }

  if (flags.dryRun) {
    const anyUrl = anyTarget(targets);
    // Host is signed: say which one the requests show, as a real run without a URL picks a free port.
    if (!anyUrl) err.write(`no --url: requests shown as sent to ${DRY_RUN_URL} (listen's default port)\n`);
    const shown = anyUrl ? targets : { url: new URL(DRY_RUN_URL) };
    const n = Number.isFinite(load.planned) ? load.planned : 1;
    for (const { item: call } of deliveries(generator.calls(), disorder, seed, n, (c) => c.event.id)) {
      const target = targetForOrFail(call.event.type, shown);
      out.write(`${renderRequest(buildRequest(call, target, requestOptions))}\r\n\r\n`);
    }
    return 0;
  }
  // Every call type the run will produce needs a URL (checked on a sample, before sending).
  for (const call of generator.take(Math.min(load.planned, 200)))
    targetForOrFail(call.event.type, targets, true);
  const chatty = !flags.json && !flags.quiet && load.planned <= CHATTY_LIMIT && !load.timed;
  const log = flags.log ? new RequestLog(flags.log) : undefined;
  if (log)
    await log.opened().catch((e: Error) => {
      throw new UsageError(`--log: cannot write '${flags.log}': ${e.message}`);
    });

  // --- run ---
  let receiver: Receiver | undefined;
  if (!anyTarget(targets)) {
    receiver = await startReceiver({
      ...(publicKey ? { publicKey } : {}),
      dialect,
      onCall: (call) => {
        if (!flags.json && !flags.quiet) out.write(`${receivedLine(call, c)}\n`);
      },
    });
    targets.url = new URL(receiver.url);
    if (!flags.json) err.write(`no --url: firing at the embedded receiver ${receiver.url}\n`);
  }
  if (notice && !flags.json) err.write(`${notice}\n`);
  const http = new HttpClient({
    connections: flags.connections
      ? positiveInt('--connections', flags.connections)
      : load.model.kind === 'closed'
        ? load.model.concurrency
        : load.model.maxInFlight,
    ...send.transport,
  });
  const workers =
    resigns || mimeFiles ? 0 : (workersFlag ?? defaultBuildWorkers(load.planned, signing !== undefined));
  const pool =
    workers > 0
      ? new BuildPool(workers, {
          generate: generateOptions,
          clockBase: base,
          request: requestOptions,
          targets,
          // An open run builds ~20 ms of its schedule per job and keeps ~100 ms ahead: event
          // times and Dates stay close to the send, and a worker descheduled a while costs no lag.
          ...(load.model.kind === 'open' && load.targetRate
            ? { maxJobSize: Math.ceil(load.targetRate / 50), minAhead: Math.ceil(load.targetRate / 10) }
            : {}),
        })
      : undefined;
  const sleeper = load.model.kind === 'open' ? new PreciseSleeper() : undefined;
  const stop = new AbortController();
  // Every call waiting (--delay, a retry) listens for the stop.
  setMaxListeners(0, stop.signal);
  let signals = 0;
  const onSignal = (): void => {
    // First signal: stop starting calls, give in-flight ones the grace period. Second: abort now.
    if (++signals === 1) stop.abort();
    else void http.destroy();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const results: CallResult[] = [];
  let live = { stop: () => {} };
  try {
    // Worker start-up (modules, first calls) is not part of the run.
    await pool?.ready();
    if (pool && load.model.kind === 'open') {
      // Warm the send path, then start the schedule once that compiling has stopped using the cores.
      // Best effort: a warm-up that cannot run (no loopback listener) only costs the run its first half second.
      await warmUpSendPath(requestOptions, sleeper ? (ms) => sleeper.sleep(ms) : undefined).catch(
        () => undefined,
      );
      await settle();
    }
    const metrics = new RunMetrics(Date.now());
    const now = (): number => performance.timeOrigin + performance.now();
    if (!flags.json) live = startLive(err, () => metrics, now, load.planned);
    const summary = await fire(
      {
        ...requestOptions,
        calls: pool ?? generator.calls(),
        targets,
        model: load.model,
        ...(Number.isFinite(load.count) ? { count: load.count } : {}),
        ...(load.durationMs !== undefined ? { durationMs: load.durationMs } : {}),
        graceMs,
        retry: send.retry,
        disorder,
        seed,
      },
      {
        http,
        now,
        sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : undefined).catch(() => undefined),
        ...(sleeper ? { preciseSleep: (ms: number) => sleeper.sleep(ms) } : {}),
        signal: stop.signal,
        metrics,
        onResult: (r) => {
          log?.result(r);
          if (chatty || (flags.json && load.planned <= CHATTY_LIMIT && !load.timed)) results.push(r);
          if (chatty) out.write(`${resultLine(r, c)}\n`);
        },
        ...(log
          ? {
              onDropped: (d: DroppedCall) => log.dropped(d),
              onUnsent: (u: UnsentCall, call: CallInfo) => log.unsent(u, call),
            }
          : {}),
      },
    );
    live.stop();
    await log?.close();
    const evaluated = thresholds.length
      ? evaluate(thresholds, summary.metrics, summary.rateWindowMs)
      : undefined;
    const extras: ReportExtras = {
      ...(evaluated ? { thresholds: evaluated } : {}),
      ...(load.model.kind === 'open' && load.targetRate ? { targetRate: load.targetRate } : {}),
      ...(pool && signing ? { signWorkers: pool.size } : {}),
    };
    const limited = signing ? signingLimit(summary, pool, load.targetRate) : undefined;
    if (limited) extras.signingLimited = limited;
    else {
      const behind =
        (signing ? undefined : buildersLimit(summary, pool, load.targetRate)) ??
        scheduleBehind(summary, load.targetRate);
      if (behind) extras.generatorLimited = behind;
    }
    const json = summaryJson(summary, flags.json && results.length ? results : undefined, extras);
    if (flags.out) writeFileSync(flags.out, `${JSON.stringify(json, null, 2)}\n`);
    if (flags.json) out.write(`${JSON.stringify(json, null, 2)}\n`);
    else out.write(`${chatty ? '\n' : ''}${summaryText(summary, c, extras)}\n`);
    if (evaluated) return evaluated.every((t) => t.passed) && !summary.interrupted ? 0 : 1;
    const invalid =
      receiver?.calls.filter((r) => r.validation.problems.length || r.signature.result === 'failed').length ??
      0;
    const m = summary.metrics;
    return m.failed === 0 && m.dropped === 0 && summary.unsent === 0 && invalid === 0 ? 0 : 1;
  } finally {
    live.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pool?.close();
    await sleeper?.close();
    await http.close();
    await receiver?.close();
  }
}

/** `--mime FILE...`: the files, read and checked before anything is sent. */
function readMimeFiles(flags: FireFlags): MimeSourceFile[] {
  for (const flag of ['scenario', 'style', 'mix', 'domain', 'attachmentSize'] as const)
    if (flags[flag] !== undefined)
      throw new UsageError(
        `--mime: sends the captured messages as they are; --${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} does not apply`,
      );
  if (flags.type === 'failure')
    throw new UsageError('--mime: a captured message makes bounce calls, not --type failure');
  return (flags.mime ?? []).map((path) => ({
    path,
    text: readFileSync(readableFile('--mime', path), 'utf8'),
  }));
}

function mimeCalls(files: MimeSourceFile[], options: MimeSourceOptions) {
  const made = mimeSource(files, options);
  if (!made.ok) throw new UsageError(made.problem);
  return made;
}

function nonNegativeInt(flag: string, text: string): number {
  return text === '0' ? 0 : positiveInt(flag, text);
}

/** --workers, or its older name --sign-workers. */
function buildWorkersFlag(flags: FireFlags): number | undefined {
  const workers = flags.workers !== undefined ? nonNegativeInt('--workers', flags.workers) : undefined;
  const sign =
    flags.signWorkers !== undefined ? nonNegativeInt('--sign-workers', flags.signWorkers) : undefined;
  if (workers !== undefined && sign !== undefined && workers !== sign)
    throw new UsageError('--sign-workers: is the older name of --workers; give one');
  return workers ?? sign;
}

/**
 * Runs over 1000 calls build them on worker threads. Signed: one per core
 * (RSA signing is the cost). Unsigned: one per core but one (the main thread
 * sends and needs a core of its own), two at most: one thread sending is
 * the limit well before two building, and each worker costs ~50 MB.
 */
function defaultBuildWorkers(planned: number, signed: boolean): number {
  if (planned <= CHATTY_LIMIT) return 0;
  const cores = availableParallelism();
  return signed ? Math.min(cores, 8) : Math.max(1, Math.min(cores - 1, 2));
}

function targetForOrFail(type: CallType, targets: Targets, allowEmbedded = false): URL {
  if (allowEmbedded && !anyTarget(targets)) return new URL('http://127.0.0.1/');
  try {
    return targetFor({ event: { type } } as Parameters<typeof targetFor>[0], targets);
  } catch {
    throw new UsageError(`--url: no URL for ${type} calls (give --url, or --${type}-url)`);
  }
}
