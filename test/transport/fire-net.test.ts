import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cli } from '../helpers/cli.js';
import { startRawHttpServer } from '../helpers/raw-http-server.js';

/** A request's bytes with its Date line (wall clock) blanked. */
const timeless = (bytes: Buffer): string =>
  bytes.toString('latin1').replace(/\r\nDate: [^\r]*\r\n/, '\r\nDate: -\r\n');

describe('fire --transport net', () => {
  it('puts on the wire what undici does for the same seeded unsigned calls, and the report counts them', async () => {
    const server = await startRawHttpServer((socket, _req, n) =>
      socket.write(
        n % 5 === 0
          ? 'HTTP/1.1 503 Busy\r\nRetry-After: 0\r\nContent-Length: 0\r\n\r\n'
          : 'HTTP/1.1 204 No Content\r\n\r\n',
      ),
    );
    try {
      const sent: Record<string, string[]> = {};
      for (const transport of ['undici', 'net']) {
        const before = server.requests.length;
        const r = await cli([
          'fire',
          '--url',
          server.url,
          '--no-sign',
          '--seed',
          '7',
          '-n',
          '12',
          '-c',
          '1',
          '--json',
          '-q',
          '--transport',
          transport,
        ]);
        assert.equal(r.code, 1, r.stderr); // the 503s fail the run the same way for both
        const report = JSON.parse(r.stdout) as { sent: number; status: Record<string, number> };
        assert.equal(report.sent, 12);
        assert.deepEqual(report.status, { '204': 10, '503': 2 });
        sent[transport] = server.requests.slice(before).map((q) => timeless(q.bytes));
      }
      assert.equal(sent.net!.length, 12);
      assert.deepEqual(sent.net, sent.undici);
      assert.match(
        sent.net![0]!,
        /^POST \/hooks\/smtpeter\?env=test HTTP\/1\.1\r\nhost: 127\.0\.0\.1:\d+\r\nconnection: keep-alive\r\nContent-Type: /,
      );
    } finally {
      await server.close();
    }
  });

  it('rejects an unknown --transport with exit 2, sending nothing', async () => {
    const server = await startRawHttpServer();
    try {
      const r = await cli(['fire', '--url', server.url, '--no-sign', '-n', '1', '--transport', 'curl']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /--transport/);
      assert.equal(server.requests.length, 0);
    } finally {
      await server.close();
    }
  });
});
