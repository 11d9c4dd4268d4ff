import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import type { CallResult } from '../../src/model/results.js';
import { constantPacer } from '../../src/pace/pacer.js';
import { PreciseSleeper } from '../../src/pace/precise-sleep.js';
import { fire } from '../../src/run/fire.js';
import type { PreparedCall } from '../../src/run/source.js';
import { createTransport } from '../../src/transport/create.js';

describe('precise sleeper: an open run', () => {
  test('5000 calls/s to a receiver on 127.0.0.1: every call sent once, in order, none before its due time, none dropped', async () => {
    const received: string[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(Buffer.concat(chunks).toString());
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
    const http = createTransport('net', { connections: 8, timeoutMs: 5000 });
    const sleeper = new PreciseSleeper();
    const results: CallResult[] = [];
    const n = 400;
    let i = 0;
    const next = (): PreparedCall | undefined => {
      if (i >= n) return undefined;
      const k = i++;
      const body = Buffer.from(`call=${k}`);
      return {
        event: { id: `id-${k}`, type: 'failure', recipient: `r${k}@example.com` },
        scenario: 'sync-userunknown',
        style: 'postfix',
        request: { headers: ['Content-Type', 'application/x-www-form-urlencoded'], body },
      };
    };
    try {
      const summary = await fire(
        {
          format: 'form',
          dialect: 'smtpeter',
          calls: { next },
          targets: { url },
          model: { kind: 'open', pacer: constantPacer(5000), maxInFlight: 1000 },
          count: n,
        },
        {
          http,
          now: () => performance.timeOrigin + performance.now(),
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          preciseSleep: (ms) => sleeper.sleep(ms),
          onResult: (r) => results.push(r),
        },
      );
      assert.equal(summary.metrics.ok, n);
      assert.equal(summary.metrics.dropped, 0);
      assert.deepEqual(
        results.map((r) => r.id).sort(),
        Array.from({ length: n }, (_, k) => `id-${k}`).sort(),
      );
      // Sent in schedule order, each at or after its due time (a sleep never ends early).
      const bySend = [...results].sort((a, b) => a.intendedAt - b.intendedAt);
      for (let k = 0; k < n; k++) {
        const r = bySend[k]!;
        assert.equal(r.id, `id-${k}`);
        assert.ok(r.sentAt >= r.intendedAt, `call ${k} sent ${r.intendedAt - r.sentAt} ms early`);
        if (k > 0) assert.ok(r.sentAt >= bySend[k - 1]!.sentAt);
      }
      assert.deepEqual([...received].sort(), Array.from({ length: n }, (_, k) => `call=${k}`).sort());
    } finally {
      await sleeper.close();
      await http.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
