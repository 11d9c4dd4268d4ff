import { writeFileSync } from 'node:fs';
import { entryFor, FIXTURE_FORMATS, type FixtureFormat, writeFixture } from '../fixture-file/write.js';
import { EventGenerator, SEEDED_EPOCH } from '../generate/events.js';
import { isValidTag } from '../mail/message.js';
import { UsageError } from '../model/errors.js';
import { CALL_TYPES, type CallType } from '../model/events.js';
import { randomSeed, seedFromString } from '../random/rng.js';
import { eventTime, oneOf, positiveInt } from './flags.js';
import { parseMix } from './load-plan.js';

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
  tag?: string[];
  mix?: string;
}

/**
 * Write generated calls as a fixture, every field spelled out, so replaying
 * it sends exactly these calls. One seed, one file, byte for byte.
 */
export function generateCommand(flags: GenerateFlags): number {
  const count = flags.count ? positiveInt('--count', flags.count) : 1;
  const type = flags.type ? oneOf<CallType>('--type', flags.type, CALL_TYPES) : undefined;
  const mix = flags.mix ? parseMix(flags.mix) : undefined;
  if (mix && (flags.type || flags.scenario))
    throw new UsageError('--mix: give either --mix or --type/--scenario, not both');
  const format = oneOf<FixtureFormat>(
    '--format',
    flags.format ?? (flags.out?.endsWith('.ndjson') ? 'ndjson' : 'json'),
    FIXTURE_FORMATS,
  );
  for (const t of flags.tag ?? [])
    if (!isValidTag(t))
      throw new UsageError(`--tag: '${t}' contains white space or a semicolon (SMTPeter forbids both)`);
  if (flags.recipient && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(flags.recipient))
    throw new UsageError(`--recipient: '${flags.recipient}' is not an e-mail address`);
  if (flags.domain && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(flags.domain))
    throw new UsageError(`--domain: '${flags.domain}' is not a domain name`);
  const seedText = flags.seed ?? String(randomSeed());
  const seed = seedFromString(seedText);
  const time = flags.time ? eventTime('--time', flags.time) : SEEDED_EPOCH;
  const base = time === 'now' ? Date.now() : time;
  const calls = new EventGenerator({
    seed,
    clock: (i) => base + i * 1000,
    ...(type ? { type } : {}),
    ...(flags.scenario ? { scenario: flags.scenario } : {}),
    ...(flags.style ? { style: flags.style } : {}),
    ...(flags.recipient ? { recipient: flags.recipient } : {}),
    ...(flags.domain ? { domain: flags.domain } : {}),
    ...(flags.tag ? { tags: flags.tag } : {}),
    ...(mix ? { mix } : {}),
  }).take(count);
  const args = [
    `--seed ${seedText}`,
    `--count ${count}`,
    // `now` is recorded as the instant it was, so the description reproduces the file.
    ...(flags.time ? [`--time ${new Date(base).toISOString()}`] : []),
    ...(type ? [`--type ${type}`] : []),
    ...(flags.scenario ? [`--scenario ${flags.scenario}`] : []),
    ...(flags.style ? [`--style ${flags.style}`] : []),
    ...(flags.mix ? [`--mix ${flags.mix}`] : []),
  ];
  const text = writeFixture(
    calls.map((call) => entryFor(call)),
    { format, description: `smtpeter-sim generate ${args.join(' ')}` },
  );
  if (flags.out) writeFileSync(flags.out, text);
  else process.stdout.write(text);
  return 0;
}
