import type { CallType, SimCall } from '../model/events.js';
import type { BuiltRequest } from '../run/request.js';
import { DOCUMENTED_SIGNED_HEADERS } from '../sign/signer.js';
import { KEY_ID_CHECKS } from './key-id-checks.js';
import type { CheckDefinition } from './types.js';

/** How far outside the receiver's 60 s window the stale and future Dates are. */
const SKEWED_DATE_SECONDS = 120;

/** The same call to a different recipient: a body a forger would send under the original's signature. */
function altered(call: SimCall): SimCall {
  const recipient = call.event.recipient.replace(/^[^@]*/, 'someone-else');
  return { ...call, event: { ...call.event, recipient } };
}

function withoutHeader(req: BuiltRequest, name: string): BuiltRequest {
  const headers = Object.fromEntries(
    Object.entries(req.headers).filter(([k]) => k.toLowerCase() !== name.toLowerCase()),
  );
  return { ...req, headers };
}

/** The http:// twin of an https:// URL: same host, explicit port and path. */
export function plainHttpUrl(url: URL): URL {
  const plain = new URL(url);
  plain.protocol = 'http:';
  return plain;
}

/**
 * The conformance suite, as data: each entry names a check, says how much
 * it matters, what it sends and what a conforming receiver answers. Adding
 * a check is adding an entry.
 */
export const CHECKS: readonly CheckDefinition[] = [
  {
    name: 'valid-failure',
    level: 'required',
    expect: 'accept',
    sends: 'a valid signed failure call',
    build: (ctx) => ({ request: ctx.valid('failure').request }),
  },
  {
    name: 'valid-bounce',
    level: 'required',
    expect: 'accept',
    sends: 'a valid signed bounce call',
    build: (ctx) => ({ request: ctx.valid('bounce').request }),
  },
  {
    name: 'tampered-body',
    level: 'required',
    expect: 'refuse',
    sends: 'a signed call whose body was changed after signing (Digest no longer matches)',
    build: (ctx) => {
      const { call, request } = ctx.valid();
      const body = ctx.sign(altered(call)).body;
      return {
        request: { ...request, headers: { ...request.headers, 'Content-Length': String(body.length) }, body },
      };
    },
  },
  {
    name: 'stale-date',
    level: 'required',
    expect: 'refuse',
    sends: `a call signed over a Date ${SKEWED_DATE_SECONDS} s in the past`,
    build: (ctx) => ({
      request: ctx.sign(ctx.call(), { date: new Date(Date.now() - SKEWED_DATE_SECONDS * 1000) }),
    }),
  },
  {
    name: 'missing-signature',
    level: 'required',
    expect: 'refuse',
    sends: 'a call without a Signature header (Digest, Date, X-Nonce still there)',
    build: (ctx) => ({ request: withoutHeader(ctx.valid().request, 'Signature') }),
  },
  {
    name: 'partial-coverage',
    level: 'required',
    expect: 'refuse',
    sends: 'a call whose signature covers only `date digest` (not host, x-nonce, x-copernica-id)',
    build: (ctx) => ({ request: ctx.sign(ctx.call(), { headers: ['date', 'digest'] }) }),
  },
  {
    name: 'wrong-copernica-id',
    level: 'required',
    expect: 'refuse',
    sends: 'a call correctly signed for another account (X-Copernica-ID not the expected one)',
    build: (ctx) => ({
      request: ctx.sign(ctx.call(), { copernicaId: `${ctx.signing.copernicaId}-other` }),
    }),
  },
  {
    name: 'other-key',
    level: 'required',
    expect: 'refuse',
    sends: 'a call signed by a freshly generated key under the same keyId',
    build: (ctx) => ({ request: ctx.sign(ctx.call(), { privateKey: ctx.otherKey() }) }),
  },
  {
    name: 'replayed-nonce',
    level: 'required',
    expect: 'refuse',
    sends: 'a valid call, then the very same request again (same X-Nonce, Date, Signature)',
    build: (ctx) => {
      const { request } = ctx.valid();
      return { setup: [request], request };
    },
  },
  {
    name: 'duplicate-id',
    level: 'required',
    expect: 'accept',
    sends: 'a valid call, then the same message id again with a fresh Date and X-Nonce (a retry)',
    build: (ctx) => {
      const { call, request } = ctx.valid();
      return { setup: [request], request: ctx.sign(call) };
    },
  },
  {
    name: 'plain-http',
    level: 'required',
    expect: 'refuse',
    sends: 'a valid signed call to the http:// twin of the https:// URL',
    // Nothing listening refuses it. With an explicit port the plain call reaches the
    // TLS server itself, which drops it before any HTTP is read (Node's https server
    // resets it); on the default port it goes to port 80, another server, which may
    // have read it before a reset.
    unansweredIsRefusal: (kind, ctx) => kind === 'refused' || (kind === 'reset' && ctx.url.port !== ''),
    skip: (ctx) =>
      ctx.url.protocol === 'https:' ? undefined : 'the URL is http://, so there is no HTTPS to downgrade',
    build: (ctx) => {
      const url = plainHttpUrl(ctx.url);
      return { request: ctx.sign(ctx.call(), {}, url) };
    },
  },
  {
    name: 'upper-case-digest',
    level: 'recommended',
    expect: 'accept',
    sends: 'a valid call with the documented `SHA-256=` Digest (RFC 3230 tokens are case-insensitive)',
    build: (ctx) => ({ request: ctx.sign(ctx.call(), { digestCase: 'upper' }) }),
  },
  {
    name: 'documented-headers',
    level: 'recommended',
    expect: 'accept',
    sends: 'a valid call signed over the documented header list (adds content-length, content-type)',
    build: (ctx) => ({ request: ctx.sign(ctx.call(), { headers: DOCUMENTED_SIGNED_HEADERS }) }),
  },
  {
    name: 'future-date',
    level: 'recommended',
    expect: 'refuse',
    sends: `a call signed over a Date ${SKEWED_DATE_SECONDS} s in the future`,
    build: (ctx) => ({
      request: ctx.sign(ctx.call(), { date: new Date(Date.now() + SKEWED_DATE_SECONDS * 1000) }),
    }),
  },
  ...KEY_ID_CHECKS,
];

/**
 * The checks of the later kinds a receiver says it handles (`check
 * --kinds`): each must be accepted when valid and refused when its body was
 * changed after signing. A forged click would count a person who never
 * clicked; a forged complaint would unsubscribe one who never complained.
 */
export function kindChecks(kind: Exclude<CallType, 'failure' | 'bounce'>): CheckDefinition[] {
  return [
    {
      name: `valid-${kind}`,
      level: 'required',
      expect: 'accept',
      sends: `a valid signed ${kind} call`,
      build: (ctx) => ({ request: ctx.valid(kind).request }),
    },
    {
      name: `tampered-${kind}`,
      level: 'required',
      expect: 'refuse',
      sends: `a signed ${kind} call whose body was changed after signing (Digest no longer matches)`,
      build: (ctx) => {
        const { call, request } = ctx.valid(kind);
        const body = ctx.sign(forged(call)).body;
        return {
          request: {
            ...request,
            headers: { ...request.headers, 'Content-Length': String(body.length) },
            body,
          },
        };
      },
    },
  ];
}

/** What a forger changes in a call of each later kind: the field a receiver acts on. */
function forged(call: SimCall): SimCall {
  const e = call.event;
  switch (e.type) {
    case 'click':
      return { ...call, event: { ...e, original: 'https://attacker.example/landing' } };
    case 'abuse':
      return { ...call, event: { ...e, id: e.id.split('').reverse().join('') } };
    default:
      return altered(call);
  }
}

/** The suite for a receiver of these kinds: the base checks, then two per later kind. */
export function checksFor(kinds: readonly CallType[]): CheckDefinition[] {
  const later = kinds.filter(
    (k): k is Exclude<CallType, 'failure' | 'bounce'> => k !== 'failure' && k !== 'bounce',
  );
  return [...CHECKS, ...later.flatMap(kindChecks)];
}
