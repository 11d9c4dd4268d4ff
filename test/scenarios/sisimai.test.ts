import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventGenerator, SEEDED_EPOCH } from '../../src/generate/events.js';
import type { Audience } from '../../src/mail/audience.js';
import type { BounceEvent, FailureEvent, SimCall } from '../../src/model/events.js';
import { SCENARIOS } from '../../src/scenarios/catalogue.js';
import { deliveryStatusFields, hasOnlyCrlf, parseMime } from '../helpers/mime.js';
import { classify, type SisimaiResult, sisimaiSkipReason } from '../helpers/sisimai.js';

const SEEDS = 20;

/** Seeds per audience: every audience's domain mix goes through Sisimai too. */
const AUDIENCE_SEEDS: ReadonlyArray<readonly [Audience, number]> = [
  ['global', SEEDS],
  ['nl', 5],
  ['de', 5],
  ['us', 5],
];

/** Every scenario with a bounce call, in every style, over the seeds of each audience. */
function matrix(): Array<{ scenario: string; style: string; seed: number; calls: SimCall[] }> {
  const rows = [];
  for (const s of SCENARIOS.filter((x) => x.calls.includes('bounce'))) {
    for (const style of s.styles) {
      for (const [audience, seeds] of AUDIENCE_SEEDS) {
        for (let seed = 1; seed <= seeds; seed++) {
          const gen = new EventGenerator({
            seed,
            clock: () => SEEDED_EPOCH,
            scenario: s.name,
            style,
            audience,
          });
          rows.push({ scenario: s.name, style: `${style} (${audience})`, seed, calls: gen.instance(0) });
        }
      }
    }
  }
  return rows;
}

const rows = matrix();

/**
 * Real notices Sisimai 4.25 does not read as what they are, and what it
 * answers for their real bytes instead: the test holds it to that answer,
 * and test/scenarios/reply-kinds.test.ts checks their structure with
 * Python's email package.
 * - TMDA's confirmation request (its default template, word for word):
 *   the lines `<sender> has not been verified.` and the bare confirm
 *   address make Sisimai's generic RFC 3464 scanner report `onhold` for
 *   those addresses (one result each) before its RFC 3834 check runs.
 * - Mailman 2.1's and 3's "awaits moderator approval": no Auto-Submitted,
 *   no DSN, Precedence: bulk; Sisimai finds nothing (no result).
 */
const SISIMAI_MISREADS: Record<string, (got: SisimaiResult[], bounce: BounceEvent) => string | undefined> = {
  'autoreply-challenge/tmda': (got, bounce) =>
    got.length >= 1 &&
    got.every((r) => r.reason === 'onhold' && r.agent === 'RFC3464') &&
    got.some((r) => r.recipient === bounce.envelope)
      ? undefined
      : `expected onhold/RFC3464 results naming the envelope, got ${JSON.stringify(got)}`,
  'moderation-held/mailman2': (got) =>
    got.length === 0 ? undefined : `expected no result, got ${JSON.stringify(got)}`,
  'moderation-held/mailman3': (got) =>
    got.length === 0 ? undefined : `expected no result, got ${JSON.stringify(got)}`,
};
const bounceOf = (calls: SimCall[]): BounceEvent =>
  calls.find((c) => c.event.type === 'bounce')!.event as BounceEvent;

describe('every bounce is a well-formed message', () => {
  test('CRLF line ends only, parses with postal-mime, From/Subject/Date present', async () => {
    for (const row of rows) {
      const mime = bounceOf(row.calls).mime;
      const where = `${row.scenario}/${row.style}/seed ${row.seed}`;
      assert.ok(hasOnlyCrlf(mime), `${where}: bare LF or CR`);
      const email = await parseMime(mime);
      assert.ok(email.from, `${where}: no From`);
      assert.ok(email.date, `${where}: no Date`);
      assert.ok(email.subject, `${where}: no Subject`);
      for (const line of mime.split('\r\n')) assert.ok(line.length <= 998, `${where}: line over 998 octets`);
    }
  });

  test('DSNs are multipart/report with Final-Recipient = recipient, and the failure call agrees', () => {
    for (const row of rows.filter((r) => r.calls.length === 2)) {
      const where = `${row.scenario}/${row.style}/seed ${row.seed}`;
      const bounce = bounceOf(row.calls);
      const failure = row.calls.find((c) => c.event.type === 'failure')!.event as FailureEvent;
      assert.match(
        bounce.mime,
        /^Content-Type: multipart\/report;[^\r\n]*report-type=delivery-status/im,
        where,
      );
      const blocks = deliveryStatusFields(bounce.mime);
      assert.ok(blocks && blocks.length >= 2, `${where}: no delivery-status blocks`);
      const rcpt = blocks.slice(1).find((b) => b['final-recipient'])!;
      assert.equal(rcpt['final-recipient']!.replace(/^rfc822;\s*/i, ''), bounce.recipient, where);
      assert.equal(failure.id, bounce.id, where);
      assert.equal(failure.recipient, bounce.recipient, where);
      assert.deepEqual(failure.tags, bounce.tags, where);
      assert.equal(failure.state, 'bounce', where);
      assert.equal(rcpt['status']!.split(' ')[0], failure.extended, `${where}: Status vs extended`);
      const diag = rcpt['diagnostic-code'] ?? '';
      if (failure.code)
        assert.match(diag, new RegExp(`\\b${failure.code}[ -]`), `${where}: code in Diagnostic-Code`);
      const firstWords = failure.description!.split(/\s+/).slice(0, 4).join(' ');
      assert.ok(
        diag.replace(/\s+/g, ' ').includes(firstWords),
        `${where}: description not in Diagnostic-Code`,
      );
    }
  });
});

describe('Sisimai classifies every bounce as its scenario declares', { skip: sisimaiSkipReason() }, () => {
  test(`${rows.length} bounces: reason, recipient and (for DSNs) status`, () => {
    const results = classify(rows.map((r) => bounceOf(r.calls).mime));
    const misses: string[] = [];
    rows.forEach((row, i) => {
      const scenario = SCENARIOS.find((s) => s.name === row.scenario)!;
      const bounce = bounceOf(row.calls);
      const got = results[i]!;
      const where = `${row.scenario}/${row.style}/seed ${row.seed}`;
      const misread = SISIMAI_MISREADS[`${row.scenario}/${row.style.split(' ')[0]}`];
      if (misread) {
        const wrong = misread(got, bounce);
        if (wrong) misses.push(`${where}: ${wrong}`);
        return;
      }
      if (got.length !== 1) {
        misses.push(`${where}: ${got.length} results`);
        return;
      }
      const r = got[0]!;
      if (r.reason !== scenario.reason)
        misses.push(`${where}: reason ${r.reason}, declared ${scenario.reason}`);
      if (r.recipient !== bounce.recipient)
        misses.push(`${where}: recipient ${r.recipient}, call says ${bounce.recipient}`);
      const failure = row.calls.find((c) => c.event.type === 'failure')?.event as FailureEvent | undefined;
      if (failure && r.status !== failure.extended)
        misses.push(`${where}: status ${r.status}, call says ${failure.extended}`);
    });
    assert.deepEqual(misses, [], `${misses.length} of ${rows.length} disagree`);
  });
});
