import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventGenerator, SEEDED_EPOCH } from '../../../src/generate/events.js';
import type { BounceEvent } from '../../../src/model/events.js';
import {
  decodeQuotedPrintable,
  decodeWords,
  findPart,
  type MimeNode,
  mimeTree,
  parseParams,
} from '../../../src/receive/ui/mime-tree.js';
import { SCENARIOS } from '../../../src/scenarios/catalogue.js';
import { deliveryStatusFields, parseMime } from '../../helpers/mime.js';

const crlf = (lines: string[]): string => lines.join('\r\n');

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
    assert.equal(
      decodeWords('=?iso-8859-1?q?door_?=\r\n =?iso-8859-1?q?de_moderator?='),
      'door de moderator',
    );
    assert.deepEqual(parseParams("attachment; filename*=UTF-8''na%C3%AFve.txt; size=3"), {
      value: 'attachment',
      params: { filename: 'naïve.txt', size: '3' },
    });
    assert.deepEqual(parseParams('text/plain; charset="us-\\"ascii"').params, { charset: 'us-"ascii' });
    // Both forms (an ASCII fallback for old readers): the RFC 2231 one is the name, in either order.
    for (const value of [
      'attachment; filename*=UTF-8\'\'r%C3%A9sum%C3%A9.txt; filename="resume.txt"',
      'attachment; filename="resume.txt"; filename*=UTF-8\'\'r%C3%A9sum%C3%A9.txt',
    ])
      assert.equal(parseParams(value).params['filename'], 'résumé.txt', value);
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
          if (ours !== undefined && email.text !== undefined) {
            const [mine, theirs] = [ours, email.text].map((x) => x.replace(/\r\n/g, '\n').trim());
            // postal-mime appends a returned message marked `Content-Disposition: inline` (TMDA's) to the text.
            const inlineReturned =
              /Content-Type: message\/rfc822\r\n(?:[^\r\n]+\r\n)*Content-Disposition: inline/i.test(mime);
            if (inlineReturned) assert.ok(theirs!.startsWith(mine!), where);
            else assert.equal(mine, theirs, where);
          }
        }
      }
    }
    assert.ok(withDs > 50, `only ${withDs} bounces had a delivery-status part`);
  });
});
