import { readFileSync } from 'node:fs';
import { type MimeSourceFile, mimeSource } from '../captured/bounce-call.js';
import { capturedMessage, jsonCannotCarry } from '../captured/message-text.js';
import type { Settings } from '../config/settings.js';
import type { BodyFormat } from '../encode/body.js';
import { uncarriedKind } from '../encode/dialect.js';
import { EventGenerator, eventClock, type GenerateOptions, SEEDED_EPOCH } from '../generate/events.js';
import { parseThreshold, type Threshold } from '../metrics/thresholds.js';
import { UsageError } from '../model/errors.js';
import { CALL_TYPES, type CallType, type SimCall } from '../model/events.js';
import type { Shard } from '../model/shard.js';
import { seedFromString } from '../random/rng.js';
import { type DisorderOptions, reshuffles } from '../run/disorder.js';
import { anyTarget, type RequestOptions, type Targets, targetFor } from '../run/request.js';
import { callTypesOf } from '../scenarios/select.js';
import { KeyRotation } from '../sign/key-rotation.js';
import { defaultKeyDir } from '../sign/keys.js';
import {
  byteSize,
  duration,
  eventTime,
  nonNegativeInt,
  oneOf,
  positiveInt,
  readableFile,
  writableFile,
} from './flag-values.js';
import { type LoadFlags, type LoadPlan, loadPlan, parseMix } from './load-plan.js';
import { messageFields } from './message-flags.js';
import { disorderFrom, type SendFlags, type SendPlan, sendPlan } from './send-plan.js';
import { parseShard, shardLoad } from './shard.js';
import type { ResolvedSigning } from './signing.js';

export interface FireFlags extends SendFlags, LoadFlags {
  type?: string;
  scenario?: string;
  style?: string;
  seed?: string;
  time?: string;
  tag?: string[];
  recipient?: string;
  domain?: string;
  audience?: string;
  /** `--defects`: the share of bounces given a real-world defect. */
  defects?: string;
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
  verbose?: boolean;
  signWorkers?: string;
  workers?: string;
  duplicate?: string;
  reorder?: string;
  delay?: string;
  mime?: string[];
  rotateEvery?: string;
  shard?: string;
  processes?: string;
  pipelining?: string;
}

/** What the plan needs of the machine it runs on: passed in, so a plan is a pure function of it. */
export interface FireMachine {
  /** Cores to build calls on (os.availableParallelism()). */
  cores: number;
  /** The wall clock, for event times when no --time or --seed fixes them. */
  now: () => number;
  /** A seed when none is given. */
  randomSeed: () => number;
}

/** The calls a run sends, read lazily. */
export interface CallStream {
  calls(): Iterable<SimCall>;
  take(count: number): SimCall[];
}

/** A fire run, every input checked: what to send, where, how paced, signed and retried, and how to judge it. */
export interface FirePlan {
  send: SendPlan;
  load: LoadPlan;
  seed: number;
  /** `--shard K/N`: this run is the K-th of N slices of the seeded plan. */
  shard?: Shard;
  /** Event time of the first call (one second per instance after it), or the wall clock. */
  clockBase: number | 'now';
  /** What to generate (worker threads rebuild the same calls from it); absent with --mime. */
  generate?: Omit<GenerateOptions, 'clock'>;
  /** The calls, on the main thread. */
  source: CallStream;
  request: RequestOptions;
  signing: ResolvedSigning;
  /** `--rotate-every`: the key folder's selector changes during the run (started and stopped by the command). */
  rotation?: KeyRotation;
  thresholds: Threshold[];
  graceMs: number;
  disorder: DisorderOptions;
  /** Threads that build calls; 0: the main thread does. */
  workers: number;
  /** The build workers share the sender's cores (workers >= cores): they run below its priority. */
  workersYield: boolean;
  /** Sockets per receiver. */
  connections: number;
  /** Requests written ahead on one socket (HTTP/1.1 pipelining; 1 = none). */
  pipelining: number;
  /** No URL at all: fire at an embedded receiver. */
  embedded: boolean;
  /** Jobs for worker threads in an open run: ~20 ms of the schedule each, ~100 ms ahead. */
  jobs?: { maxJobSize: number; minAhead: number };
  output: FireOutput;
}

export interface FireOutput {
  json: boolean;
  quiet: boolean;
  /** A line per call. */
  chatty: boolean;
  /** Keep every call's result (for the JSON report). */
  keepResults: boolean;
  dryRun: boolean;
  /** A line per call with the receiver's answer under it (status, headers, body's first KB). */
  verbose: boolean;
  /** Bytes of each answer's body to keep (with its headers): 0 when no reader shows answers. */
  keepAnswer: number;
  out?: string;
  log?: string;
}

/** Bytes of a receiver's answer body kept for --log, --json and --verbose. */
export const ANSWER_BYTES = 1024;

/** Runs larger than this print no line per call and keep no per-call results. */
const CHATTY_LIMIT = 1000;

/**
 * Flags and settings → a fire run's plan. Every input is checked here
 * (a UsageError naming the flag or config key), so nothing is half-sent.
 */
export function planFire(flags: FireFlags, settings: Settings, machine: FireMachine): FirePlan {
  const send = sendPlan(flags, settings);
  // fire is the load path: http:// goes through the net client unless --transport says otherwise (15-25% less
  // CPU a call, which is what met issue 19's (a) and (c) targets); replay and check keep undici.
  if (send.transport.kind === undefined) send.transport = { ...send.transport, kind: 'net' };
  const type = flags.type ? oneOf<CallType>('--type', flags.type, CALL_TYPES) : undefined;
  const mimeFiles = flags.mime ? readMimeFiles(flags, send.format) : undefined;
  // Without a count or a time, --mime sends every file once.
  const runLoad = loadPlan(
    mimeFiles && !flags.count && !flags.duration && !flags.stages
      ? { ...flags, count: String(mimeFiles.length) }
      : flags,
  );
  const mix = flags.mix ? parseMix(flags.mix) : undefined;
  const thresholds = (flags.threshold ?? []).map(threshold);
  const graceMs = flags.grace ? duration('--grace', flags.grace) : 5000;
  const disorder = disorderFrom(settings, true);
  const rotation = keyRotation(flags, send);
  const message = messageFields({ ...flags, tags: settings.value<string[]>('tags') });
  if (mimeFiles && message.defects !== undefined)
    throw new UsageError('--defects: not with --mime (a captured message is sent as it was captured)');
  const seedText = settings.value<string>('seed');
  const seed = seedText !== undefined ? seedFromString(seedText) : machine.randomSeed();
  const shard = flags.shard ? checkedShard(flags.shard, seedText, mimeFiles, disorder) : undefined;
  const clockBase = flags.time
    ? eventTime('--time', flags.time)
    : seedText !== undefined
      ? SEEDED_EPOCH
      : 'now';
  const generate: Omit<GenerateOptions, 'clock'> = {
    seed,
    ...(type ? { type } : {}),
    ...(flags.scenario ? { scenario: flags.scenario } : {}),
    ...(flags.style ? { style: flags.style } : {}),
    ...message,
    ...(mix ? { mix } : {}),
    ...(flags.attachmentSize ? { attachmentBytes: byteSize('--attachment-size', flags.attachmentSize) } : {}),
    ...(shard ? { shard } : {}),
  };
  const clock = eventClock(clockBase, machine.now);
  const generator = mimeFiles ? undefined : new EventGenerator({ ...generate, clock });
  const source = generator ?? mimeStream(mimeFiles!, { clock, ...message });
  const load = shard && generator ? shardLoad(runLoad, shard, generator) : runLoad;
  const workers = buildWorkers(flags, load, send, disorder, mimeFiles !== undefined, machine.cores, rotation);
  const signing = rotatingSigning(send.signingFor(send.dialect), rotation);
  const kinds = mimeFiles ? (['bounce'] as const) : callTypesOf(generate);
  // A dialect with no field set for a kind refuses it before anything is sent or shown.
  for (const kind of kinds) {
    const refusal = uncarriedKind(send.dialect, kind, type ? '--type' : '--dialect');
    if (refusal) throw new UsageError(refusal);
  }
  const embedded = !anyTarget(send.targets);
  if (!flags.dryRun && !embedded) for (const t of kinds) targetOrFail(t, send.targets);
  return {
    send,
    load,
    seed,
    ...(shard ? { shard } : {}),
    clockBase,
    ...(mimeFiles ? {} : { generate }),
    source,
    request: requestOptions(send, signing),
    signing,
    ...(rotation ? { rotation } : {}),
    thresholds,
    graceMs,
    disorder,
    workers,
    workersYield: workers > 0 && workers >= machine.cores,
    connections: connections(flags, load),
    pipelining: flags.pipelining ? positiveInt('--pipelining', flags.pipelining) : 1,
    embedded,
    ...buildJobs(workers, load),
    output: fireOutput(flags, load),
  };
}

/**
 * `--shard K/N`: every shard must build the same plan (a --seed), from
 * generated calls (not --mime files), without duplicates or reordering,
 * which are drawn over the whole run's sequence.
 */
function checkedShard(
  text: string,
  seedText: string | undefined,
  mime: unknown,
  disorder: DisorderOptions,
): Shard {
  const shard = parseShard(text);
  if (seedText === undefined)
    throw new UsageError('--shard: give --seed too (every shard must generate the same run)');
  if (mime) throw new UsageError('--shard: not with --mime (shards slice generated calls)');
  if (reshuffles(disorder))
    throw new UsageError('--shard: not with --duplicate or --reorder (they are drawn over the whole run)');
  return shard;
}

/** Above this rate the sender has no time to spare and a worker at nice 10 needs the longer cushion. */
const SHORT_LOOKAHEAD_UP_TO = 5000;

/**
 * An open run's jobs for worker threads: ~20 ms of its schedule each, ~40 ms
 * ahead up to 5000/s (~100 ms above). Batches held ~100 ms ahead outlived
 * two scavenges on the main thread and were promoted with their bodies'
 * buffers, which only a mark-compact frees: one every ~2.5 s at 5000/s, a
 * burst of late calls each. At 20000/s the sender keeps the core busy and
 * 40 ms ahead let the worker fall behind (calls dropped), so there it stays
 * at 100 ms (docs/performance.md, "Per-call strings and batches off the
 * main heap").
 */
function buildJobs(workers: number, load: LoadPlan): Pick<FirePlan, 'jobs'> {
  if (workers === 0 || load.model.kind !== 'open' || !load.targetRate) return {};
  const aheadMs = load.targetRate > SHORT_LOOKAHEAD_UP_TO ? 100 : 40;
  return {
    jobs: {
      maxJobSize: Math.ceil(load.targetRate / 50),
      minAhead: Math.ceil((load.targetRate * aheadMs) / 1000),
    },
  };
}

function requestOptions(send: SendPlan, signing: ResolvedSigning): RequestOptions {
  return {
    format: send.format,
    dialect: send.dialect,
    extraHeaders: send.extraHeaders,
    ...(signing.signing ? { signing: signing.signing } : {}),
  };
}

/** One `--threshold`, or the usage error naming it. */
export function threshold(text: string): Threshold {
  const parsed = parseThreshold(text);
  if (typeof parsed === 'string') throw new UsageError(`--threshold: ${parsed}`);
  return parsed;
}

/** --connections, else one socket per request in flight (with --pipelining N, one per N). */
function connections(flags: FireFlags, load: LoadPlan): number {
  if (flags.connections) return positiveInt('--connections', flags.connections);
  const inFlight = load.model.kind === 'closed' ? load.model.concurrency : load.model.maxInFlight;
  const pipelining = flags.pipelining ? positiveInt('--pipelining', flags.pipelining) : 1;
  return Math.ceil(inFlight / pipelining);
}

function fireOutput(flags: FireFlags, load: LoadPlan): FireOutput {
  const small = load.planned <= CHATTY_LIMIT && !load.timed;
  const verbose = flags.verbose === true && !flags.json && !flags.quiet;
  const chatty = !flags.json && !flags.quiet && (small || verbose);
  const keepAnswer = verbose || flags.log !== undefined || (flags.json === true && small) ? ANSWER_BYTES : 0;
  return {
    json: flags.json ?? false,
    quiet: flags.quiet ?? false,
    chatty,
    keepResults: small && (chatty || flags.json === true),
    dryRun: flags.dryRun ?? false,
    verbose,
    keepAnswer,
    ...(flags.out !== undefined ? { out: writableFile('--out', flags.out) } : {}),
    ...(flags.log !== undefined ? { log: writableFile('--log', flags.log) } : {}),
  };
}

/** `--mime FILE...`: the files, read and checked before anything is sent. */
function readMimeFiles(flags: FireFlags, format: BodyFormat): MimeSourceFile[] {
  if (flags.type && flags.type !== 'bounce')
    throw new UsageError(`--mime: a captured message makes bounce calls, not --type ${flags.type}`);
  return (flags.mime ?? []).map((path) => {
    const message = capturedMessage(readFileSync(readableFile('--mime', path)));
    if (message.bytes && format === 'json')
      throw new UsageError(`--mime ${path}: ${jsonCannotCarry(message.bytes)}`);
    return { path, message };
  });
}

function mimeStream(files: MimeSourceFile[], options: Parameters<typeof mimeSource>[1]): CallStream {
  const made = mimeSource(files, options);
  if (!made.ok) throw new UsageError(made.problem);
  return made;
}

/**
 * Build workers: --workers (or its older name --sign-workers), else the
 * default. Retries, duplicates and reordering sign every delivery afresh,
 * and --mime calls are read on the main thread: those need the call, not a
 * built request, so they build on the main thread.
 */
function buildWorkers(
  flags: FireFlags,
  load: LoadPlan,
  send: SendPlan,
  disorder: DisorderOptions,
  mime: boolean,
  cores: number,
  rotation: KeyRotation | undefined,
): number {
  const workers = flags.workers !== undefined ? nonNegativeInt('--workers', flags.workers) : undefined;
  const sign =
    flags.signWorkers !== undefined ? nonNegativeInt('--sign-workers', flags.signWorkers) : undefined;
  if (workers !== undefined && sign !== undefined && workers !== sign)
    throw new UsageError('--sign-workers: is the older name of --workers; give one');
  const given = workers ?? sign;
  const mainThread = send.retry.retries > 0 || reshuffles(disorder) || mime;
  if (given && mainThread)
    throw new UsageError(
      `--workers: ${mime ? '--mime calls' : 'retries, --duplicate and --reorder'} are built on the main thread; give --workers 0 or leave it out`,
    );
  if (mainThread) return 0;
  // Worker threads hold a copy of the key they were started with.
  if (rotation) {
    if (given)
      throw new UsageError(
        '--workers: --rotate-every signs on the main thread; give --workers 0 or leave it out',
      );
    return 0;
  }
  const signed = (): boolean => send.signingFor(send.dialect).signing !== undefined;
  return given ?? defaultBuildWorkers(load.planned, signed, cores);
}

/**
 * Runs over 1000 calls build them on worker threads. Signed: one per core
 * (RSA signing is the cost). Unsigned: one per core but one (the main thread
 * sends and needs a core of its own), two at most: one thread sending is
 * the limit well before two building, and each worker costs ~50 MB.
 */
function defaultBuildWorkers(planned: number, signed: () => boolean, cores: number): number {
  if (planned <= CHATTY_LIMIT) return 0;
  return signed() ? Math.min(cores, 8) : Math.max(1, Math.min(cores - 1, 2));
}

/**
 * `--rotate-every D`: the key folder rotates every D during the run. Only
 * the key folder has selectors to rotate: not with --key, --key-id or
 * --no-sign; and the embedded receiver verifies with one key, so a --url.
 */
function keyRotation(flags: FireFlags, send: SendPlan): KeyRotation | undefined {
  if (flags.rotateEvery === undefined) return undefined;
  const everyMs = duration('--rotate-every', flags.rotateEvery);
  if (!(everyMs >= 100)) throw new UsageError(`--rotate-every: 100ms at least, got '${flags.rotateEvery}'`);
  const conflict = send.settings.value<string>('key')
    ? '--key'
    : send.settings.value<string>('keyId')
      ? '--key-id'
      : flags.sign === false
        ? '--no-sign'
        : undefined;
  if (conflict)
    throw new UsageError(`--rotate-every: rotates the key folder's selectors, so not with ${conflict}`);
  const signing = send.signingFor(send.dialect);
  if (!signing.signing)
    throw new UsageError(`--rotate-every: the ${send.dialect} dialect is unsigned unless --key is given`);
  if (!flags.dryRun && !anyTarget(send.targets))
    throw new UsageError(
      '--rotate-every: needs --url (the embedded receiver verifies with one key; `listen --resolve-keys` verifies through DNS)',
    );
  return new KeyRotation(defaultKeyDir(), everyMs);
}

/** The run's signing with the key and keyId read from the rotation at each request. */
function rotatingSigning(resolved: ResolvedSigning, rotation: KeyRotation | undefined): ResolvedSigning {
  if (!rotation || !resolved.signing) return resolved;
  const signing = Object.defineProperties(
    { ...resolved.signing },
    {
      privateKey: { get: () => rotation.privateKey, enumerable: true },
      keyId: { get: () => rotation.keyId, enumerable: true },
    },
  );
  return { ...resolved, signing };
}

/** The URL a call type goes to, or the usage error for a type with none. */
export function targetOrFail(type: CallType, targets: Targets): URL {
  try {
    return targetFor({ event: { type } }, targets);
  } catch {
    throw new UsageError(`--url: no URL for ${type} calls (give --url, or --${type}-url)`);
  }
}

/** How a run ended, as far as its exit code cares. */
export interface FireOutcome {
  /** Calls that failed after their retries, dropped (over --max-in-flight), never sent. */
  failed: number;
  dropped: number;
  unsent: number;
  interrupted: boolean;
  /** Calls the embedded receiver found invalid (fields or signature). */
  invalidReceived: number;
  /** With --threshold: whether every one held. */
  thresholdsHeld?: boolean;
}

/**
 * The exit-code rule: with thresholds, 0 when every one held and the run was
 * not interrupted; otherwise 0 only when every call was answered 2xx, none
 * was dropped or left unsent, and the embedded receiver found none invalid.
 */
export function fireExitCode(o: FireOutcome): number {
  if (o.thresholdsHeld !== undefined) return o.thresholdsHeld && !o.interrupted ? 0 : 1;
  return o.failed === 0 && o.dropped === 0 && o.unsent === 0 && o.invalidReceived === 0 ? 0 : 1;
}
