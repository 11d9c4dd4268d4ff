import { createHash, createVerify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * A receiver that verifies SMTPeter calls as the issue asks, written here
 * with node:crypto only (never the project's sign/ or receive/ modules):
 * Digest, coverage of host/date/digest/x-nonce/x-copernica-id, the expected
 * X-Copernica-ID, the signature, Date within 60 s, and a nonce cache.
 */
export interface VerifyingReceiver {
  url: string;
  /** Every request: what it was refused for, or undefined when accepted. */
  verdicts: (string | undefined)[];
  close(): Promise<void>;
}

const REQUIRED = ['host', 'date', 'digest', 'x-nonce', 'x-copernica-id'];

function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

export async function startVerifyingReceiver(
  publicKey: KeyObject,
  copernicaId: string,
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: Buffer; cert: Buffer },
): Promise<VerifyingReceiver> {
  const nonces = new Set<string>();
  const verdicts: (string | undefined)[] = [];
  const problem = (
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): string | undefined => {
    const digest = one(headers, 'digest') ?? '';
    const m = /^([^=]+)=(.*)$/.exec(digest);
    if (!m || m[1]!.toLowerCase() !== 'sha-256') return 'no SHA-256 Digest';
    if (m[2] !== createHash('sha256').update(body).digest('base64')) return 'Digest mismatch';
    const sig = one(headers, 'signature');
    if (!sig) return 'no Signature';
    const params = Object.fromEntries([...sig.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
    if (params['algorithm'] !== undefined && params['algorithm'] !== 'rsa-sha256') return 'algorithm';
    const covered = (params['headers'] ?? '').split(' ');
    const missing = REQUIRED.filter((n) => !covered.includes(n));
    if (missing.length) return `not covered: ${missing.join(' ')}`;
    const lines: string[] = [];
    for (const name of covered) {
      if (name === '(request-target)') lines.push(`${name}: ${method.toLowerCase()} ${path}`);
      else {
        const v = one(headers, name);
        if (v === undefined) return `covered header ${name} absent`;
        lines.push(`${name}: ${v}`);
      }
    }
    const ok = createVerify('RSA-SHA256')
      .update(lines.join('\n'))
      .verify(publicKey, params['signature'] ?? '', 'base64');
    if (!ok) return 'bad signature';
    if (one(headers, 'x-copernica-id') !== copernicaId) return 'wrong X-Copernica-ID';
    const date = Date.parse(one(headers, 'date') ?? '');
    if (Number.isNaN(date) || Math.abs(Date.now() - date) > 60_000) return 'Date not within 60 s';
    const nonce = one(headers, 'x-nonce')!;
    if (nonces.has(nonce)) return 'replayed nonce';
    nonces.add(nonce);
    return undefined;
  };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const why = problem(req.method ?? '', req.url ?? '/', req.headers, Buffer.concat(chunks));
      verdicts.push(why);
      res.writeHead(why ? 401 : 200, { 'content-type': 'text/plain' }).end(why ? `${why}\n` : 'OK\n');
    });
  };
  const server = tls ? createTlsServer(tls, handler) : createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/hooks/smtpeter?env=test`,
    verdicts,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
