import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { ENGAGEMENT_TYPES } from '../../src/model/events.js';
import { formFields, startCaptureServer } from '../helpers/capture-server.js';
import { cli, TEST_HOME } from '../helpers/cli.js';
import { startVerifyingReceiver } from '../helpers/verifying-receiver.js';

const keyDir = join(TEST_HOME, 'check-kinds-keys');
const key = join(keyDir, 'smtpeter-sim.key');
const pub = join(keyDir, 'smtpeter-sim.pub');

interface Card {
  ok: boolean;
  required: { passed: number; failed: number; skipped: number };
  checks: Array<{ name: string; outcome: string; level: string }>;
}

before(async () => {
  assert.equal((await cli(['keys', 'generate', '--out', keyDir])).code, 0);
});

describe('check --kinds: valid and forged calls of the later kinds', () => {
  test('a verifying receiver accepts each valid kind and refuses each tampered one', async () => {
    const receiver = await startVerifyingReceiver(createPublicKey(readFileSync(pub)), 'environment-1234');
    try {
      const r = await cli(['check', '--url', receiver.url, '--key', key, '--kinds', 'all', '--json']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const card = JSON.parse(r.stdout) as Card;
      assert.equal(card.ok, true);
      const byName = new Map(card.checks.map((c) => [c.name, c]));
      for (const kind of ENGAGEMENT_TYPES) {
        assert.equal(byName.get(`valid-${kind}`)?.outcome, 'pass', kind);
        assert.equal(byName.get(`tampered-${kind}`)?.outcome, 'pass', kind);
        assert.equal(byName.get(`tampered-${kind}`)?.level, 'required', kind);
      }
      assert.deepEqual(card.required, { passed: 18, failed: 0, skipped: 1 });
    } finally {
      await receiver.close();
    }
  });

  test('a receiver that accepts everything fails each tampered kind; the calls are of the kind named', async () => {
    const capture = await startCaptureServer();
    try {
      const r = await cli(['check', '--url', capture.url, '--key', key, '--kinds', 'open,abuse']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stdout, /PASS {2}valid-open +required/);
      assert.match(r.stdout, /FAIL {2}tampered-open +required +got 200, expected a refusal/);
      assert.match(r.stdout, /FAIL {2}tampered-abuse +required/);
      assert.doesNotMatch(r.stdout, /valid-click|valid-delivery/);
      const types = capture.requests.map((req) => formFields(req.body).get('type')?.[0]);
      assert.equal(types.filter((t) => t === 'open').length, 2);
      assert.equal(types.filter((t) => t === 'abuse').length, 2);
    } finally {
      await capture.close();
    }
  });

  test('a dialect without the kind, or an unknown kind: one line, exit 2, nothing sent', async () => {
    const capture = await startCaptureServer();
    try {
      for (const [args, message] of [
        [
          ['--kinds', 'click', '--dialect', 'marketing-suite'],
          /^smtpeter-sim: --kinds: dialect marketing-suite carries failure and bounce calls only, not click/,
        ],
        [['--kinds', 'opens'], /--kinds/],
      ] as const) {
        const r = await cli(['check', '--url', capture.url, '--key', key, ...args]);
        assert.equal(r.code, 2, r.stdout);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
        assert.match(r.stderr, message);
      }
      assert.equal(capture.requests.length, 0);
    } finally {
      await capture.close();
    }
  });
});
