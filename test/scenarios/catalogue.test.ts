import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EventGenerator, SEEDED_EPOCH } from '../../src/generate/events.js';
import type { FailureEvent } from '../../src/model/events.js';
import { REASONS, SMTP_STATES } from '../../src/model/events.js';
import { SCENARIOS } from '../../src/scenarios/catalogue.js';
import { ROOT } from '../helpers/cli.js';

describe('scenario catalogue', () => {
  test('names are unique; every field is from the model vocabularies', () => {
    assert.equal(new Set(SCENARIOS.map((s) => s.name)).size, SCENARIOS.length);
    for (const s of SCENARIOS) {
      assert.ok((REASONS as readonly string[]).includes(s.reason), s.name);
      for (const st of s.states) assert.ok((SMTP_STATES as readonly string[]).includes(st), s.name);
      assert.ok(s.styles.length > 0, s.name);
    }
  });

  test('at least 25 synchronous failure scenarios over the SMTP states', () => {
    const sync = SCENARIOS.filter((s) => s.mode === 'sync');
    assert.ok(sync.length >= 25, `${sync.length}`);
    const states = new Set<string>(sync.flatMap((s) => s.states));
    for (const st of ['dns', 'connect', 'intro', 'ehlo', 'starttls', 'mailfrom', 'rcptto', 'data', 'message'])
      assert.ok(states.has(st), st);
  });

  test('every sync failure in every style: action by class, code/extended agree, no code when no reply', () => {
    for (const s of SCENARIOS.filter((x) => x.mode === 'sync')) {
      for (const style of s.styles) {
        for (let seed = 1; seed <= 5; seed++) {
          const [call] = new EventGenerator({
            seed,
            clock: () => SEEDED_EPOCH,
            scenario: s.name,
            style,
          }).instance(0);
          const e = call!.event as FailureEvent;
          const where = `${s.name}/${style}`;
          assert.equal(e.action, s.action, where);
          assert.ok(e.description, where);
          if (['dns', 'connect'].includes(e.state)) assert.equal(e.code, undefined, where);
          else assert.match(e.code!, /^[45]\d\d$/, where);
          if (e.code && e.extended) assert.equal(e.code[0], e.extended[0], where);
          if (e.code?.startsWith('5')) assert.equal(e.action, 'failed', `${where}: 5xx is final`);
          if (e.action === 'failure')
            assert.ok(!e.code || e.code.startsWith('4'), `${where}: a retry is temporary`);
          if (style === 'gmail') assert.match(e.recipient, /@(gmail|googlemail)\.com$/, where);
          if (style === 'yahoo') assert.match(e.recipient, /@(yahoo|aol|ymail)\.com$/, where);
          if (style === 'outlook') assert.match(e.recipient, /@(outlook|hotmail|live)\.com$/, where);
        }
      }
    }
  });

  test('the same seed gives the same calls; instances are independent of order', () => {
    const a = new EventGenerator({ seed: 9, clock: () => SEEDED_EPOCH });
    const b = new EventGenerator({ seed: 9, clock: () => SEEDED_EPOCH });
    assert.deepEqual(a.instance(5), b.instance(5));
    const first = a.take(12);
    assert.deepEqual(b.take(12), first);
    assert.equal(new Set(first.map((c) => c.event.id)).size, new Set(first.map((c) => c.event.id)).size);
  });

  test("README's catalogue table counts what the catalogue holds", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('### The catalogue in numbers'));
    const rows = [...table.matchAll(/^\| (\w+) \| (\d+) \| (\d+) \|$/gm)];
    assert.ok(rows.length > 0, 'no table');
    for (const [, kind, scenarios, pairs] of rows) {
      const of = SCENARIOS.filter((s) => s.kind === kind);
      assert.equal(Number(scenarios), of.length, `${kind}: scenarios`);
      assert.equal(
        Number(pairs),
        of.reduce((n, s) => n + s.styles.length, 0),
        `${kind}: scenario × style pairs`,
      );
    }
  });
});
