import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { BodyFormat } from '../encode/body.js';
import type { Dialect } from '../encode/dialect.js';
import { EventGenerator } from '../generate/events.js';
import type { CallType, SimCall } from '../model/events.js';
import { randomSeed } from '../random/rng.js';
import { buildRequest, type SigningConfig } from '../run/request.js';
import type { CheckContext } from './types.js';

interface CheckSetup {
  /** The receiver URL under test. */
  url: URL;
  /** Signing of the valid calls: the key, keyId and X-Copernica-ID the receiver trusts. */
  signing: SigningConfig;
  format: BodyFormat;
  dialect: Dialect;
  /** Extra headers on every request (`--header`, e.g. an API token the receiver wants). */
  extraHeaders?: Record<string, string>;
  /** Seed of the generated events (default: random). */
  seed?: number;
  /** The "other" key (default: an RSA-2048 pair generated on first use). */
  otherKey?: KeyObject;
}

/**
 * The context checks build their requests with. Calls come from two
 * generators (one per type), so every call has its own message id, and every
 * signature its own X-Nonce.
 */
export function createCheckContext(setup: CheckSetup): CheckContext {
  const seed = setup.seed ?? randomSeed();
  // Failure and bounce streams keep the seeds they always had; each later kind gets its own.
  const streamSeed: Record<CallType, number> = {
    failure: seed,
    bounce: seed ^ 0x5bd1e995,
    delivery: seed ^ 0x27d4eb2f,
    open: seed ^ 0x165667b1,
    click: seed ^ 0x61c88647,
    abuse: seed ^ 0x7feb352d,
  };
  const streams = new Map<CallType, Iterator<SimCall>>();
  const stream = (type: CallType): Iterator<SimCall> => {
    let s = streams.get(type);
    if (!s) {
      s = new EventGenerator({ seed: streamSeed[type], clock: () => Date.now(), type }).calls();
      streams.set(type, s);
    }
    return s;
  };
  let alternate = 0;
  let otherKey = setup.otherKey;
  const options = {
    format: setup.format,
    dialect: setup.dialect,
    ...(setup.extraHeaders ? { extraHeaders: setup.extraHeaders } : {}),
  };
  const ctx: CheckContext = {
    url: setup.url,
    signing: setup.signing,
    call(type) {
      const t = type ?? (alternate++ % 2 === 0 ? 'failure' : 'bounce');
      return stream(t).next().value as SimCall;
    },
    sign(call, overrides = {}, url = setup.url) {
      const { date, ...signing } = overrides;
      return buildRequest(call, url, { ...options, signing: { ...setup.signing, ...signing } }, date);
    },
    valid(type) {
      const call = ctx.call(type);
      return { call, request: ctx.sign(call) };
    },
    otherKey() {
      otherKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      return otherKey;
    },
  };
  return ctx;
}
