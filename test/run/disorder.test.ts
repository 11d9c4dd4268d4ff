import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng } from '../../src/random/rng.js';
import {
  type DelayDist,
  DUPLICATE_SPREAD,
  delayFor,
  deliveries,
  describeDelay,
  limit,
  parseDelay,
  parseProbability,
  reorderWindows,
  sampleDelay,
  withDuplicates,
} from '../../src/run/disorder.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const dur = (t: string): number | undefined => {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(t);
  return m ? Number(m[1]) * (m[2] === 's' ? 1000 : 1) : undefined;
};
const sorted = <T>(xs: T[]): T[] => [...xs].sort();

describe('duplicates', () => {
  test('p = 0: every item once, in order', () => {
    assert.deepEqual(
      [...withDuplicates(range(20), 0, createRng(1))],
      range(20).map((item) => ({ item, duplicate: false })),
    );
  });

  test('p = 1: every item twice, the copy 1..SPREAD deliveries after its original', () => {
    const out = [...withDuplicates(range(50), 1, createRng(2))];
    assert.equal(out.length, 100);
    assert.deepEqual(sorted(out.filter((d) => !d.duplicate).map((d) => d.item)), sorted(range(50)));
    assert.deepEqual(sorted(out.filter((d) => d.duplicate).map((d) => d.item)), sorted(range(50)));
    // Originals keep their order.
    assert.deepEqual(
      out.filter((d) => !d.duplicate).map((d) => d.item),
      range(50),
    );
    for (const item of range(50)) {
      const original = out.findIndex((d) => d.item === item && !d.duplicate);
      const copy = out.findIndex((d) => d.item === item && d.duplicate);
      assert.ok(copy > original, `copy of ${item} after the original`);
      // Other duplicates due at the same moment can push a copy a little later.
      assert.ok(copy - original <= 2 * DUPLICATE_SPREAD, `copy of ${item} near its original`);
    }
  });

  test('about p of the items are duplicated, the same ones for the same seed', () => {
    const run = (seed: number) => [...withDuplicates(range(2000), 0.25, createRng(seed))];
    const a = run(3);
    const dups = a.filter((d) => d.duplicate).length;
    assert.ok(dups > 400 && dups < 600, String(dups));
    assert.deepEqual(run(3), a);
    assert.notDeepEqual(run(4), a);
  });

  test('limit cuts a stream, endless ones too', () => {
    function* endless() {
      for (let i = 0; ; i++) yield i;
    }
    assert.deepEqual([...limit(endless(), 5)], [0, 1, 2, 3, 4]);
    assert.deepEqual([...limit(range(3), 10)], [0, 1, 2]);
    assert.deepEqual([...limit(range(3), 0)], []);
  });
});

describe('reorder in windows', () => {
  test('a window of 0 or 1 keeps the order', () => {
    assert.deepEqual([...reorderWindows(range(10), 1, createRng(1))], range(10));
    assert.deepEqual([...reorderWindows(range(10), 0, createRng(1))], range(10));
  });

  test('each window of n is a permutation of the same n items; the whole order changes', () => {
    const out = [...reorderWindows(range(100), 10, createRng(5))];
    assert.notDeepEqual(out, range(100));
    for (let w = 0; w < 10; w++)
      assert.deepEqual(
        [...out.slice(w * 10, w * 10 + 10)].sort((a, b) => a - b),
        range(10).map((i) => w * 10 + i),
      );
    assert.deepEqual([...reorderWindows(range(100), 10, createRng(5))], out, 'seeded');
  });

  test("a window never splits a message's calls: bounce and failure can swap, and do", () => {
    // The generator yields a DSN's bounce then its failure, same event id.
    const calls = range(40).flatMap((m) =>
      m % 2 === 0 ? [`m${m}/bounce`, `m${m}/failure`] : [`m${m}/failure`],
    );
    const group = (a: string, b: string): boolean => a.split('/')[0] === b.split('/')[0];
    let failureFirst = 0;
    let bounceFirst = 0;
    for (let seed = 0; seed < 10; seed++) {
      const out = [...reorderWindows(calls, 3, createRng(seed), group)];
      assert.deepEqual(sorted(out), sorted(calls));
      for (let m = 0; m < 40; m += 2) {
        const b = out.indexOf(`m${m}/bounce`);
        const f = out.indexOf(`m${m}/failure`);
        if (f < b) failureFirst++;
        else bounceFirst++;
        // Same window: never more than a window plus the pair apart.
        assert.ok(Math.abs(f - b) <= 3, `m${m}: ${b} ${f}`);
      }
    }
    assert.ok(failureFirst > 20 && bounceFirst > 20, `${failureFirst} / ${bounceFirst}`);
  });

  test('deliveries: the set of a run is the same with or without reordering', () => {
    const items = range(500).map((i) => ({ id: `e${i}` }));
    const run = (reorder: number) =>
      [...deliveries(items, { duplicate: 0.2, reorder }, 9, 300, (c) => c.id)].map(
        (d) => `${d.item.id}${d.duplicate ? '+' : ''}`,
      );
    const plain = run(0);
    const shuffled = run(25);
    assert.equal(plain.length, 300);
    assert.notDeepEqual(shuffled, plain);
    assert.deepEqual(sorted(shuffled), sorted(plain));
    assert.ok(
      plain.some((d) => d.endsWith('+')),
      'some duplicates',
    );
  });
});

describe('delays', () => {
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const draws = (d: DelayDist, n = 5000): number[] => {
    const rng = createRng(11);
    return Array.from({ length: n }, () => sampleDelay(d, rng));
  };

  test('fixed, uniform, exponential, normal: in range, with the mean asked for', () => {
    assert.deepEqual(draws({ kind: 'fixed', ms: 200 }, 3), [200, 200, 200]);
    const u = draws({ kind: 'uniform', minMs: 100, maxMs: 500 });
    assert.ok(u.every((d) => d >= 100 && d <= 500));
    assert.ok(Math.abs(mean(u) - 300) < 15, String(mean(u)));
    const e = draws({ kind: 'exp', meanMs: 100 });
    assert.ok(e.every((d) => d >= 0 && Number.isFinite(d)));
    assert.ok(Math.abs(mean(e) - 100) < 8, String(mean(e)));
    const n = draws({ kind: 'normal', meanMs: 200, sdMs: 50 });
    assert.ok(n.every((d) => d >= 0));
    assert.ok(Math.abs(mean(n) - 200) < 5, String(mean(n)));
    const sd = Math.sqrt(mean(n.map((d) => (d - 200) ** 2)));
    assert.ok(Math.abs(sd - 50) < 5, String(sd));
    assert.ok(
      draws({ kind: 'normal', meanMs: 10, sdMs: 100 }).every((d) => d >= 0),
      'cut at 0',
    );
  });

  test('a call’s delay depends on the seed and its index only', () => {
    const d: DelayDist = { kind: 'exp', meanMs: 100 };
    const a = range(20).map((i) => delayFor(d, 1, i));
    assert.deepEqual(
      range(20)
        .reverse()
        .map((i) => delayFor(d, 1, i))
        .reverse(),
      a,
    );
    assert.notDeepEqual(
      range(20).map((i) => delayFor(d, 2, i)),
      a,
    );
  });

  test('parse: every form, and what is wrong with a bad one', () => {
    assert.deepEqual(parseDelay('fixed:200ms', dur), { kind: 'fixed', ms: 200 });
    assert.deepEqual(parseDelay('uniform:0-500ms', dur), { kind: 'uniform', minMs: 0, maxMs: 500 });
    assert.deepEqual(parseDelay('uniform:100ms-2s', dur), { kind: 'uniform', minMs: 100, maxMs: 2000 });
    assert.deepEqual(parseDelay('exp:100ms', dur), { kind: 'exp', meanMs: 100 });
    assert.deepEqual(parseDelay('normal:200ms,50ms', dur), { kind: 'normal', meanMs: 200, sdMs: 50 });
    assert.match(String(parseDelay('weird:1', dur)), /unknown distribution 'weird'/);
    assert.match(String(parseDelay('200ms', dur)), /expected a distribution such as/);
    assert.match(String(parseDelay('uniform:500-100ms', dur)), /minimum is above the maximum/);
    assert.match(String(parseDelay('uniform:100ms', dur)), /expected MIN-MAX/);
    assert.match(String(parseDelay('fixed:soon', dur)), /'soon' is not a duration/);
    assert.match(String(parseDelay('normal:200ms', dur)), /expected MEAN,SD/);
    for (const text of ['fixed:200ms', 'uniform:0ms-500ms', 'exp:1s', 'normal:200ms,50ms'])
      assert.equal(describeDelay(parseDelay(text, dur) as DelayDist), text);
  });
});

describe('probabilities', () => {
  test('a fraction or a percentage, 0..1', () => {
    assert.equal(parseProbability('0.1'), 0.1);
    assert.equal(parseProbability('.5'), 0.5);
    assert.equal(parseProbability('10%'), 0.1);
    assert.equal(parseProbability('0'), 0);
    assert.equal(parseProbability('1'), 1);
    assert.equal(parseProbability('100%'), 1);
    for (const bad of ['2', '150%', '-0.1', 'often', ''])
      assert.match(String(parseProbability(bad)), /expected a probability/, bad);
  });
});
