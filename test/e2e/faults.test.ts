import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { throwawayCertificate } from '../helpers/certificate.js';
import { cli } from '../helpers/cli.js';

/** Receivers that misbehave on purpose, each on 127.0.0.1:0. */
interface Faulty {
  url: string;
  close(): Promise<void>;
}

async function listen(server: Server | ReturnType<typeof createTcpServer>, scheme = 'http'): Promise<Faulty> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `${scheme}://127.0.0.1:${port}/hook`,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const open: Faulty[] = [];
after(async () => {
  for (const f of open) await f.close();
});

async function start(server: Server | ReturnType<typeof createTcpServer>, scheme?: string): Promise<string> {
  const f = await listen(server, scheme);
  open.push(f);
  return f.url;
}

interface Summary {
  sent: number;
  ok: number;
  failed: number;
  status: Record<string, number>;
  errors: Record<string, number>;
}

/** Fire N calls with --json; the process must end by itself, without stack traces. */
async function fireAt(
  url: string,
  extra: string[] = [],
  n = 3,
): Promise<{ code: number; summary: Summary; stderr: string }> {
  const r = await cli([
    'fire',
    '-n',
    String(n),
    '--no-sign',
    '--json',
    '--timeout',
    '1s',
    '--url',
    url,
    ...extra,
  ]);
  assert.doesNotMatch(r.stderr, /internal error|Unhandled|at .*\.js:\d+/, r.stderr);
  return { code: r.code, summary: JSON.parse(r.stdout) as Summary, stderr: r.stderr };
}

describe('fault suite: the right error kind, exit 1, no crash, the process ends', () => {
  test('connection refused → refused', async () => {
    const f = await listen(createTcpServer());
    const url = f.url;
    await f.close();
    const { code, summary } = await fireAt(url);
    assert.equal(code, 1);
    assert.deepEqual(summary.errors, { refused: 3 });
    assert.equal(summary.sent, 3);
  });

  test('connection reset mid-body → reset', async () => {
    const url = await start(createTcpServer((s) => s.once('data', () => s.resetAndDestroy())));
    const { code, summary } = await fireAt(url);
    assert.equal(code, 1);
    assert.deepEqual(summary.errors, { reset: 3 });
  });

  test('a receiver that never answers → timeout after --timeout', async () => {
    const url = await start(createTcpServer(() => undefined));
    const { code, summary } = await fireAt(url, [], 2);
    assert.equal(code, 1);
    assert.deepEqual(summary.errors, { timeout: 2 });
  });

  test('a slow receiver within the timeout → ok, latency counted', async () => {
    const url = await start(
      createHttpServer((req, res) => req.resume().on('end', () => setTimeout(() => res.end('ok'), 150))),
    );
    const { code, summary } = await fireAt(url, [], 2);
    assert.equal(code, 0);
    assert.equal(summary.ok, 2);
  });

  test('5xx → counted by status, exit 1', async () => {
    const url = await start(
      createHttpServer((req, res) => req.resume().on('end', () => res.writeHead(500).end())),
    );
    const { code, summary } = await fireAt(url);
    assert.equal(code, 1);
    assert.deepEqual(summary.status, { '500': 3 });
  });

  test('429 with Retry-After → counted as 429 (not followed without --retries)', async () => {
    const url = await start(
      createHttpServer((req, res) =>
        req.resume().on('end', () => res.writeHead(429, { 'retry-after': '1' }).end()),
      ),
    );
    const { code, summary } = await fireAt(url, [], 2);
    assert.equal(code, 1);
    assert.deepEqual(summary.status, { '429': 2 });
  });

  test('3xx → not followed (SMTPeter posts once), counted, exit 1', async () => {
    const url = await start(
      createHttpServer((req, res) =>
        req.resume().on('end', () => res.writeHead(301, { location: 'http://127.0.0.1:1/' }).end()),
      ),
    );
    const { code, summary } = await fireAt(url, [], 2);
    assert.equal(code, 1);
    assert.deepEqual(summary.status, { '301': 2 });
  });

  test('a huge response body is read and dropped, the status still counts', async () => {
    const chunk = Buffer.alloc(1 << 20, 'x');
    const url = await start(
      createHttpServer((req, res) =>
        req.resume().on('end', () => {
          res.writeHead(200);
          let sent = 0;
          const write = (): void => {
            while (sent < 64 && res.write(chunk)) sent++;
            if (sent < 64) res.once('drain', write);
            else res.end();
          };
          write();
        }),
      ),
    );
    const { code, summary } = await fireAt(url, [], 2);
    assert.equal(code, 0);
    assert.equal(summary.ok, 2);
  });

  test('a receiver that closes every keep-alive connection → every call still delivered', async () => {
    const url = await start(
      createHttpServer((req, res) =>
        req.resume().on('end', () => res.writeHead(200, { connection: 'close' }).end('ok')),
      ),
    );
    const { code, summary } = await fireAt(url, ['-c', '2'], 6);
    assert.equal(code, 0);
    assert.equal(summary.ok, 6);
  });
});

describe('HTTPS with a self-signed certificate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-'));
  const certificate = throwawayCertificate(dir);
  if (!certificate) throw new Error('openssl is needed for the HTTPS fault tests');
  const { tls } = certificate;
  const server = (): ReturnType<typeof createHttpsServer> =>
    createHttpsServer(tls, (req, res) => req.resume().on('end', () => res.end('ok')));

  test('refused by default → tls error kind', async () => {
    const url = await start(server() as unknown as Server, 'https');
    const { code, summary } = await fireAt(url, [], 1);
    assert.equal(code, 1);
    assert.deepEqual(summary.errors, { tls: 1 });
  });

  test('--insecure accepts it', async () => {
    const url = await start(server() as unknown as Server, 'https');
    const { code, summary } = await fireAt(url, ['--insecure'], 2);
    assert.equal(code, 0);
    assert.equal(summary.ok, 2);
  });

  test('--ca trusts it', async () => {
    const url = await start(server() as unknown as Server, 'https');
    const { code, summary } = await fireAt(url, ['--ca', certificate.certFile], 2);
    assert.equal(code, 0);
    assert.equal(summary.ok, 2);
  });

  test('--ca with an unreadable file: one line, exit 2', async () => {
    const r = await cli(['fire', '--url', 'https://127.0.0.1:9/', '--ca', join(dir, 'missing.pem')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--ca .*missing\.pem: cannot read/);
  });
});
