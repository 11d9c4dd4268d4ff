import { createHash, createVerify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { type AddressInfo, createServer as createNetServer, type Server as NetServer } from 'node:net';
import { Duplex } from 'node:stream';

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
  /** Every request's Signature keyId, in the order requests arrived. */
  keyIds: (string | undefined)[];
  close(): Promise<void>;
}

const REQUIRED = ['host', 'date', 'digest', 'x-nonce', 'x-copernica-id'];

function one(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Where a receiver gets the key for a call's keyId: the key, or why there is none. */
export type KeySource = (keyId: string) => Promise<KeyObject | string>;

export async function startVerifyingReceiver(
  /** One fixed key, or a lookup by keyId (test/helpers/dns-keys.ts resolves through DNS). */
  keys: KeyObject | KeySource,
  copernicaId: string,
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: Buffer; cert: Buffer },
): Promise<VerifyingReceiver> {
  const nonces = new Set<string>();
  const verdicts: (string | undefined)[] = [];
  const keyIds: (string | undefined)[] = [];
  const problem = async (
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
  ): Promise<string | undefined> => {
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
    const publicKey = typeof keys === 'function' ? await keys(params['keyId'] ?? '') : keys;
    if (typeof publicKey === 'string') return publicKey;
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
    // In arrival order (verdicts come in the order verification ends).
    keyIds.push(/keyId="([^"]*)"/.exec(one(req.headers, 'signature') ?? '')?.[1]);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const why = await problem(req.method ?? '', req.url ?? '/', req.headers, Buffer.concat(chunks));
      verdicts.push(why);
      res.writeHead(why ? 401 : 200, { 'content-type': 'text/plain' }).end(why ? `${why}\n` : 'OK\n');
    });
  };
  const tlsServer = tls ? createTlsServer(tls, handler) : undefined;
  const server = tlsServer ?? createServer(handler);
  const front = tlsServer ? tlsPortAnsweringPlainHttp(tlsServer) : server;
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  const { port } = front.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}/hooks/smtpeter?env=test`,
    verdicts,
    keyIds,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close();
        front.close(() => r());
      }),
  };
}

/**
 * The HTTPS port as nginx keeps one: a TLS handshake goes to `tlsServer`, a
 * plain HTTP request is read and answered 400 "The plain HTTP request was
 * sent to HTTPS port" (Node's own TLS server drops it, which is no answer).
 */
function tlsPortAnsweringPlainHttp(tlsServer: ReturnType<typeof createTlsServer>): NetServer {
  const plain = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      res
        .writeHead(400, { 'content-type': 'text/plain', connection: 'close' })
        .end('The plain HTTP request was sent to HTTPS port\n'),
    );
  });
  const front = createNetServer((socket) =>
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      // 0x16: a TLS record of type handshake, the first byte of every ClientHello.
      // TLS reads a socket's handle, past the byte read here: it gets a stream over the socket instead.
      if (first[0] === 0x16)
        tlsServer.emit('connection', Duplex.from({ readable: socket, writable: socket }));
      else plain.emit('connection', socket);
      socket.resume();
    }),
  );
  front.on('close', () => plain.close());
  return front;
}
