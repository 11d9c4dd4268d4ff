import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCaptureServer } from '../helpers/capture-server.js';
import { serveRig } from '../helpers/serve.js';

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
