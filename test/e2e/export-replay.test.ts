import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DIALECTS } from '../../src/encode/dialect.js';
import { parseBody } from '../../src/receive/parse.js';
import { startCaptureServer } from '../helpers/capture-server.js';
import { cli, runMain, TEST_HOME } from '../helpers/cli.js';
import { keyPairIn } from '../helpers/keys.js';
import { startListen, stopListen } from '../helpers/listen.js';

const { keyFile: KEY } = keyPairIn(join(TEST_HOME, 'export-keys'));

/** A sync failure, a DSN whose two codes differ in class (550 4.4.7), a reply with its own sender. */
const SCENARIOS = [
  ['sync-userunknown', 'postfix'],
  ['dsn-expired', 'exchange'],
  ['autoreply-out-of-office', 'gmail'],
] as const;

interface Printed {
  dialect: string | null;
  fields: Record<string, unknown> | null;
  problems: string[];
}

describe('listen export → replay: the same calls, in the same dialect', () => {
  for (const format of ['form', 'json'] as const) {
    test(`${format} bodies in every dialect: the replayed export arrives as the calls first did`, async () => {
      const l = await startListen(['--json']);
      const capture = await startCaptureServer();
      try {
        const fired: string[] = [];
        for (const dialect of DIALECTS)
          for (const [scenario, style] of SCENARIOS) {
            // Tags named, so a marketing-suite form call is told from a feedback-loop one by its fields.
            const r = await cli([
              'fire',
              '--scenario',
              scenario,
              '--style',
              style,
              '-n',
              '2',
              '-c',
              '1',
              '--seed',
              `${dialect}-${scenario}`,
              '--tag',
              'newsletter',
              '--url',
              l.url,
              '--format',
              format,
              '--dialect',
              dialect,
              '--key',
              KEY,
            ]);
            assert.equal(r.code, 0, `${dialect} ${scenario}: ${r.stderr}${r.stdout}`);
            fired.push(dialect, dialect); // -n counts calls: a DSN's bounce and failure are two
          }
        const originals = l
          .out()
          .trim()
          .split('\n')
          .map((x) => JSON.parse(x) as Printed);
        assert.deepEqual(
          originals.map((o) => o.dialect),
          fired,
        );
        for (const o of originals) assert.deepEqual(o.problems, []);

        const res = await fetch(new URL('/api/export.ndjson', l.url));
        assert.equal(res.headers.get('x-skipped'), '0');
        const text = await res.text();
        assert.deepEqual(
          text
            .trim()
            .split('\n')
            .map((x) => (JSON.parse(x) as { dialect: string }).dialect),
          fired,
        );
        const dir = mkdtempSync(join(tmpdir(), 'export-'));
        writeFileSync(join(dir, 'export.ndjson'), text);
        const r = await runMain([
          'replay',
          join(dir, 'export.ndjson'),
          '--url',
          capture.url,
          '--keep-time',
          '--format',
          format,
          '--key',
          KEY,
        ]);
        assert.equal(r.code, 0, r.stderr + r.stdout);
        assert.equal(capture.requests.length, originals.length);
        capture.requests.forEach((req, i) => {
          const parsed = parseBody(req.headers['content-type'], req.body);
          assert.ok(parsed.ok, `call ${i + 1}`);
          assert.deepEqual(parsed.fields, originals[i]!.fields, `call ${i + 1} (${fired[i]})`);
        });
      } finally {
        await capture.close();
        await stopListen(l.proc);
      }
    });
  }
});

describe('listen export leaves out what listen refused for its signature', () => {
  test('unsigned and wrongly signed calls (answered 400) are skipped, signed ones exported', async () => {
    const keys = keyPairIn(join(TEST_HOME, 'export-verify-keys'));
    const other = keyPairIn(join(TEST_HOME, 'export-other-keys'));
    const l = await startListen(['--public-key', keys.publicKeyFile]);
    try {
      const good = await cli(['fire', '-n', '2', '--seed', '4', '--url', l.url, '--key', keys.keyFile, '-q']);
      assert.equal(good.code, 0, good.stderr);
      const unsigned = await cli(['fire', '-n', '1', '--url', l.url, '--no-sign', '-q']);
      assert.equal(unsigned.code, 1, 'answered 400');
      const forged = await cli(['fire', '-n', '1', '--url', l.url, '--key', other.keyFile, '-q']);
      assert.equal(forged.code, 1, 'answered 400');
      const res = await fetch(new URL('/api/export.ndjson', l.url));
      assert.equal(res.headers.get('x-exported'), '2');
      assert.equal(res.headers.get('x-skipped'), '2');
      assert.equal((await res.text()).trim().split('\n').length, 2);
    } finally {
      await stopListen(l.proc);
    }
  });
});
