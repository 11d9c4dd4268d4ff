import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { LIVE_SIGNED_HEADERS } from '../../src/sign/signer.js';
import { startCaptureServer } from '../helpers/capture-server.js';
import { cliSpawn } from '../helpers/cli.js';
import { parseMime } from '../helpers/mime.js';
import { type ServeRig, serveRig, TOKEN } from '../helpers/serve.js';
import { independentVerify } from '../helpers/verify-signature.js';

const SIM = 'simulator.smtpeter.test';

describe('serve: the rest of the REST API', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let rig: ServeRig;
  before(async () => {
    rig = await serveRig({
      request: {
        format: 'json',
        dialect: 'smtpeter',
        signing: {
          privateKey,
          keyId: 'test._domainkey.example',
          copernicaId: 'env-1',
          headers: LIVE_SIGNED_HEADERS,
        },
      },
    });
  });
  after(() => rig.close());
  const api = (path: string): string =>
    `${rig.serve.apiUrl}/v1/${path}${path.includes('?') ? '&' : '?'}access_token=${TOKEN}`;

  test('form bodies as PHP clients send them; calls signed, verified independently', async () => {
    const form = new URLSearchParams({
      'recipients[]': `delivered@${SIM}`,
      from: 'Shop <a@shop.example>',
      subject: 'Form',
      text: 'hello',
      'tags[]': 'form',
      'dsn[envid]': 'F-1',
      trackopens: '0',
    });
    form.append('recipients[]', `delivered+2@${SIM}`);
    const res = await fetch(api('send'), { method: 'POST', body: form });
    const answer = (await res.json()) as Record<string, string>;
    assert.deepEqual(Object.values(answer).sort(), [`delivered+2@${SIM}`, `delivered@${SIM}`]);
    const [id] = Object.keys(answer);
    await rig.waitCalls(id!, 1);
    const req = rig.receiver.requests.find((r) => JSON.parse(r.body.toString()).id === id)!;
    const verified = independentVerify('POST', req.url, req.headers, req.body, publicKey);
    assert.ok(verified.ok, verified.why);
    assert.equal(req.headers['x-copernica-id'], 'env-1');
    assert.deepEqual(JSON.parse(req.body.toString()).tags, ['form']);
  });

  test('a form body whose mime is Latin-1 bytes: read as those bytes, never U+FFFD', async () => {
    // What PHP's http_build_query makes of a binary string: each byte %XX.
    const mime = Buffer.from(
      'From: a@shop.example\r\nSubject: J\xfcrgen\r\n\r\nHallo J\xfcrgen\r\n',
      'latin1',
    );
    let body = `recipient=${encodeURIComponent(`delivered@${SIM}`)}&mime=`;
    for (const b of mime) body += `%${b.toString(16).padStart(2, '0').toUpperCase()}`;
    const res = await fetch(api('send'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    assert.equal(res.status, 200, await res.clone().text());
    const [id] = Object.keys((await res.json()) as Record<string, string>);
    const headers = (await (await fetch(api(`headers/${id}`))).json()) as Record<string, string>;
    assert.equal(headers['Subject'], 'J\u00fcrgen');
  });

  test('attachments (data), unsubscribe and extra headers end up in a proper message', async () => {
    const pdf = Buffer.from('%PDF-1.4 tiny');
    const r = await rig.send({
      recipient: `delivered@${SIM}`,
      from: 'a@shop.example',
      to: ['Anna <anna@example.org>', 'bob@example.org'],
      subject: 'Invoice',
      text: 'See attached',
      attachments: [{ name: 'invoice.pdf', type: 'application/pdf', data: pdf.toString('base64') }],
      unsubscribe: { url: 'https://shop.example/u/1', email: 'u@shop.example', oneclick: true },
      extra: { 'x-campaign': 'spring' },
    });
    const id = Object.keys(JSON.parse(r.text) as object)[0]!;
    const list = (await (await fetch(api(`attachments/${id}`))).json()) as { name: string; size: number }[];
    assert.deepEqual(list, [{ number: 0, name: 'invoice.pdf', type: 'application/pdf', size: pdf.length }]);
    assert.deepEqual(
      Buffer.from(await (await fetch(api(`attachments/${id}/invoice.pdf`))).arrayBuffer()),
      pdf,
    );
    const headers = (await (await fetch(api(`headers/${id}`))).json()) as Record<string, string>;
    assert.match(headers['List-Unsubscribe']!, /<https:\/\/shop\.example\/u\/1>, <mailto:u@shop\.example>/);
    assert.equal(headers['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
    assert.equal(headers['X-Campaign'] ?? headers['x-campaign'], 'spring');
    assert.equal(await (await fetch(api(`envelope/${id}`))).text(), `${id}@bounces.${SIM}`);
    assert.equal(await (await fetch(api(`recipient/${id}`))).text(), `delivered@${SIM}`);
    assert.equal(await (await fetch(api(`text/${id}`))).text(), 'See attached');
  });

  test('attachment names outside ASCII: listed as given and fetched by that name', async () => {
    // nodemailer writes them as RFC 2231 (continued past 78 columns) and RFC 2047; the list
    // showed '=?UTF-8?Q?r=C3=A9sum=C3=A9=2Etxt?=' and a GET by the name given was 404.
    const long = `Übersicht ${'sehr lange Datei '.repeat(4)}.pdf`;
    const r = await rig.send({
      recipient: `delivered@${SIM}`,
      from: 'a@shop.example',
      subject: 'Files',
      text: 'See attached',
      attachments: [
        { name: 'résumé.txt', type: 'text/plain', data: Buffer.from('cv').toString('base64') },
        { name: long, type: 'application/pdf', data: Buffer.from('%PDF').toString('base64') },
      ],
    });
    const id = Object.keys(JSON.parse(r.text) as object)[0]!;
    const list = (await (await fetch(api(`attachments/${id}`))).json()) as { name: string }[];
    assert.deepEqual(
      list.map((a) => a.name),
      ['résumé.txt', long],
    );
    const got = await fetch(api(`attachments/${id}/${encodeURIComponent('résumé.txt')}`));
    assert.equal(got.status, 200);
    assert.equal(await got.text(), 'cv');
  });

  test('resend: a new id, the same message and recipient, its own calls', async () => {
    const first = Object.keys(
      JSON.parse(
        (await rig.send({ recipient: `bounce@${SIM}`, from: 'a@shop.example', subject: 'Again', text: 'x' }))
          .text,
      ) as object,
    )[0]!;
    const res = await fetch(api('resend'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: first }),
    });
    const answer = (await res.json()) as Record<string, string>;
    const [second] = Object.keys(answer);
    assert.notEqual(second, first);
    assert.equal(answer[second!], `bounce@${SIM}`);
    const calls = await rig.waitCalls(second!, 3);
    assert.ok(calls.some((c) => c.fields['type'] === 'bounce'));
    const inner = await parseMime(String(calls.find((c) => c.fields['type'] === 'bounce')!.fields['mime']));
    assert.ok(inner.attachments.length > 0);
  });

  // SMTPeter: "the name and contents of the text file are unique for each webhook"; it goes in
  // the script's folder or the server's root. Both stay the same on every call, so it can be placed.
  test('POST /v1/webhook: a stable per-webhook file, placed in the folder or the root, then that kind goes there', async () => {
    const placed = new Map<string, string>();
    const other = await startCaptureServer((req) => {
      if (req.method !== 'GET') return { status: 204 };
      const body = placed.get(req.url);
      return body === undefined ? { status: 404 } : { status: 200, body: `${body}\n` };
    });
    const configure = async (type: string, url: string) => {
      const res = await fetch(api('webhook'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type, url }),
      });
      return { status: res.status, text: await res.text() };
    };
    const origin = new URL(other.url).origin;
    const asked = (text: string) => {
      const m = /place a file (smtpeter-[0-9a-f]{10}\.txt) holding ([0-9a-f]{32}) \(/.exec(text);
      assert.ok(m, text);
      return { name: m[1]!, content: m[2]! };
    };
    try {
      const hook = `${origin}/dir/hook.php`;
      const first = await configure('delivery', hook);
      assert.equal(first.status, 400);
      const file = asked(first.text);
      assert.equal(
        first.text,
        `url: verification file not found: ${origin}/dir/${file.name} answered 404, ${origin}/${file.name} answered 404; place a file ${file.name} holding ${file.content} (this delivery URL's own, the same on every call) in the script's folder or the server's root, then repeat this call (or start serve with --no-verify-webhooks)\n`,
      );
      assert.deepEqual(asked((await configure('delivery', hook)).text), file, 'the same file on every call');
      assert.notEqual(asked((await configure('bounce', hook)).text).name, file.name, 'per webhook');
      assert.notEqual(asked((await configure('delivery', `${origin}/x.php`)).text).name, file.name);
      placed.set(`/dir/${file.name}`, 'something else');
      assert.match((await configure('delivery', hook)).text, / holds other content, /);
      placed.set(`/dir/${file.name}`, file.content);
      const ok = await configure('delivery', hook);
      assert.equal(ok.status, 200, ok.text);
      assert.deepEqual(JSON.parse(ok.text), {
        type: 'delivery',
        url: hook,
        verified: `${origin}/dir/${file.name}`,
      });
      // The root serves as well.
      const bounce = asked((await configure('bounce', `${origin}/b/hook.php`)).text);
      placed.set(`/${bounce.name}`, bounce.content);
      assert.equal((await configure('bounce', `${origin}/b/hook.php`)).status, 200);
      const listed = (await (await fetch(api('webhooks'))).json()) as { type: string; url: string }[];
      assert.equal(listed.find((w) => w.type === 'delivery')!.url, hook);
      const id = Object.keys(
        JSON.parse(
          (await rig.send({ recipient: `delivered@${SIM}`, from: 'a@shop.example', subject: 's', text: 't' }))
            .text,
        ) as object,
      )[0]!;
      await rig.serve.waitFor(
        () =>
          other.requests.some(
            (r) =>
              r.method === 'POST' && r.url === '/dir/hook.php' && JSON.parse(r.body.toString()).id === id,
          ),
        5000,
      );
      assert.equal(rig.about(id).length, 0, 'the delivery went to the configured URL only');
      const down = await configure('failure', 'http://127.0.0.1:9/hook.php');
      assert.equal(down.status, 400);
      assert.match(
        down.text,
        /^url: verification file not found: http:\/\/127\.0\.0\.1:9\/smtpeter-[0-9a-f]{10}\.txt could not be fetched \(/,
      );
    } finally {
      await other.close();
    }
  });

  test('the page lists messages with their timelines and call answers', async () => {
    const html = await (await fetch(`${rig.serve.apiUrl}/`)).text();
    assert.match(html, /<h1>smtpeter-sim serve<\/h1>/);
    assert.match(html, /delivered@simulator\.smtpeter\.test/);
    assert.match(html, /<td>delivery<\/td>.*<td>delivered<\/td><td>200/);
  });
});

test('serve with no flags: its own receiver takes the calls; URLs, token and SMTP credentials printed', async () => {
  const child = cliSpawn(['serve', '--api-port', '0', '--smtp-port', '0', '--time-scale', '36000']);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
  });
  try {
    // Generous: a cold start on a busy machine (module load, the certificate) can take seconds.
    const until = Date.now() + 30_000;
    while (!/time scale/.test(out) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    const api = /REST API +(http:\/\/\S+?)\/v1\/send\?access_token=([0-9a-f]+)/.exec(out);
    assert.ok(api, out);
    assert.match(out, /SMTP +127\.0\.0\.1:\d+ .* user smtpeter-[0-9a-f]+ password \S+/);
    assert.match(out, /webhooks +to the embedded receiver http:\/\/127\.0\.0\.1:\d+\//);
    const res = await fetch(`${api[1]}/v1/send?access_token=${api[2]}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        recipient: `opened@${SIM}`,
        from: 'a@shop.example',
        subject: 's',
        html: '<p>hi</p>',
      }),
    });
    const id = Object.keys((await res.json()) as object)[0]!;
    let states: string[] = [];
    for (let i = 0; i < 400 && states.filter((s) => s === 'delivered').length < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const page = (await (await fetch(`${api[1]}/api/messages`)).json()) as {
        id: string;
        events: { state: string }[];
      }[];
      states = page.find((m) => m.id === id)?.events.map((e) => e.state) ?? [];
    }
    assert.deepEqual(
      states,
      ['delivered', 'delivered'],
      'delivery and open accepted by the embedded receiver',
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
});

test('the same seed and the same sends: the same ids, fates and calls', async () => {
  const run = async (): Promise<string[]> => {
    const rig = await serveRig({ seed: 99, rules: [] });
    try {
      const ids: string[] = [];
      for (const who of ['delivered', 'bounce', 'clicked']) {
        const r = await rig.send({
          recipient: `${who}@${SIM}`,
          from: 'a@shop.example',
          subject: 's',
          html: '<a href="https://a.example/x">x</a>',
        });
        ids.push(...Object.keys(JSON.parse(r.text) as object));
      }
      const fates = ids.map((id) => rig.serve.store.message(id)!.fate);
      const calls = ids.map((id) =>
        rig.serve.store
          .events(id)
          .map((e) => `${e.kind}:${e.call.style}`)
          .join(','),
      );
      return [...ids, ...fates, ...calls];
    } finally {
      await rig.close();
    }
  };
  assert.deepEqual(await run(), await run());
});

test('a feedback-loop dialect carries failure and bounce only: the delivery is kept without a call', async () => {
  const rig = await serveRig({ request: { format: 'form', dialect: 'marketing-suite' } });
  try {
    const r = await rig.send({ recipient: `bounce@${SIM}`, from: 'a@shop.example', subject: 's', text: 't' });
    const id = Object.keys(JSON.parse(r.text) as object)[0]!;
    // The receiver has the calls a moment before serve records their answers: wait for both.
    await rig.serve.waitFor(
      () =>
        rig.receiver.requests.length >= 2 &&
        rig.serve.store.events(id).every((e) => e.state !== 'scheduled' && e.state !== 'retrying'),
      5000,
    );
    const fields = rig.receiver.requests.map((q) => new URLSearchParams(q.body.toString()));
    assert.equal(fields.length, 2);
    assert.ok(fields.every((f) => f.get('id') === id));
    assert.deepEqual(
      rig.serve.store.events(id).map((e) => `${e.kind}:${e.state}`),
      [
        'delivery:no-webhook',
        ...rig.serve.store
          .events(id)
          .slice(1)
          .map((e) => `${e.kind}:delivered`),
      ],
    );
  } finally {
    await rig.close();
  }
});
