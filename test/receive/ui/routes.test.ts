/**
 * The page's routes registered on a receiver: the script is the real file,
 * byte for byte, and it writes no markup from what calls carry.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Script } from 'node:vm';
import { startReceiver } from '../../../src/receive/server.js';
import { createUi } from '../../../src/receive/ui/routes.js';
import { ROOT } from '../../helpers/cli.js';

describe('the live page routes', () => {
  test('/ui/app.js is src/receive/ui/app.js byte for byte; it parses and never writes markup', async () => {
    const receiver = await startReceiver({ routes: createUi });
    try {
      const res = await fetch(`${receiver.url}ui/app.js`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
      const served = Buffer.from(await res.arrayBuffer());
      assert.ok(served.equals(readFileSync(join(ROOT, 'src', 'receive', 'ui', 'app.js'))));
      const text = served.toString('utf8');
      assert.doesNotThrow(() => new Script(text));
      assert.doesNotMatch(text, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    } finally {
      await receiver.close();
    }
  });

  test('without the routes the receiver serves no page: GET / is the plain verification answer', async () => {
    const receiver = await startReceiver();
    try {
      const res = await fetch(`${receiver.url}ui/app.js`);
      assert.equal(await res.text(), 'smtpeter-sim listen\n');
      assert.equal((await fetch(`${receiver.url}api/calls`)).headers.get('content-type'), 'text/plain');
    } finally {
      await receiver.close();
    }
  });

  test('with them: the page, the API and a new call published to it', async () => {
    const receiver = await startReceiver({ routes: createUi });
    try {
      const page = await fetch(receiver.url);
      assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      assert.match(await page.text(), /<script type="module" src="\/ui\/app\.js"><\/script>/);
      await fetch(receiver.url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'id=m1&type=failure',
      });
      const list = (await (await fetch(`${receiver.url}api/calls`)).json()) as Array<{ seq: number }>;
      assert.deepEqual(
        list.map((c) => c.seq),
        [1],
      );
    } finally {
      await receiver.close();
    }
  });
});
