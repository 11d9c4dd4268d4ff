import { loadConfig } from '../config/load.js';
import { Settings } from '../config/settings.js';
import { type BodyFormat, FORMATS } from '../encode/body.js';
import { DIALECTS, type Dialect } from '../encode/dialect.js';
import { EventGenerator, eventClock, SEEDED_EPOCH } from '../generate/events.js';
import { isValidTag } from '../generate/message.js';
import type { CallResult } from '../metrics/run-metrics.js';
import { UsageError } from '../model/errors.js';
import { CALL_TYPES, type CallType } from '../model/events.js';
import { systemClock } from '../model/time.js';
import { constantPacer, parseRate, unpaced } from '../pace/pacer.js';
import { seedFromString } from '../random/rng.js';
import { type Receiver, startReceiver } from '../receive/server.js';
import { colourFor } from '../report/colour.js';
import { receivedLine, resultLine, summaryJson, summaryText } from '../report/fire-report.js';
import { fire } from '../run/fire.js';
import { buildRequest, renderRequest, type Targets, targetFor } from '../run/request.js';
import { HttpClient } from '../transport/http.js';
import { byteSize, duration, header, httpUrl, oneOf, positiveInt, readableFile } from './flags.js';
import { resolveSigning } from './signing.js';

export interface FireFlags {
  type?: string;
  scenario?: string;
  style?: string;
  url?: string;
  failureUrl?: string;
  bounceUrl?: string;
  count?: string;
  rate?: string;
  concurrency?: string;
  seed?: string;
  time?: string;
  tag?: string[];
  recipient?: string;
  domain?: string;
  header?: string[];
  format?: string;
  dialect?: string;
  key?: string;
  copernicaId?: string;
  keyId?: string;
  sign: boolean;
  signedHeaders?: string;
  digestCase?: string;
  attachmentSize?: string;
  dryRun?: boolean;
  json?: boolean;
  timeout?: string;
  insecure?: boolean;
  ca?: string;
  config?: string;
}

/** Exit code: 0 all 2xx, 1 otherwise. UsageErrors propagate (exit 2). */
export async function fireCommand(flags: FireFlags): Promise<number> {
  const out = process.stdout;
  const err = process.stderr;
  const c = colourFor(out);
  const config = await loadConfig(process.cwd(), flags.config);
  const settings = new Settings(
    {
      url: flags.url,
      failureUrl: flags.failureUrl,
      bounceUrl: flags.bounceUrl,
      format: flags.format,
      dialect: flags.dialect,
      key: flags.key,
      copernicaId: flags.copernicaId,
      keyId: flags.keyId,
      tags: flags.tag,
      seed: flags.seed,
      signedHeaders: flags.signedHeaders,
      digestCase: flags.digestCase,
    },
    config,
  );

  // --- check every input before anything is sent ---
  const type = flags.type ? oneOf<CallType>('--type', flags.type, CALL_TYPES) : undefined;
  const format = oneOf<BodyFormat>('format', settings.value<string>('format', 'form')!, FORMATS);
  const dialect = oneOf<Dialect>('dialect', settings.value<string>('dialect', 'smtpeter')!, DIALECTS);
  if (flags.signedHeaders) oneOf('--signed-headers', flags.signedHeaders, ['live', 'documented']);
  if (flags.digestCase) oneOf('--digest-case', flags.digestCase, ['lower', 'upper']);
  const count = flags.count ? positiveInt('--count', flags.count) : 1;
  const concurrency = flags.concurrency ? positiveInt('--concurrency', flags.concurrency) : 10;
  let rate: number | undefined;
  if (flags.rate) {
    rate = parseRate(flags.rate);
    if (rate === undefined)
      throw new UsageError(`--rate: expected a rate such as 50/s, 600/m or 10, got '${flags.rate}'`);
  }
  const timeoutMs = flags.timeout ? duration('--timeout', flags.timeout) : 10_000;
  if (flags.ca) readableFile('--ca', flags.ca);
  const tags = settings.value<string[]>('tags');
  for (const t of tags ?? [])
    if (!isValidTag(t))
      throw new UsageError(`--tag: '${t}' contains white space or a semicolon (SMTPeter forbids both)`);
  if (flags.recipient && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(flags.recipient)) {
    throw new UsageError(`--recipient: '${flags.recipient}' is not an e-mail address`);
  }
  if (flags.domain && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(flags.domain))
    throw new UsageError(`--domain: '${flags.domain}' is not a domain name`);
  const extraHeaders = Object.fromEntries((flags.header ?? []).map((h) => header('--header', h)));
  Object.assign(extraHeaders, settings.value<Record<string, string>>('headers') ?? {});
  const urlFlag = (key: 'url' | 'failureUrl' | 'bounceUrl', flag: string): URL | undefined => {
    const s = settings.get<string>(key);
    return s ? httpUrl(s.source === 'flag' ? flag : `${s.source}: ${key}`, s.value) : undefined;
  };
  const targets: Targets = {};
  const url = urlFlag('url', '--url');
  const failureUrl = urlFlag('failureUrl', '--failure-url');
  const bounceUrl = urlFlag('bounceUrl', '--bounce-url');
  if (url) targets.url = url;
  if (failureUrl) targets.failureUrl = failureUrl;
  if (bounceUrl) targets.bounceUrl = bounceUrl;
  const seedText = settings.value<string>('seed');
  const seed = seedText !== undefined ? seedFromString(seedText) : (Math.random() * 2 ** 32) >>> 0;
  let base: number | 'now' = seedText !== undefined ? SEEDED_EPOCH : 'now';
  if (flags.time) {
    base = flags.time === 'now' ? 'now' : Date.parse(flags.time);
    if (Number.isNaN(base))
      throw new UsageError(
        `--time: expected an ISO date such as 2026-11-23T10:00:00Z or 'now', got '${flags.time}'`,
      );
  }
  const generator = new EventGenerator({
    seed,
    clock: eventClock(base, systemClock),
    ...(type ? { type } : {}),
    ...(flags.scenario ? { scenario: flags.scenario } : {}),
    ...(flags.style ? { style: flags.style } : {}),
    ...(flags.recipient ? { recipient: flags.recipient } : {}),
    ...(flags.domain ? { domain: flags.domain } : {}),
    ...(tags ? { tags } : {}),
    ...(flags.attachmentSize ? { attachmentBytes: byteSize('--attachment-size', flags.attachmentSize) } : {}),
  });
  const { signing, publicKey, notice } = resolveSigning(
    settings,
    dialect,
    flags.sign,
    flags.key !== undefined,
  );
  const calls = generator.take(count);
  const requestOptions = { format, dialect, extraHeaders, ...(signing ? { signing } : {}) };

  if (flags.dryRun) {
    const shown =
      targets.url || targets.failureUrl || targets.bounceUrl
        ? targets
        : { url: new URL('http://127.0.0.1:8025/') };
    for (const call of calls) {
      const target = targetForOrFail(call.event.type, shown);
      out.write(`${renderRequest(buildRequest(call, target, requestOptions))}\r\n\r\n`);
    }
    return 0;
  }
  for (const call of calls) targetForOrFail(call.event.type, targets, true);

  // --- run ---
  let receiver: Receiver | undefined;
  if (!targets.url && !targets.failureUrl && !targets.bounceUrl) {
    receiver = await startReceiver({
      ...(publicKey ? { publicKey } : {}),
      dialect,
      onCall: (call) => {
        if (!flags.json) out.write(`${receivedLine(call, c)}\n`);
      },
    });
    targets.url = new URL(receiver.url);
    if (!flags.json) err.write(`no --url: firing at the embedded receiver ${receiver.url}\n`);
  }
  if (notice && !flags.json) err.write(`${notice}\n`);
  const http = new HttpClient({
    connections: concurrency,
    timeoutMs,
    ...(flags.insecure ? { insecure: true } : {}),
    ...(flags.ca ? { caFile: flags.ca } : {}),
  });
  let stopping = false;
  const onSignal = (): void => {
    stopping = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const results: CallResult[] = [];
  try {
    const summary = await fire(
      { ...requestOptions, calls, targets, pacer: rate ? constantPacer(rate) : unpaced, concurrency },
      {
        http,
        now: () => Date.now(),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        stopped: () => stopping,
        onResult: (r) => {
          results.push(r);
          if (!flags.json) out.write(`${resultLine(r, c)}\n`);
        },
      },
    );
    if (flags.json) out.write(`${JSON.stringify(summaryJson(summary, results), null, 2)}\n`);
    else out.write(`\n${summaryText(summary, c)}\n`);
    const invalid =
      receiver?.calls.filter((r) => r.validation.problems.length || r.signature.result === 'failed').length ??
      0;
    return summary.metrics.failed === 0 && summary.unsent === 0 && invalid === 0 ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await http.close();
    await receiver?.close();
  }
}

function targetForOrFail(type: CallType, targets: Targets, allowEmbedded = false): URL {
  if (allowEmbedded && !targets.url && !targets.failureUrl && !targets.bounceUrl)
    return new URL('http://127.0.0.1/');
  try {
    return targetFor({ event: { type } } as Parameters<typeof targetFor>[0], targets);
  } catch {
    throw new UsageError(`--url: no URL for ${type} calls (give --url, or --${type}-url)`);
  }
}
