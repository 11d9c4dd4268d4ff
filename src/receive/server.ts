import type { KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KeyResolver } from '../dns/key-resolver.js';
import type { Dialect } from '../encode/dialect.js';
import { hostPort } from '../model/host-port.js';
import { digestHeader } from '../sign/signer.js';
import { parseSignatureHeader, verifyRequest } from '../sign/verify.js';
import { readBody } from '../transport/read-body.js';
import { describeFields } from './describe.js';
import { parseBody } from './parse.js';
import type { ReceivedCall, ReceiverRoutes, SignatureCheck } from './types.js';
import { signatureProblem, type Validation, validateCall } from './validate.js';

export interface ReceiverOptions {
  port?: number;
  host?: string;
  publicKey?: KeyObject;
  /** Get each call's key by its keyId instead (`listen --resolve-keys`: through DNS, as Copernica's verifier does). */
  resolveKey?: KeyResolver;
  /** Status to answer a valid POST with. */
  status?: number;
  /** Answer invalid calls (field problems, failed signature) with `status` too, instead of 400. */
  acceptInvalid?: boolean;
  dialect?: Dialect;
  /** The X-Copernica-ID a signed call must carry (the account this receiver serves). */
  copernicaId?: string;
  /** Reject a signed call whose Date is further from now than this (s). */
  maxSkewSeconds?: number;
  /** Largest body accepted, bytes. */
  maxBodyBytes?: number;
  onCall?: (call: ReceivedCall) => void;
  now?: () => number;
  /**
   * More routes beside the webhook, e.g. the live page of received calls
   * (src/receive/ui/routes.ts): given the calls, answers GET/HEAD requests
   * it owns and hears of each new call. The caller wires them in, so the
   * server knows nothing of the page.
   */
  routes?: (calls: readonly ReceivedCall[]) => ReceiverRoutes;
}

export interface Receiver {
  url: string;
  port: number;
  calls: ReceivedCall[];
  close(): Promise<void>;
}

/** Nonces seen within the freshness window: a repeat is a replayed call. */
class NonceCache {
  private readonly seen = new Map<string, number>();
  constructor(private readonly windowMs: number) {}
  /** True when `nonce` was seen within the window; records it either way. */
  replayed(nonce: string, now: number): boolean {
    // Map keeps insertion order, so the oldest entries are first.
    for (const [n, at] of this.seen) {
      if (now - at <= this.windowMs) break;
      this.seen.delete(n);
    }
    if (this.seen.has(nonce)) return true;
    this.seen.set(nonce, now);
    return false;
  }
}

async function checkSignature(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
  options: ReceiverOptions,
  nonces: NonceCache,
): Promise<SignatureCheck> {
  if (!options.publicKey && !options.resolveKey) {
    const digest = headers['digest'];
    if (!digest) return { result: 'not-checked', digest: 'absent' };
    const expected = digestHeader(body).slice('sha-256='.length);
    return {
      result: 'not-checked',
      digest: digest.replace(/^sha-256=/i, '') === expected ? 'ok' : 'mismatch',
    };
  }
  if (!headers['signature']) return { result: 'unsigned' };
  let publicKey = options.publicKey;
  if (!publicKey) {
    const keyId = parseSignatureHeader(headers['signature'])['keyId'] ?? '';
    const resolved = await options.resolveKey!(keyId);
    if (typeof resolved === 'string') return { result: 'failed', problem: resolved };
    publicKey = resolved;
  }
  const verified = verifyRequest({ method, path, headers, body }, publicKey);
  if (!verified.ok) return { result: 'failed', problem: verified.problem };
  const date = Date.parse(headers['date'] ?? '');
  const skew = options.maxSkewSeconds ?? 60;
  const now = (options.now ?? Date.now)();
  if (Number.isNaN(date)) return { result: 'failed', problem: 'Date header does not parse' };
  if (Math.abs(now - date) > skew * 1000) {
    const ahead = Math.round((date - now) / 1000);
    return {
      result: 'failed',
      problem: `Date is ${Math.abs(ahead)} s in the ${ahead > 0 ? 'future' : 'past'} (more than ${skew} s off)`,
    };
  }
  const account = headers['x-copernica-id'];
  if (options.copernicaId !== undefined && account !== options.copernicaId) {
    return {
      result: 'failed',
      problem: `X-Copernica-ID '${account}' is not the expected '${options.copernicaId}'`,
    };
  }
  if (nonces.replayed(headers['x-nonce'] ?? '', now)) {
    return {
      result: 'failed',
      problem: `X-Nonce '${headers['x-nonce']}' was already used (a replayed call)`,
    };
  }
  return { result: 'verified', keyId: verified.keyId };
}

/** A local SMTPeter webhook receiver: records, validates and verifies every call. */
export async function startReceiver(options: ReceiverOptions = {}): Promise<Receiver> {
  const calls: ReceivedCall[] = [];
  // Twice the freshness window: a nonce older than that comes with a stale Date anyway.
  const nonces = new NonceCache(2 * (options.maxSkewSeconds ?? 60) * 1000);
  const status = options.status ?? 200;
  const routes = options.routes?.(calls);
  const server: Server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    if (routes && (method === 'GET' || method === 'HEAD') && routes.handle(req, res)) return;
    if (method === 'GET' || method === 'HEAD') {
      // SMTPeter fetches a verification file with GET before enabling a hook.
      res.writeHead(200, { 'content-type': 'text/plain' }).end('smtpeter-sim listen\n');
      return;
    }
    if (method !== 'POST') {
      req.resume();
      res
        .writeHead(405, { allow: 'GET, HEAD, POST', 'content-type': 'text/plain' })
        .end(`${method} is not a webhook call: SMTPeter POSTs them\n`);
      return;
    }
    readBody(req, options.maxBodyBytes ?? 64 << 20).then(
      async (body) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        const path = req.url ?? '/';
        const parsed = parseBody(headers['content-type'], body);
        const validation: Validation = parsed.ok
          ? validateCall(parsed.fields, options.dialect)
          : { problems: [parsed.problem] };
        const signature = await checkSignature(method, path, headers, body, options, nonces);
        const problems = [...validation.problems];
        // With a key to verify against, an unsigned call is as untrusted as a forged one.
        const untrusted = signatureProblem(signature);
        if (untrusted) problems.push(untrusted);
        const answered = problems.length && !options.acceptInvalid ? 400 : status;
        const call: ReceivedCall = {
          seq: calls.length + 1,
          receivedAt: (options.now ?? Date.now)(),
          method,
          path,
          headers,
          rawHeaders: req.rawHeaders,
          httpVersion: req.httpVersion,
          body,
          ...(parsed.ok ? { fields: parsed.fields, format: parsed.format } : {}),
          validation,
          signature,
          summary: parsed.ok ? describeFields(parsed.fields) : parsed.problem,
          answered,
        };
        calls.push(call);
        options.onCall?.(call);
        routes?.publish(call);
        // A receiver that refuses what it cannot trust, and says why.
        const text = answered === 400 ? `${problems.join('\n')}\n` : answered < 300 ? 'OK\n' : 'error\n';
        res.writeHead(answered, { 'content-type': 'text/plain' }).end(text);
      },
      (err: Error) => {
        res.writeHead(413, { 'content-type': 'text/plain' }).end(`${err.message}\n`);
      },
    );
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${hostPort(host, port)}/`,
    port,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        routes?.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
