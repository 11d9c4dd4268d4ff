/**
 * What a filter selects, read from the catalogue: the call types a run can
 * make (the plan's URL check) must be exactly the types the generator makes
 * for that filter, and a filter that selects nothing is a usage error.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CAMPAIGN_MIX } from '../../src/generate/campaign-mix.js';
import { EventGenerator } from '../../src/generate/events.js';
import { callTypesOf, type ScenarioFilter, selectScenarios } from '../../src/scenarios/select.js';

const generated = (filter: ScenarioFilter): string[] =>
  [
    ...new Set(new EventGenerator({ ...filter, seed: 3, clock: () => 0 }).take(400).map((c) => c.event.type)),
  ].sort();

describe('scenario selection', () => {
  const filters: [string, ScenarioFilter][] = [
    ['everything', {}],
    ['--type failure', { type: 'failure' }],
    ['--type bounce', { type: 'bounce' }],
    ['--scenario sync-userunknown', { scenario: 'sync-userunknown' }],
    ['--scenario dsn-userunknown', { scenario: 'dsn-userunknown' }],
    ['--style gmail', { style: 'gmail' }],
    ['--style postfix', { style: 'postfix' }],
    [
      '--mix failure=1,ooo=1',
      {
        mix: [
          { type: 'failure', weight: 1 },
          { scenario: 'autoreply-out-of-office', weight: 1 },
        ],
      },
    ],
    ['--mix dsn-userunknown=1', { mix: [{ scenario: 'dsn-userunknown', weight: 1 }] }],
    ['--type delivery', { type: 'delivery' }],
    ['--type open', { type: 'open' }],
    ['--type click', { type: 'click' }],
    ['--type abuse', { type: 'abuse' }],
    ['--scenario delivered-complaint', { scenario: 'delivered-complaint' }],
    [
      '--mix delivery=3,open=2,click=1',
      {
        mix: [
          { type: 'delivery', weight: 3 },
          { type: 'open', weight: 2 },
          { type: 'click', weight: 1 },
        ],
      },
    ],
    // A story named by itself in a mix is told whole: every one of its kinds.
    ['--mix opened-clicked=1', { mix: [{ scenario: 'opened-clicked', weight: 1 }] }],
    [
      '--mix delivered-complaint=1,failure=1',
      {
        mix: [
          { scenario: 'delivered-complaint', weight: 1 },
          { type: 'failure', weight: 1 },
        ],
      },
    ],
  ];
  for (const [name, filter] of filters)
    test(`${name}: the catalogue's call types are the generated ones`, () => {
      assert.deepEqual([...callTypesOf(filter)].sort(), generated(filter));
    });

  test('naming no kind, scenario or mix draws failure and bounce calls only, as before the later kinds', () => {
    assert.deepEqual([...callTypesOf({})].sort(), ['bounce', 'failure']);
    assert.deepEqual([...callTypesOf({ style: 'gmail' })].sort(), generated({ style: 'gmail' }));
  });

  test('the campaign mix can make every kind (abuse is 2 in 16,000: the catalogue knows it, a sample need not)', () => {
    const filter: ScenarioFilter = { mix: CAMPAIGN_MIX };
    const types: string[] = [...callTypesOf(filter)].sort();
    assert.deepEqual(types, ['abuse', 'bounce', 'click', 'delivery', 'failure', 'open']);
    for (const t of generated(filter)) assert.ok(types.includes(t), t);
  });

  test('a filter that leaves nothing says which flag and what there is', () => {
    assert.throws(
      () => selectScenarios({ scenario: 'sync-userunknown', type: 'bounce' }),
      /^UsageError: --scenario: 'sync-userunknown' produces no bounce call \(it produces failure\)$/,
    );
    assert.throws(
      () => selectScenarios({ style: 'hotmail95' }),
      /^UsageError: --style: no scenario is written in style 'hotmail95'/,
    );
    assert.throws(
      () => selectScenarios({ type: 'failure', attachmentBytes: 1024 }),
      /^UsageError: --attachment-size: .*--type failure makes none$/,
    );
    assert.throws(
      () => selectScenarios({ type: 'open', attachmentBytes: 1024 }),
      /^UsageError: --attachment-size: .*--type open makes none$/,
    );
    assert.throws(
      () => selectScenarios({ scenario: 'opened-clicked', type: 'abuse' }),
      /^UsageError: --scenario: 'opened-clicked' produces no abuse call \(it produces delivery, open, click\)$/,
    );
    assert.throws(
      () => callTypesOf({ scenario: 'nope' }),
      /^UsageError: --scenario: unknown scenario 'nope'/,
    );
  });
});
