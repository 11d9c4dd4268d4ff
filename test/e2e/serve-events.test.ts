import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ServeRig, serveRig, TOKEN } from '../helpers/serve.js';

const SIM = 'simulator.smtpeter.test';

interface Entry {
  event: string;
  data: Record<string, string | number>;
}

const PLACE = ['city', 'countryname', 'countrycode', 'regioncode'];

// The log files' fields, in their order (smtpeter-api.md §5; SMTPeter's log-*.md pages).
const FIELDS: Record<string, string[]> = {
  attempt: ['id', 'time', 'envelope', 'recipient', 'properties', 'tags', 'templateid'],
  delivery: ['id', 'time', 'envelope', 'recipient', 'from', 'to', 'attempt', 'tags', 'templateid'],
  failure: [
    'id',
    'time',
    'envelope',
    'recipient',
    'attempt',
    'from',
    'to',
    'type',
    'code',
    'status',
    'description',
    'state',
    'tags',
    'templateid',
  ],
  open: ['id', 'time', 'headers', 'ip', 'protocol', 'tags', 'recipient', ...PLACE, 'templateid'],
  click: ['id', 'time', 'headers', 'ip', 'tags', 'recipient', ...PLACE, 'templateid', 'url', 'destination'],
  abuse: ['id', 'time', 'envelope', 'recipient', 'tags', 'templateid'],
};

describe('GET /v1/events: the log files fields, consistent with the webhook calls', () => {
  let rig: ServeRig;
  before(async () => {
    rig = await serveRig();
  });
  after(() => rig.close());

  const send = async (recipient: string): Promise<string> => {
    const r = await rig.send({
      recipient,
      from: 'Webshop <orders@shop.example>',
      subject: 'Your order',
      html: '<p><a href="https://shop.example/orders/1017?x=1">Your order</a></p>',
      tags: ['orders'],
    });
    assert.equal(r.status, 200, r.text);
    return Object.keys(JSON.parse(r.text) as object)[0]!;
  };
  const events = async (id: string): Promise<Entry[]> => {
    const res = await fetch(`${rig.serve.apiUrl}/v1/events/messageid/${id}?access_token=${TOKEN}`);
    assert.equal(res.status, 200);
    return (await res.json()) as Entry[];
  };
  const checkFields = (list: Entry[]): void => {
    for (const e of list) assert.deepEqual(Object.keys(e.data), FIELDS[e.event], e.event);
  };

  test('softbounce: the failure is attempt 1 and the delivery after it attempt 2, both from and to the same IPs', async () => {
    const id = await send(`softbounce@${SIM}`);
    await rig.waitCalls(id, 2);
    const list = await events(id);
    checkFields(list);
    assert.deepEqual(
      list.map((e) => `${e.event} ${e.data['attempt'] ?? ''}`),
      ['attempt ', 'failure 1', 'delivery 2'],
    );
    const [, failure, delivery] = list;
    assert.match(String(delivery!.data['from']), /^185\.110\.5[67]\.\d+$/);
    assert.match(String(delivery!.data['to']), /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(failure!.data['from'], delivery!.data['from']);
    assert.equal(failure!.data['to'], delivery!.data['to']);
    assert.equal(failure!.data['type'], 'temporary');
  });

  // The abuse report names the IP the message came from: the delivery's `from` is that address.
  test('complaint: the delivery comes from the IP the ARF report names as Source-IP', async () => {
    const id = await send(`complaint@${SIM}`);
    const calls = await rig.waitCalls(id, 2);
    const abuse = calls.find((c) => c.fields['type'] === 'abuse');
    assert.ok(abuse, JSON.stringify(calls.map((c) => c.fields['type'])));
    const source = /^Source-IP: (\S+)\r?$/m.exec(String(abuse.fields['mime']));
    assert.ok(source, String(abuse.fields['mime']));
    const list = await events(id);
    checkFields(list);
    const delivery = list.find((e) => e.event === 'delivery')!;
    assert.equal(delivery.data['from'], source[1]);
    assert.equal(delivery.data['attempt'], 1);
  });

  test('opens and clicks: placed by their IP, the same IP and agent as their calls, over http', async () => {
    const id = await send(`clicked@${SIM}`);
    const calls = await rig.waitCalls(id, 3);
    const list = await events(id);
    checkFields(list);
    for (const kind of ['open', 'click']) {
      const call = calls.find((c) => c.fields['type'] === kind)!;
      const entry = list.find((e) => e.event === kind)!;
      assert.equal(entry.data['ip'], call.fields['ip']);
      assert.match(
        String(entry.data['headers']),
        new RegExp(`^User-Agent: ${String(call.fields['useragent']).replace(/[().*+?[\]\\/]/g, '\\$&')}`),
      );
      // Every simulated client fetches from a network a GeoIP database places.
      assert.match(String(entry.data['countrycode']), /^[A-Z]{2}$/);
      assert.notEqual(entry.data['city'], '');
      assert.notEqual(entry.data['countryname'], '');
    }
    assert.equal(list.find((e) => e.event === 'open')!.data['protocol'], 'http');
    // A real fetch of the pixel from this machine: loopback, which no database places.
    const html = await (await fetch(`${rig.serve.apiUrl}/v1/html/${id}?access_token=${TOKEN}`)).text();
    const pixel = /src="(http:\/\/127\.0\.0\.1:\d+\/o\/[0-9a-f]{32}\.gif)"/.exec(html);
    assert.ok(pixel, html);
    await fetch(pixel[1]!, { headers: { 'user-agent': 'test-agent/1.0' } });
    const mine = (await events(id)).find((e) => e.event === 'open' && e.data['ip'] === '127.0.0.1');
    assert.ok(mine);
    assert.deepEqual(
      [
        mine.data['protocol'],
        mine.data['headers'],
        mine.data['city'],
        mine.data['countryname'],
        mine.data['countrycode'],
        mine.data['regioncode'],
      ],
      ['http', 'User-Agent: test-agent/1.0', '', '', '', ''],
    );
  });
});
