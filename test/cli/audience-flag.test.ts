import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUDIENCE_TABLES } from '../../src/mail/audience.js';
import { runMain } from '../helpers/cli.js';

test('generate --audience de: German consumer domains and .de company domains, recorded in the description', async () => {
  const r = await runMain([
    'generate',
    '-n',
    '300',
    '--seed',
    '3',
    '--audience',
    'de',
    '--scenario',
    'sync-userunknown',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const file = JSON.parse(r.stdout) as { description: string; calls: { recipient: string; label: string }[] };
  assert.match(file.description, /--audience de\b/);
  const domains = file.calls.map((c) => c.recipient.split('@')[1]!);
  const consumer = new Set(Object.values(AUDIENCE_TABLES.de.domains).flatMap((l) => l.map(([d]) => d)));
  for (const d of domains.filter(
    (x) => x.includes('hotmail') || x.includes('yahoo') || x.includes('outlook.'),
  ))
    assert.ok(consumer.has(d), `${d} is not a German audience domain`);
  assert.ok(domains.includes('hotmail.de') || domains.includes('outlook.de'));
  const company = domains.filter((d) => !consumer.has(d));
  assert.ok(company.filter((d) => d.endsWith('.de')).length > company.length / 2, company.join(' '));
  // The wording follows the recipient's provider: Outlook.com wording for Outlook.com domains.
  for (const c of file.calls.filter((x) => /@(hotmail|outlook|live)\./.test(x.recipient)))
    assert.equal(c.label, 'sync-userunknown (outlook)');
});

test('--audience with an unknown value: one line naming the flag, exit code 2, nothing written', async () => {
  const r = await runMain(['generate', '--audience', 'fr']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /--audience/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
});
