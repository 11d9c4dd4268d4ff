import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng } from '../../src/random/rng.js';
import { fateOf, simulatorFate } from '../../src/serve/outcomes/fate.js';
import { parseOutcomes } from '../../src/serve/outcomes/rules.js';

describe('outcomes', () => {
  test('simulator addresses name their fate; +label and case are ignored; others are not simulator addresses', () => {
    assert.equal(simulatorFate('bounce@simulator.smtpeter.test'), 'bounce');
    assert.equal(simulatorFate('Bounce+order-17@Simulator.SMTPeter.test'), 'bounce');
    assert.equal(simulatorFate('dsn-mailboxfull+x@simulator.smtpeter.test'), 'dsn-mailboxfull');
    assert.equal(simulatorFate('nosuchfate@simulator.smtpeter.test'), undefined);
    assert.equal(simulatorFate('bounce@example.com'), undefined);
  });

  test('rules: first match decides, weights drawn from the seed, the rest of 100 delivered', () => {
    const rules = parseOutcomes(
      JSON.stringify({
        rules: [
          { domain: 'gmail.com', outcomes: { bounce: 50, opened: 50 } },
          { pattern: '*@test.*', outcomes: { softbounce: 10 } },
        ],
      }),
      'o.json',
    );
    const draw = (addr: string, n: number): Map<string, number> => {
      const counts = new Map<string, number>();
      const rng = createRng(42);
      for (let i = 0; i < n; i++) {
        const f = fateOf(addr, rules, rng);
        counts.set(f, (counts.get(f) ?? 0) + 1);
      }
      return counts;
    };
    const gmail = draw('anna@gmail.com', 2000);
    assert.deepEqual([...gmail.keys()].sort(), ['bounce', 'opened']);
    assert.ok(Math.abs(gmail.get('bounce')! - 1000) < 120);
    const t = draw('x@test.nl', 2000);
    assert.ok(Math.abs(t.get('softbounce')! - 200) < 60);
    assert.ok(Math.abs(t.get('delivered')! - 1800) < 60);
    // Naming `delivered`, or going past 100, makes the weights shares of their total (README).
    const shares = parseOutcomes(
      JSON.stringify({
        rules: [
          { domain: 'a.example', outcomes: { bounce: 1, delivered: 1 } },
          { domain: 'b.example', outcomes: { bounce: 300, ooto: 100 } },
        ],
      }),
      'o.json',
    );
    const drawFrom = (addr: string): Map<string, number> => {
      const counts = new Map<string, number>();
      const rng = createRng(7);
      for (let i = 0; i < 2000; i++) {
        const f = fateOf(addr, shares, rng);
        counts.set(f, (counts.get(f) ?? 0) + 1);
      }
      return counts;
    };
    const a = drawFrom('x@a.example');
    assert.ok(Math.abs(a.get('bounce')! - 1000) < 120, `${a.get('bounce')}`);
    const b = drawFrom('x@b.example');
    assert.deepEqual([...b.keys()].sort(), ['bounce', 'ooto']);
    assert.ok(Math.abs(b.get('bounce')! - 1500) < 120, `${b.get('bounce')}`);
    assert.deepEqual([...draw('y@other.org', 10).keys()], ['delivered']);
    assert.deepEqual(draw('anna@gmail.com', 50), gmail.size ? draw('anna@gmail.com', 50) : undefined);
    assert.equal(fateOf('clicked@simulator.smtpeter.test', rules, createRng(1)), 'clicked');
  });

  const bad: [string, unknown, RegExp][] = [
    ['not an object of rules', [], /expected \{"rules": \[\.\.\.\]\}/],
    [
      'unknown fate',
      { rules: [{ domain: 'a.b', outcomes: { explode: 1 } }] },
      /rules\[0\]\.outcomes\.explode: not an outcome or a scenario name/,
    ],
    [
      'both domain and pattern',
      { rules: [{ domain: 'a.b', pattern: '*', outcomes: {} }] },
      /rules\[0\]: give either "domain" or "pattern"/,
    ],
    [
      'negative weight',
      { rules: [{ domain: 'a.b', outcomes: { bounce: -1 } }] },
      /outcomes\.bounce: expected a weight of 0 or more/,
    ],
  ];
  test('an outcomes file that is not JSON: the file, line and column, in words', () => {
    assert.throws(
      () => parseOutcomes('{ "rules": [\n  { "domain": "gmail.com", }\n] }\n', 'o.json'),
      (e: Error) => /^--outcomes o\.json:2: not JSON: .+ \(column \d+\)$/.test(e.message),
    );
  });

  test("a bad rule's message names the line its rule starts on", () => {
    const text =
      '{ "rules": [\n  { "domain": "a.b", "outcomes": { "bounce": 2 } },\n  { "domain": "c.d", "outcomes": { "bouce": 2 } }\n] }\n';
    assert.throws(
      () => parseOutcomes(text, 'o.json'),
      (e: Error) =>
        e.message === '--outcomes o.json:3: rules[1].outcomes.bouce: not an outcome or a scenario name',
    );
  });

  for (const [name, doc, re] of bad)
    test(`a bad outcomes file says where: ${name}`, () => {
      assert.throws(
        () => parseOutcomes(JSON.stringify(doc), 'o.json'),
        (e: Error) => re.test(e.message) && e.message.startsWith('--outcomes o.json'),
      );
    });
});
