import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Dialect, uncarriedKind } from '../encode/dialect.js';
import { loadFixtures } from '../fixture-file/load.js';
import { UsageError } from '../model/errors.js';
import { parseRate } from '../pace/pacer.js';
import { randomSeed, seedFromString } from '../random/rng.js';
import { colourFor } from '../report/colour.js';
import { junitXml } from '../report/junit.js';
import { problemReport } from '../report/problem-report.js';
import {
  replayJson,
  replayLine,
  replayRetryLine,
  replaySummaryText,
  summarise,
} from '../report/replay-report.js';
import { reshuffles } from '../run/disorder.js';
import { disorderedPlan, type Pacing, prepare, replay } from '../run/replay.js';
import { anyTarget, KIND_URL, renderRequest, type SigningConfig } from '../run/request.js';
import { HttpClient } from '../transport/http.js';
import { oneOf } from './flags.js';
import { DRY_RUN_URL, disorderFrom, type SendFlags, sendConfig } from './send-config.js';

export interface ReplayFlags extends SendFlags {
  realtime?: boolean;
  speed?: string;
  rate?: string;
  keepTime?: boolean;
  dryRun?: boolean;
  json?: boolean;
  reporter?: string;
  out?: string;
  quiet?: boolean;
  sign: boolean;
  duplicate?: string;
  reorder?: string;
  seed?: string;
}

function pacing(flags: ReplayFlags): Pacing {
  if (flags.rate && (flags.realtime || flags.speed))
    throw new UsageError('--rate: give --rate or --realtime/--speed, not both');
  if (flags.rate) {
    const perSecond = parseRate(flags.rate);
    if (perSecond === undefined)
      throw new UsageError(`--rate: expected a rate such as 50/s, 600/m or 10, got '${flags.rate}'`);
    return { kind: 'rate', perSecond };
  }
  if (flags.speed) {
    const m = /^(\d+(?:\.\d+)?)x?$/i.exec(flags.speed);
    const speed = m ? Number(m[1]) : Number.NaN;
    if (!(speed > 0))
      throw new UsageError(`--speed: expected a factor such as 10x or 0.5x, got '${flags.speed}'`);
    return { kind: 'realtime', speed };
  }
  return flags.realtime ? { kind: 'realtime', speed: 1 } : { kind: 'asap' };
}

/**
 * Exit code: 0 every call answered as expected, 1 otherwise, 2 for bad
 * flags or fixtures (then nothing is sent).
 */
export async function replayCommand(paths: string[], flags: ReplayFlags): Promise<number> {
  const out = process.stdout;
  const err = process.stderr;
  const c = colourFor(out);
  const send = await sendConfig(flags, {
    seed: flags.seed,
    duplicate: flags.duplicate,
    reorder: flags.reorder,
  });
  const { settings, format, dialect, extraHeaders, targets } = send;

  // --- every flag checked before anything is read or sent ---
  const reporter = oneOf('--reporter', flags.reporter ?? 'text', ['text', 'junit']);
  if (flags.json && reporter === 'junit' && !flags.out)
    throw new UsageError('--json: with --reporter junit, give --out FILE for the XML');
  if (flags.out && reporter !== 'junit') throw new UsageError('--out: only goes with --reporter junit');
  if (flags.out && !existsSync(dirname(resolve(flags.out))))
    throw new UsageError(`--out: folder ${dirname(flags.out)} does not exist`);
  const pace = pacing(flags);
  const disorder = disorderFrom(settings, false);
  const seedText = settings.value<string>('seed');
  const seed = seedText !== undefined ? seedFromString(seedText) : randomSeed();
  const disordered = reshuffles(disorder);
  if (flags.dryRun && !anyTarget(targets)) targets.url = new URL(DRY_RUN_URL);

  // --- fixtures: every problem, one line each (at most 20 a file), then stop ---
  const loaded = loadFixtures(paths);
  const problems = [...loaded.problems];
  for (const p of loaded.calls) {
    const type = p.call.event.type;
    if (!targets[KIND_URL[type]] && !targets.url) {
      problems.unshift({ file: '--url', message: `no URL for ${type} calls (give --url, or --${type}-url)` });
      break;
    }
  }
  for (const p of loaded.calls) {
    const refusal = uncarriedKind(p.dialect ?? dialect, p.call.event.type, 'dialect');
    if (refusal)
      problems.push({
        file: p.location.file,
        ...(p.location.line !== undefined ? { line: p.location.line } : {}),
        path: `${p.location.path}.type`,
        message: refusal.replace(/^dialect: /, ''),
      });
  }
  if (problems.length) {
    for (const line of problemReport(problems)) err.write(`smtpeter-sim: ${line}\n`);
    return 2;
  }

  const signings = new Set<Dialect>();
  const signingFor = (d: Dialect): SigningConfig | undefined => {
    signings.add(d);
    return send.signingFor(d).signing;
  };
  // Resolve keys for every dialect now: a bad --key is exit 2 before any call.
  for (const d of new Set(loaded.calls.map((p) => p.dialect ?? dialect))) signingFor(d);
  const calls = disorderedPlan(loaded.calls, disorder, seed);
  const options = {
    seed,
    format,
    dialect,
    targets,
    pacing: pace,
    keepTime: flags.keepTime ?? false,
    extraHeaders,
    signingFor,
    retry: send.retry,
  };

  if (flags.dryRun) {
    const now = Date.now();
    let file: string | undefined;
    let shift = 0;
    for (const planned of calls) {
      if (planned.location.file !== file) {
        file = planned.location.file;
        shift = options.keepTime ? 0 : Math.floor(now / 1000) - planned.call.event.time;
      }
      out.write(`${renderRequest(prepare(planned, shift, options, new Date(now)).request)}\r\n\r\n`);
    }
    return 0;
  }

  const notice = [...signings].map((d) => send.signingFor(d).notice).find(Boolean);
  // stdout carries the JSON or the XML: notices and the summary go elsewhere.
  const machine = flags.json || (reporter === 'junit' && !flags.out);
  const perCall = !machine && !flags.quiet;
  if (notice && !machine) err.write(`${notice}\n`);
  const http = new HttpClient({
    connections: 1,
    ...send.transport,
  });
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const run = await replay(calls, options, {
      post: (url, headers, body) => http.post(url, headers, body),
      now: () => Date.now(),
      sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : undefined).catch(() => undefined),
      stopped: () => stop.signal.aborted,
      signal: stop.signal,
      onResult: (r) => {
        if (perCall) out.write(`${replayLine(r, c)}\n`);
      },
      onRetry: (r) => {
        if (perCall) out.write(`${replayRetryLine(r, c)}\n`);
      },
    });
    const summary = summarise(
      loaded.files.length,
      calls.length,
      run.results,
      run.unsent,
      run.durationMs,
      disordered ? seed : undefined,
    );
    if (reporter === 'junit') {
      const xml = junitXml(loaded.files, run.results, new Date());
      if (flags.out) writeFileSync(flags.out, xml);
      else out.write(xml);
    }
    if (flags.json) out.write(`${JSON.stringify(replayJson(summary, run.results), null, 2)}\n`);
    else if (machine) err.write(`${replaySummaryText(summary, colourFor(err))}\n`);
    else out.write(`${perCall ? '\n' : ''}${replaySummaryText(summary, c)}\n`);
    return summary.unexpected === 0 && summary.unsent === 0 ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await http.close();
  }
}
