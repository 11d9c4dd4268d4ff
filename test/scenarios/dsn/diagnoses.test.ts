import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventGenerator, SEEDED_EPOCH } from '../../../src/generate/events.js';
import type { BounceEvent, FailureEvent } from '../../../src/model/events.js';
import { wordingsFor } from '../../../src/scenarios/dsn/diagnoses.js';
import { DSN_STYLES } from '../../../src/scenarios/dsn/registry.js';
import { DSN_REASONS } from '../../../src/scenarios/dsn/types.js';
import { deliveryStatusFields } from '../../helpers/mime.js';

const SEEDS = 20;

/**
 * A Diagnostic-Code's wording: unfolded, with the recipient, every domain
 * or host name and every token holding a digit (IPs, ids, reply codes)
 * masked, so two calls count as one text when only those differ.
 */
function wording(diag: string, bounce: BounceEvent): string {
  return diag
    .replace(/\s+/g, ' ')
    .split(bounce.recipient)
    .join('<rcpt>')
    .split(' ')
    .map((t) => {
      const core = t.replace(/^[[(<"']+|[\])>"',;:]+$/g, '');
      return /^[\w-]+(\.[\w-]+)*\.[a-z]{2,}\.?$/.test(core) ? '<host>' : /\d/.test(t) ? '#' : t;
    })
    .join(' ');
}

test(`distinct Diagnostic-Code texts per (reason, style) over ${SEEDS} seeds: >= 3 where several are declared`, () => {
  const short: string[] = [];
  for (const { style } of DSN_STYLES) {
    for (const reason of DSN_REASONS) {
      if (style.reasons && !style.reasons.includes(reason)) continue;
      const texts = new Set<string>();
      for (let seed = 1; seed <= SEEDS; seed++) {
        const gen = new EventGenerator({
          seed,
          clock: () => SEEDED_EPOCH,
          scenario: `dsn-${reason}`,
          style: style.name,
        });
        const calls = gen.instance(0);
        const bounce = calls.find((c) => c.event.type === 'bounce')!.event as BounceEvent;
        const failure = calls.find((c) => c.event.type === 'failure')!.event as FailureEvent;
        const rcpt = deliveryStatusFields(bounce.mime)!
          .slice(1)
          .find((b) => b['final-recipient'])!;
        texts.add(wording(rcpt['diagnostic-code'] ?? `(none) ${failure.description}`, bounce));
      }
      const declared = wordingsFor(style, reason).length;
      const where = `${reason}/${style.name}: ${texts.size} texts, ${declared} declared`;
      if (declared > 1 && texts.size < 3) short.push(where);
      if (declared === 1 && texts.size !== 1) short.push(`${where}: ${[...texts].join(' | ')}`);
    }
  }
  assert.deepEqual(short, []);
});

test('every style declares several wordings for the reasons its real server words several ways', () => {
  const several = DSN_STYLES.flatMap(({ style }) =>
    DSN_REASONS.filter((r) => !style.reasons || style.reasons.includes(r)).filter(
      (r) => wordingsFor(style, r).length >= 3,
    ),
  );
  // userunknown and mailboxfull have several texts at every server here.
  for (const { style } of DSN_STYLES)
    for (const reason of ['userunknown', 'mailboxfull'] as const)
      assert.ok(wordingsFor(style, reason).length >= 3, `${style.name}/${reason}`);
  assert.ok(several.length >= 30, `${several.length} (reason, style) pairs with 3+ wordings`);
});
