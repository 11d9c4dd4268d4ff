import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import nodemailer, { type Transporter } from 'nodemailer';
import { type ServeRig, SMTP_PASS, SMTP_USER, serveRig, TOKEN } from '../helpers/serve.js';
import { SmtpClient } from '../helpers/smtp-client.js';

const SIM = 'simulator.smtpeter.test';

/** A real SMTP client: nodemailer over STARTTLS (the self-signed certificate accepted) with AUTH. */
function transport(rig: ServeRig, auth = { user: SMTP_USER, pass: SMTP_PASS }): Transporter {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: rig.serve.smtpPort,
    secure: false,
    requireTLS: true,
    auth,
    tls: { rejectUnauthorized: false },
  });
}

/** The ids in the 250 reply after DATA. */
const idsOf = (response: string): string[] =>
  /queued as ((?:[0-9a-f]{32} ?)+)/.exec(response)?.[1]?.trim().split(' ') ?? [];

const kinds = (hooks: { fields: Record<string, unknown> }[]): unknown[] => hooks.map((h) => h.fields['type']);

describe('serve over SMTP: nodemailer submits, the receiver gets the calls', () => {
  let rig: ServeRig;
  let smtp: Transporter;
  before(async () => {
    rig = await serveRig();
    smtp = transport(rig);
  });
  after(async () => {
    smtp.close();
    await rig.close();
  });

  const outcomes: [string, string[]][] = [
    ['delivered', ['delivery']],
    ['bounce', ['delivery', 'bounce', 'failure']],
    ['softbounce', ['failure', 'delivery']],
    ['ooto', ['delivery', 'bounce']],
    ['complaint', ['delivery', 'abuse']],
    ['opened', ['delivery', 'open']],
    ['clicked', ['delivery', 'open', 'click']],
    ['sync-spam-rejected', ['failure']],
  ];
  for (const [outcome, expected] of outcomes) {
    test(`${outcome}: ${expected.join(', ')}`, async () => {
      const info = await smtp.sendMail({
        from: 'Webshop <orders@shop.example>',
        to: `${outcome}@${SIM}`,
        subject: `Test ${outcome}`,
        text: 'Hello',
        html: '<p>Hello <a href="https://shop.example/x">shop</a></p>',
        headers: { 'X-SMTPeter-Tags': 'smtp,test' },
      });
      const [id] = idsOf(String(info.response));
      assert.ok(id, info.response);
      assert.match(String(info.response), /^250 2\.6\.0 /);
      const hooks = await rig.waitCalls(id, expected.length);
      const got = kinds(hooks);
      if (outcome === 'bounce')
        assert.deepEqual([got[0], new Set(got.slice(1))], ['delivery', new Set(['bounce', 'failure'])]);
      else assert.deepEqual(got, expected);
      for (const h of hooks) {
        assert.equal(h.fields['id'], id);
        if (h.fields['type'] !== 'abuse') assert.deepEqual(h.fields['tags'], ['smtp', 'test']);
      }
    });
  }

  test('several RCPTs: one id each; DSN ENVID reaches the bounce; x-smtpeter-* removed; MAIL FROM:<> makes no bounce call', async () => {
    const info = await smtp.sendMail({
      envelope: { from: 'bounces@shop.example', to: [`bounce@${SIM}`, `delivered@${SIM}`] },
      from: 'orders@shop.example',
      to: `bounce@${SIM}`,
      subject: 'Two',
      text: 'Hi',
      headers: { 'X-SMTPeter-TrackClicks': 'false', 'X-SMTPeter-Tags': 'dsn' },
      dsn: { id: 'ENV-SMTP-9', return: 'headers', notify: ['failure'], recipient: 'orders@shop.example' },
    });
    const ids = idsOf(String(info.response));
    assert.equal(ids.length, 2);
    assert.deepEqual(info.accepted, [`bounce@${SIM}`, `delivered@${SIM}`]);
    const bounceHooks = await rig.waitCalls(ids[0]!, 3);
    const bounce = bounceHooks.find((h) => h.fields['type'] === 'bounce')!;
    assert.match(String(bounce.fields['mime']), /Original-Envelope-Id: ENV-SMTP-9\r\n/);
    assert.match(String(bounce.fields['mime']), /text\/rfc822-headers/); // RET=HDRS
    const headers = (await (
      await fetch(`${rig.serve.apiUrl}/v1/headers/${ids[0]}?access_token=${TOKEN}`)
    ).json()) as Record<string, string>;
    assert.ok(!Object.keys(headers).some((h) => h.toLowerCase().startsWith('x-smtpeter-')));
    assert.equal((await rig.waitCalls(ids[1]!, 1))[0]!.fields['type'], 'delivery');

    const nullSender = await smtp.sendMail({
      envelope: { from: '', to: [`bounce@${SIM}`] },
      from: 'orders@shop.example',
      subject: 'No bounces wanted',
      text: 'Hi',
    });
    const [nid] = idsOf(String(nullSender.response));
    await rig.waitCalls(nid!, 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(kinds(rig.about(nid!)), ['delivery']);
  });

  test('the message as delivered is the message submitted, tracking applied', async () => {
    const info = await smtp.sendMail({
      from: 'orders@shop.example',
      to: `delivered@${SIM}`,
      subject: 'Ünïcode subject',
      html: '<p>Hi <a href="https://shop.example/o/1">order</a></p>',
    });
    const [id] = idsOf(String(info.response));
    const html = await (await fetch(`${rig.serve.apiUrl}/v1/html/${id}?access_token=${TOKEN}`)).text();
    assert.ok(html.includes(`<a href="${rig.serve.apiUrl}/o/1?${id}-0">order</a>`), html);
    const h = (await (
      await fetch(`${rig.serve.apiUrl}/v1/headers/${id}?access_token=${TOKEN}`)
    ).json()) as Record<string, string>;
    assert.match(h['Subject'] ?? '', /=\?UTF-8\?/);
  });

  test('wrong credentials: 535 5.7.8, and the server keeps serving', async () => {
    const bad = transport(rig, { user: SMTP_USER, pass: 'wrong' });
    await assert.rejects(
      bad.sendMail({ from: 'a@shop.example', to: `delivered@${SIM}`, text: 'x' }),
      (err: Error & { response?: string }) => {
        assert.match(err.response ?? '', /^535 5\.7\.8 /);
        return true;
      },
    );
    bad.close();
    const ok = await smtp.sendMail({ from: 'a@shop.example', to: `delivered@${SIM}`, text: 'x' });
    assert.match(String(ok.response), /^250 /);
  });
});

test('SMTP DSN parameters per recipient: each bounce names its own ORCPT; ENVID decoded from xtext', async () => {
  const rig = await serveRig();
  const c = await SmtpClient.open(rig.serve.smtpPort);
  try {
    await c.command(`AUTH PLAIN ${Buffer.from(`\0${SMTP_USER}\0${SMTP_PASS}`).toString('base64')}`);
    assert.match(await c.command('MAIL FROM:<bounces@shop.example> RET=HDRS ENVID=ORDER+2B17'), /^250 /);
    assert.match(
      await c.command(`RCPT TO:<bounce+1@${SIM}> NOTIFY=FAILURE ORCPT=rfc822;first+2Blabel@shop.example`),
      /^250 /,
    );
    assert.match(
      await c.command(`RCPT TO:<bounce+2@${SIM}> NOTIFY=FAILURE,DELAY ORCPT=rfc822;second@shop.example`),
      /^250 /,
    );
    await c.command('DATA');
    const reply = await c.data('From: orders@shop.example\r\nSubject: two\r\n\r\nhi\r\n.\r\n');
    const ids = idsOf(reply);
    assert.equal(ids.length, 2);
    const orcpt: string[] = [];
    for (const id of ids) {
      const hooks = await rig.waitCalls(id, 3);
      const mime = String(hooks.find((h) => h.fields['type'] === 'bounce')!.fields['mime']);
      assert.match(mime, /Original-Envelope-Id: ORDER\+17\r\n/);
      orcpt.push(/Original-Recipient: (.*)\r\n/.exec(mime)![1]!);
    }
    assert.deepEqual(orcpt, ['rfc822;first+label@shop.example', 'rfc822;second@shop.example']);
  } finally {
    c.close();
    await rig.close();
  }
});
