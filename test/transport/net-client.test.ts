import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createTransport } from '../../src/transport/create.js';
import type { HttpOptions } from '../../src/transport/http.js';
import type { Transport, TransportKind } from '../../src/transport/transport.js';
import { throwawayCertificate } from '../helpers/certificate.js';
import { startRawHttpServer } from '../helpers/raw-http-server.js';

const BODY = Buffer.from('id=abc&type=failure&recipient=x%40example.com');
const HEADERS = ['Content-Type', 'application/x-www-form-urlencoded', 'User-Agent', 'smtpeter-sim'];

async function withClient<T>(
  kind: TransportKind,
  options: HttpOptions,
  use: (t: Transport) => Promise<T>,
): Promise<T> {
  const client = createTransport(kind, options);
  try {
    return await use(client);
  } finally {
    await client.destroy();
  }
}

/** A node:http server answering with `handle`; its URL and the sockets it accepted. */
async function httpServer(handle: Parameters<typeof createHttpServer>[1]) {
  const server = createHttpServer(handle);
  let sockets = 0;
  server.on('connection', () => sockets++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`);
  return {
    url,
    sockets: () => sockets,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('net transport: the request bytes', () => {
  it('writes byte for byte what undici writes, for flat and record headers, a Host, a Content-Length and Connection: close', async () => {
    const server = await startRawHttpServer();
    try {
      const url = new URL(`${server.url}&x=%20y`);
      const cases: Array<Record<string, string> | string[]> = [
        HEADERS,
        {
          'Content-Type': 'text/plain',
          'Content-Length': String(BODY.length),
          Date: 'Sun, 06 Dec 2026 07:00:00 GMT',
        },
        ['Host', 'hooks.example.com', 'X-Nonce', 'n0', 'content-type', 'application/json'],
        { 'Content-Type': 'text/plain', Connection: 'close' },
      ];
      const sent: Record<TransportKind, string[]> = { undici: [], net: [] };
      for (const kind of ['undici', 'net'] as const) {
        await withClient(kind, { connections: 1 }, async (client) => {
          for (const headers of cases) {
            const before = server.requests.length;
            const result = await client.post(url, headers, BODY);
            assert.equal(result.status, 204, `${kind}: ${result.error}`);
            sent[kind].push(server.requests[before]!.bytes.toString('latin1'));
          }
        });
      }
      assert.deepEqual(sent.net, sent.undici);
      assert.equal(
        sent.net[0],
        `POST /hooks/smtpeter?env=test&x=%20y HTTP/1.1\r\nhost: 127.0.0.1:${server.port}\r\nconnection: keep-alive\r\nContent-Type: application/x-www-form-urlencoded\r\nUser-Agent: smtpeter-sim\r\ncontent-length: ${BODY.length}\r\n\r\n${BODY}`,
      );
      assert.match(
        sent.net[2]!,
        /^POST [^\r]+\r\nhost: hooks\.example\.com\r\nconnection: keep-alive\r\nX-Nonce: n0\r\n/,
      );
      assert.match(sent.net[3]!, /\r\nconnection: close\r\nContent-Type: text\/plain\r\n/);
    } finally {
      await server.close();
    }
  });

  it('writes a large body (past the size copied into one buffer with the head) byte for byte as undici does', async () => {
    const server = await startRawHttpServer();
    try {
      const big = Buffer.alloc(40_000);
      for (let i = 0; i < big.length; i++) big[i] = 97 + (i % 26);
      const sent: Record<TransportKind, Buffer[]> = { undici: [], net: [] };
      for (const kind of ['undici', 'net'] as const) {
        await withClient(kind, { connections: 1 }, async (client) => {
          for (const body of [big, BODY, big]) {
            const before = server.requests.length;
            const result = await client.post(new URL(server.url), HEADERS, body);
            assert.equal(result.status, 204, `${kind}: ${result.error}`);
            sent[kind].push(server.requests[before]!.bytes);
          }
        });
      }
      assert.deepEqual(sent.net, sent.undici);
      assert.ok(sent.net[0]!.subarray(sent.net[0]!.length - big.length).equals(big));
    } finally {
      await server.close();
    }
  });

  it('refuses a header value with a line break, a name that is not a token, and the framing headers undici keeps to itself, sending nothing', async () => {
    const server = await startRawHttpServer();
    try {
      for (const kind of ['undici', 'net'] as const) {
        await withClient(kind, {}, async (client) => {
          for (const header of [
            ['X-Evil', 'a\r\nInjected: 1'],
            ['X-Evil: a\r\nInjected', '1'],
            ['X Evil', '1'],
            ['Transfer-Encoding', 'chunked'],
            ['Upgrade', 'h2c'],
            ['Keep-Alive', 'timeout=5'],
            ['Expect', '100-continue'],
          ]) {
            const result = await client.post(new URL(server.url), header, BODY);
            assert.equal(result.status, undefined, `${kind}: ${JSON.stringify(header)}`);
            assert.equal(result.errorKind, 'other');
          }
        });
      }
      assert.equal(server.requests.length, 0);
    } finally {
      await server.close();
    }
  });
});

for (const kind of ['undici', 'net'] as const) {
  describe(`transport ${kind}: answers and failures`, () => {
    it('reads a Content-Length answer, its Retry-After and (kept) its headers and body', async () => {
      const server = await httpServer((req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(503, { 'Retry-After': '7', 'X-Why': 'busy' }).end('try later'));
      });
      try {
        await withClient(kind, { keepAnswer: 4 }, async (client) => {
          const r = await client.post(server.url, HEADERS, BODY);
          assert.equal(r.status, 503);
          assert.equal(r.retryAfter, '7');
          assert.equal(r.responseBytes, 9);
          assert.equal(r.answer?.headers['x-why'], 'busy');
          assert.equal(r.answer?.body, 'try ');
          assert.equal(r.answer?.truncated, true);
          assert.ok(r.latencyMs >= 0);
        });
      } finally {
        await server.close();
      }
    });

    it('keeps an answer body that came in several reads whole (each read lands in the one reused buffer)', async () => {
      const server = await httpServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(422, { 'Content-Type': 'text/plain' });
          res.write('first part, ');
          setTimeout(() => res.write('second part, '), 20);
          setTimeout(() => res.end('third part'), 40);
        });
      });
      try {
        await withClient(kind, { connections: 1, keepAnswer: 1024 }, async (client) => {
          for (let i = 0; i < 2; i++) {
            const r = await client.post(server.url, HEADERS, BODY);
            assert.equal(r.status, 422);
            assert.equal(r.answer?.body, 'first part, second part, third part');
          }
        });
      } finally {
        await server.close();
      }
    });

    it('reads a chunked answer written in pieces, and reuses the socket for the next requests', async () => {
      const server = await httpServer((req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'Content-Type': 'text/plain' });
          res.write('first part, ');
          setTimeout(() => res.end('second part'), 5);
        });
      });
      try {
        await withClient(kind, { connections: 1 }, async (client) => {
          for (let i = 0; i < 5; i++) {
            const r = await client.post(server.url, HEADERS, BODY);
            assert.equal(r.status, 200);
            assert.equal(r.responseBytes, 'first part, second part'.length);
          }
        });
        assert.equal(server.sockets(), 1);
      } finally {
        await server.close();
      }
    });

    it('takes a new socket after a Connection: close answer', async () => {
      const server = await httpServer((req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(200, { Connection: 'close' }).end('bye'));
      });
      try {
        await withClient(kind, { connections: 1 }, async (client) => {
          for (let i = 0; i < 3; i++)
            assert.equal((await client.post(server.url, HEADERS, BODY)).status, 200);
        });
        assert.equal(server.sockets(), 3);
      } finally {
        await server.close();
      }
    });

    it('reports a reset when the server drops the socket mid-answer, and does not send again', async () => {
      const server = await startRawHttpServer((socket) => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part');
        setTimeout(() => socket.destroy(), 5);
      });
      try {
        await withClient(kind, {}, async (client) => {
          const r = await client.post(new URL(server.url), HEADERS, BODY);
          assert.equal(r.errorKind, 'reset');
          assert.equal(r.status, undefined);
        });
        assert.equal(server.requests.length, 1);
      } finally {
        await server.close();
      }
    });

    it('times out when no answer comes', async () => {
      const server = await startRawHttpServer(() => undefined);
      try {
        await withClient(kind, { timeoutMs: 200 }, async (client) => {
          const r = await client.post(new URL(server.url), HEADERS, BODY);
          assert.equal(r.errorKind, 'timeout');
        });
      } finally {
        await server.close();
      }
    });

    it('reports a refused port', async () => {
      const server = await startRawHttpServer();
      const url = new URL(server.url);
      await server.close();
      await withClient(kind, {}, async (client) => {
        const r = await client.post(url, HEADERS, BODY);
        assert.equal(r.errorKind, 'refused');
      });
    });

    it('cuts an oversized answer at maxResponseBytes and keeps its status', async () => {
      const server = await httpServer((req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(200).end(Buffer.alloc(1 << 20, 'x')));
      });
      try {
        await withClient(kind, { maxResponseBytes: 1000 }, async (client) => {
          const r = await client.post(server.url, HEADERS, BODY);
          assert.equal(r.status, 200);
          assert.equal(r.responseBytes, 1000);
          // The client is still usable after dropping that socket.
          assert.equal((await client.post(server.url, HEADERS, BODY)).status, 200);
        });
      } finally {
        await server.close();
      }
    });

    it('sends https:// through undici with the same options', async () => {
      const cert = throwawayCertificate(join(tmpdir(), `smtpeter-sim-net-${process.pid}`));
      if (!cert) return;
      const server = createHttpsServer(cert.tls, (req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(202).end());
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const url = new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`);
        await withClient(kind, { caFile: cert.certFile }, async (client) => {
          assert.equal((await client.post(url, HEADERS, BODY)).status, 202);
        });
      } finally {
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      }
    });
  });
}

describe('net transport: sockets', () => {
  it('opens a fresh socket once a server has closed an idle keep-alive one', async () => {
    const server = await startRawHttpServer((socket) => {
      socket.write('HTTP/1.1 204 No Content\r\n\r\n');
      setTimeout(() => socket.end(), 10);
    });
    try {
      await withClient('net', { connections: 1 }, async (client) => {
        assert.equal((await client.post(new URL(server.url), HEADERS, BODY)).status, 204);
        await new Promise((r) => setTimeout(r, 100));
        assert.equal((await client.post(new URL(server.url), HEADERS, BODY)).status, 204);
      });
      assert.equal(server.connections, 2);
    } finally {
      await server.close();
    }
  });

  it('sends once more on a fresh socket a request a reused socket dropped unanswered, never a first one', async () => {
    // Socket 0: answers the first request, drops the second unanswered (a keep-alive timeout racing it).
    const server = await startRawHttpServer((socket, _req, n) => {
      if (n === 2) socket.destroy();
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    try {
      await withClient('net', { connections: 1 }, async (client) => {
        assert.equal((await client.post(new URL(server.url), HEADERS, BODY)).status, 200);
        assert.equal((await client.post(new URL(server.url), HEADERS, BODY)).status, 200);
      });
      assert.deepEqual(
        server.requests.map((r) => r.socket),
        [0, 0, 1],
      );
      assert.deepEqual(server.requests[2]!.bytes, server.requests[1]!.bytes);
    } finally {
      await server.close();
    }
    // A first request on a new socket dropped unanswered: a reset, sent once.
    const dropping = await startRawHttpServer((socket) => socket.destroy());
    try {
      await withClient('net', { connections: 1 }, async (client) => {
        assert.equal((await client.post(new URL(dropping.url), HEADERS, BODY)).errorKind, 'reset');
      });
      assert.equal(dropping.requests.length, 1);
    } finally {
      await dropping.close();
    }
  });

  it('does not send again a request whose answer had begun when a reused socket went', async () => {
    // Socket 0: answers the first request, starts answering the second (the receiver has it), then resets.
    const server = await startRawHttpServer((socket, _req, n) => {
      if (n === 2) {
        socket.write('HTTP/1.1 500 Internal');
        setTimeout(() => socket.destroy(), 20);
      } else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    try {
      await withClient('net', { connections: 1 }, async (client) => {
        assert.equal((await client.post(new URL(server.url), HEADERS, BODY)).status, 200);
        assert.equal((await client.post(new URL(server.url), HEADERS, BODY)).errorKind, 'reset');
      });
      assert.equal(server.requests.length, 2);
    } finally {
      await server.close();
    }
    // Pipelined: the third request's answer begins in the chunk that ends the second's.
    const piped = await startRawHttpServer((socket, _req, n) => {
      if (n === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      if (n === 3) {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 50');
        setTimeout(() => socket.destroy(), 20);
      }
    });
    try {
      await withClient('net', { connections: 1, pipelining: 2 }, async (client) => {
        assert.equal((await client.post(new URL(piped.url), HEADERS, BODY)).status, 200);
        const [second, third] = await Promise.all([
          client.post(new URL(piped.url), HEADERS, BODY),
          client.post(new URL(piped.url), HEADERS, BODY),
        ]);
        assert.equal(second.status, 200);
        assert.equal(third.errorKind, 'reset');
      });
      assert.equal(piped.requests.length, 3);
    } finally {
      await piped.close();
    }
  });

  it('reads a 100 Continue then the answer, and an answer without a length to the socket end (then a fresh socket)', async () => {
    const server = await startRawHttpServer((socket, _req, n) => {
      if (n === 1)
        socket.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n');
      else socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end');
    });
    try {
      await withClient('net', { connections: 1, keepAnswer: 100 }, async (client) => {
        assert.equal((await client.post(new URL(server.url), HEADERS, BODY)).status, 202);
        for (let i = 0; i < 2; i++) {
          const r = await client.post(new URL(server.url), HEADERS, BODY);
          assert.equal(r.status, 200);
          assert.equal(r.answer?.body, 'until the end');
        }
      });
      assert.deepEqual(
        server.requests.map((r) => r.socket),
        [0, 0, 1],
      );
    } finally {
      await server.close();
    }
  });

  it('fails a malformed answer with one clear error, sends it once, and the next request gets a fresh socket', async () => {
    const server = await startRawHttpServer((socket, _req, n) =>
      socket.write(
        n === 1 ? 'HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\nhello' : 'HTTP/1.1 204 No Content\r\n\r\n',
      ),
    );
    try {
      await withClient('net', { connections: 1, timeoutMs: 5000 }, async (client) => {
        const bad = await client.post(new URL(server.url), HEADERS, BODY);
        assert.equal(bad.errorKind, 'other');
        assert.equal(bad.error, 'HPE_INVALID_CONTENT_LENGTH: malformed answer: Content-Length "12abc"');
        assert.ok(bad.latencyMs < 4000);
        assert.equal((await client.post(new URL(server.url), HEADERS, BODY)).status, 204);
      });
      assert.deepEqual(
        server.requests.map((r) => r.socket),
        [0, 1],
      );
    } finally {
      await server.close();
    }
  });

  it('keeps to the connection cap, queueing the rest, and pipelines when asked', async () => {
    for (const pipelining of [1, 4]) {
      const server = await startRawHttpServer((socket) =>
        setTimeout(() => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'), 2),
      );
      try {
        await withClient('net', { connections: 2, pipelining }, async (client) => {
          const results = await Promise.all(
            Array.from({ length: 20 }, () => client.post(new URL(server.url), HEADERS, BODY)),
          );
          assert.deepEqual(new Set(results.map((r) => r.status)), new Set([200]));
        });
        assert.equal(server.connections, 2);
        assert.equal(server.requests.length, 20);
      } finally {
        await server.close();
      }
    }
  });

  it('close() lets the requests in flight end', async () => {
    const server = await startRawHttpServer((socket: Socket) =>
      setTimeout(() => socket.write('HTTP/1.1 204 No Content\r\n\r\n'), 50),
    );
    try {
      const client = createTransport('net', {});
      const pending = client.post(new URL(server.url), HEADERS, BODY);
      await client.close();
      assert.equal((await pending).status, 204);
    } finally {
      await server.close();
    }
  });
});
