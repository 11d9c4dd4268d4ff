import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EventGenerator, eventClock, SEEDED_EPOCH } from '../../src/generate/events.js';
import { parseMix } from '../../src/plan/load-plan.js';

const N = 3000;

function counts(mix: string, seed = 7): { byType: Map<string, number>; byScenario: Map<string, number> } {
  const g = new EventGenerator({ seed, clock: eventClock(SEEDED_EPOCH, Date.now), mix: parseMix(mix) });
  const byType = new Map<string, number>();
  const byScenario = new Map<string, number>();
  const ids = new Set<string>();
  for (const call of g.take(N)) {
    byType.set(call.event.type, (byType.get(call.event.type) ?? 0) + 1);
    byScenario.set(call.scenario, (byScenario.get(call.scenario) ?? 0) + 1);
    ids.add(call.event.id);
  }
  assert.equal(ids.size, N, 'every request a unique event');
  return { byType, byScenario };
}

/** Within 4 standard deviations of a binomial share: fails by chance about never. */
function near(actual: number, share: number): void {
  const sd = Math.sqrt(N * share * (1 - share));
  assert.ok(Math.abs(actual - N * share) <= 4 * sd + 1, `${actual} vs ${N * share} ± ${4 * sd}`);
}

describe('--mix proportions (no network)', () => {
  test('failure=70,bounce=25,ooo=5', () => {
    const { byType, byScenario } = counts('failure=70,bounce=25,ooo=5');
    near(byType.get('failure') ?? 0, 0.7);
    near(byScenario.get('autoreply-out-of-office') ?? 0, 0.05);
    // "bounce" covers the bounce scenarios not named elsewhere: the DSNs.
    const dsn = [...byScenario].filter(([s]) => s.startsWith('dsn-'));
    const dsnBounces = (byType.get('bounce') ?? 0) - (byScenario.get('autoreply-out-of-office') ?? 0);
    assert.ok(dsn.length > 3);
    near(dsnBounces, 0.25);
  });

  test('scenario names: sync-userunknown=3,dsn-userunknown=1', () => {
    const { byType, byScenario } = counts('sync-userunknown=3,dsn-userunknown=1', 11);
    near(byScenario.get('sync-userunknown') ?? 0, 0.75);
    near(byScenario.get('dsn-userunknown') ?? 0, 0.25);
    assert.equal(byScenario.size, 2);
    // A DSN scenario in a mix sends its bounce.
    assert.equal(byType.get('bounce'), byScenario.get('dsn-userunknown'));
  });

  test('same seed, same mix: same events', () => {
    const mk = () =>
      new EventGenerator({
        seed: 3,
        clock: eventClock(SEEDED_EPOCH, Date.now),
        mix: parseMix('failure=1,ooo=1'),
      })
        .take(50)
        .map((c) => c.event.id);
    assert.deepEqual(mk(), mk());
  });

  test('parseMix rejects unknown names and all-zero weights', () => {
    assert.throws(() => parseMix('failure=1,nonsense=2'), /--mix: unknown 'nonsense'/);
    assert.throws(() => parseMix('failure'), /--mix: expected name=weight/);
    assert.throws(() => parseMix('failure=0'), /every weight is 0/);
  });
});
