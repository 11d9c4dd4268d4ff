import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { cli } from '../helpers/cli.js';

/** A port some other program holds. */
function holdPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

describe('serve on a port in use', () => {
  let held: { server: Server; port: number };
  before(async () => {
    held = await holdPort();
  });
  after(() => held.server.close());

  // The store, the signing threads and the embedded receiver are up before the fronts listen:
  // a front that cannot listen must take them down, or the process never exits.
  for (const [flag, other] of [
    ['--api-port', '--smtp-port'],
    ['--smtp-port', '--api-port'],
  ] as const) {
    test(`${flag} taken: one line, exit 2, and the process ends`, async () => {
      const r = await cli(['serve', flag, String(held.port), other, '0'], { timeoutMs: 30_000 });
      assert.equal(r.code, 2, `exit ${r.code}; stderr: ${r.stderr}`);
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(
        lines[0]!,
        /^smtpeter-sim: --api-port\/--smtp-port: address already in use .*0 takes any free port$/,
      );
      assert.equal(r.stdout, '');
    });
  }
});
