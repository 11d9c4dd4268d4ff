import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { constantPacer, parseRate, parseStages, stagesPacer } from '../../src/pace/pacer.js';

const dur = (t: string): number | undefined => {
  const m = /^(\d+)(ms|s|m)$/.exec(t);
  return m ? Number(m[1]) * (m[2] === 'm' ? 60_000 : m[2] === 's' ? 1000 : 1) : undefined;
};

describe('pacer (pure, no clock)', () => {
  test('constant rate: evenly spaced, countBefore matches dueAt', () => {
    const p = constantPacer(500);
    assert.equal(p.dueAt(0), 0);
    assert.equal(p.dueAt(1), 2);
    assert.equal(p.dueAt(500), 1000);
    assert.equal(p.countBefore(1000), 500);
    assert.equal(p.countBefore(30_000), 15_000);
    assert.equal(p.countBefore(1001), 501);
    for (let n = 0; n < 2000; n += 37) assert.equal(p.countBefore(p.dueAt(n)), n);
  });

  test('parseRate: /s, /m, bare; rejects junk and zero', () => {
    assert.equal(parseRate('500/s'), 500);
    assert.equal(parseRate('600/m'), 10);
    assert.equal(parseRate('7'), 7);
    assert.equal(parseRate('fast'), undefined);
    assert.equal(parseRate('0/s'), undefined);
  });

  test('ramp 0 -> 100/s over 10s: 500 calls, quadratic spacing, monotonic', () => {
    const p = stagesPacer([{ durationMs: 10_000, target: 100 }]);
    assert.equal(p.countBefore(p.endMs), 500);
    // N(t) = 5 t² (t in s): call n due at sqrt(n/5) s.
    for (const n of [1, 20, 125, 320, 499]) assert.ok(Math.abs(p.dueAt(n) - Math.sqrt(n / 5) * 1000) < 1e-6);
    assert.equal(p.dueAt(500), Number.POSITIVE_INFINITY);
    let prev = -1;
    for (let n = 0; n < 500; n++) {
      const t = p.dueAt(n);
      assert.ok(t >= prev, `call ${n} at ${t} before ${prev}`);
      prev = t;
    }
  });

  test('k6-style stages 10s:100/s,30s:1000/s,10s:0/s: totals and rate per window', () => {
    const stages = parseStages('10s:100/s,30s:1000/s,10s:0/s', dur);
    assert.ok(Array.isArray(stages));
    const p = stagesPacer(stages);
    // 10s×50 + 30s×550 + 10s×500 = 500 + 16500 + 5000
    assert.equal(p.countBefore(p.endMs), 22_000);
    assert.equal(p.endMs, 50_000);
    // Around 40s the rate peaks at 1000/s: 1000 calls in the second before and ~1000 after.
    const window = (from: number, to: number): number => p.countBefore(to) - p.countBefore(from);
    assert.ok(Math.abs(window(39_000, 40_000) - 985) <= 2, String(window(39_000, 40_000)));
    assert.ok(Math.abs(window(40_000, 41_000) - 950) <= 2, String(window(40_000, 41_000)));
    // Descending ramp: calls still in order, the last before 50s.
    const last = p.dueAt(21_999);
    assert.ok(last < 50_000 && last > 45_000, String(last));
    assert.ok(p.dueAt(21_998) <= last);
    for (let n = 0; n < 22_000; n += 101) assert.equal(p.countBefore(p.dueAt(n)), n);
  });

  test('a hold stage: constant rate between ramps', () => {
    const p = stagesPacer([
      { durationMs: 1000, target: 1000 },
      { durationMs: 2000, target: 1000 },
    ]);
    assert.equal(p.countBefore(p.endMs), 2500);
    assert.ok(Math.abs(p.dueAt(500) - 1000) < 1e-6);
    assert.ok(Math.abs(p.dueAt(1500) - 2000) < 1e-6);
  });

  test('parseStages: names the bad part', () => {
    assert.match(String(parseStages('10s', dur)), /not duration:rate/);
    assert.match(String(parseStages('10x:5/s', dur)), /'10x:5\/s': expected a duration with a unit/);
    assert.match(String(parseStages('10s:lots', dur)), /bad rate/);
    assert.match(String(parseStages('10s:0/s', dur)), /nothing would be sent/);
  });
});
