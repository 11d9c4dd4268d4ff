import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PreciseSleeper } from '../../src/pace/precise-sleep.js';

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
        resolve('still running after 30 s');
      }, 30_000);
      child.on('exit', (c) => {
        clearTimeout(t);
        resolve(c ?? -1);
      });
    });
    assert.equal(code, 0, err);
    assert.equal(out, 'slept');
  });

  test('closed: a short sleep resolves at once', async () => {
    const sleeper = new PreciseSleeper(0.25);
    await sleeper.close();
    await sleeper.sleep(0.2);
  });
});
