import { giveDefects } from './defects/call.js';
import type { DefectKind } from './defects/kinds.js';
import { type BodyFormat, encodeCall } from './encode/body.js';
import { type Dialect, type Payload, toPayload } from './encode/dialect.js';
import { EventGenerator, SEEDED_EPOCH } from './generate/events.js';
import { UsageError } from './model/errors.js';
import type { CallType, SimCall } from './model/events.js';

export interface MakeCallOptions {
  scenario?: string;
  type?: CallType;
  style?: string;
  dialect?: Dialect;
  format?: BodyFormat;
  seed?: number;
  /** Event time, ms; default a fixed instant so the call is reproducible. */
  time?: number;
  recipient?: string;
  tags?: string[];
  /** Real-world defects to give a bounce's message, by name (README "Defects"). */
  defects?: readonly DefectKind[];
}

type MadeCallFields = Record<string, string | number | readonly string[]>;

export interface MadeCall {
  call: SimCall;
  /** The fields in the dialect, in order. */
  payload: Payload;
  fields: MadeCallFields;
  contentType: string;
  body: Buffer;
}

/**
 * One call, ready for a receiver's test:
 * `makeCall({ scenario: 'dsn-userunknown', type: 'bounce', dialect: 'marketing-suite' })`.
 */
export function makeCall(options: MakeCallOptions = {}): MadeCall {
  const time = options.time ?? SEEDED_EPOCH;
  const generator = new EventGenerator({
    seed: options.seed ?? 1,
    clock: () => time,
    ...(options.scenario ? { scenario: options.scenario } : {}),
    ...(options.type ? { type: options.type } : {}),
    ...(options.style ? { style: options.style } : {}),
    ...(options.recipient ? { recipient: options.recipient } : {}),
    ...(options.tags ? { tags: options.tags } : {}),
  });
  const [generated] = generator.take(1);
  const call = options.defects?.length ? withDefects(generated!, options.defects) : generated!;
  const dialect = options.dialect ?? 'smtpeter';
  const payload = toPayload(call!, dialect);
  const { contentType, body } = encodeCall(call!, options.format ?? 'form', dialect);
  // A generated call is text throughout: bytes come only from a captured message.
  const fields = Object.fromEntries(payload) as MadeCallFields;
  return { call: call!, payload, fields, contentType, body };
}

/** The bounce with the named defects; a UsageError for any other call or a kind its message cannot take. */
function withDefects(call: SimCall, kinds: readonly DefectKind[]): SimCall {
  const given = giveDefects(call, kinds);
  if (!given.ok) throw new UsageError(`defects: ${given.problem}`);
  return given.call;
}
