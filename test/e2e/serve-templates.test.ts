import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseMime } from '../helpers/mime.js';
import { type ServeRig, serveRig, TOKEN } from '../helpers/serve.js';
import { sqliteUnavailable } from '../helpers/sqlite.js';

const SIM = 'simulator.smtpeter.test';
const ANNA = `bounce+anna@${SIM}`;
const BEN = `bounce+ben@${SIM}`;

const TEMPLATE = {
  name: 'order-confirmation',
  from: 'Webshop <orders@shop.example>',
  subject: 'Order {$order.number} for {$name}',
  text: 'Dear {$name},\n\nThanks for order {$order.number} at {$shop}.{$unset}\n',
  html: '<html><body><p>Dear {$name},</p><p><a href="https://shop.example/orders/{$order.number}">Order {$order.number}</a></p></body></html>',
};

/** A plain HTTP call to the API: status and body text. */
async function api(
  rig: ServeRig,
  path: string,
  body?: unknown,
  method: string = body === undefined ? 'GET' : 'POST',
): Promise<{ status: number; text: string; location: string | null }> {
  const res = await fetch(`${rig.serve.apiUrl}${path}?access_token=${TOKEN}`, {
    method,
    redirect: 'manual',
    ...(body !== undefined
      ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
      : {}),
  });
  return { status: res.status, text: await res.text(), location: res.headers.get('location') };
}

async function createTemplate(rig: ServeRig, body: unknown): Promise<number> {
  const r = await api(rig, '/v1/template', body);
  assert.equal(r.status, 200, r.text);
  const id = JSON.parse(r.text) as unknown;
  assert.equal(typeof id, 'number', `the answer is the template id: ${r.text}`);
  return id as number;
}

/** Send with a template; the answer's ids by recipient. */
async function sendTemplate(rig: ServeRig, body: Record<string, unknown>): Promise<Record<string, string>> {
  const r = await rig.send(body);
  assert.equal(r.status, 200, r.text);
  const answer = JSON.parse(r.text) as Record<string, string>;
  return Object.fromEntries(Object.entries(answer).map(([id, rcpt]) => [rcpt, id]));
}

describe('serve: templates, personalisation per recipient', () => {
  let rig: ServeRig;
  before(async () => {
    rig = await serveRig();
  });
  after(() => rig.close());

  test('a template made over REST, sent to two recipients with their own data', async () => {
    const templateId = await createTemplate(rig, TEMPLATE);
    const stored = JSON.parse((await api(rig, '/v1/template/order-confirmation')).text) as Record<
      string,
      unknown
    >;
    assert.equal(stored['id'], templateId);
    assert.equal(stored['subject'], TEMPLATE.subject);

    const ids = await sendTemplate(rig, {
      template: templateId,
      data: { shop: 'Webshop', name: 'customer' },
      recipients: {
        [ANNA]: { name: 'Anna', order: { number: 1017 } },
        [BEN]: { name: 'Ben', order: { number: 2040 } },
      },
      tags: ['orders'],
      dsn: { ret: 'FULL' },
    });
    assert.deepEqual(Object.keys(ids).sort(), [ANNA, BEN]);
    for (const [recipient, name, order] of [
      [ANNA, 'Anna', '1017'],
      [BEN, 'Ben', '2040'],
    ] as const) {
      const id = ids[recipient]!;
      const text = await api(rig, `/v1/text/${id}`);
      assert.equal(
        text.text.replace(/\r\n/g, '\n'),
        `Dear ${name},\n\nThanks for order ${order} at Webshop.\n`,
      );
      const html = (await api(rig, `/v1/html/${id}`)).text;
      assert.match(html, new RegExp(`<p>Dear ${name},</p>`));
      assert.match(html, new RegExp(`>Order ${order}</a>`));
      // The personalised link is tracked: the click URL redirects to this recipient's order.
      const click = /href="([^"]+)"/.exec(html)![1]!;
      assert.equal(click, `${rig.serve.apiUrl}/orders/${order}?${id}-0`);
      const jump = await fetch(click, { redirect: 'manual' });
      assert.equal(jump.headers.get('location'), `https://shop.example/orders/${order}`);

      // The webhook calls: delivery, then the DSN that returns this recipient's own message.
      const hooks = await rig.waitCalls(id, 3);
      assert.equal(hooks[0]!.fields['type'], 'delivery');
      assert.equal(hooks[0]!.fields['recipient'], recipient);
      const bounce = hooks.find((h) => h.fields['type'] === 'bounce')!.fields;
      const dsn = await parseMime(String(bounce['mime']));
      const returned = dsn.attachments.find((a) => a.mimeType === 'message/rfc822');
      assert.ok(returned, 'the DSN returns the message');
      const inner = await parseMime(Buffer.from(returned.content as ArrayBuffer).toString('utf8'));
      assert.equal(inner.subject, `Order ${order} for ${name}`);
      assert.match(String(inner.text), new RegExp(`^Dear ${name},`));

      const events = JSON.parse((await api(rig, `/v1/events/messageid/${id}`)).text) as {
        data: { templateid: number };
      }[];
      assert.ok(events.length > 0);
      for (const e of events) assert.equal(e.data.templateid, templateId);
    }
  });

  test('an inline template JSON, and a send without a template keeps its braces', async () => {
    const inline = await sendTemplate(rig, {
      recipient: `delivered@${SIM}`,
      template: { from: 'a@shop.example', subject: 'Hi {$name}', text: 'Hello {$name}' },
      data: { name: 'Cleo' },
    });
    assert.equal((await api(rig, `/v1/text/${inline[`delivered@${SIM}`]}`)).text.trimEnd(), 'Hello Cleo');
    const plain = await sendTemplate(rig, {
      recipient: `delivered@${SIM}`,
      from: 'a@shop.example',
      text: 'Literal {$name}',
    });
    assert.equal((await api(rig, `/v1/text/${plain[`delivered@${SIM}`]}`)).text.trimEnd(), 'Literal {$name}');
  });
});

describe('serve: a template changed with PUT, removed with DELETE, its events by template', () => {
  let rig: ServeRig;
  before(async () => {
    rig = await serveRig();
  });
  after(() => rig.close());

  test('PUT replaces the content under the same id; sent messages keep what they were', async () => {
    const id = await createTemplate(rig, {
      name: 'news',
      from: 'a@shop.example',
      subject: 'Old {$n}',
      text: 'old {$n}',
    });
    const before = await sendTemplate(rig, { recipient: `delivered@${SIM}`, template: id, data: { n: 1 } });
    const put = await api(
      rig,
      `/v1/template/${id}`,
      { subject: 'New {$n}', from: 'b@shop.example', text: 'new {$n}' },
      'PUT',
    );
    assert.equal(put.status, 200, put.text);
    assert.equal(JSON.parse(put.text), id);
    const stored = JSON.parse((await api(rig, '/v1/template/news')).text) as Record<string, unknown>;
    assert.deepEqual(
      stored,
      { id, name: 'news', from: 'b@shop.example', subject: 'New {$n}', text: 'new {$n}' },
      'the name is kept, the content replaced whole',
    );
    const after = await sendTemplate(rig, {
      recipient: `delivered@${SIM}`,
      template: 'news',
      data: { n: 2 },
    });
    assert.equal((await api(rig, `/v1/text/${after[`delivered@${SIM}`]}`)).text.trimEnd(), 'new 2');
    assert.equal((await api(rig, `/v1/text/${before[`delivered@${SIM}`]}`)).text.trimEnd(), 'old 1');

    // /v1/events/template/ID: both messages' events, and none of a message made without it.
    await sendTemplate(rig, { recipient: `delivered@${SIM}`, from: 'c@shop.example', text: 'no template' });
    await rig.waitCalls(after[`delivered@${SIM}`]!, 1);
    const events = JSON.parse((await api(rig, `/v1/events/template/${id}`)).text) as {
      event: string;
      data: { id: string; templateid: number };
    }[];
    assert.deepEqual(
      [...new Set(events.map((e) => e.data.id))].sort(),
      [before[`delivered@${SIM}`], after[`delivered@${SIM}`]].sort(),
    );
    for (const e of events) assert.equal(e.data.templateid, id);
    assert.ok(
      events.some((e) => e.event === 'delivery'),
      JSON.stringify(events),
    );
  });

  test('PUT is checked as POST is, and names an existing template', async () => {
    const id = await createTemplate(rig, { from: 'a@shop.example', text: 'x' });
    const unknownField = await api(rig, `/v1/template/${id}`, { text: 'y', colour: 'red' }, 'PUT');
    assert.equal(unknownField.status, 400);
    assert.match(unknownField.text, /^unknown template field 'colour'/);
    assert.equal(JSON.parse((await api(rig, `/v1/template/${id}`)).text).text, 'x', 'nothing half-stored');
    const missing = await api(rig, '/v1/template/999', { text: 'y' }, 'PUT');
    assert.deepEqual([missing.status, missing.text], [404, "unknown template '999'\n"]);
  });

  test('DELETE removes it: sends naming it get a 404, the id is not given again', async () => {
    const id = await createTemplate(rig, { name: 'gone', from: 'a@shop.example', text: 'x' });
    const del = await api(rig, '/v1/template/gone', undefined, 'DELETE');
    assert.deepEqual([del.status, del.text], [200, 'true\n']);
    const send = await rig.send({ recipient: `delivered@${SIM}`, template: id });
    assert.deepEqual([send.status, send.text], [404, `unknown template '${id}'\n`]);
    assert.equal((await api(rig, '/v1/template/gone', undefined, 'DELETE')).status, 404);
    const listed = JSON.parse((await api(rig, '/v1/templates')).text) as { id: number }[];
    assert.ok(!listed.some((t) => t.id === id));
    assert.ok((await createTemplate(rig, { from: 'a@shop.example', text: 'y' })) > id);
    const bad = await api(rig, '/v1/events/template/gone');
    assert.deepEqual(
      [bad.status, bad.text],
      [400, "template: expected a template id (a number), got 'gone'\n"],
    );
  });

  // SMTPeter takes a name twice, and finds a template by name only "if you always give unique
  // names": a shared name picks neither (a 409 naming the ids) until one is renamed or deleted.
  test('two templates with one name: each made, by name neither is used, by id each is', async () => {
    const first = await createTemplate(rig, { name: 'order', from: 'a@shop.example', text: 'first' });
    const second = await createTemplate(rig, { name: 'order', from: 'a@shop.example', text: 'second' });
    assert.notEqual(first, second);
    const clash = `template: 2 templates are named 'order' (ids ${first}, ${second}); name it by its id, or rename one with PUT /v1/template/ID\n`;
    const send = await rig.send({ recipient: `delivered@${SIM}`, template: 'order' });
    assert.deepEqual([send.status, send.text], [409, clash]);
    for (const method of ['GET', 'DELETE']) {
      const r = await api(rig, '/v1/template/order', undefined, method);
      assert.deepEqual([r.status, r.text], [409, clash], method);
    }
    const put = await api(rig, '/v1/template/order', { from: 'a@shop.example', text: 'x' }, 'PUT');
    assert.deepEqual([put.status, put.text], [409, clash]);
    const byId = await sendTemplate(rig, { recipient: `delivered@${SIM}`, template: second });
    const id = byId[`delivered@${SIM}`]!;
    assert.equal((await api(rig, `/v1/text/${id}`)).text.trim(), 'second');
    // Deleting one by id leaves the name unique again: the other is found by it.
    assert.equal((await api(rig, `/v1/template/${first}`, undefined, 'DELETE')).status, 200);
    const now = JSON.parse((await api(rig, '/v1/template/order')).text) as { id: number; text: string };
    assert.deepEqual([now.id, now.text], [second, 'second']);
  });
});

describe('serve: maxdelivertime ends a soft bounce that would be retried past it', () => {
  let rig: ServeRig;
  before(async () => {
    rig = await serveRig();
  });
  after(() => rig.close());

  const utc = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
  const send = async (maxdelivertime: string): Promise<string> => {
    const ids = await sendTemplate(rig, {
      recipient: `softbounce@${SIM}`,
      from: 'a@shop.example',
      text: 'later',
      maxdelivertime,
    });
    return ids[`softbounce@${SIM}`]!;
  };

  test('a minute ahead: the greylisted retry would come later, so the failure is final', async () => {
    // At 36,000x a minute of mail time is under 2 ms; the retry is due 5 to 15 minutes later.
    const id = await send(utc(Date.now() + 60_000));
    const hooks = await rig.waitCalls(id, 2);
    const [first, last] = hooks.map((h) => h.fields);
    assert.equal(first!['type'], 'failure');
    assert.equal(first!['action'], 'failure');
    assert.match(String(first!['code']), /^45[01]$/);
    assert.equal(last!['type'], 'failure');
    assert.equal(last!['action'], 'failed', 'given up: no more retries');
    assert.equal(last!['code'], first!['code']);
    assert.equal(last!['extended'], first!['extended']);
    assert.deepEqual(
      rig.serve.store.events(id).map((e) => e.kind),
      ['failure', 'failure'],
      'no delivery planned after the deadline',
    );
  });

  test('a day ahead: the retry gets through before it', async () => {
    const id = await send(utc(Date.now() + 86_400_000));
    const hooks = await rig.waitCalls(id, 2);
    assert.deepEqual(
      hooks.map((h) => [h.fields['type'], h.fields['action']]),
      [
        ['failure', 'failure'],
        ['delivery', undefined],
      ],
    );
  });
});

test('serve --data-dir keeps templates over a restart', { skip: sqliteUnavailable() }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'serve-templates-'));
  const first = await serveRig({ dataDir });
  const id = await createTemplate(first, { ...TEMPLATE, name: 'kept' });
  const dropped = await createTemplate(first, { name: 'dropped', from: 'a@shop.example', text: 'x' });
  assert.equal((await api(first, `/v1/template/${dropped}`, undefined, 'DELETE')).status, 200);
  const put = await api(
    first,
    '/v1/template/kept',
    { ...TEMPLATE, name: undefined, subject: 'Order {$order.number}' },
    'PUT',
  );
  assert.equal(put.status, 200, put.text);
  await first.close();
  const second = await serveRig({ dataDir });
  try {
    const listed = JSON.parse((await api(second, '/v1/templates')).text) as { id: number; name: string }[];
    assert.deepEqual(listed, [{ id, name: 'kept' }]);
    const ids = await sendTemplate(second, {
      template: 'kept',
      recipients: { [`delivered@${SIM}`]: { name: 'Dana', order: { number: 7 } } },
      data: { shop: 'Webshop' },
    });
    const text = (await api(second, `/v1/text/${ids[`delivered@${SIM}`]}`)).text;
    const headers = (await api(second, `/v1/headers/${ids[`delivered@${SIM}`]}`)).text;
    assert.equal(
      (JSON.parse(headers) as Record<string, string>)['Subject'],
      'Order 7',
      'the PUT content survived the restart',
    );
    assert.ok(
      (await createTemplate(second, { from: 'a@shop.example', text: 'z' })) > dropped,
      'ids are not reused',
    );
    assert.equal(text.replace(/\r\n/g, '\n'), 'Dear Dana,\n\nThanks for order 7 at Webshop.\n');
  } finally {
    await second.close();
  }
});

test('a seeded serve repeats a template send byte for byte (Message-ID and boundary from the seed)', async () => {
  const heads: string[] = [];
  for (let run = 0; run < 2; run++) {
    const rig = await serveRig();
    try {
      const id = await createTemplate(rig, TEMPLATE);
      const ids = await sendTemplate(rig, {
        template: id,
        recipients: { [ANNA]: { name: 'Anna', order: { number: 1 } } },
        data: { shop: 'Webshop' },
      });
      const headers = JSON.parse((await api(rig, `/v1/headers/${ids[ANNA]}`)).text) as Record<string, string>;
      heads.push(`${headers['Message-ID']} ${headers['Content-Type']}`);
    } finally {
      await rig.close();
    }
  }
  assert.match(heads[0]!, /^<[0-9a-f]{24}@simulator\.smtpeter\.test> multipart\/alternative/);
  assert.equal(heads[1], heads[0]);
});
