import { closeSync, existsSync, openSync, rmSync } from 'node:fs';
import { UsageError } from '../model/errors.js';
import type { CallResult } from '../model/results.js';
import { planServe, type ServeFlags } from '../plan/serve-plan.js';
import { FailureDigest } from '../report/failure-digest.js';
import { RequestLog } from '../report/request-log.js';
import { KIND_URL, type Targets } from '../run/request.js';
import { type ServeHandle, type ServeStopped, startServe } from '../serve/serve.js';
import { untilStopped } from './interrupt-signals.js';
import { type CliIO, PROCESS_IO } from './io.js';
import { loadSettings } from './settings.js';

/**
 * Where each kind of call goes, kinds sharing a URL named together, and the
 * kinds no URL was given for named too: with per-kind URLs alone, those get no call.
 */
export function webhookTargets(targets: Targets): string {
  const byUrl = new Map<string, string[]>();
  const none: string[] = [];
  for (const [kind, field] of Object.entries(KIND_URL)) {
    const url = (targets[field] ?? targets.url)?.href;
    if (url === undefined) none.push(kind);
    else byUrl.set(url, [...(byUrl.get(url) ?? []), kind]);
  }
  const groups = [...byUrl].map(([url, kinds]) =>
    kinds.length === Object.keys(KIND_URL).length ? `every kind to ${url}` : `${kinds.join(', ')} to ${url}`,
  );
  if (none.length > 0) groups.push(`${none.join(', ')}: no URL, so no call`);
  return groups.join('; ');
}

function startLines(h: ServeHandle, targets: Targets): string[] {
  return [
    `REST API      ${h.apiUrl}/v1/send?access_token=${h.credentials.token}`,
    `SMTP          ${h.host}:${h.smtpPort} (STARTTLS, self-signed unless --tls-cert) user ${h.credentials.smtpUser} password ${h.credentials.smtpPass}`,
    `page          ${h.apiUrl}/`,
    h.receiver
      ? `webhooks      to the embedded receiver ${h.receiver.url} (give --url for yours)`
      : `webhooks      ${webhookTargets(targets)}`,
    `time scale    ${h.timeScale}x (an hour of mail time takes ${((3600 / h.timeScale) * 1000).toFixed(0)} ms); seed ${h.seed}`,
    ...(h.resumed ? [`resumed       ${h.resumed} pending webhook call(s) from the data dir`] : []),
    ...(h.credentialsCreated ? ['(credentials generated now and kept for the next start)'] : []),
  ];
}

/** The flag whose port could not be bound: the error names the port, and the two flags may share none. */
function portInUse(
  e: NodeJS.ErrnoException & { address?: string; port?: number },
  options: { apiPort?: number; smtpPort?: number },
): string {
  const flag =
    e.port === options.apiPort && e.port !== options.smtpPort
      ? '--api-port'
      : e.port === options.smtpPort && e.port !== options.apiPort
        ? '--smtp-port'
        : '--api-port/--smtp-port';
  return `${flag}${e.port === undefined ? '' : ` ${e.port}`}: address already in use on ${e.address ?? 'this host'} (0 takes any free port)`;
}

/** `--log` can be written: opened for appending (nothing in it lost), made if it is not there. */
function usableLog(path: string): void {
  try {
    closeSync(openSync(path, 'a'));
  } catch (e) {
    throw new UsageError(`--log: cannot write '${path}': ${(e as Error).message}`);
  }
}

/** Run serve until SIGINT/SIGTERM. */
export async function serveCommand(flags: ServeFlags, io: CliIO = PROCESS_IO): Promise<number> {
  const plan = planServe(flags, await loadSettings(flags));
  // Checked before serve starts, without emptying it: a serve that cannot start (a port in use, a
  // --data-dir another serve holds) leaves an earlier log, perhaps the running serve's, as it was,
  // and removes one it made. Emptied and written once serve runs; attempts before that (a
  // restart's resumed calls) are held and written first.
  const logIsNew = plan.log !== undefined && !existsSync(plan.log);
  if (plan.log) usableLog(plan.log);
  let log: RequestLog | undefined;
  const early: CallResult[] = [];
  // Calls that fail show in the terminal too, not only on the page and in --log.
  const failures = new FailureDigest((line) => io.stderr.write(`${line}\n`));
  const handle = await startServe({
    ...plan.options,
    onAttempt: (_e, r) => {
      failures.result(r);
      if (plan.log) log ? log.result(r) : early.push(r);
    },
  }).catch(async (e: NodeJS.ErrnoException & { address?: string; port?: number }) => {
    failures.close();
    if (logIsNew && plan.log) rmSync(plan.log, { force: true });
    if (e.code === 'EADDRINUSE') throw new UsageError(portInUse(e, plan.options));
    if (e.code === 'EADDRNOTAVAIL')
      throw new UsageError(`--host ${plan.options.host}: not an address of this machine`);
    throw e;
  });
  if (plan.log) {
    log = new RequestLog(plan.log);
    for (const r of early.splice(0)) log.result(r);
    await log.opened().catch(async (e: Error) => {
      await handle.close();
      throw new UsageError(`--log: cannot write '${plan.log}': ${e.message}`);
    });
  }
  const stopped = untilStopped();
  if (plan.notice) io.stderr.write(`${plan.notice}\n`);
  io.stdout.write(`${startLines(handle, plan.options.targets ?? {}).join('\n')}\n`);
  await stopped;
  const left = await handle.close();
  failures.close();
  await log?.close();
  if (left.callsPending > 0) io.stderr.write(`${stoppedLine(left, plan.options.dataDir)}\n`);
  return 0;
}

/** Nothing the user asked for goes without a word: the calls a stop left unmade, and where they are. */
function stoppedLine(left: ServeStopped, dataDir: string | undefined): string {
  const calls = `${left.callsPending} webhook call${left.callsPending === 1 ? '' : 's'} not yet made`;
  return left.callsKept && dataDir !== undefined
    ? `serve stopped with ${calls}: kept in ${dataDir}, a serve with --data-dir ${dataDir} makes them`
    : `serve stopped with ${calls}: dropped (they were in memory; --data-dir DIR keeps them for the next serve)`;
}
