import type { KeyObject } from 'node:crypto';
import type { CallType, SimCall } from '../model/events.js';
import type { ErrorKind } from '../model/results.js';
import type { BuiltRequest, SigningConfig } from '../run/request.js';
import type { HttpResult } from '../transport/http.js';

/** `required`: a receiver that fails it is not safe to run; `recommended`: it will miss real calls. */
export type CheckLevel = 'required' | 'recommended';

/** What a conforming receiver does with the judged request. */
export type Expectation = 'accept' | 'refuse';

/** What a check's build step may change when signing a call. */
export interface SignOverrides extends Partial<SigningConfig> {
  /** The Date the signature covers (default: now). */
  date?: Date;
}

/** The DNS responder of a `check --dns-port` run: what the receiver resolves keyIds through. */
export interface CheckDns {
  /** Publish a public key's DKIM record at a keyId (TTL 0: no resolver may keep it). */
  publish(keyId: string, publicKey: KeyObject): void;
  /** Withdraw a keyId: NXDOMAIN from now on. */
  withdraw(keyId: string): void;
}

/** Tools a check uses to build its requests; every call it hands out is fresh (own id, nonce, Date). */
export interface CheckContext {
  /** The URL under test. */
  readonly url: URL;
  /** The run's signing (key, keyId, X-Copernica-ID the receiver expects). */
  readonly signing: SigningConfig;
  /** A new generated call (a distinct message id every time). */
  call(type?: CallType): SimCall;
  /** Encode and sign `call` for `url` (default: the URL under test) with the run's signing, plus overrides. */
  sign(call: SimCall, overrides?: SignOverrides, url?: URL): BuiltRequest;
  /** A valid signed call: `sign(call(type))`. */
  valid(type?: CallType): { call: SimCall; request: BuiltRequest };
  /** A signing key that is not the run's (generated once per run). */
  otherKey(): SigningConfig['privateKey'];
  /** A key of its own for each name (generated once per run and name): rotated and retired selectors. */
  namedKey(name: string): KeyObject;
  /** The responder, with `--dns-port`; the keyId checks are skipped without it. */
  readonly dns?: CheckDns;
}

/** What a check sends: optional setup requests (must be accepted), then the judged request. */
export interface CheckPlan {
  /** Sent first, in order; each must be answered 2xx or the check cannot judge. */
  setup?: BuiltRequest[];
  /** Run after the setup requests, before the judged one (a key withdrawn from DNS). */
  beforeRequest?: () => void;
  request: BuiltRequest;
}

export interface CheckDefinition {
  /** Short kebab-case name, unique. */
  name: string;
  level: CheckLevel;
  expect: Expectation;
  /** What is sent: the manipulation, in a few words. */
  sends: string;
  /**
   * Whether a call that got no answer was refused, for the few checks where
   * how it failed shows the receiver never read it (nothing listening; a TLS
   * port dropping bytes that are not TLS). Elsewhere no answer is never a
   * refusal: the call was sent, and the receiver may have processed it.
   */
  unansweredIsRefusal?(errorKind: ErrorKind, ctx: CheckContext): boolean;
  /** A reason to skip this check for this run, or undefined to run it. */
  skip?(ctx: CheckContext): string | undefined;
  /** Produce the request variant (from valid ones the context builds). */
  build(ctx: CheckContext): CheckPlan;
}

export type Outcome = 'pass' | 'fail' | 'skip';

/** One check's verdict. */
export interface CheckResult {
  name: string;
  level: CheckLevel;
  expect: Expectation;
  sends: string;
  outcome: Outcome;
  /** Where the judged request went (differs from the URL under test for the plain-HTTP check). */
  url?: string;
  /** The judged answer (absent when skipped or a setup request failed). */
  got?: Pick<HttpResult, 'status' | 'errorKind' | 'error' | 'answer'>;
  /** Why it was skipped, or what went wrong before the judged request. */
  note?: string;
}
