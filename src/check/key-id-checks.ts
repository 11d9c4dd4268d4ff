import { createPublicKey } from 'node:crypto';
import type { CheckContext, CheckDefinition, CheckPlan } from './types.js';

const NO_DNS =
  'needs --dns-port: the keyId checks publish keys on the responder the receiver resolves through';
const skipWithoutDns = (ctx: CheckContext): string | undefined => (ctx.dns ? undefined : NO_DNS);

/** The run keyId's selector and the domain it sits under: `smtpeter1` and `_domainkey.copernica.com`. */
function splitKeyId(keyId: string): { selector: string; domain: string } {
  const dot = keyId.indexOf('.');
  return { selector: keyId.slice(0, dot), domain: keyId.slice(dot + 1) };
}

/** A selector after the run's: `smtpeter1` + 1 → `smtpeter2`; without a number, `-2` is added. */
export function laterSelector(keyId: string, steps: number): string {
  const { selector, domain } = splitKeyId(keyId);
  const m = /^(.*?)(\d+)$/.exec(selector);
  const next = m ? `${m[1]}${Number(m[2]) + steps}` : `${selector}-${steps + 1}`;
  return `${next}.${domain}`;
}

/** An attacker's key published at `keyId`, and a call validly signed with it. */
function attackerAt(keyId: string) {
  return (ctx: CheckContext): CheckPlan => {
    const key = ctx.namedKey('attacker');
    ctx.dns!.publish(keyId, createPublicKey(key));
    return { request: ctx.sign(ctx.call(), { privateKey: key, keyId }) };
  };
}

/** The selector of the run's keyId under another domain: what an attacker publishes. */
const underDomain = (ctx: CheckContext, domain: string): string =>
  `${splitKeyId(ctx.signing.keyId).selector}._domainkey.${domain}`;

/**
 * The keyId checks of issue 20: Copernica tells receivers to fetch the key
 * from DNS at the keyId, to accept keyIds under copernica.com only, and
 * never to keep a key past its rotation. Each needs `check --dns-port`.
 */
export const KEY_ID_CHECKS: readonly CheckDefinition[] = [
  {
    name: 'keyid-outside-copernica',
    level: 'required',
    expect: 'refuse',
    sends:
      "a call validly signed with an attacker's key, its keyId under attacker.example (published in DNS)",
    skip: skipWithoutDns,
    build: (ctx) => attackerAt(underDomain(ctx, 'attacker.example'))(ctx),
  },
  {
    name: 'keyid-lookalike-suffix',
    level: 'required',
    expect: 'refuse',
    sends: 'the same, its keyId under copernica.com.attacker.example (contains "copernica.com")',
    skip: skipWithoutDns,
    build: (ctx) => attackerAt(underDomain(ctx, 'copernica.com.attacker.example'))(ctx),
  },
  {
    name: 'keyid-lookalike-name',
    level: 'required',
    expect: 'refuse',
    sends: 'the same, its keyId under copernica-com.example',
    skip: skipWithoutDns,
    build: (ctx) => attackerAt(underDomain(ctx, 'copernica-com.example'))(ctx),
  },
  {
    name: 'keyid-lookalike-prefix',
    level: 'required',
    expect: 'refuse',
    sends: 'the same, its keyId under notcopernica.com (ends in "copernica.com", no dot before it)',
    skip: skipWithoutDns,
    build: (ctx) => attackerAt(underDomain(ctx, 'notcopernica.com'))(ctx),
  },
  {
    name: 'rotated-selector',
    level: 'required',
    expect: 'accept',
    sends: 'a valid call, then one signed with a new key under the next selector (a monthly rotation)',
    skip: skipWithoutDns,
    build: (ctx) => {
      const keyId = laterSelector(ctx.signing.keyId, 1);
      const key = ctx.namedKey('rotated');
      ctx.dns!.publish(keyId, createPublicKey(key));
      return { setup: [ctx.valid().request], request: ctx.sign(ctx.call(), { privateKey: key, keyId }) };
    },
  },
  {
    name: 'retired-key',
    level: 'required',
    expect: 'refuse',
    sends: 'a valid call under a new selector, then that key is withdrawn from DNS (TTL 0) and signs again',
    skip: skipWithoutDns,
    build: (ctx) => {
      const keyId = laterSelector(ctx.signing.keyId, 2);
      const key = ctx.namedKey('retired');
      ctx.dns!.publish(keyId, createPublicKey(key));
      return {
        setup: [ctx.sign(ctx.call(), { privateKey: key, keyId })],
        beforeRequest: () => ctx.dns!.withdraw(keyId),
        request: ctx.sign(ctx.call(), { privateKey: key, keyId }),
      };
    },
  },
];
