import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
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

/**
 * Python's smtplib, a client as users have it, against what RFC 5321 and
 * RFC 6531 ask of a server: the greeting says ESMTP once, a parameter the
 * server does not offer gets 555, a non-ASCII address without SMTPUTF8 gets
 * 553, and with SMTPUTF8 declared the same address is taken and its calls
 * name it. The connection stays usable after each refusal.
 */
const SMTPLIB_SCRIPT = `
import json, smtplib, ssl, sys
port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
out = {}
s = smtplib.SMTP()
code, greeting = s.connect('127.0.0.1', port)
s._host = '127.0.0.1'  # connect() keeps no host name for starttls(); SMTP(host) would not show the greeting
out['greeting'] = [code, greeting.decode()]
s.ehlo('client.test')
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
s.starttls(context=ctx)
s.ehlo('client.test')
s.login(user, password)
def reply(r): return [r[0], r[1].decode()]
out['unoffered'] = reply(s.mail('orders@shop.example', ['FOO=bar']))
s.rset()
out['requiretls'] = reply(s.mail('orders@shop.example', ['REQUIRETLS']))
s.rset()
out['mail'] = reply(s.mail('orders@shop.example'))
s.command_encoding = 'utf-8'  # a client that writes UTF-8 without declaring it (smtplib itself would refuse)
out['rcpt_unicode'] = reply(s.rcpt('delivered+j\\u00f6rg@simulator.smtpeter.test'))
out['rcpt_unoffered'] = reply(s.rcpt('delivered@simulator.smtpeter.test', ['FOO=1']))
s.rset()
s.command_encoding = 'utf-8'
out['mail_unicode'] = reply(s.mail('b\\u00e9atrice@shop.example'))
s.rset()  # which sets smtplib's encoding back to ASCII; SMTPUTF8 below switches it to UTF-8 itself
out['mail_utf8'] = reply(s.mail('b\\u00e9atrice@shop.example', ['SMTPUTF8']))
out['rcpt_utf8'] = reply(s.rcpt('delivered+j\\u00f6rg@simulator.smtpeter.test'))
out['data'] = reply(s.data(b'From: orders@shop.example\\r\\nSubject: hi\\r\\n\\r\\nhello\\r\\n'))
s.quit()
print(json.dumps(out))
`;

test('SMTP as smtplib meets it: one ESMTP in the greeting; 555 for an option not offered; 553 for a UTF-8 address without SMTPUTF8, taken with it', async () => {
  const rig = await serveRig();
  try {
    const { stdout } = await promisify(execFile)('python3', [
      '-c',
      SMTPLIB_SCRIPT,
      String(rig.serve.smtpPort),
      SMTP_USER,
      SMTP_PASS,
    ]);
    const out = JSON.parse(stdout) as Record<string, [number, string]>;
    assert.deepEqual(out['greeting'], [220, 'localhost ESMTP smtpeter-sim (a local SMTPeter)']);
    assert.deepEqual(out['unoffered'], [555, '5.5.4 Unsupported option: FOO']);
    assert.deepEqual(out['requiretls'], [555, '5.5.4 Unsupported option: REQUIRETLS']);
    assert.equal(out['mail']![0], 250);
    assert.deepEqual(out['rcpt_unicode'], [553, '5.1.3 Must declare SMTPUTF8 to send unicode address']);
    assert.deepEqual(out['rcpt_unoffered'], [555, '5.5.4 Unsupported option: FOO']);
    assert.deepEqual(out['mail_unicode'], [553, '5.1.3 Must declare SMTPUTF8 to send unicode address']);
    assert.equal(out['mail_utf8']![0], 250);
    assert.equal(out['rcpt_utf8']![0], 250);
    const [code, text] = out['data']!;
    assert.equal(code, 250);
    const [id] = idsOf(text);
    assert.ok(id, text);
    const [delivery] = await rig.waitCalls(id!, 1);
    assert.equal(delivery!.fields['type'], 'delivery');
    assert.equal(delivery!.fields['recipient'], 'delivered+jörg@simulator.smtpeter.test');
  } finally {
    await rig.close();
  }
});
