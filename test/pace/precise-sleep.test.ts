import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { CallResult } from '../../src/model/results.js';
import { constantPacer } from '../../src/pace/pacer.js';
import { PreciseSleeper } from '../../src/pace/precise-sleep.js';
import { fire } from '../../src/run/fire.js';
import type { PreparedCall } from '../../src/run/source.js';
import { createTransport } from '../../src/transport/create.js';
import { runModuleScript } from '../helpers/module-script.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');

describe('precise sleeper: short sleeps on the main thread', () => {
  test('a short sleep lasts at least as long as asked, and the event loop takes a turn first', async () => {
    const sleeper = new PreciseSleeper(0.5);
    try {
      for (const ms of [0.01, 0.1, 0.3, 0.5]) {
        // Queued before the sleep: it runs only if the sleep lets the loop turn (answers are read).
        let turned = false;
        setImmediate(() => {
          turned = true;
        });
        const t0 = performance.now();
        await sleeper.sleep(ms);
        assert.ok(performance.now() - t0 >= ms, `slept ${performance.now() - t0} ms for ${ms}`);
        assert.ok(turned, `no turn of the event loop in a sleep of ${ms} ms`);
      }
    } finally {
      await sleeper.close();
    }
  });

  test('longer sleeps than blockMs still go through the helper thread, and blockMs 0 sends every sleep there', async () => {
    for (const blockMs of [0, 0.25]) {
      const sleeper = new PreciseSleeper(blockMs);
      try {
        for (const ms of [0.2, 0.6, 3]) {
          const t0 = performance.now();
          await sleeper.sleep(ms);
          // hrtime (the helper's clock) and performance.now() agree to well under 0.05 ms.
          assert.ok(
            performance.now() - t0 >= ms - 0.05,
            `blockMs ${blockMs}: slept ${performance.now() - t0} ms for ${ms}`,
          );
        }
      } finally {
        await sleeper.close();
      }
    }
  });

  test('a short sleep replaces a pending long one: it resolves at once, and nothing keeps the process alive', async () => {
    const sleeper = new PreciseSleeper(0.25);
    try {
      let longDone = false;
      const long = sleeper.sleep(60_000).then(() => {
        longDone = true;
      });
      await sleeper.sleep(0.1);
      await long;
      assert.ok(longDone);
    } finally {
      await sleeper.close();
    }
    // In a child: a replaced helper sleep must not hold the process until its 60 s deadline.
    const script = `
      const { PreciseSleeper } = await import(${JSON.stringify(join(ROOT, 'dist', 'src', 'pace', 'precise-sleep.js'))});
      const s = new PreciseSleeper(0.25);
      void s.sleep(60_000);
      await s.sleep(0.1);
      process.stdout.write('slept');
    `;
    const { code, out, err } = await runModuleScript(script, 30_000);
    assert.equal(code, 0, err);
    assert.equal(out, 'slept');
  });

  test('closed: a short sleep resolves at once', async () => {
    const sleeper = new PreciseSleeper(0.25);
    await sleeper.close();
    await sleeper.sleep(0.2);
  });
});

describe('precise sleeper: an open run through its short sleeps', () => {
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
