import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type ServeRig, SMTP_PASS, SMTP_USER, serveRig, TOKEN } from '../helpers/serve.js';
import { SmtpClient } from '../helpers/smtp-client.js';

const SIM = 'simulator.smtpeter.test';
const GOOD = { recipient: `delivered@${SIM}`, from: 'a@shop.example', subject: 's', text: 't' };
const mime = (head: string, body = 'Hello\r\n'): string => `${head}\r\n\r\n${body}`;

interface HttpRow {
  name: string;
  method?: string;
  path?: string;
  token?: string | null;
  contentType?: string;
  body?: string;
  status: number;
  text: RegExp;
}

const json = (o: unknown): string => JSON.stringify(o);

const HTTP_ROWS: HttpRow[] = [
  {
    name: 'wrong token',
    token: 'nope',
    body: json(GOOD),
    status: 401,
    text: /^invalid or missing access_token$/,
  },
  { name: 'no token', token: null, body: json(GOOD), status: 401, text: /^invalid or missing access_token$/ },
  {
    name: 'malformed JSON',
    body: '{"recipient": }',
    status: 400,
    text: /^invalid JSON at line 1, column 15: expected a value/,
  },
  {
    name: 'JSON on line 3',
    body: '{\n "recipient": "a@b.c",\n "from" "x"\n}',
    status: 400,
    text: /^invalid JSON at line 3, column 9: expected ':' after "from"/,
  },
  {
    name: 'a JSON list, not an object',
    body: '[1]',
    status: 400,
    text: /^invalid JSON: the body must be an object of fields$/,
  },
  {
    name: 'a simulator address that names no fate (a typo)',
    body: json({ ...GOOD, recipient: `bouncee+17@${SIM}` }),
    status: 400,
    text: /^recipient: 'bouncee' at simulator\.smtpeter\.test names no fate: give delivered, bounce, softbounce, ooto, complaint, opened, clicked or a scenario of `smtpeter-sim scenarios`$/,
  },
  {
    name: 'unknown field',
    body: json({ ...GOOD, recipent: 'x' }),
    status: 400,
    text: /^unknown field 'recipent'$/,
  },
  {
    name: 'missing recipient',
    body: json({ from: 'a@shop.example', text: 't' }),
    status: 400,
    text: /^missing recipient: give "recipient" or "recipients"$/,
  },
  {
    name: 'invalid recipient',
    body: json({ ...GOOD, recipient: 'not-an-address' }),
    status: 400,
    text: /^recipient: 'not-an-address' is not an e-mail address$/,
  },
  {
    name: 'invalid address in recipients',
    body: json({ ...GOOD, recipient: undefined, recipients: ['a@b.example', 'b@@c'] }),
    status: 400,
    text: /^recipients: 'b@@c' is not an e-mail address$/,
  },
  {
    name: 'invalid envelope',
    body: json({ ...GOOD, envelope: 'bounces' }),
    status: 400,
    text: /^envelope: 'bounces' is not an e-mail address$/,
  },
  {
    name: 'no content at all',
    body: json({ recipient: `delivered@${SIM}` }),
    status: 400,
    text: /^missing content: give "mime", or "from"/,
  },
  {
    name: 'from without text or html',
    body: json({ recipient: `delivered@${SIM}`, from: 'a@shop.example' }),
    status: 400,
    text: /^missing content: give "text" or "html"/,
  },
  {
    name: 'mime and fields both',
    body: json({ ...GOOD, mime: mime('From: a@shop.example') }),
    status: 400,
    text: /^from: give either "mime" or the fields to build one, not both$/,
  },
  {
    name: 'broken MIME: multipart never closed',
    body: json({
      recipient: `delivered@${SIM}`,
      mime: mime(
        'From: a@shop.example\r\nContent-Type: multipart/alternative; boundary="b1"',
        '--b1\r\nContent-Type: text/plain\r\n\r\nhi\r\n',
      ),
    }),
    status: 400,
    text: /^message: multipart not closed \(no --b1--\)$/,
  },
  {
    name: 'broken MIME: boundary never appears',
    body: json({
      recipient: `delivered@${SIM}`,
      mime: mime('From: a@shop.example\r\nContent-Type: multipart/mixed; boundary="zz"', 'no parts here\r\n'),
    }),
    status: 400,
    text: /^message: multipart boundary "zz" never appears$/,
  },
  {
    name: 'broken MIME: multipart without boundary',
    body: json({
      recipient: `delivered@${SIM}`,
      mime: mime('From: a@shop.example\r\nContent-Type: multipart/mixed'),
    }),
    status: 400,
    text: /^message: multipart\/mixed without a boundary parameter$/,
  },
  {
    name: 'MIME without From',
    body: json({ recipient: `delivered@${SIM}`, mime: mime('Subject: hi') }),
    status: 400,
    text: /^message: no From header$/,
  },
  {
    name: 'MIME header line garbage',
    body: json({ recipient: `delivered@${SIM}`, mime: mime('From: a@shop.example\r\nthis is not a header') }),
    status: 400,
    text: /^message: header line 2 is not a header field/,
  },
  {
    name: 'x-smtpeter header with a bad value',
    body: json({
      recipient: `delivered@${SIM}`,
      mime: mime('From: a@shop.example\r\nX-SMTPeter-TrackClicks: maybe'),
    }),
    status: 400,
    text: /^X-SMTPeter-TrackClicks: expected true or false, got 'maybe'$/,
  },
  {
    name: 'from with two addresses (the API takes one; two would need a Sender header)',
    body: json({ ...GOOD, from: 'Shop <a@shop.example>, b@shop.example' }),
    status: 400,
    text: /^from: expected one address, got 2 in 'Shop <a@shop\.example>, b@shop\.example'$/,
  },
  {
    name: 'from with two addresses on two lines: the answer stays one line',
    body: json({ ...GOOD, from: 'a@shop.example,\r\nb@shop.example' }),
    status: 400,
    text: /^from: expected one address, got 2 in "a@shop\.example,\\r\\nb@shop\.example"$/,
  },
  {
    name: 'recipient with a line break: the answer stays one line',
    body: json({ ...GOOD, recipient: 'x@example.org\nBcc: y@example.org' }),
    status: 400,
    text: /^recipient: "x@example\.org\\nBcc: y@example\.org" is not an e-mail address$/,
  },
  {
    name: 'a tag with a line break: any message that echoes a value stays one line',
    body: json({ ...GOOD, tags: ['ok', 'two\r\nlines'] }),
    status: 400,
    text: /^tags: 'two\\r\\nlines' contains white space or a semicolon$/,
  },
  {
    name: 'template from with two addresses',
    path: '/v1/template',
    body: json({ from: 'a@shop.example, b@shop.example', subject: 's', text: 't' }),
    status: 400,
    text: /^from: expected one address, got 2 in 'a@shop\.example, b@shop\.example'$/,
  },
  {
    name: 'to without an address (was left out of the message unseen)',
    body: json({ ...GOOD, to: ['Anna <anna@example.org>', 'not an address'] }),
    status: 400,
    text: /^to: 'not an address' is not an e-mail address$/,
  },
  {
    name: 'replyto without an address',
    body: json({ ...GOOD, replyto: 'support' }),
    status: 400,
    text: /^replyto: 'support' is not an e-mail address$/,
  },
  {
    name: 'tag with a space',
    body: json({ ...GOOD, tags: ['two words'] }),
    status: 400,
    text: /^tags: 'two words' contains white space or a semicolon$/,
  },
  {
    name: 'trackclicks not a boolean',
    body: json({ ...GOOD, trackclicks: 'sometimes' }),
    status: 400,
    text: /^trackclicks: expected true or false, got "sometimes"$/,
  },
  {
    name: 'dsn.notify unknown',
    body: json({ ...GOOD, dsn: { notify: 'ALWAYS' } }),
    status: 400,
    text: /^dsn\.notify: 'ALWAYS' is not NEVER, SUCCESS, FAILURE or DELAY$/,
  },
  {
    name: 'dsn.ret unknown',
    body: json({ ...GOOD, dsn: { ret: 'BODY' } }),
    status: 400,
    text: /^dsn\.ret: expected FULL or HDRS, got 'BODY'$/,
  },
  {
    name: 'maxdelivertime not a time',
    body: json({ ...GOOD, maxdelivertime: 'tomorrow' }),
    status: 400,
    text: /^maxdelivertime: expected YYYY-MM-DD hh:mm:ss \(UTC\), got 'tomorrow'$/,
  },
  {
    name: 'attachment from a remote URL',
    body: json({ ...GOOD, attachments: [{ name: 'a.pdf', url: 'https://example.com/a.pdf' }] }),
    status: 400,
    text: /^attachments\[0\]\.url: only loopback URLs/,
  },
  {
    name: 'attachment without data or url',
    body: json({ ...GOOD, attachments: [{ name: 'a.pdf' }] }),
    status: 400,
    text: /^attachments\[0\]: give "data" \(base64\) or "url"$/,
  },
  {
    name: 'extra header not x-',
    body: json({ ...GOOD, extra: { Subject: 'x' } }),
    status: 400,
    text: /^extra: 'Subject' is not an x- header name$/,
  },
  {
    name: 'maxdelivertime that does not exist',
    body: json({ ...GOOD, maxdelivertime: '2026-02-30 12:00:00' }),
    status: 400,
    text: /^maxdelivertime: '2026-02-30 12:00:00' is not a time that exists$/,
  },
  {
    name: 'unknown template id',
    body: json({ recipient: GOOD.recipient, template: 42 }),
    status: 404,
    text: /^unknown template '42'$/,
  },
  {
    name: 'unknown template name',
    body: json({ recipient: GOOD.recipient, template: 'no-such-template', data: { name: 'x' } }),
    status: 404,
    text: /^unknown template 'no-such-template'$/,
  },
  {
    name: 'template neither id, name nor object',
    body: json({ recipient: GOOD.recipient, template: [1] }),
    status: 400,
    text: /^template: expected a template id, a name or a template object, got \[1\]$/,
  },
  {
    name: 'data not an object',
    body: json({ ...GOOD, data: ['Anna'] }),
    status: 400,
    text: /^data: expected an object of personalisation data, got \["Anna"\]$/,
  },
  {
    name: "a recipient's data not an object",
    body: json({ ...GOOD, recipient: undefined, recipients: { [GOOD.recipient]: 'Anna' } }),
    status: 400,
    text: /^recipients\.delivered@simulator\.smtpeter\.test: expected an object of personalisation data, got "Anna"$/,
  },
  {
    name: 'data with mime',
    body: json({ recipient: GOOD.recipient, mime: 'From: a@shop.example\r\n\r\nhi', data: { a: 1 } }),
    status: 400,
    text: /^data: personalisation needs a template or content fields, not "mime"$/,
  },
  {
    name: 'template patch',
    body: json({ recipient: GOOD.recipient, template: 1, patch: {} }),
    status: 400,
    text: /^patch: template patches are not modelled by serve$/,
  },
  {
    name: 'inline template without From',
    body: json({ recipient: GOOD.recipient, template: { text: 'Dear {$name}' } }),
    status: 400,
    text: /^missing content: give "mime", or "from"/,
  },
  {
    name: 'template create: unknown field',
    path: '/v1/template',
    body: json({ name: 't', from: 'a@shop.example', text: 't', body: 'x' }),
    status: 400,
    text: /^unknown template field 'body' \(name, from, to/,
  },
  {
    name: 'template create: no text or html',
    path: '/v1/template',
    body: json({ name: 't', from: 'a@shop.example', subject: 's' }),
    status: 400,
    text: /^missing content: give "text" or "html" \(or "mime"\)$/,
  },
  {
    name: 'template create: a number as name',
    path: '/v1/template',
    body: json({ name: '12', from: 'a@shop.example', text: 't' }),
    status: 400,
    text: /^name: expected a name that is not a number/,
  },
  {
    name: 'unknown template read',
    method: 'GET',
    path: '/v1/template/7',
    status: 404,
    text: /^unknown template '7'$/,
  },
  {
    name: 'unsupported Content-Type',
    contentType: 'text/plain',
    body: 'hello',
    status: 415,
    text: /^unsupported Content-Type 'text\/plain'/,
  },
  {
    name: 'form body without recipient',
    contentType: 'application/x-www-form-urlencoded',
    body: 'from=a%40shop.example&text=hi',
    status: 400,
    text: /^missing recipient/,
  },
  {
    name: 'form field given twice (the first would be dropped)',
    contentType: 'application/x-www-form-urlencoded',
    body: 'recipient=x%40example.org&recipient=y%40example.org&from=a%40shop.example&text=hi',
    status: 400,
    text: /^form field 'recipient' given twice: a list is written 'recipient\[\]=\.\.\.&recipient\[\]=\.\.\.'$/,
  },
  {
    name: 'form field given as a value and as a list (was a 500 internal error)',
    contentType: 'application/x-www-form-urlencoded',
    body: 'recipient=x%40example.org&recipient[]=y%40example.org&from=a%40shop.example&text=hi',
    status: 400,
    text: /^form field 'recipient\[\]' given twice: a list is written 'recipient\[\]=\.\.\.&recipient\[\]=\.\.\.'$/,
  },
  {
    name: 'oversized body',
    body: json({ ...GOOD, text: 'x'.repeat(300_000) }),
    status: 413,
    text: /^request body larger than 262144 bytes$/,
  },
  {
    name: 'unknown message id',
    method: 'GET',
    path: '/v1/text/00000000000000000000000000000000',
    status: 404,
    text: /^unknown message id '00000000000000000000000000000000'$/,
  },
  {
    name: 'unknown method',
    method: 'GET',
    path: '/v1/frobnicate/1',
    status: 404,
    text: /^GET \/v1\/frobnicate is not an API method here$/,
  },
  {
    name: 'a method name misspelt, without an id',
    method: 'GET',
    path: '/v1/hedaers',
    status: 404,
    text: /^GET \/v1\/hedaers is not an API method here$/,
  },
  {
    name: 'POST to a method that does not exist',
    path: '/v1/sendd',
    body: json(GOOD),
    status: 404,
    text: /^POST \/v1\/sendd is not an API method here$/,
  },
  {
    name: 'GET on send',
    method: 'GET',
    path: '/v1/send',
    status: 405,
    text: /^GET \/v1\/send is not an API method here: send takes POST$/,
  },
  {
    name: 'path with broken percent-encoding (was a 500 internal error)',
    method: 'GET',
    path: '/v1/attachments/0123456789abcdef0123456789abcdef/%E0',
    status: 400,
    text: /^path: '\/v1\/attachments\/0123456789abcdef0123456789abcdef\/%E0' is not valid percent-encoding$/,
  },
  {
    name: 'DELETE on send',
    method: 'DELETE',
    path: '/v1/send',
    status: 405,
    text: /^DELETE \/v1\/send is not an API method here$/,
  },
  {
    name: 'webhook URL off this machine',
    path: '/v1/webhook',
    body: json({ type: 'bounce', url: 'https://example.com/hook' }),
    status: 400,
    text: /^url: a local SMTPeter calls loopback receivers only/,
  },
];

describe("serve refuses bad input with the protocol's own error and keeps serving", () => {
  let rig: ServeRig;
  before(async () => {
    rig = await serveRig({ maxSize: 256 * 1024 });
  });
  after(() => rig.close());

  test(`HTTP: ${HTTP_ROWS.length} bad requests, each a status and one line; nothing stored`, async () => {
    const before = rig.serve.store.count();
    for (const row of HTTP_ROWS) {
      const token = row.token === undefined ? TOKEN : row.token;
      const path = row.path ?? '/v1/send';
      const url = `${rig.serve.apiUrl}${path}${token === null ? '' : `?access_token=${token}`}`;
      const res = await fetch(url, {
        method: row.method ?? 'POST',
        ...(row.body !== undefined
          ? { body: row.body, headers: { 'content-type': row.contentType ?? 'application/json' } }
          : {}),
      });
      const text = (await res.text()).trimEnd();
      assert.equal(res.status, row.status, `${row.name}: ${text}`);
      assert.match(text, row.text, row.name);
      assert.ok(!text.includes('\n') && !/at .*\.js/.test(text), `${row.name}: one line, no stack`);
    }
    assert.equal(rig.serve.store.count(), before, 'nothing half-stored');
    assert.equal(rig.serve.store.templates().length, 0, 'no template half-made');
    assert.equal((await rig.send(GOOD)).status, 200, 'still serving');
  });

  test('REST: attachments by URL larger than --max-size are refused (413), not fetched whole', async () => {
    // Was: a 12 MB file by URL went out as a 16 MB message under --max-size 10MB, which SMTP refuses.
    const files = createServer((req, res) => {
      // In base64 (as the message carries them): 400 KiB for /big, 160 KiB for each of the others.
      const size = req.url === '/big' ? 300 * 1024 : 120 * 1024;
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(size, 0x41));
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    const before = rig.serve.store.count();
    try {
      const one = await rig.send({ ...GOOD, attachments: [{ url: `${base}/big`, name: 'big.bin' }] });
      assert.equal(one.status, 413, one.text);
      assert.equal(
        one.text.trimEnd(),
        `attachments[0].url: ${base}/big makes the message larger than the largest message, 262144 bytes (serve --max-size)`,
      );
      const two = await rig.send({
        ...GOOD,
        attachments: [
          { url: `${base}/a`, name: 'a.bin' },
          { url: `${base}/b`, name: 'b.bin' },
        ],
      });
      assert.equal(two.status, 413, two.text);
      assert.equal(
        two.text.trimEnd(),
        `attachments[1].url: ${base}/b makes the message larger than the largest message, 262144 bytes (serve --max-size)`,
        'the two together are over, and the line names --max-size, not what the first left of it',
      );
      const fits = await rig.send({ ...GOOD, attachments: [{ url: `${base}/a`, name: 'a.bin' }] });
      assert.equal(fits.status, 200, fits.text);
      assert.equal(rig.serve.store.count(), before + 1, 'only the one that fits is kept');
    } finally {
      await new Promise((r) => files.close(r));
    }
  });

  test('REST: a URL attachment refused by its Content-Length lets go of the download at once', async () => {
    // Was: the body was left unread, the file server's socket held until fetch's 5 s timeout.
    let closed!: () => void;
    const socketClosed = new Promise<void>((r) => {
      closed = r;
    });
    const files = createServer((req, res) => {
      req.socket.on('close', closed);
      res.writeHead(200, { 'content-length': String(10 << 20) }).write(Buffer.alloc(1024, 0x41));
    });
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(files.address() as AddressInfo).port}/huge`;
    try {
      const r = await rig.send({ ...GOOD, attachments: [{ url, name: 'huge.bin' }] });
      assert.equal(r.status, 413, r.text);
      const held = new Promise<string>((r) => setTimeout(() => r('held'), 2500).unref());
      assert.equal(await Promise.race([socketClosed.then(() => 'closed'), held]), 'closed');
    } finally {
      files.closeAllConnections();
      await new Promise((r) => files.close(r));
    }
  });

  test('SMTP: each bad command gets code + enhanced code + text; the server keeps serving', async () => {
    const port = rig.serve.smtpPort;
    const before = rig.serve.store.count();
    const auth = `AUTH PLAIN ${Buffer.from(`\0${SMTP_USER}\0${SMTP_PASS}`).toString('base64')}`;

    const plain = await SmtpClient.open(port, false);
    assert.match(await plain.command(auth), /^538 5\.7\.0 .*STARTTLS/i, 'AUTH before STARTTLS');
    plain.close();

    const c = await SmtpClient.open(port);
    assert.match(await c.command('MAIL FROM:<a@shop.example>'), /^530 5\.7\.0 /, 'MAIL without AUTH');
    assert.match(
      await c.command(`AUTH PLAIN ${Buffer.from(`\0${SMTP_USER}\0wrong`).toString('base64')}`),
      /^535 5\.7\.8 Authentication credentials invalid$/,
    );
    assert.match(await c.command(auth), /^235 2\.7\.0 /);
    assert.match(await c.command(`RCPT TO:<delivered@${SIM}>`), /^503 5\.5\.1 /, 'RCPT before MAIL');
    assert.match(await c.command('MAIL FROM:<not-an-address>'), /^501 5\.1\.7 /);
    assert.match(await c.command('MAIL FROM:<a@shop.example> RET=NONSENSE'), /^501 5\.5\.4 /, 'bad RET');
    assert.match(await c.command('MAIL FROM:<a@shop.example> RET=HDRS ENVID=E-1'), /^250 2\.1\.0 /);
    assert.match(await c.command('DATA'), /^503 5\.5\.1 /, 'DATA before RCPT');
    assert.match(await c.command('RCPT TO:<someone@nowhere>'), /^553 5\.1\.3 Recipient address rejected/);
    assert.match(
      await c.command(`RCPT TO:<softbounced@${SIM}>`),
      /^550 5\.1\.1 <softbounced@simulator\.smtpeter\.test>: Recipient address rejected: 'softbounced' at simulator\.smtpeter\.test names no fate: give delivered, /,
      'a simulator address that names no fate',
    );
    assert.match(
      await c.command(`RCPT TO:<delivered@${SIM}> NOTIFY=SOMETIMES`),
      /^501 5\.5\.4 /,
      'bad NOTIFY',
    );
    assert.match(await c.command(`RCPT TO:<delivered@${SIM}>`), /^250 2\.1\.5 /);
    assert.match(await c.command('DATA'), /^354 /);
    assert.match(
      await c.data('Subject: no from\r\n\r\nbody\r\n.\r\n'),
      /^554 5\.6\.0 Message rejected: message: no From header$/,
      'broken message',
    );
    assert.match(await c.command('MAIL FROM:<a@shop.example>'), /^250 /);
    assert.match(await c.command(`RCPT TO:<delivered@${SIM}>`), /^250 /);
    assert.match(await c.command('DATA'), /^354 /);
    assert.match(
      await c.data('From: a@shop.example\r\nX-SMTPeter-Tags: two words,ok\r\n\r\nbody\r\n.\r\n'),
      /^554 5\.6\.0 Message rejected: X-SMTPeter-Tags: tag 'two words' contains white space or a semicolon$/,
      'a tag with a space is named as one, not as a semicolon',
    );
    assert.match(await c.command('MAIL FROM:<a@shop.example>'), /^250 /);
    assert.match(await c.command(`RCPT TO:<delivered@${SIM}>`), /^250 /);
    assert.match(await c.command('DATA'), /^354 /);
    assert.match(
      await c.data(`From: a@shop.example\r\n\r\n${'x'.repeat(998)}\r\n`.repeat(300) + '.\r\n'),
      /^552 5\.3\.4 /,
      'over --max-size',
    );
    c.close();

    // A client that goes away in the middle of DATA: nothing of it is kept.
    const gone = await SmtpClient.open(port);
    await gone.command(auth);
    await gone.command('MAIL FROM:<a@shop.example>');
    await gone.command(`RCPT TO:<delivered@${SIM}>`);
    await gone.command('DATA');
    gone.write('From: a@shop.example\r\nSubject: half\r\n\r\nhalf a mess');
    gone.close();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(rig.serve.store.count(), before, 'nothing stored from refused or unfinished messages');

    const ok = await SmtpClient.open(port);
    await ok.command(auth);
    await ok.command('MAIL FROM:<a@shop.example>');
    await ok.command(`RCPT TO:<delivered@${SIM}>`);
    await ok.command('DATA');
    assert.match(
      await ok.data('From: a@shop.example\r\nSubject: fine\r\n\r\nfine\r\n.\r\n'),
      /^250 2\.6\.0 Ok: queued as [0-9a-f]{32}$/,
    );
    ok.close();
  });
});
