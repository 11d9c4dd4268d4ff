import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { BIN, TEST_HOME } from '../helpers/cli.js';

/**
 * A stream that, when `ready` is written, notes how many SIGTERM handlers there
 * are right then, and stops the command the way a signal would.
 */
function watching(ready: RegExp, seen: number[]): NodeJS.WriteStream {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      if (ready.test(String(chunk))) {
        seen.push(process.listenerCount('SIGTERM'));
        // What a supervisor does on reading the line: stop it (the handler, as a real signal would run it).
        setImmediate(() => (process.listeners('SIGTERM').at(-1) as () => void)());
      }
      done();
    },
  }) as unknown as NodeJS.WriteStream;
}

// A supervisor that sends SIGTERM as soon as it reads the start-up lines must find the
// handler in place: without it the process is killed by the signal, nothing closed.
for (const [name, args, stream, ready] of [
  ['serve', ['serve', '--api-port', '0', '--smtp-port', '0', '--no-sign'], 'stdout', /^REST API/m],
  ['listen', ['listen', '--port', '0'], 'stderr', /^listening on/m],
  ['dns', ['dns', '--dns-port', '0'], 'stderr', /^DNS on/m],
] as const) {
  test(`${name}: the SIGTERM handler is in place before it says it is up`, async () => {
    process.env['XDG_CONFIG_HOME'] = TEST_HOME;
    const before = process.listenerCount('SIGTERM');
    const seen: number[] = [];
    const quiet = new Writable({ write: (_c, _e, done) => done() }) as unknown as NodeJS.WriteStream;
    const io: CliIO =
      stream === 'stdout'
        ? { stdout: watching(ready, seen), stderr: quiet }
        : { stdout: quiet, stderr: watching(ready, seen) };
    const code = await main([process.execPath, BIN, ...args], io);
    assert.equal(code, 0);
    assert.deepEqual(seen, [before + 1]);
    assert.equal(process.listenerCount('SIGTERM'), before, 'the handlers are removed once it stopped');
  });
}
