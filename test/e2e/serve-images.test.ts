/**
 * `images: hosted` (SMTPeter's "embed to remote"): embedded images named by
 * `cid:` in the HTML are taken out of the message, hosted by serve, and the
 * HTML points to them; each download is an open. Sent with real clients:
 * nodemailer over SMTP (`X-SMTPeter-Images: hosted`) and a plain HTTP POST
 * of a MIME built by nodemailer's composer (`"images": "hosted"`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import nodemailer, { type Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import { parseMime } from '../helpers/mime.js';
import { type ServeRig, SMTP_PASS, SMTP_USER, serveRig, TOKEN } from '../helpers/serve.js';

const SIM = 'simulator.smtpeter.test';
/** A 1×1 red PNG: the bytes the hosted URL must give back. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);
const HTML = '<html><body><p>Hi</p><img src="cid:logo@shop.example" alt="Logo"></body></html>';
const MAIL = {
  from: 'Webshop <orders@shop.example>',
  subject: 'With a logo',
  text: 'Hi',
  html: HTML,
  attachments: [{ filename: 'logo.png', content: PNG, cid: 'logo@shop.example', contentType: 'image/png' }],
};

async function get(
  rig: ServeRig,
  path: string,
): Promise<{ status: number; body: Buffer; type: string | null }> {
  const res = await fetch(`${rig.serve.apiUrl}${path}?access_token=${TOKEN}`);
  return {
    status: res.status,
    body: Buffer.from(await res.arrayBuffer()),
    type: res.headers.get('content-type'),
  };
}

/** The message as it went out, checks that the image is hosted and gone, and the hosted URL. */
async function assertHosted(rig: ServeRig, id: string): Promise<string> {
  const html = (await get(rig, `/v1/html/${id}`)).body.toString('utf8');
  const src = /<img src="([^"]+)" alt="Logo">/.exec(html)?.[1];
  assert.equal(src, `${rig.serve.apiUrl}/i/${id}/logo%40shop.example`, html);
  assert.deepEqual(
    JSON.parse((await get(rig, `/v1/embeds/${id}`)).body.toString()),
    [],
    'no embedded part left',
  );
  const sent = await parseMime(rig.serve.store.message(id)!.mime!);
  assert.equal(sent.attachments.length, 0, 'the image part left the message');
  assert.equal(sent.text?.trim(), 'Hi', 'the rest of the message is intact');
  assert.ok(!rig.serve.store.message(id)!.mime!.includes(PNG.toString('base64')));
  return src!;
}

describe('serve: images hosted', () => {
  let rig: ServeRig;
  let smtp: Transporter;
  before(async () => {
    rig = await serveRig();
    smtp = nodemailer.createTransport({
      host: '127.0.0.1',
      port: rig.serve.smtpPort,
      secure: false,
      requireTLS: true,
      auth: { user: SMTP_USER, pass: SMTP_PASS },
      tls: { rejectUnauthorized: false },
    });
  });
  after(async () => {
    smtp.close();
    await rig.close();
  });

  test('SMTP with X-SMTPeter-Images: hosted: the image moves to serve, its download is an open call', async () => {
    const info = await smtp.sendMail({
      ...MAIL,
      to: `delivered@${SIM}`,
      headers: { 'X-SMTPeter-Images': 'hosted' },
    });
    const id = /queued as ([0-9a-f]{32})/.exec(String(info.response))![1]!;
    const src = await assertHosted(rig, id);
    await rig.waitCalls(id, 1);
    const image = await fetch(src, { headers: { 'user-agent': 'Mozilla/5.0 (test)' } });
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await image.arrayBuffer()), PNG, 'the exact bytes embedded');
    const hooks = await rig.waitCalls(id, 2);
    assert.deepEqual(
      hooks.map((h) => h.fields['type']),
      ['delivery', 'open'],
    );
    assert.equal(hooks[1]!.fields['id'], id);
  });

  test('REST mime with "images": "hosted"; without it the image stays embedded', async () => {
    const mime = (await new MailComposer({ ...MAIL, to: `delivered@${SIM}` }).compile().build()).toString();
    const hosted = await rig.send({
      recipient: `delivered@${SIM}`,
      mime,
      images: 'hosted',
      trackopens: false,
    });
    assert.equal(hosted.status, 200, hosted.text);
    const [id] = Object.keys(JSON.parse(hosted.text) as Record<string, string>);
    const src = await assertHosted(rig, id!);
    const image = await fetch(src);
    assert.deepEqual(Buffer.from(await image.arrayBuffer()), PNG);
    const plain = await rig.send({ recipient: `delivered@${SIM}`, mime });
    const [kept] = Object.keys(JSON.parse(plain.text) as Record<string, string>);
    assert.match((await get(rig, `/v1/html/${kept}`)).body.toString(), /src="cid:logo@shop\.example"/);
    const embeds = JSON.parse((await get(rig, `/v1/embeds/${kept}`)).body.toString()) as { cid: string }[];
    assert.deepEqual(
      embeds.map((e) => e.cid),
      ['logo@shop.example'],
    );
    const bytes = await get(rig, `/v1/embeds/${kept}/logo@shop.example`);
    assert.deepEqual([bytes.status, bytes.type, bytes.body], [200, 'image/png', PNG]);
    // Not hosted: no image under /i/ for that message, and an unknown content id is a 404.
    assert.equal((await fetch(`${rig.serve.apiUrl}/i/${kept}/logo%40shop.example`)).status, 404);
    assert.equal((await fetch(`${rig.serve.apiUrl}/i/${id}/nope`)).status, 404);
    const broken = await fetch(`${rig.serve.apiUrl}/i/${id}/%E0%A4%A`);
    assert.deepEqual(
      [broken.status, await broken.text()],
      [400, 'hosted image: the content id is not valid percent-encoding\n'],
    );
    await rig.waitCalls(id!, 1);
    assert.deepEqual(
      rig.about(id!).map((h) => h.fields['type']),
      ['delivery'],
      'trackopens off: a download records no open',
    );
  });
});
