/**
 * See the answer: what the receiver said (status, headers, the first KB of
 * its body) per attempt in --log and --json, and under each call's line
 * with -v/--verbose, so a 401 or 422 is debugged from smtpeter-sim's output.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CaptureServer, startCaptureServer } from '../helpers/capture-server.js';
import { runMain } from '../helpers/cli.js';

const LONG = `${'x'.repeat(1500)}END`;

describe("the receiver's answer in --verbose, --log and --json", () => {
  let receiver: CaptureServer;
  const dir = mkdtempSync(join(tmpdir(), 'smtpeter-sim-answer-'));
  before(async () => {
    receiver = await startCaptureServer((_req, n) =>
      n % 2 === 1
        ? {
            status: 422,
            headers: { 'X-Reason': 'missing field', 'Content-Type': 'application/json' },
            body: '{"error":"recipient is required"}\n',
          }
        : { status: 200, body: LONG },
    );
  });
  after(() => receiver.close());

  test('-v: status, headers and body under the call line', async () => {
    const r = await runMain(['fire', '--url', receiver.url, '--no-sign', '-n', '1', '-v']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^ {2}< 422$/m);
    assert.match(r.stdout, /^ {2}< x-reason: missing field$/m);
    assert.match(r.stdout, /^ {2}< content-type: application\/json$/m);
    assert.match(r.stdout, /^ {2}< \{"error":"recipient is required"\}$/m);
  });

  test('--log and --json: the answer per attempt; a long body cut at 1 KB and marked', async () => {
    const log = join(dir, 'run.ndjson');
    const r = await runMain([
      'fire',
      '--url',
      receiver.url,
      '--no-sign',
      '-n',
      '2',
      '-c',
      '1',
      '--json',
      '--log',
      log,
    ]);
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            status: number;
            answer: { headers: Record<string, string>; body: string; truncated?: boolean };
          },
      );
    assert.equal(lines.length, 2);
    const refused = lines.find((l) => l.status === 422)!;
    assert.equal(refused.answer.headers['x-reason'], 'missing field');
    assert.equal(refused.answer.body, '{"error":"recipient is required"}\n');
    const long = lines.find((l) => l.status === 200)!;
    assert.equal(long.answer.body, LONG.slice(0, 1024));
    assert.equal(long.answer.truncated, true);
    const doc = JSON.parse(r.stdout) as {
      results: { status: number; answer: { headers: Record<string, string> } }[];
    };
    assert.equal(doc.results.find((x) => x.status === 422)?.answer.headers['x-reason'], 'missing field');
  });

  test('without --log, --json or -v, no answer is kept', async () => {
    const r = await runMain(['fire', '--url', receiver.url, '--no-sign', '-n', '1']);
    assert.doesNotMatch(r.stdout, /< 4\d\d|x-reason/);
  });
});
