import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DEFECT_KINDS } from '../../src/defects/kinds.js';
import { cli, TEST_HOME } from '../helpers/cli.js';
import { startListen, stopListen } from '../helpers/listen.js';

interface Summary {
  kind: string | null;
  id: string | null;
  hint: string;
  defects: string[];
  problems: string[];
}

/**
 * `fire --defects 100%` at `listen` on 127.0.0.1: every call is logged with
 * the defects it was given, and the page, reading only what arrived, shows
 * the call and names the same defects.
 */
describe('fire --defects at listen', () => {
  test('each defect the sender names, listen reads from the wire; every call still shows', async () => {
    const listen = await startListen([]);
    try {
      const log = join(TEST_HOME, 'defects-log.ndjson');
      const count = 120;
      const r = await cli([
        'fire',
        '--type',
        'bounce',
        '--defects',
        '100%',
        '--seed',
        '11',
        '-n',
        String(count),
        '--url',
        listen.url,
        '--no-sign',
        '--log',
        log,
        // Built on a worker thread: the defects' names travel with the prepared call.
        '--workers',
        '1',
        '-q',
      ]);
      assert.equal(r.code, 0, r.stderr);
      // By message id and recipient: a delay and its final DSN, or one report per recipient, share an id.
      const keyOf = (id: string | null, defects: readonly string[]): string => `${id} ${[...defects].sort()}`;
      const sent: string[] = [];
      for (const line of readFileSync(log, 'utf8').trim().split('\n')) {
        const rec = JSON.parse(line) as { id: string; defects?: string[]; outcome: string };
        assert.equal(rec.outcome, 'ok');
        assert.ok(rec.defects?.length, `call ${rec.id} has no defects at 100%`);
        sent.push(keyOf(rec.id, rec.defects));
      }
      assert.equal(sent.length, count);
      const calls = (await (await fetch(new URL('/api/calls', listen.url))).json()) as Summary[];
      assert.equal(calls.length, count);
      for (const c of calls) {
        assert.equal(c.kind, 'bounce', c.hint);
        assert.ok(c.hint.length > 0);
        assert.deepEqual(c.problems, [], `${c.id}: ${c.problems.join('; ')}`);
      }
      assert.deepEqual(
        calls.map((c) => keyOf(c.id, c.defects)).sort(),
        sent.sort(),
        'listen reads the defects that were sent, call for call',
      );
      const seen = new Set(calls.flatMap((c) => c.defects));
      assert.ok(seen.size >= DEFECT_KINDS.length - 2, `only ${[...seen].join(', ')} in ${count} calls`);
    } finally {
      await stopListen(listen.proc);
    }
  });
});
