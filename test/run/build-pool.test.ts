import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EventGenerator, eventClock, type GenerateOptions, SEEDED_EPOCH } from '../../src/generate/events.js';
import { PreciseSleeper } from '../../src/pace/precise-sleep.js';
import { BuildPool } from '../../src/run/build-pool.js';
import { buildRequest, type RequestOptions, type Targets, targetFor } from '../../src/run/request.js';
import type { PreparedCall } from '../../src/run/source.js';
import { ROOT } from '../helpers/cli.js';
import { independentVerify } from '../helpers/verify-signature.js';

interface Seen {
  meta: string;
  names: string[];
  values: Record<string, string>;
  body: Buffer;
}

const targets: Targets = {
  failureUrl: new URL('http://127.0.0.1:9/hooks/failure?env=t'),
  bounceUrl: new URL('http://127.0.0.1:9/hooks/bounce'),
};

/** What the main thread builds for the first `n` calls: the reference. */
function mainThread(generate: Omit<GenerateOptions, 'clock'>, options: RequestOptions, n: number): Seen[] {
  const generator = new EventGenerator({ ...generate, clock: eventClock(SEEDED_EPOCH, Date.now) });
  return generator.take(n).map((call) => {
    const req = buildRequest(call, targetFor(call, targets), options);
    const names = Object.keys(req.headers);
    return {
      meta: [call.event.id, call.event.type, call.event.recipient, call.scenario, call.style].join(' '),
      names,
      values: req.headers,
      body: req.body,
    };
  });
}

async function fromPool(pool: BuildPool, n: number): Promise<Seen[]> {
  const out: Seen[] = [];
  for (let i = 0; i < n; i++) {
    let next = pool.next();
    if (next instanceof Promise) next = await next;
    const call = next as PreparedCall;
    const { headers, body } = call.request;
    const names = headers.filter((_, k) => k % 2 === 0);
    const values: Record<string, string> = {};
    for (let k = 0; k < headers.length; k += 2) values[headers[k]!] = headers[k + 1]!;
    out.push({
      meta: [call.event.id, call.event.type, call.event.recipient, call.scenario, call.style].join(' '),
      names,
      values,
      body: Buffer.from(body),
    });
  }
  return out;
}

/** Same calls, same order, same bytes; only what changes per send (Date, nonce, signature) may differ. */
function assertSame(actual: Seen[], expected: Seen[], volatile: string[]): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    assert.equal(a.meta, e.meta, `call ${i}`);
    assert.deepEqual(a.names, e.names, `call ${i} header names`);
    for (const name of e.names)
      if (!volatile.includes(name)) assert.equal(a.values[name], e.values[name], `call ${i} ${name}`);
    assert.ok(a.body.equals(e.body), `call ${i} body`);
  }
}

describe('build pool: calls built on worker threads', () => {
  // No type or mix: DSN scenarios give two calls per instance, so instance ranges and call order both matter.
  const generate = { seed: 424242, tags: ['load', 'test'] };
  const unsigned: RequestOptions = {
    format: 'form',
    dialect: 'smtpeter',
    extraHeaders: { 'X-Run': 'pool-test', 'User-Agent': 'overridden' },
  };
  const N = 240;

  for (const workers of [1, 3]) {
    test(`${workers} worker(s): the same calls, in order, byte for byte, as the main thread`, async () => {
      const expected = mainThread(generate, unsigned, N);
      const pool = new BuildPool(workers, { generate, clockBase: SEEDED_EPOCH, request: unsigned, targets });
      try {
        await pool.ready();
        assertSame(await fromPool(pool, N), expected, ['Date']);
      } finally {
        await pool.close();
      }
    });
  }

  // Linux only: a thread's nice value is field 19 of /proc/<pid>/task/<tid>/stat (after the name in parentheses).
  test('yieldToSender: the workers run at nice 10, the main thread at its own', {
    skip: process.platform !== 'linux' && 'thread priorities are read from Linux /proc',
  }, async () => {
    const niceOf = (tid: string): number =>
      Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
    const before = new Map(readdirSync('/proc/self/task').map((tid) => [tid, niceOf(tid)]));
    const pool = new BuildPool(2, {
      generate: { seed: 7 },
      clockBase: SEEDED_EPOCH,
      request: unsigned,
      targets,
      yieldToSender: true,
    });
    try {
      await pool.ready();
      const added = readdirSync('/proc/self/task').filter((tid) => !before.has(tid));
      assert.deepEqual(
        added.map(niceOf).filter((n) => n === 10),
        [10, 10],
        "the two workers (their other threads, V8's and libuv's, keep the default)",
      );
      assert.equal(niceOf(String(process.pid)), before.get(String(process.pid)));
    } finally {
      await pool.close();
    }
  });

  test('json bodies and small jobs (open run at a low rate): still the same calls', async () => {
    const json: RequestOptions = { format: 'json', dialect: 'marketing-suite' };
    const mix = [
      { type: 'failure' as const, weight: 3 },
      { type: 'bounce' as const, weight: 1 },
    ];
    const expected = mainThread({ seed: 7, mix }, json, 120);
    const pool = new BuildPool(2, {
      generate: { seed: 7, mix },
      clockBase: SEEDED_EPOCH,
      request: json,
      targets,
      maxJobSize: 1,
      minAhead: 5,
    });
    try {
      assertSame(await fromPool(pool, 120), expected, ['Date']);
    } finally {
      await pool.close();
    }
  });

  test('signed: same bodies and digests; every signature verifies against its own target', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signed: RequestOptions = {
      format: 'form',
      dialect: 'smtpeter',
      signing: { privateKey, keyId: 'k1', copernicaId: 'environment-9' },
    };
    const expected = mainThread(generate, signed, 40);
    const pool = new BuildPool(2, { generate, clockBase: SEEDED_EPOCH, request: signed, targets });
    try {
      const actual = await fromPool(pool, 40);
      assertSame(actual, expected, ['Date', 'X-Nonce', 'Signature']);
      for (const call of actual) {
        const url = call.meta.split(' ')[1] === 'failure' ? targets.failureUrl! : targets.bounceUrl!;
        const lower = Object.fromEntries(Object.entries(call.values).map(([k, v]) => [k.toLowerCase(), v]));
        const v = independentVerify(
          'POST',
          url.pathname + url.search,
          { ...lower, host: url.host },
          call.body,
          publicKey,
        );
        assert.ok(v.ok, v.why);
      }
    } finally {
      await pool.close();
    }
  });

  test('a worker that cannot start fails ready() and next(), not silently', async () => {
    const pool = new BuildPool(1, {
      generate: { seed: 1, scenario: 'no-such-scenario' },
      clockBase: SEEDED_EPOCH,
      request: unsigned,
      targets,
    });
    try {
      await assert.rejects(pool.ready(), /no-such-scenario|scenario/i);
      assert.throws(() => pool.next());
    } finally {
      await pool.close();
    }
  });

  test('after close(): next() gives no more calls, and nothing keeps the process alive', async () => {
    // A child process reads some calls, closes the pool (and a sleeper) and must then exit by itself.
    const pool = (p: string): string => JSON.stringify(join(ROOT, 'dist', 'src', p));
    const script = `
      const { BuildPool } = await import(${pool('run/build-pool.js')});
      const { PreciseSleeper } = await import(${pool('pace/precise-sleep.js')});
      const p = new BuildPool(2, { generate: { seed: 3 }, clockBase: 0, request: { format: 'form', dialect: 'smtpeter' },
        targets: { url: new URL('http://127.0.0.1:9/') } });
      await p.ready();
      for (let i = 0; i < 50; i++) { const c = p.next(); if (c instanceof Promise) await c; }
      const s = new PreciseSleeper();
      await s.sleep(2);
      await s.close();
      await p.close();
      if (p.next() !== undefined) process.exit(3);
      process.stdout.write('closed');
      // An unclosed pool must not hold the process either.
      new BuildPool(1, { generate: { seed: 3 }, clockBase: 0, request: { format: 'form', dialect: 'smtpeter' },
        targets: { url: new URL('http://127.0.0.1:9/') } });
      new PreciseSleeper();
    `;
    // `--input-type=module -e`: workers must start there too (Node refuses that flag in a worker).
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const code = await new Promise<number | string>((resolve) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('still running after 60 s');
      }, 60_000);
      child.on('exit', (c) => {
        clearTimeout(t);
        resolve(c ?? -1);
      });
    });
    assert.equal(code, 0, err);
    assert.equal(out, 'closed');
  });
});

describe('precise sleeper', () => {
  test('sleeps at least as long as asked, sub-millisecond too; close() resolves a pending sleep', async () => {
    const sleeper = new PreciseSleeper();
    try {
      for (const ms of [0.3, 2, 5]) {
        const t0 = performance.now();
        await sleeper.sleep(ms);
        // The clock the sleeper uses (hrtime) and performance.now() agree to well under 0.05 ms.
        assert.ok(performance.now() - t0 >= ms - 0.05, `slept ${performance.now() - t0} ms for ${ms}`);
      }
      const pending = sleeper.sleep(60_000);
      await sleeper.close();
      await pending;
      await sleeper.sleep(10); // closed: returns at once
    } finally {
      await sleeper.close();
    }
  });
});
