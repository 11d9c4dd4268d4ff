import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeCall } from '../../src/encode/body.js';
import { EventGenerator, eventClock, type GenerateOptions, SEEDED_EPOCH } from '../../src/generate/events.js';
import type { SimCall } from '../../src/model/events.js';
import { constantPacer, stagesPacer } from '../../src/pace/pacer.js';
import { callsOfShard, shardPacer } from '../../src/pace/shard-pacer.js';
import { loadPlan, parseMix } from '../../src/plan/load-plan.js';
import { parseShard, shardCalls, shardLoad } from '../../src/plan/shard.js';
import { SCENARIOS } from '../../src/scenarios/catalogue.js';

const clock = eventClock(SEEDED_EPOCH, Date.now);
const bytes = (c: SimCall): string => encodeCall(c, 'form', 'smtpeter').body.toString('latin1');
/**
 * A DSN's failure and bounce calls share the message's id, as do a delay
 * and its final DSN and a report's calls per recipient: a call is its type,
 * id, recipient and time.
 */
const key = (c: SimCall): string => `${c.event.type} ${c.event.id} ${c.event.recipient} ${c.event.time}`;

/** The run's first `total` calls, and the same run cut into `n` shards, each as its own generator. */
function sharded(options: Omit<GenerateOptions, 'clock'>, total: number, n: number): SimCall[][] {
  const whole = new EventGenerator({ ...options, clock });
  return Array.from({ length: n }, (_, index) => {
    const shard = { index, count: n };
    const own = new EventGenerator({ ...options, clock, shard });
    return own.take(shardCalls(total, shard, whole));
  });
}

describe('fire --shard K/N', () => {
  // The default catalogue mixes one-call (sync failures) and two-call (DSN: failure + bounce) instances;
  // a --mix gives one call per instance; --type bounce one of each DSN's two.
  const runs: Array<[string, Omit<GenerateOptions, 'clock' | 'seed'>]> = [
    ['the whole catalogue', {}],
    ['a mix', { mix: parseMix('failure=70,bounce=25,ooo=5') }],
    ['bounces only', { type: 'bounce' }],
  ];
  for (const [name, options] of runs)
    test(`shards are disjoint and together exactly the run, same bytes (${name}, over seeds)`, () => {
      for (const seed of [1, 42, 20260115])
        for (const [total, n] of [
          [1, 1],
          [7, 2],
          [60, 3],
          [61, 4],
          [5, 8],
        ] as const) {
          const whole = new EventGenerator({ seed, ...options, clock }).take(total);
          const shards = sharded({ seed, ...options }, total, n);
          const ids = shards.flat().map(key);
          assert.equal(new Set(ids).size, ids.length, `seed ${seed} ${total}/${n}: an id in two shards`);
          assert.equal(ids.length, total, `seed ${seed} ${total}/${n}: shards hold the run's count`);
          const want = new Map(whole.map((c) => [key(c), bytes(c)]));
          assert.equal(want.size, total);
          for (const c of shards.flat())
            assert.equal(bytes(c), want.get(key(c)), `seed ${seed} ${total}/${n}: ${key(c)} differs`);
        }
    });

  test('every scenario of the catalogue, named alone in a mix: shards count its calls as it makes them', () => {
    for (const scenario of SCENARIOS) {
      const options = { seed: 3, mix: [{ scenario: scenario.name, weight: 1 }] };
      const whole = new EventGenerator({ ...options, clock }).take(9);
      const shards = sharded(options, 9, 2);
      assert.deepEqual(
        shards.flat().map(key).sort(),
        whole.map(key).sort(),
        `${scenario.name}: the shards are not the run`,
      );
    }
  });

  test('a shard holds every N-th instance, in order, with its event time', () => {
    const options = { seed: 9, mix: parseMix('failure=1'), clock };
    const whole = new EventGenerator(options).take(12);
    const second = new EventGenerator({ ...options, shard: { index: 1, count: 3 } }).take(4);
    assert.deepEqual(
      second.map((c) => c.event.id),
      [1, 4, 7, 10].map((i) => whole[i]!.event.id),
    );
    assert.deepEqual(
      second.map((c) => c.event.time),
      [1, 4, 7, 10].map((i) => whole[i]!.event.time),
    );
  });

  test('--shard parses K/N from 0 and refuses anything else', () => {
    assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
    for (const bad of ['4/4', '1/0', 'x', '1/2/3', '-1/2'])
      assert.throws(() => parseShard(bad), /--shard:/, bad);
  });
});

describe('an open schedule cut into shards', () => {
  test('the shards together are the run: every due time once', () => {
    for (const pacer of [
      constantPacer(1000),
      stagesPacer([
        { durationMs: 2000, target: 500 },
        { durationMs: 1000, target: 0 },
      ]),
    ]) {
      const total = pacer.countBefore(Number.isFinite(pacer.endMs) ? pacer.endMs : 2500);
      const n = 3;
      const due: number[] = [];
      for (let index = 0; index < n; index++) {
        const p = shardPacer(pacer, { index, count: n });
        const mine = p.countBefore(Number.isFinite(pacer.endMs) ? pacer.endMs : 2500);
        assert.equal(mine, callsOfShard(total, { index, count: n }));
        for (let m = 0; m < mine; m++) due.push(p.dueAt(m));
      }
      const whole = Array.from({ length: total }, (_, j) => pacer.dueAt(j));
      assert.deepEqual(
        due.sort((a, b) => a - b),
        whole,
      );
    }
  });

  test("an open run's rate and count are split between the shards", () => {
    const load = loadPlan({ rate: '900/s', count: '100' });
    const generator = new EventGenerator({ seed: 1, mix: parseMix('failure=1'), clock });
    const parts = [0, 1, 2].map((index) => shardLoad(load, { index, count: 3 }, generator));
    assert.deepEqual(
      parts.map((p) => p.planned),
      [34, 33, 33],
    );
    for (const p of parts) assert.equal(p.targetRate, 300);
  });
});
