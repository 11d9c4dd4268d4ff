import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { dialectCarries } from '../encode/dialect.js';
import type { CallType } from '../model/events.js';
import { hostPort } from '../model/host-port.js';
import type { CallResult } from '../model/results.js';
import { randomSeed } from '../random/rng.js';
import { type Receiver, startReceiver } from '../receive/server.js';
import { KIND_URL, type RequestOptions, type Targets } from '../run/request.js';
import { parseRetrySchedule, type RetryPolicy } from '../run/retry-policy.js';
import { HttpClient, type HttpOptions } from '../transport/http.js';
import { type Credentials, resolveCredentials } from './credentials.js';
import { CallBook } from './dispatch/call-book.js';
import { Dispatcher } from './dispatch/dispatcher.js';
import { Intake } from './intake.js';
import type { OutcomeRules } from './outcomes/rules.js';
import { pageRoutes } from './page.js';
import { startRestFront } from './rest/server.js';
import { WebhookConfig } from './rest/webhooks.js';
import { selfSignedPair, type TlsPair } from './smtp/certificate.js';
import { startSmtpFront } from './smtp/server.js';
import { MemoryStore } from './store/memory.js';
import type { ServeStore } from './store/store.js';
import type { StoredMessage, Submission, TimelineEvent } from './types.js';

export interface ServeOptions {
  /** Address for both fronts (default 127.0.0.1). */
  host?: string;
  /** REST API, tracking URLs and the page (default 8026; 0: any free port). */
  apiPort?: number;
  /** SMTP submission (default 2525; 0: any free port). */
  smtpPort?: number;
  /** Default: kept in `credentialsFile`, made on first use. */
  credentials?: Partial<Credentials>;
  credentialsFile?: string;
  /** Default: a self-signed certificate for localhost made at start. */
  tls?: TlsPair;
  /** Mail time runs this much faster (default 600: an hour takes 6 s). */
  timeScale?: number;
  /** Makes ids, fates and every drawn detail repeatable (default: random). */
  seed?: number;
  /** Fates for addresses outside simulator.smtpeter.test (default: none, so delivered). */
  rules?: OutcomeRules;
  /** Share of bounces (0..1) given a real-world defect, as `fire --defects` (default: none). */
  defects?: number;
  /** Webhook URLs; none at all: the embedded receiver takes every call. */
  targets?: Targets;
  /** Encoding and signing of the webhook calls (default: form, smtpeter dialect, unsigned). */
  request?: RequestOptions;
  /** Default: the real ladder (1m, 5m, 15m, ... 24h) compressed by the time scale. */
  retry?: RetryPolicy;
  /** Fetch the verification file before POST /v1/webhook takes a URL (default true). */
  verifyWebhooks?: boolean;
  /** Largest message or request body, bytes (default 10 MiB). */
  maxSize?: number;
  /** Messages kept in memory (default 100,000). */
  keep?: number;
  /** Signed webhooks: worker threads that sign (default: one per core; 0: sign on the event loop). */
  signWorkers?: number;
  /** Keep messages, events and pending calls here (SQLite): a restart resumes them. */
  dataDir?: string;
  /** Webhook calls in flight at most (default 64). */
  concurrency?: number;
  /** How webhook calls are sent: per-request timeout (default 10 s), `--insecure`, `--ca`. */
  http?: Pick<HttpOptions, 'timeoutMs' | 'insecure' | 'caFile'>;
  /** The embedded receiver verifies signatures with this key. */
  receiverPublicKey?: KeyObject;
  /** Every attempt of every webhook call. */
  onAttempt?: (event: TimelineEvent, result: CallResult) => void;
  now?: () => number;
}

export interface ServeHandle {
  apiUrl: string;
  smtpPort: number;
  host: string;
  credentials: Credentials;
  /** The credentials were made now (first use). */
  credentialsCreated: boolean;
  /** Set when no URL was given: the calls go here. */
  receiver?: Receiver;
  timeScale: number;
  seed: number;
  store: ServeStore;
  /** Calls made again after a restart (pending when the last run stopped). */
  resumed: number;
  /** Wait until `done()` holds (checked every 20 ms), at most `timeoutMs`; false on timeout. */
  waitFor(done: () => boolean, timeoutMs?: number): Promise<boolean>;
  /** Stop serving; says how many webhook calls were still to be made (kept with `dataDir`, else dropped). */
  close(): Promise<ServeStopped>;
}

export interface ServeStopped {
  /** Events whose webhook call was not yet made (not yet due, or waiting for a retry). */
  callsPending: number;
  /** They are in `dataDir` and the next serve on it makes them. */
  callsKept: boolean;
}

async function openStore(options: ServeOptions): Promise<ServeStore> {
  const keep = options.keep ?? 100_000;
  if (!options.dataDir) return new MemoryStore(keep);
  const { SqliteStore } = await import('./store/sqlite.js');
  return new SqliteStore(options.dataDir, keep);
}

/** The URLs given, or (none at all) the embedded receiver's, which takes every call. */
async function callTargets(
  options: ServeOptions,
  host: string,
): Promise<{ targets: Targets; receiver?: Receiver }> {
  const targets: Targets = { ...(options.targets ?? {}) };
  if (Object.values(targets).some(Boolean)) return { targets };
  const receiver = await startReceiver({
    host,
    port: 0,
    ...(options.receiverPublicKey ? { publicKey: options.receiverPublicKey } : {}),
  });
  targets.url = new URL(`${receiver.url.replace(/\/$/, '')}/webhook`);
  return { targets, receiver };
}

/**
 * A local SMTPeter: REST and SMTP take mail in, each recipient's fate plays
 * out on a compressed clock, and the webhook calls it causes go out through
 * the same engine as `fire`.
 */
export async function startServe(options: ServeOptions = {}): Promise<ServeHandle> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? Date.now;
  const timeScale = options.timeScale ?? 600;
  const seed = options.seed ?? randomSeed();
  const { credentials, created } = resolveCredentials(options.credentials ?? {}, options.credentialsFile);
  // The store first: a --data-dir that cannot be opened is refused before anything listens.
  const store = await openStore(options);
  const { targets, receiver } = await callTargets(options, host);
  const retry = options.retry ?? realRetries(timeScale);
  const request = options.request ?? { format: 'form', dialect: 'smtpeter' };
  // A feedback-loop dialect has field sets for failure and bounce only: other events get no call, as then.
  // Nor does a kind without a URL (per-kind URLs only), as SMTPeter calls only configured webhooks;
  // `targets` is the object POST /v1/webhook changes, so a URL set there counts from then on.
  const carries = (kind: CallType): boolean =>
    dialectCarries(request.dialect, kind) && (targets[KIND_URL[kind]] ?? targets.url) !== undefined;
  const http = new HttpClient({ timeoutMs: 10_000, ...options.http, connections: options.concurrency ?? 64 });
  let book: CallBook | undefined;
  const dispatcher = new Dispatcher({
    request,
    targets,
    retry,
    http,
    concurrency: options.concurrency ?? 64,
    // RSA signing is what bounds a signed serve: on every core, not only the event loop's.
    signWorkers: options.signWorkers ?? availableParallelism(),
    seed,
    onResult: (call, result) => book?.result(call, result),
    orderKey: (call) => book?.messageOf(call),
  });
  book = new CallBook(store, (call, at) => dispatcher.schedule(call, at), now, carries, options.onAttempt);
  const calls = book;
  const resumed = calls.resume();
  let apiUrl = '';
  const intake = new Intake({
    store,
    schedule: (e) => calls.schedule(e),
    carries,
    rules: options.rules ?? [],
    seed,
    timeScale,
    ...(options.defects !== undefined ? { defects: options.defects } : {}),
    trackingBase: () => apiUrl,
    now,
  });
  const accept = (sub: Submission): Promise<StoredMessage[]> => intake.accept(sub);
  // Everything above runs threads, sockets or files: a front that cannot listen takes them down too.
  const release = async (): Promise<ServeStopped> => {
    await dispatcher.stop();
    // Counted after the in-flight calls had their grace period: what is left was not made.
    const stopped = { callsPending: store.pending().length, callsKept: options.dataDir !== undefined };
    await http.close();
    store.close();
    await receiver?.close();
    return stopped;
  };
  const maxSize = options.maxSize ?? 10 << 20;
  const rest = await startRestFront({
    host,
    port: options.apiPort ?? 8026,
    token: credentials.token,
    maxSize,
    store,
    accept,
    happened: (m, event) => calls.happened(m, event),
    webhooks: new WebhookConfig(targets, options.verifyWebhooks !== false, credentials.token),
    page: pageRoutes(store, now),
    now,
    seed,
  }).catch(async (err: unknown) => {
    await release();
    throw err;
  });
  apiUrl = `http://${hostPort(host, rest.port)}`;
  const smtp = await startSmtpFront({
    host,
    port: options.smtpPort ?? 2525,
    user: credentials.smtpUser,
    pass: credentials.smtpPass,
    tls: options.tls ?? (await selfSignedPair()),
    maxSize,
    accept,
  }).catch(async (err: unknown) => {
    await rest.close();
    await release();
    throw err;
  });

  return {
    apiUrl,
    smtpPort: smtp.port,
    host,
    credentials,
    credentialsCreated: created,
    ...(receiver ? { receiver } : {}),
    timeScale,
    seed,
    store,
    resumed,
    async waitFor(done, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (!done()) {
        if (Date.now() > until) return false;
        await new Promise((r) => setTimeout(r, 20));
      }
      return true;
    },
    async close() {
      await Promise.all([rest.close(), smtp.close()]);
      return release();
    },
  };
}

/** SMTPeter's retry ladder for webhook calls, compressed like the rest of mail time. */
export function realRetries(timeScale: number): RetryPolicy {
  const backoff = parseRetrySchedule(`real:${timeScale}`, () => undefined);
  if (typeof backoff === 'string') throw new Error(backoff);
  return { retries: backoff.delaysMs.length, backoff, maxMs: Number.POSITIVE_INFINITY };
}
