import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { deliveryStatusFields, parseMime } from '../helpers/mime.js';
import { type ServeRig, serveRig, TOKEN } from '../helpers/serve.js';

const SIM = 'simulator.smtpeter.test';

const message = (recipient: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  recipient,
  from: 'Webshop <orders@shop.example>',
  to: 'Anna Smit <anna@example.org>',
  subject: 'Your order 1017',
  text: 'Thanks for your order.',
  html: '<html><body><p>Thanks! <a href="https://shop.example/orders/1017">See your order</a> or <a href="https://shop.example/help">https://shop.example/help</a></p></body></html>',
  tags: ['orders', 'campaign-7'],
  ...extra,
});

/** Send one message to one recipient; the id the API answered with. */
async function sendOne(
  rig: ServeRig,
  recipient: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const r = await rig.send(message(recipient, extra));
  assert.equal(r.status, 200, r.text);
  const answer = JSON.parse(r.text) as Record<string, string>;
  const ids = Object.keys(answer);
  assert.equal(ids.length, 1);
  assert.equal(answer[ids[0]!], recipient);
  assert.match(ids[0]!, /^[0-9a-f]{32}$/);
  return ids[0]!;
}

const kinds = (hooks: { fields: Record<string, unknown> }[]): unknown[] => hooks.map((h) => h.fields['type']);

describe('serve over REST: each outcome comes back as the webhook calls it causes', () => {
  let rig: ServeRig;
  before(async () => {
    rig = await serveRig();
  });
  after(() => rig.close());

  test('delivered: one delivery call with the id, recipient and tags', async () => {
    const id = await sendOne(rig, `delivered@${SIM}`);
    const hooks = await rig.waitCalls(id, 1);
    assert.deepEqual(kinds(hooks), ['delivery']);
    const f = hooks[0]!.fields;
    assert.equal(f['recipient'], `delivered@${SIM}`);
    assert.deepEqual(f['tags'], ['orders', 'campaign-7']);
    assert.match(String(f['code']), /^250$/);
    const target = new URL(rig.receiver.url);
    assert.equal(hooks[0]!.path, target.pathname + target.search);
  });

  test('bounce: delivery, then a DSN returning the message as sent, with ENVID and ORCPT', async () => {
    const id = await sendOne(rig, `bounce+order-1017@${SIM}`, {
      dsn: { envid: 'ORDER-1017', orcpt: `rfc822;bounce+order-1017@${SIM}`, ret: 'FULL' },
    });
    const hooks = await rig.waitCalls(id, 3);
    assert.deepEqual(kinds(hooks).slice(0, 1), ['delivery']);
    assert.deepEqual(new Set(kinds(hooks).slice(1)), new Set(['bounce', 'failure']));
    const bounce = hooks.find((h) => h.fields['type'] === 'bounce')!.fields;
    assert.equal(bounce['envelope'], `${id}@bounces.${SIM}`);
    const mime = String(bounce['mime']);
    const status = deliveryStatusFields(mime)!;
    assert.equal(status[0]!['original-envelope-id'], 'ORDER-1017');
    assert.equal(status[1]!['original-recipient'], `rfc822;bounce+order-1017@${SIM}`);
    assert.match(status[1]!['status']!, /^5\.1\.1$/);
    // The returned message is the one that went out: its Message-ID, its rewritten link.
    const sentHtml = await (await fetch(`${rig.serve.apiUrl}/v1/html/${id}?access_token=${TOKEN}`)).text();
    const headers = (await (
      await fetch(`${rig.serve.apiUrl}/v1/headers/${id}?access_token=${TOKEN}`)
    ).json()) as Record<string, string>;
    const parsed = await parseMime(mime);
    const returned = parsed.attachments.find((a) => a.mimeType === 'message/rfc822');
    assert.ok(returned, 'the DSN returns the message');
    const inner = await parseMime(Buffer.from(returned.content as ArrayBuffer).toString('utf8'));
    assert.equal(inner.messageId, headers['Message-ID']);
    assert.equal(inner.subject, 'Your order 1017');
    assert.equal(inner.html?.trim(), sentHtml.trim());
    assert.ok(sentHtml.includes(`/orders/1017?${id}-0"`), sentHtml);
    const failure = hooks.find((h) => h.fields['type'] === 'failure')!.fields;
    assert.equal(failure['state'], 'bounce');
    assert.equal(failure['extended'], '5.1.1');
  });

  test('softbounce: a greylisting failure, then the delivery', async () => {
    const id = await sendOne(rig, `softbounce@${SIM}`);
    const hooks = await rig.waitCalls(id, 2);
    assert.deepEqual(kinds(hooks), ['failure', 'delivery']);
    assert.equal(hooks[0]!.fields['action'], 'failure');
    assert.match(String(hooks[0]!.fields['code']), /^4\d\d$/);
  });

  test('ooto: delivered, then an auto-reply quoting the Subject, In-Reply-To the Message-ID', async () => {
    const id = await sendOne(rig, `ooto@${SIM}`);
    const hooks = await rig.waitCalls(id, 2);
    assert.deepEqual(kinds(hooks), ['delivery', 'bounce']);
    const headers = (await (
      await fetch(`${rig.serve.apiUrl}/v1/headers/${id}?access_token=${TOKEN}`)
    ).json()) as Record<string, string>;
    const reply = await parseMime(String(hooks[1]!.fields['mime']));
    assert.equal(reply.inReplyTo, headers['Message-ID']);
    assert.match(reply.subject ?? '', /Your order 1017/);
  });

  test('complaint: delivered, then an ARF abuse report that carries the message', async () => {
    const id = await sendOne(rig, `complaint@${SIM}`);
    const hooks = await rig.waitCalls(id, 2);
    assert.deepEqual(kinds(hooks), ['delivery', 'abuse']);
    const arf = String(hooks[1]!.fields['mime']);
    assert.match(arf, /report-type=feedback-report/);
    assert.match(arf, /Feedback-Type: abuse/);
    assert.match(arf, /Your order 1017/);
  });

  test('opened and clicked: the open, then one click per tracked link (preventscam leaves a URL-text link alone)', async () => {
    const opened = await sendOne(rig, `opened@${SIM}`);
    assert.deepEqual(kinds(await rig.waitCalls(opened, 2)), ['delivery', 'open']);
    const clicked = await sendOne(rig, `clicked@${SIM}`, { preventscam: true });
    const hooks = await rig.waitCalls(clicked, 3);
    assert.deepEqual(kinds(hooks), ['delivery', 'open', 'click']);
    assert.equal(hooks[2]!.fields['original'], 'https://shop.example/orders/1017');
  });

  test('a scenario name as local part: sync-userunknown fails at RCPT, nothing delivered', async () => {
    const id = await sendOne(rig, `sync-userunknown@${SIM}`);
    const hooks = await rig.waitCalls(id, 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(kinds(rig.about(id)), ['failure']);
    assert.equal(hooks[0]!.fields['action'], 'failed');
    assert.equal(hooks[0]!.fields['state'], 'rcptto');
  });

  // SMTPeter's click tracking keeps the link's path and adds an identifier (smtpeter-api.md, "Tracking").
  test('a real click on the rewritten link redirects to the original and fires the click call', async () => {
    const id = await sendOne(rig, `delivered@${SIM}`);
    await rig.waitCalls(id, 1);
    const html = await (await fetch(`${rig.serve.apiUrl}/v1/html/${id}?access_token=${TOKEN}`)).text();
    const link = `${rig.serve.apiUrl}/orders/1017?${id}-0`;
    assert.ok(html.includes(`<a href="${link}">See your order</a>`), html);
    assert.ok(
      html.includes(`<a href="${rig.serve.apiUrl}/help?${id}-1">https://shop.example/help</a>`),
      html,
    );
    const res = await fetch(link, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 test' } });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'https://shop.example/orders/1017');
    const hooks = await rig.waitCalls(id, 2);
    assert.equal(hooks[1]!.fields['type'], 'click');
    assert.equal(hooks[1]!.fields['original'], 'https://shop.example/orders/1017');
    assert.equal(hooks[1]!.fields['url'], link);
    assert.equal(hooks[1]!.fields['useragent'], 'Mozilla/5.0 test');
    // The pixel fires the open.
    const pixel = /src="([^"]+\/o\/[^"]+\.gif)"/.exec(html)![1]!;
    assert.equal((await fetch(pixel)).headers.get('content-type'), 'image/gif');
    assert.equal((await rig.waitCalls(id, 3))[2]!.fields['type'], 'open');
  });

  test("a link whose path is the API's own (/v1/...) is still a click, not an API call", async () => {
    const id = await sendOne(rig, `delivered@${SIM}`, {
      html: '<p><a href="https://docs.example/v1/send?lang=en">API docs</a></p>',
    });
    await rig.waitCalls(id, 1);
    const html = await (await fetch(`${rig.serve.apiUrl}/v1/html/${id}?access_token=${TOKEN}`)).text();
    const link = `${rig.serve.apiUrl}/v1/send?${id}-0`;
    assert.ok(html.includes(`<a href="${link}">API docs</a>`), html);
    const res = await fetch(link, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'https://docs.example/v1/send?lang=en');
    const click = (await rig.waitCalls(id, 2))[1]!.fields;
    assert.deepEqual(
      [click['type'], click['url'], click['original']],
      ['click', link, 'https://docs.example/v1/send?lang=en'],
    );
    // An identifier that names no message is not a click, and a wrong link number neither.
    assert.equal((await fetch(`${rig.serve.apiUrl}/orders/1?${id}-9`)).status, 404);
  });

  test("a link whose path starts with // is a path: the click names serve's own link; a Host that is not host[:port] is a 400", async () => {
    const id = await sendOne(rig, `delivered@${SIM}`, {
      html: '<p><a href="https://shop.example//evil.example/x?q=1">odd</a></p>',
    });
    await rig.waitCalls(id, 1);
    const link = `${rig.serve.apiUrl}//evil.example/x?${id}-0`;
    const res = await fetch(link, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'https://shop.example//evil.example/x?q=1');
    assert.equal((await rig.waitCalls(id, 2))[1]!.fields['url'], link);
    // fetch() will not send a Host of one's own: node:http will.
    const port = Number(new URL(rig.serve.apiUrl).port);
    for (const host of ['a b', 'x?q=', 'x#', 'x/y']) {
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/v1/messages', headers: { host } }, (r) => {
          let body = '';
          r.setEncoding('utf8').on('data', (c: string) => (body += c));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
        });
        req.on('error', reject).end();
      });
      assert.deepEqual(
        answer,
        { status: 400, body: 'bad request: the Host header is not a host[:port]\n' },
        host,
      );
    }
    // Every form of host[:port] is served: a name, an IPv6 literal, an empty port (RFC 3986 allows it).
    for (const host of ['localhost:', '[::1]:8026', 'example.com.', '127.0.0.1']) {
      const status = await new Promise<number>((resolve, reject) => {
        const path = `/v1/events/messageid/${id}?access_token=${TOKEN}`;
        const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host } }, (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        });
        req.on('error', reject).end();
      });
      assert.equal(status, 200, host);
    }
    assert.equal(
      (await fetch(`${rig.serve.apiUrl}/v1/events/messageid/${id}?access_token=${TOKEN}`)).status,
      200,
    );
  });

  test('several recipients: one id each; events by id, by address and by tag', async () => {
    const r = await rig.send(
      message(`delivered@${SIM}`, {
        recipient: undefined,
        recipients: [`anna@example.org`, `delivered+b@${SIM}`],
      }),
    );
    assert.equal(r.status, 200, r.text);
    const answer = JSON.parse(r.text) as Record<string, string>;
    assert.deepEqual(Object.values(answer).sort(), [`anna@example.org`, `delivered+b@${SIM}`]);
    const [idA] = Object.keys(answer);
    await rig.waitCalls(idA!, 1);
    const byId = (await (
      await fetch(`${rig.serve.apiUrl}/v1/events/messageid/${idA}?access_token=${TOKEN}`)
    ).json()) as {
      event: string;
      data: Record<string, unknown>;
    }[];
    assert.deepEqual(
      byId.map((e) => e.event),
      ['attempt', 'delivery'],
    );
    assert.equal(byId[1]!.data['tags'], 'orders;campaign-7');
    const byEmail = (await (
      await fetch(
        `${rig.serve.apiUrl}/v1/events/email/${encodeURIComponent(`delivered+b@${SIM}`)}?access_token=${TOKEN}`,
      )
    ).json()) as unknown[];
    assert.ok(byEmail.length >= 1);
    const byTag = (await (
      await fetch(`${rig.serve.apiUrl}/v1/events/tags/campaign-7?access_token=${TOKEN}`)
    ).json()) as { data: { id: string } }[];
    assert.ok(byTag.some((e) => e.data.id === idA));
  });
});

// Its own serve: the draws of the outcomes above stay as they were.
describe('serve: the bounce fate', () => {
  let own: ServeRig;
  before(async () => {
    own = await serveRig();
  });
  after(() => own.close());

  // The MX that accepted the message is the one that bounces it: its 250 and its DSN are one MTA's.
  test('bounce: the delivery reply and the DSN come from one Postfix, message after message', async () => {
    for (let n = 0; n < 12; n++) {
      const id = await sendOne(own, `bounce+${n}@${SIM}`);
      const hooks = await own.waitCalls(id, 3);
      const delivery = hooks.find((h) => h.fields['type'] === 'delivery')!.fields;
      assert.deepEqual([delivery['code'], delivery['extended']], ['250', '2.0.0']);
      assert.match(String(delivery['description']), /^Ok: queued as [0-9A-Za-z]{10,}$/, `message ${n}`);
      const mime = String(hooks.find((h) => h.fields['type'] === 'bounce')!.fields['mime']);
      assert.match(mime, /^X-Postfix-Queue-ID: [0-9A-F]+\r$/m);
      assert.match(mime, /^Reporting-MTA: dns; \S+\r$/m);
    }
  });
});
