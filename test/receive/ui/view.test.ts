import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DIALECTS, toPayload } from '../../../src/encode/dialect.js';
import { loadFixtures } from '../../../src/fixture-file/load.js';
import { EventGenerator, SEEDED_EPOCH } from '../../../src/generate/events.js';
import { type MadeCall, makeCall } from '../../../src/make-call.js';
import type { BounceEvent } from '../../../src/model/events.js';
import { exportCall, exportNdjson } from '../../../src/receive/export.js';
import { parseBody } from '../../../src/receive/parse.js';
import type { ReceivedCall } from '../../../src/receive/server.js';
import { APP_JS } from '../../../src/receive/ui/app-js.js';
import {
  decodeQuotedPrintable,
  decodeWords,
  findPart,
  type MimeNode,
  mimeTree,
  parseParams,
} from '../../../src/receive/ui/mime-tree.js';
import { detail, summarize } from '../../../src/receive/ui/view.js';
import { validateCall } from '../../../src/receive/validate.js';
import { findScenario, SCENARIOS } from '../../../src/scenarios/catalogue.js';
import { deliveryStatusFields, parseMime } from '../../helpers/mime.js';

const crlf = (lines: string[]): string => lines.join('\r\n');

/** A ReceivedCall as the server would record it, from an encoded body. */
function received(seq: number, contentType: string, body: Buffer): ReceivedCall {
  const parsed = parseBody(contentType, body);
  const validation = parsed.ok ? validateCall(parsed.fields) : { problems: [parsed.problem] };
  return {
    seq,
    receivedAt: SEEDED_EPOCH,
    method: 'POST',
    path: '/hook',
    headers: { 'content-type': contentType },
    rawHeaders: ['Host', 'x', 'Content-Type', contentType],
    httpVersion: '1.1',
    body,
    ...(parsed.ok ? { fields: parsed.fields, format: parsed.format } : {}),
    validation,
    signature: { result: 'unsigned' },
    summary: '',
    answered: 200,
  };
}

const headerOf = (n: MimeNode, name: string): string | undefined =>
  n.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

describe('mimeTree', () => {
  const tricky = crlf([
    'From: =?UTF-8?B?TWFpbCBEZWxpdmVyeQ==?= <mailer-daemon@example.com>',
    'Subject: =?ISO-8859-1?Q?Non_remis_=E0?=',
    '  =?UTF-8?Q?_l=E2=80=99exp=C3=A9diteur?=',
    'Content-Type: multipart/report; report-type=delivery-status;',
    '\tboundary="b1/with; odd=chars"',
    '',
    'preamble',
    '--b1/with; odd=chars',
    'Content-Type: multipart/alternative; boundary=b2',
    '',
    '--b2',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Caf=C3=A9 ferm=C3=A9, long line =',
    'continued.  ',
    '--b2',
    'Content-Type: text/plain; charset=iso-8859-1',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('D\xe9sol\xe9', 'latin1').toString('base64'),
    '--b2--',
    '--b1/with; odd=chars',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.com',
    '',
    'Final-Recipient: rfc822; a@example.com',
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 no such',
    '  user here',
    '',
    'Final-Recipient: rfc822; b@example.com',
    'Action: delayed',
    'Status: 4.2.2',
    '',
    '--b1/with; odd=chars',
    'Content-Type: message/rfc822',
    '',
    'Subject: the original',
    'Content-Type: application/pdf; name*0="report ";',
    ' name*1="2026.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    'JVBERi0=',
    '--b1/with; odd=chars',
    'Content-Type: text/rfc822-headers',
    '',
    'Message-ID: <x@y>',
    'Subject: =?utf-8?q?hall=C3=B6?=',
    '--b1/with; odd=chars--',
    'epilogue',
  ]);
  const tree = mimeTree(tricky);

  test('structure: parts tree with types, paths and parameters', () => {
    assert.equal(tree.contentType, 'multipart/report');
    assert.equal(tree.params['boundary'], 'b1/with; odd=chars');
    assert.equal(tree.params['report-type'], 'delivery-status');
    assert.deepEqual(
      tree.parts!.map((p) => [p.path, p.contentType]),
      [
        ['1', 'multipart/alternative'],
        ['2', 'message/delivery-status'],
        ['3', 'message/rfc822'],
        ['4', 'text/rfc822-headers'],
      ],
    );
    const original = tree.parts![2]!.parts![0]!;
    assert.equal(original.path, '3.1');
    assert.equal(original.contentType, 'application/pdf');
    assert.equal(original.params['name'], 'report 2026.pdf');
    assert.equal(original.text, undefined, 'attachments are not decoded');
    assert.equal(tree.notes, undefined);
  });

  test('headers unfolded, RFC 2047 words decoded (adjacent words joined)', () => {
    assert.equal(headerOf(tree, 'Subject'), 'Non remis à l’expéditeur');
    assert.equal(headerOf(tree, 'From'), 'Mail Delivery <mailer-daemon@example.com>');
    assert.deepEqual(tree.parts![3]!.returnedHeaders, [
      ['Message-ID', '<x@y>'],
      ['Subject', 'hallö'],
    ]);
  });

  test('text parts decoded: quoted-printable (soft breaks) and base64 in their charsets', () => {
    const [qp, b64] = tree.parts![0]!.parts!;
    assert.equal(qp!.text, 'Café fermé, long line continued.');
    assert.equal(b64!.text, 'Désolé');
  });

  test('delivery-status: per-message fields, then one group per recipient, unfolded', () => {
    assert.deepEqual(findPart(tree, 'message/delivery-status')!.deliveryStatus, {
      message: [['Reporting-MTA', 'dns; mx.example.com']],
      recipients: [
        [
          ['Final-Recipient', 'rfc822; a@example.com'],
          ['Action', 'failed'],
          ['Status', '5.1.1'],
          ['Diagnostic-Code', 'smtp; 550 5.1.1 no such user here'],
        ],
        [
          ['Final-Recipient', 'rfc822; b@example.com'],
          ['Action', 'delayed'],
          ['Status', '4.2.2'],
        ],
      ],
    });
  });

  test('never throws on broken input; says what it noticed', () => {
    const noBoundary = mimeTree('Content-Type: multipart/mixed\r\n\r\nbody');
    assert.deepEqual(noBoundary.notes, ['multipart without a boundary parameter']);
    const unclosed = mimeTree('Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nhello\r\n');
    assert.equal(unclosed.parts![0]!.text, 'hello');
    assert.deepEqual(unclosed.notes, ['multipart not closed (no final boundary)']);
    assert.equal(mimeTree('just text, no headers').text, 'just text, no headers');
    assert.equal(mimeTree('').contentType, 'text/plain');
    assert.equal(mimeTree('Content-Type: bogus\r\n\r\nx').contentType, 'text/plain');
    const deep = `${'Content-Type: message/rfc822\r\n\r\n'.repeat(50)}x`;
    assert.match(JSON.stringify(mimeTree(deep)), /nested too deep/);
  });

  test('helpers: QP bad escapes kept, parameters quoted and RFC 2231', () => {
    assert.equal(Buffer.from(decodeQuotedPrintable('a=3Db=ZZ=\r\nc')).toString(), 'a=b=ZZc');
    assert.equal(decodeWords('plain =?bogus-charset?Q?x?= end'), 'plain x end');
    assert.deepEqual(parseParams("attachment; filename*=UTF-8''na%C3%AFve.txt; size=3"), {
      value: 'attachment',
      params: { filename: 'naïve.txt', size: '3' },
    });
    assert.deepEqual(parseParams('text/plain; charset="us-\\"ascii"').params, { charset: 'us-"ascii' });
  });

  test('every generated bounce, every style: delivery-status as an independent reader sees it, text as postal-mime decodes it', async () => {
    let withDs = 0;
    for (const s of SCENARIOS.filter((x) => x.calls.includes('bounce'))) {
      for (const style of s.styles) {
        for (const seed of [1, 2, 3]) {
          const gen = new EventGenerator({ seed, clock: () => SEEDED_EPOCH, scenario: s.name, style });
          const mime = (gen.instance(0).find((c) => c.event.type === 'bounce')!.event as BounceEvent).mime;
          const where = `${s.name}/${style}/${seed}`;
          const t = mimeTree(mime);
          assert.equal(JSON.stringify(t).includes('"notes"'), false, `${where}: ${JSON.stringify(t.notes)}`);
          const email = await parseMime(mime);
          assert.equal(headerOf(t, 'Subject'), email.subject, `${where}: subject`);
          const expected = deliveryStatusFields(mime);
          const ds = findPart(t, 'message/delivery-status')?.deliveryStatus;
          if (expected) {
            withDs++;
            assert.ok(ds, `${where}: no delivery-status part`);
            const ours = [ds.message, ...ds.recipients].map((g) =>
              Object.fromEntries(g.map(([k, v]) => [k.toLowerCase(), v])),
            );
            assert.deepEqual(ours, expected, where);
          }
          // The first text/plain outside the returned message is what a person reads.
          const firstText = (n: MimeNode): MimeNode | undefined =>
            n.contentType === 'text/plain'
              ? n
              : n.contentType.startsWith('multipart/')
                ? (n.parts ?? []).map(firstText).find(Boolean)
                : undefined;
          const ours = firstText(t)?.text;
          if (ours !== undefined && email.text !== undefined)
            assert.equal(ours.replace(/\r\n/g, '\n').trim(), email.text.replace(/\r\n/g, '\n').trim(), where);
        }
      }
    }
    assert.ok(withDs > 50, `only ${withDs} bounces had a delivery-status part`);
  });
});

describe('list rows and detail', () => {
  test('a bounce row carries its subject and the DSN action, code and status', () => {
    const made = makeCall({ scenario: 'dsn-userunknown', type: 'bounce', style: 'postfix' });
    const s = summarize(received(1, made.contentType, made.body));
    assert.equal(s.kind, 'bounce');
    assert.equal(s.id, made.fields['id']);
    assert.equal(s.recipient, made.fields['recipient']);
    assert.equal(s.hint, 'Undelivered Mail Returned to Sender');
    assert.deepEqual([s.state, s.code, s.extended], ['failed', '550', '5.1.1']);
    assert.equal(s.signature, 'unsigned');
  });

  test('a failure row carries state, code, extended and the description', () => {
    const made = makeCall({ scenario: 'sync-userunknown', style: 'postfix' });
    const s = summarize(received(2, made.contentType, made.body));
    assert.equal(s.kind, 'failure');
    assert.deepEqual(
      [s.state, s.code, s.extended, s.hint],
      [made.fields['state'], made.fields['code'], made.fields['extended'], made.fields['description']],
    );
  });

  test('detail: the request as it arrived and the fields; garbage is shown, not parsed', () => {
    const made = makeCall({ type: 'failure' });
    const d = detail(received(3, made.contentType, made.body));
    assert.equal(d.request.line, 'POST /hook HTTP/1.1');
    assert.deepEqual(d.request.headers[1], ['Content-Type', made.contentType]);
    assert.equal(d.request.body, made.body.toString());
    assert.equal(d.mime, null);
    const junk = detail(received(4, 'text/plain', Buffer.from('hello')));
    assert.equal(junk.kind, null);
    assert.equal(junk.fields, null);
    assert.match(junk.problems.join(), /unsupported Content-Type/);
  });

  test('the page script parses (it has no compiler of its own)', async () => {
    const { Script } = await import('node:vm');
    assert.doesNotThrow(() => new Script(APP_JS));
    assert.doesNotMatch(APP_JS, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});

describe('NDJSON export', () => {
  test('one line per call: type first, the fields in the fixture model, then the dialect', () => {
    const bounce = makeCall({ scenario: 'dsn-userunknown', type: 'bounce' });
    const line = exportCall(received(1, bounce.contentType, bounce.body))!;
    assert.deepEqual(Object.keys(line), [
      'type',
      ...Object.keys(bounce.fields).filter((k) => k !== 'type'),
      'dialect',
    ]);
    assert.equal(line.type, 'bounce');
    assert.equal(line.dialect, 'smtpeter');
    assert.equal(line.mime, bounce.fields['mime']);
    assert.deepEqual(line.tags, bounce.fields['tags']);
    // A form value is a string; the fixture's time is Unix seconds, a number.
    assert.equal(line.time, bounce.call.event.time);
  });

  test('feedback loops: rcptto is the envelope, a failure gets the action the dialect leaves out', () => {
    const fl = makeCall({ scenario: 'sync-userunknown', dialect: 'smtpeter-feedback-loop' });
    const line = exportCall(received(1, fl.contentType, fl.body))!;
    assert.equal(line.type, 'failure');
    assert.equal(line.action, 'failed', 'a 5xx reply is final');
    assert.equal(line.dialect, 'smtpeter-feedback-loop');
    assert.ok(!('type' in fl.fields) && !('action' in fl.fields));
    const ms = makeCall({
      scenario: 'dsn-userunknown',
      type: 'bounce',
      dialect: 'marketing-suite',
      format: 'json',
    });
    const ml = exportCall(received(2, ms.contentType, ms.body))!;
    assert.equal(ml.dialect, 'marketing-suite');
    assert.equal(ml.envelope, ms.fields['rcptto']);
    assert.ok(!('rcptto' in ml));
    assert.equal(ml.mailfrom, '');
    assert.deepEqual(ml.tags, ms.fields['tags']);
  });

  test('every exported line is a fixture entry that replays as the call that arrived', () => {
    const lines: string[] = [];
    const made: MadeCall[] = [];
    for (const dialect of DIALECTS)
      for (const format of ['form', 'json'] as const)
        for (const scenario of ['sync-greylisted', 'dsn-expired', 'autoreply-out-of-office'])
          for (const type of ['failure', 'bounce'] as const) {
            if (!findScenario(scenario).calls.includes(type)) continue;
            const m = makeCall({ scenario, type, dialect, format, tags: ['t1'] });
            made.push(m);
            lines.push(JSON.stringify(exportCall(received(made.length, m.contentType, m.body))));
          }
    const dir = mkdtempSync(join(tmpdir(), 'export-'));
    writeFileSync(join(dir, 'export.ndjson'), lines.join('\n'));
    const loaded = loadFixtures([dir], dir);
    assert.deepEqual(loaded.problems, []);
    loaded.calls.forEach((planned, i) => {
      assert.deepEqual(toPayload(planned.call, planned.dialect), made[i]!.payload, lines[i]);
    });
  });

  test('calls that did not parse, that listen found invalid, or cannot be told apart are left out and counted', () => {
    const ok = makeCall({ type: 'failure' });
    const noAction = ok.body.toString().replace(/(^|&)action=[^&]*/, '');
    const calls = [
      received(1, ok.contentType, ok.body),
      received(2, 'text/plain', Buffer.from('x')),
      received(3, 'application/x-www-form-urlencoded', Buffer.from('id=1&recipient=a%40b.example')),
      received(4, ok.contentType, Buffer.from(noAction)),
    ];
    const out = exportNdjson(calls);
    assert.equal(out.lines, 1);
    assert.equal(out.skipped, 3);
    assert.equal(out.text.split('\n').length, 2);
    assert.equal((JSON.parse(out.text) as { type: string }).type, 'failure');
  });
});
