import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { makeCall } from '../../../src/make-call.js';
import { detail, replyCode, summarize } from '../../../src/receive/ui/view.js';
import { receivedCall } from '../../helpers/received-call.js';

describe('list rows and detail', () => {
  test('a bounce row carries its subject and the DSN action, code and status', () => {
    const made = makeCall({ scenario: 'dsn-userunknown', type: 'bounce', style: 'postfix' });
    const s = summarize(receivedCall(1, made.contentType, made.body));
    assert.equal(s.kind, 'bounce');
    assert.equal(s.id, made.fields['id']);
    assert.equal(s.recipient, made.fields['recipient']);
    assert.equal(s.hint, 'Undelivered Mail Returned to Sender');
    assert.deepEqual([s.state, s.code, s.extended], ['failed', '550', '5.1.1']);
    assert.equal(s.signature, 'not-checked');
  });

  test('the reply code of a Diagnostic-Code: never digits of an IP address or a port', () => {
    const cases: [string, string | null][] = [
      ['smtp; 550 5.1.1 <els@example.nl>: Recipient address rejected', '550'],
      [
        'smtp; host mx.example.de[10.241.99.219] said: 550 5.1.1 user unknown (in reply to RCPT TO command)',
        '550',
      ],
      ['smtp; host mx.example.de[10.241.99.219] said: Connection timed out', null],
      ['smtp;550-5.1.1 The email account that you tried to reach does not exist.', '550'],
      ['X-Postfix; connect to mx.example.com[192.0.2.245]:25: Connection refused', null],
      ['smtp; 452 4.2.2 Mailbox full', '452'],
      ['X-Postfix; delivery temporarily suspended: lost connection with mx[10.250.1.2]', null],
    ];
    for (const [diagnostic, code] of cases) assert.equal(replyCode(diagnostic), code, diagnostic);
  });

  test('a failure row carries state, code, extended and the description', () => {
    const made = makeCall({ scenario: 'sync-userunknown', style: 'postfix' });
    const s = summarize(receivedCall(2, made.contentType, made.body));
    assert.equal(s.kind, 'failure');
    assert.deepEqual(
      [s.state, s.code, s.extended, s.hint],
      [made.fields['state'], made.fields['code'], made.fields['extended'], made.fields['description']],
    );
  });

  test('detail: the request as it arrived and the fields; garbage is shown, not parsed', () => {
    const made = makeCall({ type: 'failure' });
    const d = detail(receivedCall(3, made.contentType, made.body));
    assert.equal(d.request.line, 'POST /hook HTTP/1.1');
    assert.deepEqual(d.request.headers[1], ['Content-Type', made.contentType]);
    assert.equal(d.request.body, made.body.toString());
    assert.equal(d.mime, null);
    const junk = detail(receivedCall(4, 'text/plain', Buffer.from('hello')));
    assert.equal(junk.kind, null);
    assert.equal(junk.fields, null);
    assert.match(junk.problems.join(), /unsupported Content-Type/);
  });
});
