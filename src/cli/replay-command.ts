import { setTimeout as sleep } from 'node:timers/promises';
import type { Dialect } from '../encode/dialect.js';
import { loadFixtures } from '../fixture-file/load.js';
import type { PlannedCall } from '../fixture-file/resolve.js';
import {
  dialectsOf,
  missingUrl,
  planReplay,
  type ReplayFlags,
  type ReplayPlan,
  replayExitCode,
  uncarriedCalls,
} from '../plan/replay-plan.js';
import { randomSeed } from '../random/rng.js';
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
import { writeWhole } from '../report/whole-file.js';
import { disorderedPlan, fileRebaser, prepare, type ReplayOptions, replay } from '../run/replay.js';
import { renderRequest, type SigningConfig } from '../run/request.js';
import { createTransport } from '../transport/create.js';
import { onInterrupt } from './interrupt-signals.js';
import { type CliIO, PROCESS_IO } from './io.js';
import { loadSettings } from './settings.js';

/**
 * Exit code: 0 every call answered as expected, 1 otherwise, 2 for bad
 * flags or fixtures (then nothing is sent).
 */
export async function replayCommand(
  paths: string[],
  flags: ReplayFlags,
  io: CliIO = PROCESS_IO,
): Promise<number> {
  const settings = await loadSettings(flags, {
    seed: flags.seed,
    duplicate: flags.duplicate,
    reorder: flags.reorder,
  });
  const plan = planReplay(flags, settings, randomSeed);
  // --- fixtures: every problem, one line each (at most 20 a file), then stop ---
  const loaded = loadFixtures(paths);
  const problems = [...loaded.problems];
  const noUrl = missingUrl(loaded.calls, plan);
  if (noUrl) problems.unshift(noUrl);
  problems.push(...uncarriedCalls(loaded.calls, plan));
  if (problems.length) {
    for (const line of problemReport(problems)) io.stderr.write(`smtpeter-sim: ${line}\n`);
    return 2;
  }
  // Resolve keys for every dialect now: a bad --key is exit 2 before any call.
  const dialects = dialectsOf(loaded.calls, plan);
  for (const d of dialects) plan.send.signingFor(d);
  const calls = disorderedPlan(loaded.calls, plan.disorder, plan.seed);
  const options = replayOptions(plan, dialects);
  if (plan.dryRun) return printDryRun(calls, options, io);
  const notice = [...dialects].map((d) => plan.send.signingFor(d).notice).find(Boolean);
  if (notice && !plan.machine) io.stderr.write(`${notice}\n`);
  return sendAll(plan, calls, options, loaded.files, io);
}

function replayOptions(plan: ReplayPlan, dialects: Set<Dialect>): ReplayOptions {
  const { send } = plan;
  return {
    seed: plan.seed,
    format: send.format,
    dialect: send.dialect,
    targets: send.targets,
    pacing: plan.pacing,
    keepTime: plan.keepTime,
    extraHeaders: send.extraHeaders,
    signingFor: (d: Dialect): SigningConfig | undefined => {
      dialects.add(d);
      return send.signingFor(d).signing;
    },
    retry: send.retry,
    graceMs: plan.graceMs,
  };
}

/** `--dry-run`: each file rebased to now (unless --keep-time), the requests printed. */
function printDryRun(calls: PlannedCall[], options: ReplayOptions, io: CliIO): number {
  const now = Date.now();
  const rebase = fileRebaser(options.keepTime);
  for (const planned of calls) {
    const { shift } = rebase(planned, now);
    io.stdout.write(`${renderRequest(prepare(planned, shift, options, new Date(now)).request)}\r\n\r\n`);
  }
  return 0;
}

/** Send every call in order, a line each (unless quiet or machine output), then the report. */
async function sendAll(
  plan: ReplayPlan,
  calls: PlannedCall[],
  options: ReplayOptions,
  files: string[],
  io: CliIO,
): Promise<number> {
  const out = io.stdout;
  const c = colourFor(out);
  const http = createTransport(plan.send.transport.kind, { connections: 1, ...plan.send.transport });
  const stop = new AbortController();
  const offSignals = onInterrupt(stop, () => http.destroy());
  try {
    const run = await replay(calls, options, {
      post: (url, headers, body) => http.post(url, headers, body),
      now: () => Date.now(),
      sleep: (ms, signal) => sleep(ms, undefined, signal ? { signal } : undefined).catch(() => undefined),
      signal: stop.signal,
      abortInFlight: () => http.destroy(),
      onResult: (r) => {
        if (plan.perCall) out.write(`${replayLine(r, c)}\n`);
      },
      onRetry: (r) => {
        if (plan.perCall) out.write(`${replayRetryLine(r, c)}\n`);
      },
    });
    const summary = summarise(
      files.length,
      calls.length,
      run.results,
      run.unsent,
      run.durationMs,
      plan.disordered ? plan.seed : undefined,
    );
    if (plan.reporter === 'junit') {
      const xml = junitXml(files, run.results, new Date(), calls.slice(calls.length - run.unsent));
      if (plan.out) writeWhole(plan.out, xml);
      else out.write(xml);
    }
    const report = `${JSON.stringify(replayJson(summary, run.results), null, 2)}\n`;
    // --out is the report's file, as fire's is: the XML with --reporter junit, else the JSON.
    if (plan.out && plan.reporter !== 'junit') writeWhole(plan.out, report);
    if (plan.json) out.write(report);
    else if (plan.machine) io.stderr.write(`${replaySummaryText(summary, colourFor(io.stderr))}\n`);
    else out.write(`${plan.perCall ? '\n' : ''}${replaySummaryText(summary, c)}\n`);
    return replayExitCode(summary);
  } finally {
    offSignals();
    await http.close();
  }
}
