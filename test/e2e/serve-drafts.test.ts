import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { mimeOf } from '../../src/serve/message/draft.js';
import { type ServeRig, serveRig, TOKEN } from '../helpers/serve.js';
import { sqliteUnavailable } from '../helpers/sqlite.js';

const SIM = 'simulator.smtpeter.test';

const FIELDS = {
  from: 'Shop <a@shop.example>',
  to: 'Dana Doe <delivered@simulator.smtpeter.test>',
  subject: 'Your order',
  text: 'Thanks for your order.',
  attachments: [
    { name: 'invoice.txt', type: 'text/plain', data: Buffer.from('total 12.50').toString('base64') },
  ],
};

const api = (rig: ServeRig, path: string): string => `${rig.serve.apiUrl}/v1/${path}?access_token=${TOKEN}`;

async function get(rig: ServeRig, path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(api(rig, path));
  return { status: res.status, text: await res.text() };
}

async function sendOne(rig: ServeRig, body: Record<string, unknown>): Promise<string> {
  const r = await rig.send(body);
  assert.equal(r.status, 200, r.text);
  return Object.keys(JSON.parse(r.text) as Record<string, string>)[0]!;
}

/** What the REST API shows of a message's MIME: its headers, text and attachment, as a client reads them. */
async function shown(rig: ServeRig, id: string): Promise<string[]> {
  const paths = [`headers/${id}`, `text/${id}`, `attachments/${id}`, `attachments/${id}/0`];
  return Promise.all(paths.map(async (p) => (await get(rig, p)).text));
}

test('a fields send is composed when read: the same bytes at every read, with fixed Message-ID, Date and boundary', async () => {
  const rig = await serveRig();
  try {
    const id = await sendOne(rig, { recipient: `delivered@${SIM}`, ...FIELDS });
    await rig.waitCalls(id, 1);
    const stored = rig.serve.store.message(id)!;
    // A delivery quotes nothing of the message: it is kept as its fields, not composed.
    assert.equal(stored.mime, undefined);
    assert.ok(stored.draft);
    const a = await mimeOf(stored);
    const b = await mimeOf(rig.serve.store.message(id)!);
    assert.equal(a, b);
    assert.match(a, /^Message-ID: <[0-9a-f]{24}@simulator\.smtpeter\.test>\r$/m);
    assert.match(
      a,
      new RegExp(`^Date: ${new Date(stored.acceptedAt).toUTCString().replace('GMT', '\\+0000')}\\r$`, 'm'),
    );
    assert.match(a, /boundary="--_NmP-[0-9a-f]{16}-Part_1"/);
    assert.match(a, /^Content-Disposition: attachment; filename=invoice\.txt\r$/m);
    const first = await shown(rig, id);
    assert.deepEqual(await shown(rig, id), first);
    assert.equal(first[1], 'Thanks for your order.');
    assert.equal(first[3], 'total 12.50');
    assert.equal(
      (JSON.parse(first[0]!) as Record<string, string>)['Message-ID'],
      /^Message-ID: (.*)\r$/m.exec(a)![1],
    );
    // Resend: the message as submitted (the same Message-ID and bytes) under a new id.
    const again = await fetch(api(rig, 'resend'), {
      method: 'POST',
      body: JSON.stringify({ message: id }),
      headers: { 'content-type': 'application/json' },
    });
    const newId = Object.keys((await again.json()) as Record<string, string>)[0]!;
    assert.notEqual(newId, id);
    assert.equal(await mimeOf(rig.serve.store.message(newId)!), a);
  } finally {
    await rig.close();
  }
});

test('a bounce composes the draft at send time and returns the very bytes GET shows', async () => {
  const rig = await serveRig();
  try {
    const id = await sendOne(rig, { recipient: `bounce@${SIM}`, ...FIELDS, to: `bounce@${SIM}` });
    const hooks = await rig.waitCalls(id, 3);
    const stored = rig.serve.store.message(id)!;
    assert.ok(stored.mime, 'a bounce quotes the message: it was composed at send time');
    const bounce = hooks.find((h) => h.fields['type'] === 'bounce')!.fields;
    const messageId = /^Message-ID: (.*)\r$/m.exec(stored.mime)![1]!;
    assert.ok(String(bounce['mime']).includes(`Message-ID: ${messageId}`));
    assert.equal(
      (JSON.parse((await get(rig, `headers/${id}`)).text) as Record<string, string>)['Message-ID'],
      messageId,
    );
  } finally {
    await rig.close();
  }
});

test('the same seed and the same fields sends: the same composed bytes', async () => {
  const bytes: string[] = [];
  for (let run = 0; run < 2; run++) {
    const rig = await serveRig();
    try {
      const id = await sendOne(rig, { recipient: `delivered@${SIM}`, ...FIELDS });
      bytes.push(await mimeOf(rig.serve.store.message(id)!));
      assert.equal(
        bytes[run]!.replace(/^Date: .*$/m, ''),
        bytes[0]!.replace(/^Date: .*$/m, ''),
        'Message-ID and boundary come from the seed',
      );
    } finally {
      await rig.close();
    }
  }
});

test('a draft is composed the same after a restart (--data-dir keeps its fields)', {
  skip: sqliteUnavailable(),
}, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'serve-drafts-'));
  const first = await serveRig({ dataDir });
  let id: string;
  let before: string[];
  let bytes: string;
  try {
    id = await sendOne(first, { recipient: `delivered@${SIM}`, ...FIELDS });
    await first.waitCalls(id, 1);
    before = await shown(first, id);
    bytes = await mimeOf(first.serve.store.message(id)!);
  } finally {
    await first.close();
  }
  const second = await serveRig({ dataDir });
  try {
    assert.equal(second.serve.store.message(id)!.mime, undefined);
    assert.deepEqual(await shown(second, id), before);
    assert.equal(await mimeOf(second.serve.store.message(id)!), bytes);
  } finally {
    await second.close();
  }
});

test('fields that set options are composed and checked at send time: a bad value is refused then', async () => {
  const rig = await serveRig();
  try {
    const r = await rig.send({
      recipient: `delivered@${SIM}`,
      ...FIELDS,
      attachments: undefined,
      extra: { 'X-SMTPeter-TrackClicks': 'maybe' },
    });
    assert.equal(r.status, 400, r.text);
    assert.match(r.text, /^X-Smtpeter-Trackclicks: expected true or false, got 'maybe'/);
    // A From without an address: what reading the composed message would refuse, refused without composing.
    const nobody = await rig.send({ recipient: `delivered@${SIM}`, ...FIELDS, from: 'Shop' });
    assert.equal(nobody.status, 400);
    assert.equal(nobody.text.trim(), "From: 'Shop' holds no address");
    assert.equal(rig.serve.store.count(), 0);
  } finally {
    await rig.close();
  }
});

test('--keep: the oldest messages are evicted; the page and /v1 answers say so', async () => {
  const rig = await serveRig({ keep: 3 });
  try {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(await sendOne(rig, { recipient: `delivered+${i}@${SIM}`, ...FIELDS }));
    const page = await (await fetch(`${rig.serve.apiUrl}/`)).text();
    assert.match(
      page,
      /5 message\(s\) accepted; the oldest 2 no longer kept \(--keep\); showing the newest 3\./,
    );
    for (const path of [`text/${ids[0]}`, `events/messageid/${ids[1]}`]) {
      const r = await get(rig, path);
      assert.equal(r.status, 404);
      assert.match(r.text, /not among the messages kept \(the oldest 2 were evicted by --keep\)/);
    }
    assert.equal((await get(rig, `text/${ids[4]}`)).text, 'Thanks for your order.');
    const never = await get(rig, `text/${'0'.repeat(32)}`);
    assert.equal(never.status, 404);
  } finally {
    await rig.close();
  }
});
