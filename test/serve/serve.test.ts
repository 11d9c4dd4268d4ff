import assert from 'node:assert/strict';
import { createServer as createNetServer } from 'node:net';
import { test } from 'node:test';
import { applyDefects } from '../../src/defects/apply.js';
import type { DefectKind } from '../../src/defects/kinds.js';
import { detectDefects } from '../../src/receive/defects.js';
import { mimeTree } from '../../src/receive/ui/mime-tree.js';
import { startCaptureServer } from '../helpers/capture-server.js';
import { serveRig, TOKEN } from '../helpers/serve.js';

const SIM = 'simulator.smtpeter.test';

// SMTPeter calls a kind only when a webhook is configured for it: per-kind URLs alone leave
// the other kinds uncalled (no-webhook), not tried and given up.
test('per-kind URLs only: the other kinds are no-webhook, not given up, and only the bounce is called', async () => {
  const bounces = await startCaptureServer();
  const rig = await serveRig({ targets: { bounceUrl: new URL('/bounce', bounces.url) } });
  try {
    const sent = await rig.send({
      recipient: `bounce@${SIM}`,
      from: 'a@shop.example',
      subject: 's',
      text: 't',
    });
    const id = Object.keys(JSON.parse(sent.text) as object)[0]!;
    const settled = () =>
      rig.serve.store.events(id).length === 3 &&
      rig.serve.store.events(id).every((e) => e.state !== 'scheduled' && e.state !== 'retrying');
    assert.ok(await rig.serve.waitFor(settled));
    const states = rig.serve.store.events(id).map((e) => `${e.kind} ${e.state}`);
    assert.deepEqual(states.sort(), ['bounce delivered', 'delivery no-webhook', 'failure no-webhook']);
    assert.deepEqual(
      bounces.requests.map((r) => r.url),
      ['/bounce'],
    );
    assert.equal(rig.receiver.requests.length, 0);
  } finally {
    await rig.close();
    await bounces.close();
  }
});

// Opens are counted by the tracking pixel, which only an HTML part carries.
test('opened@ with open tracking: an open for an HTML message, none for a text-only one (fields or MIME)', async () => {
  const rig = await serveRig();
  try {
    const kinds = async (body: Record<string, unknown>): Promise<string[]> => {
      const sent = await rig.send({ recipient: `opened@${SIM}`, ...body });
      assert.equal(sent.status, 200, sent.text);
      const id = Object.keys(JSON.parse(sent.text) as object)[0]!;
      // The open comes 2 minutes to 3 hours of mail time after acceptance: 0.2 s at most here.
      await new Promise((r) => setTimeout(r, 600));
      assert.ok(
        await rig.serve.waitFor(() => rig.serve.store.events(id).every((e) => e.state !== 'scheduled')),
      );
      return rig.serve.store.events(id).map((e) => e.kind);
    };
    const head =
      'From: a@shop.example\r\nTo: opened@simulator.smtpeter.test\r\nSubject: s\r\nMIME-Version: 1.0\r\n';
    assert.deepEqual(await kinds({ from: 'a@shop.example', subject: 's', html: '<p>hi</p>' }), [
      'delivery',
      'open',
    ]);
    assert.deepEqual(await kinds({ from: 'a@shop.example', subject: 's', text: 'hi' }), ['delivery']);
    assert.deepEqual(await kinds({ mime: `${head}Content-Type: text/plain; charset=utf-8\r\n\r\nhi\r\n` }), [
      'delivery',
    ]);
  } finally {
    await rig.close();
  }
});

// serve runs mail time 36,000× faster here, so a bounce comes back well under a second after the
// send: the dates inside it must still follow the message's own (arrival, then the report, then
// SMTPeter's Received stamp), none before the message's Date and none after the call.
test('dates inside a DSN, an auto-reply and an abuse report: none before the message Date, in order', async () => {
  const rig = await serveRig();
  const seconds = (date: string): number =>
    Date.parse(date.replace(/\s+/g, ' ').replace(/^\w+, /, '')) / 1000;
  try {
    const sent = await rig.send({
      recipients: ['bounce', 'ooto', 'complaint'].map((fate) => `${fate}@${SIM}`),
      from: 'a@shop.example',
      subject: 'Your order',
      text: 'It ships today.',
    });
    assert.equal(sent.status, 200, sent.text);
    const ids = Object.keys(JSON.parse(sent.text) as object);
    const headers = await fetch(`${rig.serve.apiUrl}/v1/headers/${ids[0]}?access_token=${TOKEN}`);
    const fields = (await headers.json()) as Record<string, string>;
    const messageDate = seconds(fields['Date'] ?? fields['date']!);
    for (const id of ids) {
      const hooks = await rig.waitCalls(id, 2);
      const returned = hooks.find((h) => typeof h.fields['mime'] === 'string');
      assert.ok(returned, `a call with the returned message about ${id}`);
      const mime = returned.fields['mime'] as string;
      // An abuse call carries no time of its own: it was made before now.
      const callTime = Number(returned.fields['time'] ?? Math.ceil(Date.now() / 1000));
      const outer = mime.slice(0, mime.indexOf('\r\n\r\n'));
      const reportDate = seconds(/^Date: (.*)$/m.exec(outer)![1]!);
      const received = [...outer.matchAll(/^Received: [^;]*;\s*(.*(?:\r\n\s.*)*)$/gm)].map((m) =>
        seconds(m[1]!),
      );
      const arrival = [...mime.matchAll(/^Arrival-Date: (.*)$/gm)].map((m) => seconds(m[1]!));
      for (const at of [reportDate, ...received, ...arrival]) {
        assert.ok(
          at >= messageDate && at <= callTime,
          `${returned.fields['type']}: ${at} within [${messageDate}, ${callTime}]`,
        );
      }
      for (const at of arrival) assert.ok(at <= reportDate, 'arrival before the report');
      for (const at of received) assert.ok(at >= reportDate, 'received after the report was written');
    }
  } finally {
    await rig.close();
  }
});

// serve --defects: the bounces of real-looking mail carry the same real-world defects fire's do,
// drawn per message from the seed, so a receiver's bounce parser meets them through the whole loop.
test('defects: every bounce of a bounce@ message arrives with a drawn defect that the receiver side detects', async () => {
  const rig = await serveRig({ defects: 1 });
  try {
    const sent = await rig.send({
      recipients: ['bounce', 'bounce+2', 'bounce+3'].map((local) => `${local}@${SIM}`),
      from: 'a@shop.example',
      subject: 'Your order',
      text: 'It ships today.',
    });
    assert.equal(sent.status, 200, sent.text);
    for (const id of Object.keys(JSON.parse(sent.text) as object)) {
      const hooks = await rig.waitCalls(id, 3);
      const bounce = hooks.find((h) => h.fields['type'] === 'bounce');
      assert.ok(bounce, `a bounce call about ${id}`);
      const event = rig.serve.store.events(id).find((e) => e.kind === 'bounce')!;
      const drawn = event.call.defects!;
      assert.equal(drawn.kinds.length, 1);
      const mime = bounce.fields['mime'] as string;
      const applied = applyDefects(drawn.cleanMime, drawn.kinds as DefectKind[]);
      assert.ok(applied.ok);
      assert.equal(mime, applied.mime, 'the clean DSN with the drawn defect, byte for byte');
      assert.deepEqual(detectDefects(mime, mimeTree(mime)), [...drawn.kinds]);
    }
  } finally {
    await rig.close();
  }
});

/** Whether this machine has an IPv6 loopback to listen on (some CI containers have none). */
async function ipv6Loopback(): Promise<boolean> {
  const server = createNetServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => server.close(() => resolve(true)));
  });
}

test('on an IPv6 address, the REST URL (and the base of tracked links) has it in brackets', async (t) => {
  if (!(await ipv6Loopback())) return t.skip('NOTICE: no IPv6 loopback on this machine');
  const rig = await serveRig({ host: '::1' });
  try {
    assert.match(rig.serve.apiUrl, /^http:\/\/\[::1\]:\d+$/);
    const res = await fetch(`${rig.serve.apiUrl}/v1/send?access_token=${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        recipient: 'delivered@simulator.smtpeter.test',
        from: 'shop@example.com',
        subject: 'v6',
        html: '<p><a href="https://shop.example/o/1">order</a></p>',
      }),
    });
    assert.equal(res.status, 200);
    const [id] = Object.keys((await res.json()) as Record<string, string>);
    const html = await (await fetch(`${rig.serve.apiUrl}/v1/html/${id}?access_token=${TOKEN}`)).text();
    assert.ok(html.includes(`href="${rig.serve.apiUrl}/o/1?${id}-0"`), html);
  } finally {
    await rig.close();
  }
});
