import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SEEDED_EPOCH } from '../../src/generate/events.js';
import { constantPacer } from '../../src/pace/pacer.js';
import { BuildPool } from '../../src/run/build-pool.js';
import type { LoadModel } from '../../src/run/fire.js';
import type { RequestOptions, Targets } from '../../src/run/request.js';
import type { PreparedCall } from '../../src/run/source.js';
import { warmUpSendPath } from '../../src/run/warm-up.js';
import { TRANSPORT_KINDS } from '../../src/transport/transport.js';

const request: RequestOptions = { format: 'form', dialect: 'smtpeter' };
// Port 9 (discard): the run's receiver; the warm-up must never send to it (nothing listens, a call would fail).
const targets: Targets = { url: new URL('http://127.0.0.1:9/hooks/smtpeter') };
// No mix: DSN scenarios give two calls per instance and bounces carry defects.
const generate = { seed: 424242 };

const clock = {
  now: (): number => performance.timeOrigin + performance.now(),
  sleep: (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms)),
};

const pool = (warmUpInstances: number): BuildPool =>
  new BuildPool(1, { generate, clockBase: SEEDED_EPOCH, request, targets, warmUpInstances, maxJobSize: 16 });

/** The next `n` calls' ids, types and bodies. */
async function calls(p: BuildPool, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let next = p.next();
    if (next instanceof Promise) next = await next;
    const call = next as PreparedCall;
    out.push(`${call.event.id} ${call.event.type} ${call.scenario} ${call.request.body.toString('latin1')}`);
  }
  return out;
}

/**
 * The warm-up sends a build pool's warm-up range (the run's own kind of
 * calls) through the run's transport and load model to a receiver of its
 * own on 127.0.0.1: every call answered, and the run's calls afterwards are
 * the same, in order, as a pool that never warmed up.
 */
describe('warmUpSendPath', () => {
  const models: LoadModel[] = [
    { kind: 'closed', concurrency: 8 },
    { kind: 'open', pacer: constantPacer(1000), maxInFlight: 1000 },
  ];
  for (const transport of TRANSPORT_KINDS)
    for (const model of models)
      test(`${model.kind} model over ${transport}: every warm-up call answered 2xx, the run's calls unchanged`, async () => {
        const cold = pool(0);
        const warm = pool(300);
        try {
          await Promise.all([cold.ready(), warm.ready()]);
          const ok = await warmUpSendPath({
            request,
            calls: warm.warmUpCalls(),
            count: 1000,
            targets,
            run: { seed: 2 ** 40 + 0.5 },
            clock,
            transport: { kind: transport, options: { connections: 8 } },
            model,
            maxMs: 30_000,
          });
          // 300 instances, some of them two calls (DSN bounces).
          assert.ok(ok >= 300, `${ok} warm-up calls answered`);
          // Counted: only the run's own calls built ahead meanwhile (two jobs of at most 16 instances).
          assert.ok(warm.built <= 64, `${warm.built} calls counted as built`);
          warm.endWarmUp();
          assert.deepEqual(await calls(warm, 200), await calls(cold, 200));
        } finally {
          await Promise.all([cold.close(), warm.close()]);
        }
      });

  test('a warm-up cut short (its time is up) leaves no warm-up call to the run', async () => {
    const cold = pool(0);
    const warm = pool(100_000);
    try {
      await Promise.all([cold.ready(), warm.ready()]);
      const ok = await warmUpSendPath({
        request,
        calls: warm.warmUpCalls(),
        count: 1_000_000,
        targets,
        run: {},
        clock,
        transport: { kind: 'net', options: { connections: 4 } },
        model: { kind: 'closed', concurrency: 4 },
        maxMs: 200,
      });
      assert.ok(ok > 0 && ok < 100_000, `${ok} warm-up calls answered`);
      warm.endWarmUp();
      assert.deepEqual(await calls(warm, 200), await calls(cold, 200));
    } finally {
      await Promise.all([cold.close(), warm.close()]);
    }
  });

  test("a pool's warm-up calls end after its warm-up range; the run's follow", async () => {
    const warm = pool(40);
    try {
      await warm.ready();
      const source = warm.warmUpCalls();
      let n = 0;
      for (;;) {
        let next = source.next();
        if (next instanceof Promise) next = await next;
        if (next === undefined) break;
        n++;
      }
      assert.ok(n >= 40, `${n} warm-up calls`);
      warm.endWarmUp();
      const first = (await calls(warm, 1))[0]!;
      const cold = pool(0);
      try {
        assert.equal(first, (await calls(cold, 1))[0]);
      } finally {
        await cold.close();
      }
    } finally {
      await warm.close();
    }
  });
});
