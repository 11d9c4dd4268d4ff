import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ENGAGEMENT_TYPES } from '../../src/model/events.js';
import { type CaptureServer, formFields, startCaptureServer } from '../helpers/capture-server.js';
import { cli, TEST_HOME } from '../helpers/cli.js';
import { startListen, stopListen } from '../helpers/listen.js';
import { independentVerify } from '../helpers/verify-signature.js';
import { LATER_KIND_FIELDS } from '../helpers/wire-fields.js';

const keys = join(TEST_HOME, 'kinds-keys');
const KEY = join(keys, 'smtpeter-sim.key');
const PUB = join(keys, 'smtpeter-sim.pub');
before(async () => {
  assert.equal((await cli(['keys', 'generate', '--out', keys])).code, 0);
});

function assertFieldSet(kind: string, keys: string[], where: string): void {
  const want = LATER_KIND_FIELDS[kind as keyof typeof LATER_KIND_FIELDS];
  const names = want.map((f) => f.replace('?', ''));
  assert.deepEqual(
    keys,
    names.filter((n) => keys.includes(n)),
    `${where}: only its fields, in order`,
  );
  for (const f of want) if (!f.endsWith('?')) assert.ok(keys.includes(f), `${where}: has ${f}`);
}

describe('fire: the later kinds on 127.0.0.1, exact fields, signed', () => {
  let capture: CaptureServer;
  before(async () => {
    capture = await startCaptureServer();
  });
  after(() => capture.close());

  for (const kind of ENGAGEMENT_TYPES)
    for (const format of ['form', 'json'] as const)
      test(`${kind} as ${format}: its field set, a signature that verifies`, async () => {
        capture.requests.length = 0;
        const r = await cli([
          'fire',
          '--type',
          kind,
          '-n',
          '6',
          '--seed',
          `kinds-${kind}`,
          '--format',
          format,
          '--url',
          capture.url,
          '--key',
          KEY,
        ]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(capture.requests.length, 6);
        const publicKey = createPublicKey(readFileSync(PUB));
        for (const [i, req] of capture.requests.entries()) {
          const where = `${kind} ${format} #${i + 1}`;
          const keys =
            format === 'form'
              ? [...formFields(req.body).keys()]
              : Object.keys(JSON.parse(req.body.toString()) as object).map((k) =>
                  k === 'tags' ? 'tags[]' : k,
                );
          assertFieldSet(kind, keys, where);
          const type =
            format === 'form'
              ? formFields(req.body).get('type')![0]
              : (JSON.parse(req.body.toString()) as { type: string }).type;
          assert.equal(type, kind, where);
          const verified = independentVerify('POST', req.url, req.headers, req.body, publicKey);
          assert.ok(verified.ok, `${where}: ${verified.why}`);
        }
      });

  test('each kind goes to its own URL', async () => {
    capture.requests.length = 0;
    const base = capture.url.replace(/\/hooks\/smtpeter\?env=test$/, '');
    const r = await cli([
      'fire',
      '--mix',
      'delivery=1,open=1,click=1,abuse=1,failure=1,bounce=1',
      '-n',
      '60',
      '--seed',
      'urls',
      '--url',
      `${base}/all`,
      '--delivery-url',
      `${base}/delivery`,
      '--open-url',
      `${base}/open`,
      '--click-url',
      `${base}/click`,
      '--abuse-url',
      `${base}/abuse`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(capture.requests.length, 60);
    const seen = new Set<string>();
    for (const req of capture.requests) {
      const type = formFields(req.body).get('type')![0]!;
      seen.add(type);
      assert.equal(req.url, ['failure', 'bounce'].includes(type) ? '/all' : `/${type}`, type);
    }
    assert.equal(seen.size, 6);
  });

  test('a feedback-loop dialect refuses a later kind: one line, exit 2, nothing sent', async () => {
    capture.requests.length = 0;
    for (const dialect of ['smtpeter-feedback-loop', 'marketing-suite'])
      for (const args of [
        ['--type', 'open'],
        ['--mix', 'delivery=1,failure=1'],
        ['--scenario', 'delivered-complaint'],
      ]) {
        const r = await cli([
          'fire',
          ...args,
          '-n',
          '5',
          '--dialect',
          dialect,
          '--url',
          capture.url,
          '--key',
          KEY,
        ]);
        assert.equal(r.code, 2, `${dialect} ${args.join(' ')}: ${r.stdout}`);
        const lines = r.stderr.trim().split('\n');
        assert.equal(lines.length, 1, r.stderr);
        assert.match(
          lines[0]!,
          new RegExp(`dialect ${dialect} carries failure and bounce calls only, not (open|delivery)`),
        );
      }
    assert.equal(capture.requests.length, 0);
  });
});

/** Field values as text (a form sends `time` as text, JSON as a number), arrays kept. */
function plain(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)]),
  );
}

interface Printed {
  kind: string | null;
  dialect: string | null;
  fields: Record<string, unknown> | null;
  problems: string[];
  signature: { result: string };
}

describe('generate → replay → listen → export → replay, every later kind', () => {
  for (const format of ['form', 'json'] as const)
    test(`${format}: the replayed export arrives as the calls first did`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kinds-'));
      const generated = join(dir, 'generated.json');
      const g = await cli([
        'generate',
        '--mix',
        'delivered-opened=1,opened-clicked=1,scanner-clicks=1,delivered-complaint=3,apple-prefetch-then-read=1',
        '-n',
        '40',
        '--seed',
        `round-${format}`,
        '--out',
        generated,
      ]);
      assert.equal(g.code, 0, g.stderr);
      const entries = (JSON.parse(readFileSync(generated, 'utf8')) as { calls: Array<{ type: string }> })
        .calls;
      assert.deepEqual([...new Set(entries.map((e) => e.type))].sort(), [
        'abuse',
        'click',
        'delivery',
        'open',
      ]);

      const l = await startListen(['--json', '--public-key', PUB]);
      const capture = await startCaptureServer();
      try {
        const first = await cli(['replay', generated, '--url', l.url, '--format', format, '--key', KEY]);
        assert.equal(first.code, 0, first.stderr + first.stdout);
        const received = l
          .out()
          .trim()
          .split('\n')
          .map((x) => JSON.parse(x) as Printed);
        assert.equal(received.length, entries.length);
        received.forEach((c, i) => {
          assert.deepEqual(c.problems, [], `call ${i + 1}`);
          assert.equal(c.kind, entries[i]!.type);
          assert.equal(c.signature.result, 'verified');
          assertFieldSet(
            c.kind!,
            Object.keys(c.fields!).map((k) => (k === 'tags' ? 'tags[]' : k)),
            `received ${i + 1}`,
          );
        });

        // The page names the client of opens and clicks and shows an abuse report's ARF fields.
        const open = received.findIndex((c) => c.kind === 'open');
        const row = (await (await fetch(new URL(`/api/calls/${open + 1}`, l.url))).json()) as {
          client: string;
          hint: string;
        };
        assert.ok(row.client && row.client !== 'unknown client', row.hint);
        assert.ok(row.hint.startsWith(row.client));
        const clients = new Set<string>();
        for (const [i, c] of received.entries())
          if (c.kind === 'open' || c.kind === 'click')
            clients.add(
              ((await (await fetch(new URL(`/api/calls/${i + 1}`, l.url))).json()) as { client: string })
                .client,
            );
        assert.ok(
          [...clients].some((x) => x.startsWith('scanner')),
          [...clients].join(', '),
        );
        assert.ok(clients.has('Apple MPP prefetch'), [...clients].join(', '));
        const abuse = received.findIndex((c) => c.kind === 'abuse');
        const detail = (await (await fetch(new URL(`/api/calls/${abuse + 1}`, l.url))).json()) as {
          report: Array<[string, string]>;
          hint: string;
        };
        assert.deepEqual(detail.report[0], ['Feedback-Type', 'abuse']);
        assert.match(detail.hint, /^Feedback-Type: abuse \| /);

        const res = await fetch(new URL('/api/export.ndjson', l.url));
        assert.equal(res.headers.get('x-skipped'), '0');
        const exported = join(dir, 'export.ndjson');
        writeFileSync(exported, await res.text());
        const second = await cli([
          'replay',
          exported,
          '--url',
          capture.url,
          '--keep-time',
          '--format',
          format,
          '--key',
          KEY,
        ]);
        assert.equal(second.code, 0, second.stderr + second.stdout);
        assert.equal(capture.requests.length, received.length);
        capture.requests.forEach((req, i) => {
          const fields =
            format === 'form'
              ? Object.fromEntries(
                  [...formFields(req.body)].map(([k, v]) => (k === 'tags[]' ? ['tags', v] : [k, v[0]])),
                )
              : (JSON.parse(req.body.toString()) as Record<string, unknown>);
          assert.deepEqual(plain(fields), plain(received[i]!.fields!), `call ${i + 1}`);
        });
      } finally {
        await capture.close();
        await stopListen(l.proc);
      }
    });
});
