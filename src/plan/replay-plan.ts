import { jsonCannotCarry } from '../captured/message-text.js';
import type { Settings } from '../config/settings.js';
import { type Dialect, uncarriedKind } from '../encode/dialect.js';
import type { Problem } from '../fixture-file/format.js';
import type { PlannedCall } from '../fixture-file/resolve.js';
import { UsageError } from '../model/errors.js';
import { parseRate } from '../pace/pacer.js';
import { seedFromString } from '../random/rng.js';
import { type DisorderOptions, reshuffles } from '../run/disorder.js';
import type { Pacing } from '../run/replay.js';
import { anyTarget, KIND_URL } from '../run/request.js';
import { duration, oneOf, writableFile } from './flag-values.js';
import { DRY_RUN_URL, disorderFrom, type SendFlags, type SendPlan, sendPlan } from './send-plan.js';

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
  grace?: string;
}

/** A replay, every flag checked: how to send, pace and disorder the fixtures' calls, and where output goes. */
export interface ReplayPlan {
  send: SendPlan;
  reporter: 'text' | 'junit';
  pacing: Pacing;
  disorder: DisorderOptions;
  seed: number;
  /** Duplicates or reordering: the summary names the seed. */
  disordered: boolean;
  keepTime: boolean;
  /** After a stop, how long the call in flight may take (--grace). */
  graceMs: number;
  dryRun: boolean;
  json: boolean;
  /** stdout carries the JSON or the XML: notices and the summary go to stderr. */
  machine: boolean;
  /** A line per call. */
  perCall: boolean;
  /** The report's file: the JUnit XML with --reporter junit (else on stdout), or the JSON report. */
  out?: string;
}

/** Flags and settings → a replay's plan (the fixtures are read after). A UsageError names the flag. */
export function planReplay(flags: ReplayFlags, settings: Settings, randomSeed: () => number): ReplayPlan {
  const send = sendPlan(flags, settings);
  const reporter = oneOf('--reporter', flags.reporter ?? 'text', ['text', 'junit'] as const);
  if (flags.json && reporter === 'junit' && !flags.out)
    throw new UsageError('--json: with --reporter junit, give --out FILE for the XML');
  if (flags.out) writableFile('--out', flags.out);
  const pacing = replayPacing(flags);
  const disorder = disorderFrom(settings, false);
  const seedText = settings.value<string>('seed');
  const seed = seedText !== undefined ? seedFromString(seedText) : randomSeed();
  const { targets } = send;
  if (flags.dryRun && !anyTarget(targets)) targets.url = new URL(DRY_RUN_URL);
  const machine = flags.json === true || (reporter === 'junit' && !flags.out);
  return {
    send,
    reporter,
    pacing,
    disorder,
    seed,
    disordered: reshuffles(disorder),
    keepTime: flags.keepTime ?? false,
    graceMs: flags.grace ? duration('--grace', flags.grace) : 5000,
    dryRun: flags.dryRun ?? false,
    json: flags.json ?? false,
    machine,
    perCall: !machine && !flags.quiet,
    ...(flags.out ? { out: flags.out } : {}),
  };
}

/** --realtime, --speed or --rate (the command line refuses --rate with either of the others). */
function replayPacing(flags: ReplayFlags): Pacing {
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

/** A fixture call whose type has no URL, as the first problem (one is enough: every such call says the same). */
export function missingUrl(calls: readonly PlannedCall[], plan: ReplayPlan): Problem | undefined {
  const { targets } = plan.send;
  for (const p of calls) {
    const type = p.call.event.type;
    if (!targets[KIND_URL[type]] && !targets.url)
      return { file: '--url', message: `no URL for ${type} calls (give --url, or --${type}-url)` };
  }
  return undefined;
}

/**
 * Calls the run cannot carry as they are: a kind their dialect (the
 * fixture's, else the run's) has no field set for, or a captured message
 * that is not UTF-8 in a JSON body. A problem each, at the field.
 */
export function uncarriedCalls(calls: readonly PlannedCall[], plan: ReplayPlan): Problem[] {
  const problems: Problem[] = [];
  for (const p of calls) {
    const { event } = p.call;
    const bytes = event.type === 'bounce' || event.type === 'abuse' ? event.mimeBytes : undefined;
    if (bytes && plan.send.format === 'json')
      problems.push({
        file: p.location.file,
        ...(p.location.line !== undefined ? { line: p.location.line } : {}),
        path: `${p.location.path}.mimeFile`,
        message: jsonCannotCarry(bytes),
      });
    const refusal = uncarriedKind(p.dialect ?? plan.send.dialect, p.call.event.type, 'dialect');
    if (refusal)
      problems.push({
        file: p.location.file,
        ...(p.location.line !== undefined ? { line: p.location.line } : {}),
        path: `${p.location.path}.type`,
        message: refusal.replace(/^dialect: /, ''),
      });
  }
  return problems;
}

/** The dialects the calls are sent in (a fixture may name its own). */
export function dialectsOf(calls: readonly PlannedCall[], plan: ReplayPlan): Set<Dialect> {
  return new Set(calls.map((p) => p.dialect ?? plan.send.dialect));
}

/** The exit-code rule: 0 when every call was answered as its fixture expected and none was left unsent. */
export function replayExitCode(outcome: { unexpected: number; unsent: number }): number {
  return outcome.unexpected === 0 && outcome.unsent === 0 ? 0 : 1;
}
