/**
 * The DSN kinds of issue 17: Exchange NDRs in Dutch, German and French,
 * delay warnings before the final failure, and one report naming several
 * recipients. Sisimai's verdicts are in sisimai.test.ts (every scenario ×
 * style × seed); here the call sequences, and Python's email package as a
 * second, independent reader of the DSN fields.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventGenerator, SEEDED_EPOCH } from '../../../src/generate/events.js';
import type { Audience } from '../../../src/mail/audience.js';
import type { BounceEvent, FailureEvent, SimCall } from '../../../src/model/events.js';
import { findScenario } from '../../../src/scenarios/catalogue.js';
import { NDR_LANGUAGES } from '../../../src/scenarios/dsn/ndr-languages.js';
import { pythonAvailable, readWithPython } from '../../helpers/python-dsn.js';

const SEEDS = 20;
const DAY = 86_400;

function calls(scenario: string, style: string, seed: number, audience?: Audience): SimCall[] {
  return new EventGenerator({
    seed,
    clock: () => SEEDED_EPOCH,
    scenario,
    style,
    ...(audience ? { audience } : {}),
  }).instance(0);
}

const bounces = (cs: SimCall[]): BounceEvent[] =>
  cs.filter((c) => c.event.type === 'bounce').map((c) => c.event as BounceEvent);
const failures = (cs: SimCall[]): FailureEvent[] =>
  cs.filter((c) => c.event.type === 'failure').map((c) => c.event as FailureEvent);
const noPython = pythonAvailable() ? false : 'python3 is not installed: the second DSN reader is SKIPPED';

describe('Exchange NDRs in Dutch, German and French', { skip: noPython }, () => {
  const LOCALISED = ['nl', 'de', 'fr'] as const;
  const DSN = ['dsn-userunknown', 'dsn-mailboxfull', 'dsn-expired', 'dsn-mesgtoobig'];

  const WRITERS = ['exchange', 'office365'] as const;

  test(`subject, Content-Language and text in the language; delivery-status as en-US (${SEEDS} seeds)`, () => {
    for (const code of LOCALISED)
      for (const writer of WRITERS)
        for (const scenario of DSN) {
          const style = `${writer}-${code}`;
          if (!findScenario(scenario).styles.includes(style)) continue;
          checkLanguage(scenario, style, code);
        }
  });

  function checkLanguage(scenario: string, style: string, code: (typeof LOCALISED)[number]): void {
    const lang = NDR_LANGUAGES[code];
    const runs = Array.from({ length: SEEDS }, (_, i) => calls(scenario, style, i + 1));
    const english = Array.from({ length: SEEDS }, (_, i) => calls(scenario, 'exchange', i + 1));
    const read = readWithPython(runs.map((cs) => bounces(cs)[0]!.mime));
    const readEn = readWithPython(english.map((cs) => bounces(cs)[0]!.mime));
    read.forEach((py, i) => {
      const where = `${scenario}/${style}/seed ${i + 1}`;
      const bounce = bounces(runs[i]!)[0]!;
      const failure = failures(runs[i]!)[0]!;
      assert.deepEqual(py.defects, [], where);
      assert.ok(py.subject.startsWith(lang.subject), `${where}: subject ${py.subject}`);
      assert.equal(py.contentLanguage, lang.contentLanguage, where);
      assert.equal(py.contentType, 'multipart/report', where);
      assert.equal(py.reportType, 'delivery-status', where);
      for (const heading of [
        lang.failedTo,
        lang.forAdmins,
        lang.generatingServer.trim(),
        lang.originalHeaders,
      ])
        assert.ok(py.text.includes(heading), `${where}: no "${heading}"`);
      assert.ok(py.text.includes(lang.friendly(failure.extended!)), `${where}: friendly text`);
      // The machine-readable part is the one Exchange writes in every language.
      assert.deepEqual(Object.keys(py.recipients[0]!), Object.keys(readEn[i]!.recipients[0]!), where);
      assert.equal(py.recipients[0]!['final-recipient'], `rfc822;${bounce.recipient}`, where);
      assert.equal(py.recipients[0]!['status'], failure.extended, where);
      assert.equal(py.recipients[0]!['action'], 'failed', where);
      // Exchange Online stamps its tenant headers; Exchange on premises does not.
      assert.equal(
        bounce.mime.includes('X-MS-Exchange-CrossTenant-Id:'),
        style.startsWith('office365'),
        where,
      );
    });
  }
});

describe('delay notifications (dsn-delayed)', () => {
  const styles = findScenario('dsn-delayed').styles;

  test('warning: a bounce and a failure call with action failure; days later the final DSN: bounce and failure (failed), one message id', () => {
    assert.deepEqual(styles, ['postfix', 'exchange', 'gmail']);
    for (const style of styles)
      for (let seed = 1; seed <= SEEDS; seed++) {
        const where = `${style}/seed ${seed}`;
        const cs = calls('dsn-delayed', style, seed);
        assert.deepEqual(
          cs.map((c) => c.event.type),
          ['bounce', 'failure', 'bounce', 'failure'],
          where,
        );
        const [warning, final] = bounces(cs);
        const [retried, failed] = failures(cs);
        assert.equal(new Set(cs.map((c) => c.event.id)).size, 1, where);
        assert.equal(retried!.action, 'failure', where);
        assert.equal(retried!.state, 'bounce', where);
        assert.match(retried!.extended!, /^4\.\d+\.\d+$/, where);
        assert.equal(retried!.time, warning!.time, where);
        assert.equal(failed!.action, 'failed', where);
        assert.equal(failed!.time, final!.time, where);
        assert.ok(
          final!.time - warning!.time > DAY,
          `${where}: final bounce ${final!.time - warning!.time}s later`,
        );
        assert.notEqual(warning!.mime, final!.mime, where);
        assert.deepEqual(calls('dsn-delayed', style, seed), cs, `${where}: not deterministic`);
      }
  });

  test('Python email reads the warning: Action delayed, the call status, Will-Retry-Until before the final bounce', {
    skip: noPython,
  }, () => {
    const subjects: Record<string, RegExp> = {
      postfix: /^Delayed Mail \(still being retried\)$/,
      exchange: /^Delivery delayed: /,
      gmail: /^Delivery Status Notification \(Delay\)$/,
    };
    for (const style of styles) {
      const runs = Array.from({ length: SEEDS }, (_, i) => calls('dsn-delayed', style, i + 1));
      const read = readWithPython(runs.flatMap((cs) => bounces(cs).map((b) => b.mime)));
      runs.forEach((cs, i) => {
        const where = `${style}/seed ${i + 1}`;
        const [warning, final] = [read[2 * i]!, read[2 * i + 1]!];
        const [retried, failed] = failures(cs);
        assert.deepEqual([...warning.defects, ...final.defects], [], where);
        assert.match(warning.subject, subjects[style]!, where);
        const block = warning.recipients[0]!;
        assert.equal(block['action'], 'delayed', where);
        assert.equal(block['status'], retried!.extended, where);
        const until = Date.parse(block['will-retry-until']!.replace(/ \([A-Z]+\)$/, '')) / 1000;
        assert.ok(until > retried!.time && until <= failed!.time, `${where}: Will-Retry-Until ${until}`);
        assert.equal(final.recipients[0]!['action'], 'failed', where);
        assert.equal(final.recipients[0]!['status'], failed!.extended, where);
      });
    }
  });
});

describe('multi-recipient DSNs (dsn-multi-recipient)', () => {
  test('a bounce call per named recipient with the same MIME bytes and its own recipient, then a failure call each', () => {
    const styles = findScenario('dsn-multi-recipient').styles;
    assert.deepEqual(styles, ['postfix', 'exchange']);
    const counts = new Set<number>();
    for (const style of styles)
      for (let seed = 1; seed <= SEEDS; seed++) {
        const where = `${style}/seed ${seed}`;
        const cs = calls('dsn-multi-recipient', style, seed);
        const bs = bounces(cs);
        const fs = failures(cs);
        counts.add(bs.length);
        assert.ok(bs.length >= 2 && bs.length <= 4, where);
        assert.equal(fs.length, bs.length, where);
        assert.equal(new Set(bs.map((b) => b.mime)).size, 1, `${where}: not the same bytes`);
        assert.equal(new Set(bs.map((b) => b.recipient)).size, bs.length, `${where}: recipients repeat`);
        assert.deepEqual(
          fs.map((f) => f.recipient),
          bs.map((b) => b.recipient),
          where,
        );
        const domains = new Set(bs.map((b) => b.recipient.split('@')[1]));
        assert.equal(domains.size, 1, `${where}: one domain`);
        assert.equal(new Set(cs.map((c) => c.event.id)).size, 1, `${where}: one message`);
        assert.equal(new Set(bs.map((b) => b.envelope)).size, 1, `${where}: one envelope`);
        for (const b of bs)
          assert.ok(
            b.mime.includes(`rfc822; ${b.recipient}`) || b.mime.includes(`rfc822;${b.recipient}`),
            where,
          );
        assert.deepEqual(calls('dsn-multi-recipient', style, seed), cs, `${where}: not deterministic`);
      }
    assert.deepEqual([...counts].sort(), [2, 3, 4]);
  });
});

test("Exchange's and Exchange Online's language follows the audience: Dutch for nl, none localised for us", () => {
  const styleCount = (audience: Audience): Map<string, number> => {
    const gen = new EventGenerator({
      seed: 7,
      clock: () => SEEDED_EPOCH,
      scenario: 'dsn-userunknown',
      audience,
    });
    const seen = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const style = gen.instance(i)[0]!.style;
      seen.set(style, (seen.get(style) ?? 0) + 1);
    }
    return seen;
  };
  const nl = styleCount('nl');
  const us = styleCount('us');
  assert.ok((nl.get('exchange-nl') ?? 0) > (nl.get('exchange') ?? 0), `nl: ${[...nl]}`);
  assert.equal(nl.get('exchange-de') ?? 0, 0);
  for (const code of ['nl', 'de', 'fr'])
    assert.equal(us.get(`exchange-${code}`) ?? 0, 0, `us: exchange-${code}`);
  assert.ok((us.get('exchange') ?? 0) > 0);
});
