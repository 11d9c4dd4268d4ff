import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { ARF_STYLES, abuseReport } from '../../src/mail/arf.js';
import { buildOriginalMessage } from '../../src/mail/message.js';
import { FakeSource } from '../../src/random/fake.js';

/**
 * Python's `email` package (not this project's code) reads each report: the
 * top-level multipart/report, the message/feedback-report fields, and the
 * reported message's Message-ID from its message/rfc822 or
 * text/rfc822-headers part.
 */
const READER = `
import email, email.policy, email.parser, json, sys
m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
out = {'type': m.get_content_type(), 'report_type': m.get_param('report-type'), 'from': str(m['From']),
       'parts': [p.get_content_type() for p in m.iter_parts()], 'report': None, 'message_id': None,
       'returned_to': None, 'defects': [str(d) for p in m.walk() for d in p.defects]}
for part in m.iter_parts():
    ct = part.get_content_type()
    if ct == 'message/feedback-report':
        fields = part.get_payload()[0]
        out['report'] = {k: str(v) for k, v in fields.items()}
    elif ct == 'message/rfc822':
        original = part.get_payload()[0]
        out['message_id'] = str(original['Message-ID'])
        out['returned_to'] = str(original['To'])
    elif ct == 'text/rfc822-headers':
        headers = email.parser.HeaderParser().parsestr(part.get_content())
        out['message_id'] = headers['Message-ID']
        out['returned_to'] = headers['To']
print(json.dumps(out))
`;

interface Read {
  type: string;
  report_type: string;
  from: string;
  parts: string[];
  report: Record<string, string> | null;
  message_id: string | null;
  returned_to: string | null;
  defects: string[];
}

function pythonRead(mime: string): Read {
  return JSON.parse(execFileSync('python3', ['-c', READER], { input: mime }).toString()) as Read;
}

describe('abuse reports as ARF (RFC 5965), read by Python email', () => {
  for (const style of ARF_STYLES) {
    test(`${style.name}: Feedback-Type abuse, the declared agent and version, the original Message-ID`, () => {
      for (let seed = 1; seed <= 4; seed++) {
        const fake = new FakeSource().reseed(seed * 7919);
        const domain = style.domains[0]![0];
        const msg = buildOriginalMessage(fake, Date.UTC(2026, 0, 15, 9, 30), { domain });
        const report = abuseReport(msg, style.name, fake, Date.UTC(2026, 0, 15, 14, 0));
        const read = pythonRead(report.mime);
        const where = `${style.name} seed ${seed}`;
        assert.equal(read.type, 'multipart/report', where);
        assert.equal(read.report_type, 'feedback-report', where);
        assert.deepEqual(read.defects, [], where);
        assert.deepEqual(
          read.parts,
          [
            'text/plain',
            'message/feedback-report',
            style.returns === 'message' ? 'message/rfc822' : 'text/rfc822-headers',
          ],
          where,
        );
        assert.equal(read.from, report.emailfrom, where);
        const fields = read.report!;
        assert.equal(fields['Feedback-Type'], 'abuse', where);
        assert.equal(fields['User-Agent'], style.userAgent, where);
        assert.equal(fields['Version'], style.version, where);
        assert.equal(fields['Original-Mail-From'], `<${msg.envelope}>`, where);
        assert.equal(fields['Reported-Domain'], msg.senderDomain, where);
        assert.equal(fields['Source-IP'], msg.mta.ip, where);
        assert.ok(fields['Arrival-Date'] && !Number.isNaN(Date.parse(fields['Arrival-Date'])), where);
        // The receiver's way back to the message: its Message-ID and the VERP return path.
        assert.equal(read.message_id, msg.messageId, where);
        assert.ok(fields['Original-Mail-From']!.includes(msg.id), where);
        if (style.redact) {
          assert.equal(fields['Original-Rcpt-To'], undefined, where);
          assert.ok(!report.mime.includes(msg.recipient), `${where}: the recipient is redacted everywhere`);
          assert.ok(read.returned_to && !read.returned_to.includes(msg.recipient), where);
        } else {
          assert.equal(fields['Original-Rcpt-To'], `<${msg.recipient}>`, where);
          assert.ok(read.returned_to!.includes(msg.recipient), where);
        }
      }
    });
  }

  test('CRLF line ends only, and the same seed gives the same bytes', () => {
    for (const style of ARF_STYLES) {
      const make = (): string => {
        const fake = new FakeSource().reseed(42);
        const msg = buildOriginalMessage(fake, Date.UTC(2026, 0, 15), { domain: style.domains[0]![0] });
        return abuseReport(msg, style.name, fake, Date.UTC(2026, 0, 16)).mime;
      };
      const mime = make();
      assert.ok(!/[^\r]\n/.test(mime), style.name);
      assert.equal(make(), mime, style.name);
    }
  });

  test("a report's own headers are ASCII when the original's subject is not (an IDN sender's brand)", () => {
    let encoded = 0;
    for (const style of ARF_STYLES) {
      for (let seed = 1; seed <= 400; seed++) {
        const fake = new FakeSource().reseed(seed);
        const msg = buildOriginalMessage(fake, Date.UTC(2026, 0, 15), { domain: style.domains[0]![0] });
        const mime = abuseReport(msg, style.name, fake, Date.UTC(2026, 0, 16)).mime;
        const head = mime.slice(0, mime.indexOf('\r\n\r\n'));
        assert.match(head, /^[\x20-\x7e\r\n\t]*$/, `${style.name} seed ${seed}`);
        if (/^Subject: .*=\?UTF-8\?/m.test(head)) encoded++;
      }
    }
    assert.ok(encoded > 0, 'no report had a non-ASCII subject to encode');
  });
});
