import { CAMPAIGN_MIX } from '../generate/campaign-mix.js';
import type { GenerateOptions } from '../generate/events.js';
import { UsageError } from '../model/errors.js';
import { CALL_TYPES, isCallType } from '../model/events.js';
import { parseDuration } from '../model/time.js';
import { constantPacer, parseRate, parseStages, stagesPacer } from '../pace/pacer.js';
import type { LoadModel } from '../run/fire.js';
import { SCENARIOS } from '../scenarios/catalogue.js';
import { duration, positiveInt } from './flag-values.js';

/** The flags that shape a run's load. */
export interface LoadFlags {
  count?: string;
  duration?: string;
  rate?: string;
  stages?: string;
  concurrency?: string;
  maxInFlight?: string;
}

/** How many calls, how paced, for how long. */
export interface LoadPlan {
  model: LoadModel;
  /** Calls at most (Infinity: bounded by time). */
  count: number;
  durationMs?: number;
  /** Calls the run plans (Infinity for a closed run bounded by time). */
  planned: number;
  /** Bounded by time rather than a count. */
  timed: boolean;
  /** Mean target rate of an open run, calls/s. */
  targetRate?: number;
}

/**
 * --rate/--stages (open model) or --concurrency (closed), --count/--duration.
 * Flags that exclude each other (--rate and --stages, --stages and --duration,
 * --rate and --concurrency) are refused by the command line before this.
 */
export function loadPlan(flags: LoadFlags): LoadPlan {
  let rate: number | undefined;
  if (flags.rate) {
    rate = parseRate(flags.rate);
    if (rate === undefined)
      throw new UsageError(`--rate: expected a rate such as 50/s, 600/m or 10, got '${flags.rate}'`);
  }
  const count = flags.count ? positiveInt('--count', flags.count) : undefined;
  const durationMs = flags.duration ? duration('--duration', flags.duration) : undefined;
  if (durationMs !== undefined && !(durationMs > 0))
    throw new UsageError(`--duration: expected more than 0, got '${flags.duration}'`);
  if (flags.stages) {
    const stages = parseStages(flags.stages, parseDuration);
    if (typeof stages === 'string') throw new UsageError(`--stages: ${stages}`);
    const pacer = stagesPacer(stages);
    const planned = Math.min(count ?? Infinity, pacer.countBefore(pacer.endMs));
    return {
      model: { kind: 'open', pacer, maxInFlight: maxInFlight(flags) },
      count: count ?? Infinity,
      planned,
      timed: true,
      targetRate: (pacer.countBefore(pacer.endMs) * 1000) / pacer.endMs,
    };
  }
  if (rate !== undefined) {
    if (count === undefined && durationMs === undefined)
      throw new UsageError('--rate: give --count or --duration too (how long to keep the rate)');
    const pacer = constantPacer(rate);
    return {
      model: { kind: 'open', pacer, maxInFlight: maxInFlight(flags) },
      count: count ?? Infinity,
      ...(durationMs !== undefined ? { durationMs } : {}),
      planned: Math.min(
        count ?? Infinity,
        durationMs !== undefined ? pacer.countBefore(durationMs) : Infinity,
      ),
      timed: durationMs !== undefined,
      targetRate: rate,
    };
  }
  if (flags.maxInFlight) throw new UsageError('--max-in-flight: only with --rate or --stages (open model)');
  const concurrency = flags.concurrency ? positiveInt('--concurrency', flags.concurrency) : 10;
  const n = count ?? (durationMs !== undefined ? Infinity : 1);
  return {
    model: { kind: 'closed', concurrency },
    count: n,
    ...(durationMs !== undefined ? { durationMs } : {}),
    planned: n,
    timed: durationMs !== undefined,
  };
}

function maxInFlight(flags: LoadFlags): number {
  return flags.maxInFlight ? positiveInt('--max-in-flight', flags.maxInFlight) : 1000;
}

/** `failure=70,bounce=25,ooo=5`, scenario names with weights, or the `campaign` preset. */
export function parseMix(text: string): NonNullable<GenerateOptions['mix']> {
  if (text.trim().toLowerCase() === 'campaign') return CAMPAIGN_MIX.map((e) => ({ ...e }));
  const entries: NonNullable<GenerateOptions['mix']>[number][] = [];
  for (const part of text.split(',')) {
    const m = /^\s*([a-z0-9-]+)\s*=\s*(\d+(?:\.\d+)?)\s*$/i.exec(part);
    if (!m) throw new UsageError(`--mix: expected name=weight, got '${part.trim()}'`);
    const name = m[1]!.toLowerCase();
    const weight = Number(m[2]);
    if (isCallType(name)) entries.push({ type: name, weight });
    else if (name === 'ooo' || name === 'autoreply')
      entries.push({ scenario: 'autoreply-out-of-office', weight });
    else if (SCENARIOS.some((s) => s.name === name)) entries.push({ scenario: name, weight });
    else
      throw new UsageError(
        `--mix: unknown '${name}' (${CALL_TYPES.join(', ')}, ooo, campaign, or a scenario from 'smtpeter-sim scenarios')`,
      );
  }
  if (!entries.some((e) => e.weight > 0)) throw new UsageError('--mix: every weight is 0');
  return entries.filter((e) => e.weight > 0);
}
