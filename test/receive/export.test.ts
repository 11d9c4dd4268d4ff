import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DIALECTS, toPayload } from '../../src/encode/dialect.js';
import { loadFixtures } from '../../src/fixture-file/load.js';
import { type MadeCall, makeCall } from '../../src/make-call.js';
import { exportCall, exportNdjson } from '../../src/receive/export.js';
import { findScenario } from '../../src/scenarios/catalogue.js';
import { receivedCall } from '../helpers/received-call.js';

describe('NDJSON export', () => {
  test('one line per call: type first, the fields in the fixture model, then the dialect', () => {
    const bounce = makeCall({ scenario: 'dsn-userunknown', type: 'bounce' });
    const line = exportCall(receivedCall(1, bounce.contentType, bounce.body))!;
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
    const line = exportCall(receivedCall(1, fl.contentType, fl.body))!;
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
    const ml = exportCall(receivedCall(2, ms.contentType, ms.body))!;
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
            lines.push(JSON.stringify(exportCall(receivedCall(made.length, m.contentType, m.body))));
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
      receivedCall(1, ok.contentType, ok.body),
      receivedCall(2, 'text/plain', Buffer.from('x')),
      receivedCall(3, 'application/x-www-form-urlencoded', Buffer.from('id=1&recipient=a%40b.example')),
      receivedCall(4, ok.contentType, Buffer.from(noAction)),
    ];
    const out = exportNdjson(calls);
    assert.equal(out.lines, 1);
    assert.equal(out.skipped, 3);
    assert.equal(out.text.split('\n').length, 2);
    assert.equal((JSON.parse(out.text) as { type: string }).type, 'failure');
  });
});
