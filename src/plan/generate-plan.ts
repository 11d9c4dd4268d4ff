import type { FixtureEntry } from '../fixture-file/format.js';
import { entryFor, FIXTURE_FORMATS, type FixtureFormat, fixtureChunks } from '../fixture-file/write.js';
import { EventGenerator, type GenerateOptions, SEEDED_EPOCH } from '../generate/events.js';
import { CALL_TYPES, type CallType } from '../model/events.js';
import { seedFromString } from '../random/rng.js';
import { eventTime, oneOf, positiveInt, writableFile } from './flag-values.js';
import { parseMix } from './load-plan.js';
import { messageFields } from './message-flags.js';

export interface GenerateFlags {
  count?: string;
  type?: string;
  scenario?: string;
  style?: string;
  seed?: string;
  time?: string;
  out?: string;
  format?: string;
  recipient?: string;
  domain?: string;
  audience?: string;
  /** `--defects`: the share of bounces given a real-world defect. */
  defects?: string;
  tag?: string[];
  /** `--mix`: weighted kinds or scenarios, as fire's (e.g. campaign). */
  mix?: string;
}

/** A fixture file to write: its calls' recipe and the file's own description of it. */
interface GeneratePlan {
  count: number;
  format: FixtureFormat;
  options: GenerateOptions;
  /** The command line that reproduces the file. */
  description: string;
  out?: string;
}

/**
 * Flags → what to generate; a UsageError names the flag. `now` answers
 * `--time now` (recorded as the instant it was); `randomSeed` a missing --seed.
 */
export function planGenerate(
  flags: GenerateFlags,
  now: () => number,
  randomSeed: () => number,
): GeneratePlan {
  const count = flags.count ? positiveInt('--count', flags.count) : 1;
  const type = flags.type ? oneOf<CallType>('--type', flags.type, CALL_TYPES) : undefined;
  const mix = flags.mix ? parseMix(flags.mix) : undefined;
  const format = oneOf<FixtureFormat>(
    '--format',
    flags.format ?? (flags.out?.endsWith('.ndjson') ? 'ndjson' : 'json'),
    FIXTURE_FORMATS,
  );
  const message = messageFields({ ...flags, tags: flags.tag });
  const seedText = flags.seed ?? String(randomSeed());
  const time = flags.time ? eventTime('--time', flags.time) : SEEDED_EPOCH;
  const base = time === 'now' ? now() : time;
  const args = [
    `--seed ${seedText}`,
    `--count ${count}`,
    // `now` is recorded as the instant it was, so the description reproduces the file.
    ...(flags.time ? [`--time ${new Date(base).toISOString()}`] : []),
    ...(type ? [`--type ${type}`] : []),
    ...(flags.scenario ? [`--scenario ${flags.scenario}`] : []),
    ...(flags.style ? [`--style ${flags.style}`] : []),
    ...(flags.mix ? [`--mix ${flags.mix}`] : []),
    ...(flags.audience ? [`--audience ${flags.audience}`] : []),
    ...(flags.defects !== undefined ? [`--defects ${flags.defects}`] : []),
  ];
  return {
    count,
    format,
    options: {
      seed: seedFromString(seedText),
      clock: (i) => base + i * 1000,
      ...(type ? { type } : {}),
      ...(flags.scenario ? { scenario: flags.scenario } : {}),
      ...(flags.style ? { style: flags.style } : {}),
      ...message,
      ...(mix ? { mix } : {}),
    },
    description: `smtpeter-sim generate ${args.join(' ')}`,
    ...(flags.out !== undefined ? { out: writableFile('--out', flags.out) } : {}),
  };
}

/** The fixture file's text: the plan's calls, every field spelled out, so replaying it sends exactly these. */
export function fixtureText(plan: GeneratePlan): string {
  return [...fixtureStream(plan)].join('');
}

/** The same text a call at a time, as it is generated (any count, flat memory). */
export function fixtureStream(plan: GeneratePlan): Iterable<string> {
  return fixtureChunks(planned(plan), { format: plan.format, description: plan.description });
}

function* planned(plan: GeneratePlan): Generator<FixtureEntry> {
  let left = plan.count;
  if (left <= 0) return;
  for (const call of new EventGenerator(plan.options).calls()) {
    yield entryFor(call);
    if (--left === 0) return;
  }
}
