import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { formatProblem } from '../../src/fixture-file/format.js';
import { loadFixtures } from '../../src/fixture-file/load.js';
import { entryFor, writeFixture } from '../../src/fixture-file/write.js';
import { EventGenerator, SEEDED_EPOCH } from '../../src/generate/events.js';
import type { BounceEvent } from '../../src/model/events.js';

const dir = mkdtempSync(join(tmpdir(), 'fixture-defects-'));

function load(
  name: string,
  text: string,
): { calls: ReturnType<typeof loadFixtures>['calls']; problems: string[] } {
  const file = join(dir, name);
  writeFileSync(file, text);
  const loaded = loadFixtures([file], dir);
  return { calls: loaded.calls, problems: loaded.problems.map(formatProblem) };
}

describe("a fixture entry's defects", () => {
  test('generate --defects writes the clean message and the kinds; reading the file gives the same bytes', () => {
    const calls = new EventGenerator({
      seed: 5,
      clock: (i) => SEEDED_EPOCH + i * 1000,
      type: 'bounce',
      defects: 1,
    }).take(40);
    for (const format of ['json', 'ndjson'] as const) {
      const entries = calls.map((c) => entryFor(c));
      for (const [i, e] of entries.entries()) {
        assert.deepEqual(e.defects, calls[i]!.defects!.kinds);
        assert.equal(e.mime, calls[i]!.defects!.cleanMime);
      }
      const loaded = load(`generated.${format}`, writeFixture(entries, { format }));
      assert.deepEqual(loaded.problems, []);
      loaded.calls.forEach((planned, i) => {
        assert.equal(
          (planned.call.event as BounceEvent).mime,
          (calls[i]!.event as BounceEvent).mime,
          `call ${i}`,
        );
        assert.deepEqual(planned.call.defects?.kinds, calls[i]!.defects!.kinds);
      });
    }
  });

  test('a scenario entry or a written-out bounce takes defects by name', () => {
    const { calls, problems } = load(
      'named.ndjson',
      [
        '{"scenario": "dsn-userunknown", "style": "postfix", "seed": 3, "type": "bounce", "defects": ["final-recipient-no-type", "bare-lf"]}',
        '{"type": "bounce", "recipient": "a@example.nl", "id": "m-1", "envelope": "bounce-m-1@example.com", "mime": "From: MAILER-DAEMON@mx.example.nl\\nSubject: failure notice\\n\\nsorry\\n", "defects": ["anonymous-sender"]}',
      ].join('\n'),
    );
    assert.deepEqual(problems, []);
    const first = (calls[0]!.call.event as BounceEvent).mime;
    assert.match(first, /\nFinal-Recipient: <[^>]+@[^>]+>\n/);
    assert.ok(!first.includes('\r\n'));
    assert.equal(
      (calls[1]!.call.event as BounceEvent).mime,
      'From: MAILER-DAEMON\r\nSubject: failure notice\r\n\r\nsorry\r\n',
    );
  });

  test('an unknown kind, a defect of a failure, and a kind the message has nothing for: file:line problems', () => {
    const { calls, problems } = load(
      'bad.ndjson',
      [
        '{"scenario": "dsn-userunknown", "type": "bounce", "defects": ["truncated"]}',
        '{"type": "failure", "recipient": "a@example.nl", "id": "m-2", "action": "failed", "state": "rcptto", "defects": ["bare-lf"]}',
        '{"scenario": "sync-userunknown", "defects": ["bare-lf"]}',
        '{"type": "bounce", "recipient": "a@example.nl", "id": "m-1", "envelope": "b@example.com", "mime": "From: x@example.nl\\nSubject: hi\\n\\nsorry\\n", "defects": ["truncated-multipart"]}',
      ].join('\n'),
    );
    assert.equal(calls.length, 0);
    assert.equal(problems.length, 4, problems.join('\n'));
    assert.match(problems[0]!, /bad\.ndjson:1: \$\.defects\[0\]: .*truncated-multipart/);
    assert.match(problems[1]!, /bad\.ndjson:2: \$\.defects: /);
    assert.match(problems[2]!, /bad\.ndjson:3: \$\.defects: expected a bounce call .* got a failure call/);
    assert.match(
      problems[3]!,
      /bad\.ndjson:4: \$\.defects: 'truncated-multipart' needs a multipart message with its closing boundary; this message has none/,
    );
  });
});

describe('defects on a captured message carried as bytes', () => {
  // A Latin-1 bounce (not UTF-8): carried as its bytes, so defects edit the bytes.
  const eml = Buffer.from(
    'From: MAILER-DAEMON@mx.example.de\r\nTo: bounce-m-2@example.com\r\nSubject: Unzustellbar\r\n\r\nJ\xfcrgen ist unbekannt.\r\n',
    'latin1',
  );
  writeFileSync(join(dir, 'latin1.eml'), eml);
  const entry = (defects: string[]): string =>
    JSON.stringify({
      type: 'bounce',
      recipient: 'juergen@example.de',
      id: 'm-2',
      envelope: 'bounce-m-2@example.com',
      mimeFile: 'latin1.eml',
      defects,
    });

  test('bare-lf: the same bytes with LF line ends, the 8-bit byte kept', () => {
    const { calls, problems } = load('bytes.ndjson', entry(['bare-lf']));
    assert.deepEqual(problems, []);
    const event = calls[0]!.call.event as BounceEvent;
    assert.deepEqual(
      Buffer.from(event.mimeBytes!),
      Buffer.from(eml.toString('latin1').replace(/\r\n/g, '\n'), 'latin1'),
    );
  });

  test('8bit-header is refused for it, with the entry named', () => {
    const { calls, problems } = load('bytes-8bit.ndjson', entry(['8bit-header']));
    assert.equal(calls.length, 0);
    assert.equal(problems.length, 1);
    assert.match(
      problems[0]!,
      /bytes-8bit\.ndjson:1: .*defects.*'8bit-header' writes UTF-8 into the message/,
    );
  });
});
