import { UsageError } from '../model/errors.js';
import { seedFromString } from '../random/rng.js';
import { RequestLog } from '../report/request-log.js';
import { loadOutcomes } from '../serve/outcomes/rules.js';
import { type ServeHandle, type ServeOptions, startServe } from '../serve/serve.js';
import { tlsFromFiles } from '../serve/smtp/certificate.js';
import { byteSize, nonEmpty, wholeNumberIn } from './flags.js';
import { type SendFlags, sendConfig } from './send-config.js';

export interface ServeFlags extends SendFlags {
  host?: string;
  apiPort?: string;
  smtpPort?: string;
  token?: string;
  smtpUser?: string;
  smtpPass?: string;
  tlsCert?: string;
  tlsKey?: string;
  timeScale?: string;
  seed?: string;
  outcomes?: string;
  verifyWebhooks?: boolean;
  maxSize?: string;
  keep?: string;
  dataDir?: string;
  log?: string;
}

/** Flags → the library's options, every one checked before anything listens. */
export async function servePlan(flags: ServeFlags): Promise<{ options: ServeOptions; notice?: string }> {
  const send = await sendConfig(flags);
  const { signing, notice } = send.signingFor(send.dialect);
  const timeScale = flags.timeScale === undefined ? 600 : Number(flags.timeScale);
  if (!(timeScale > 0) || !Number.isFinite(timeScale))
    throw new UsageError(
      `--time-scale: expected a factor above 0 (600: an hour takes 6 s), got '${flags.timeScale}'`,
    );
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined))
    throw new UsageError(
      `${flags.tlsCert ? '--tls-key' : '--tls-cert'}: give --tls-cert and --tls-key together`,
    );
  for (const [flag, v] of [
    ['--token', flags.token],
    ['--smtp-user', flags.smtpUser],
    ['--smtp-pass', flags.smtpPass],
  ] as const)
    if (v !== undefined) nonEmpty(flag)(v);
  const retryGiven =
    flags.retries !== undefined || flags.retrySchedule !== undefined || flags.retryBase !== undefined;
  const options: ServeOptions = {
    host: flags.host ?? '127.0.0.1',
    apiPort: wholeNumberIn(
      '--api-port',
      flags.apiPort ?? '8026',
      0,
      65535,
      'a port 0-65535 (0 = any free port)',
    ),
    smtpPort: wholeNumberIn(
      '--smtp-port',
      flags.smtpPort ?? '2525',
      0,
      65535,
      'a port 0-65535 (0 = any free port)',
    ),
    credentials: {
      ...(flags.token ? { token: flags.token } : {}),
      ...(flags.smtpUser ? { smtpUser: flags.smtpUser } : {}),
      ...(flags.smtpPass ? { smtpPass: flags.smtpPass } : {}),
    },
    ...(flags.tlsCert && flags.tlsKey ? { tls: tlsFromFiles(flags.tlsCert, flags.tlsKey) } : {}),
    timeScale,
    ...(flags.seed !== undefined ? { seed: seedFromString(flags.seed) } : {}),
    ...(flags.outcomes ? { rules: loadOutcomes(flags.outcomes) } : {}),
    targets: send.targets,
    request: {
      format: send.format,
      dialect: send.dialect,
      extraHeaders: send.extraHeaders,
      ...(signing ? { signing } : {}),
    },
    ...(retryGiven ? { retry: send.retry } : {}),
    verifyWebhooks: flags.verifyWebhooks !== false,
    ...(flags.maxSize ? { maxSize: byteSize('--max-size', flags.maxSize) } : {}),
    ...(flags.keep
      ? { keep: wholeNumberIn('--keep', flags.keep, 1, 100_000_000, 'a number of messages, 1 or more') }
      : {}),
    ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
  };
  return { options, ...(notice ? { notice } : {}) };
}

function startLines(h: ServeHandle): string[] {
  return [
    `REST API      ${h.apiUrl}/v1/send?access_token=${h.credentials.token}`,
    `SMTP          ${h.host}:${h.smtpPort} (STARTTLS, self-signed unless --tls-cert) user ${h.credentials.smtpUser} password ${h.credentials.smtpPass}`,
    `page          ${h.apiUrl}/`,
    h.receiver
      ? `webhooks      to the embedded receiver ${h.receiver.url} (give --url for yours)`
      : 'webhooks      to the URLs given',
    `time scale    ${h.timeScale}x (an hour of mail time takes ${((3600 / h.timeScale) * 1000).toFixed(0)} ms); seed ${h.seed}`,
    ...(h.resumed ? [`resumed       ${h.resumed} pending webhook call(s) from the data dir`] : []),
    ...(h.credentialsCreated ? ['(credentials generated now and kept for the next start)'] : []),
  ];
}

/** Run serve until SIGINT/SIGTERM. */
export async function serveCommand(flags: ServeFlags): Promise<number> {
  const { options, notice } = await servePlan(flags);
  const log = flags.log ? new RequestLog(flags.log) : undefined;
  if (log)
    await log.opened().catch((e: Error) => {
      throw new UsageError(`--log: cannot write '${flags.log}': ${e.message}`);
    });
  const handle = await startServe({
    ...options,
    ...(log ? { onAttempt: (_e, r) => log.result(r) } : {}),
  }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EADDRINUSE')
      throw new UsageError(
        `--api-port/--smtp-port: address already in use (${e.message}); 0 takes any free port`,
      );
    if (e.code === 'EADDRNOTAVAIL')
      throw new UsageError(`--host ${options.host}: not an address of this machine`);
    throw e;
  });
  if (notice) process.stderr.write(`${notice}\n`);
  process.stdout.write(`${startLines(handle).join('\n')}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await handle.close();
  await log?.close();
  return 0;
}
