import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { constantPacer } from '../../src/pace/pacer.js';
import { type FireSummary, fire } from '../../src/run/fire.js';
import type { CallSource, PreparedCall } from '../../src/run/source.js';
import { NetHttpClient } from '../../src/transport/net-client.js';
import type { Transport } from '../../src/transport/transport.js';
import { startRawHttpServer } from '../helpers/raw-http-server.js';

const CONNECTIONS = 4;
const CALLS = 60;

/** Prepared calls `0..n-1`, each with its own body. */
function source(n: number): CallSource {
  let k = 0;
  return {
    next(): PreparedCall | undefined {
      if (k >= n) return undefined;
      const i = k++;
      return {
        event: { id: `id-${i}`, type: 'failure', recipient: `r${i}@example.com` },
        scenario: 'sync-userunknown',
        style: 'postfix',
        request: {
          headers: ['Content-Type', 'text/plain', 'X-K', String(i)],
          body: Buffer.from(`body ${i}`),
        },
      };
    },
  };
}

/**
 * The client with `open` watched: how many sockets it had connected when the
 * run's first request was handed to it. Seen from the client, because the
 * server's count at its first request races its own accept queue on a busy
 * machine (a handshake the kernel finished can still wait to be accepted).
 */
function watchedAhead(http: NetHttpClient): { transport: Transport; connectedAtFirstSend: () => number } {
  let connected = 0;
  let atFirstSend = -1;
  const transport: Transport = {
    open: async (u) => (connected = await http.open(u)),
    post: (u, h, b) => http.post(u, h, b),
    send: (u, h, b, done) => {
      if (atFirstSend < 0) atFirstSend = connected;
      return http.send(u, h, b, done);
    },
    close: () => http.close(),
    destroy: () => http.destroy(),
  };
  return { transport, connectedAtFirstSend: () => atFirstSend };
}

/** The same client with `open` hidden: a transport that connects on demand, as before. */
function onDemand(http: NetHttpClient): Transport {
  return {
    post: (u, h, b) => http.post(u, h, b),
    send: (u, h, b, done) => http.send(u, h, b, done),
    close: () => http.close(),
    destroy: () => http.destroy(),
  };
}

async function openRun(url: string, http: Transport, signal?: AbortSignal): Promise<FireSummary> {
  return fire(
    {
      format: 'form',
      dialect: 'smtpeter',
      calls: source(CALLS),
      targets: { url: new URL(url) },
      model: { kind: 'open', pacer: constantPacer(2000), maxInFlight: 100 },
      count: CALLS,
    },
    {
      http,
      ...(signal ? { signal } : {}),
      now: () => performance.timeOrigin + performance.now(),
      sleep: (ms, signal) =>
        new Promise((r) => {
          const t = setTimeout(r, ms);
          signal?.addEventListener('abort', () => {
            clearTimeout(t);
            r(undefined);
          });
        }),
    },
  );
}

describe('an open run connects before its schedule starts', () => {
  test('every connection is up before the first request; the receiver gets the same requests as on demand', async () => {
    const sent: Record<string, string[]> = {};
    for (const mode of ['on demand', 'ahead']) {
      const server = await startRawHttpServer();
      const http = new NetHttpClient({ connections: CONNECTIONS });
      const ahead = watchedAhead(http);
      try {
        const s = await openRun(server.url, mode === 'ahead' ? ahead.transport : onDemand(http));
        assert.equal(s.metrics.ok, CALLS);
        assert.ok(server.connections <= CONNECTIONS, `${server.connections} connections`);
        if (mode === 'ahead') assert.equal(ahead.connectedAtFirstSend(), CONNECTIONS);
        // Sockets interleave on the wire: compare what arrived, request by request, in call order.
        sent[mode] = server.requests
          // Each mode has its own server: its port aside, every byte counts.
          .map((q) => q.bytes.toString('latin1').replace(/\r\nhost: 127\.0\.0\.1:\d+\r\n/, '\r\nhost: -\r\n'))
          .sort((a, b) => Number(/X-K: (\d+)/.exec(a)![1]) - Number(/X-K: (\d+)/.exec(b)![1]));
      } finally {
        await http.close();
        await server.close();
      }
    }
    assert.equal(sent.ahead!.length, CALLS);
    assert.deepEqual(sent.ahead, sent['on demand']);
  });

  test('a run stopped before its schedule starts connects to nobody and sends nothing', async () => {
    const server = await startRawHttpServer();
    const http = new NetHttpClient({ connections: CONNECTIONS });
    let opened = 0;
    const watched: Transport = {
      ...onDemand(http),
      open: (u) => {
        opened++;
        return http.open(u);
      },
    };
    try {
      const s = await openRun(server.url, watched, AbortSignal.abort());
      assert.equal(s.interrupted, true);
      assert.equal(s.metrics.attempts, 0);
      assert.equal(opened, 0);
      await new Promise((r) => setImmediate(r));
      assert.equal(server.connections, 0);
    } finally {
      await http.close();
      await server.close();
    }
  });

  test('a receiver that refuses connections: the run does not wait on it, and its calls fail as before', async () => {
    const server = await startRawHttpServer();
    const url = server.url;
    await server.close();
    const http = new NetHttpClient({ connections: CONNECTIONS });
    try {
      const started = performance.now();
      const s = await openRun(url, http);
      assert.equal(s.metrics.failed, CALLS);
      assert.equal(s.metrics.attempts, CALLS, 'one attempt each, none sent twice');
      assert.ok(performance.now() - started < 5000);
    } finally {
      await http.close();
    }
  });
});
