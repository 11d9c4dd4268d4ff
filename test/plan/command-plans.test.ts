/**
 * The replay, generate, check and listen plans: flags in, a plan out, no
 * process. Each pins what the command used to decide inline.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planCheck } from '../../src/plan/check-plan.js';
import { fixtureText, planGenerate } from '../../src/plan/generate-plan.js';
import { planListen } from '../../src/plan/listen-plan.js';
import { planReplay, type ReplayFlags, replayExitCode } from '../../src/plan/replay-plan.js';
import { settingsFrom } from '../../src/plan/send-plan.js';
import { planServe } from '../../src/plan/serve-plan.js';
import { realRetries } from '../../src/serve/serve.js';

const NO_CONFIG = { values: {} };
const replayPlan = (flags: Partial<ReplayFlags>) => {
  const all: ReplayFlags = { sign: false, ...flags };
  return planReplay(all, settingsFrom(all, NO_CONFIG, { seed: all.seed }), () => 7);
};

describe('replay plan', () => {
  test('defaults: as fast as answered, text lines per call, the seed from the machine', () => {
    const p = replayPlan({ url: 'http://127.0.0.1:9/' });
    assert.deepEqual(p.pacing, { kind: 'asap' });
    assert.equal(p.reporter, 'text');
    assert.equal(p.perCall, true);
    assert.equal(p.seed, 7);
    assert.equal(p.disordered, false);
  });

  test('--speed 10x is realtime ten times faster; --rate is even pacing', () => {
    assert.deepEqual(replayPlan({ url: 'http://127.0.0.1:9/', speed: '10x' }).pacing, {
      kind: 'realtime',
      speed: 10,
    });
    assert.deepEqual(replayPlan({ url: 'http://127.0.0.1:9/', rate: '5/s' }).pacing, {
      kind: 'rate',
      perSecond: 5,
    });
  });

  test('junit on stdout is machine output: no lines per call; --json with it needs --out', () => {
    const p = replayPlan({ url: 'http://127.0.0.1:9/', reporter: 'junit' });
    assert.equal(p.machine, true);
    assert.equal(p.perCall, false);
    assert.throws(
      () => replayPlan({ reporter: 'junit', json: true }),
      /^UsageError: --json: with --reporter junit, give --out FILE for the XML$/,
    );
  });

  test('a dry run without a URL shows listen’s default address', () => {
    assert.equal(replayPlan({ dryRun: true }).send.targets.url?.href, 'http://127.0.0.1:8025/');
  });
});

describe('replay exit code', () => {
  test('0 only when every call was answered as expected and none was left unsent', () => {
    assert.equal(replayExitCode({ unexpected: 0, unsent: 0 }), 0);
    assert.equal(replayExitCode({ unexpected: 1, unsent: 0 }), 1);
    assert.equal(replayExitCode({ unexpected: 0, unsent: 2 }), 1);
  });
});

describe('generate plan', () => {
  test('--time now is recorded as the instant it was, so the description reproduces the file', () => {
    const p = planGenerate(
      { seed: 's', time: 'now', count: '2' },
      () => Date.UTC(2026, 2, 1),
      () => 1,
    );
    assert.equal(p.description, 'smtpeter-sim generate --seed s --count 2 --time 2026-03-01T00:00:00.000Z');
    assert.equal(
      fixtureText(p),
      fixtureText(planGenerate({ seed: 's', time: '2026-03-01T00:00:00Z', count: '2' }, Date.now, () => 1)),
    );
  });

  test('--mix campaign: the description names it, and the file holds the later kinds', () => {
    const p = planGenerate({ seed: 's', count: '40', mix: 'campaign' }, Date.now, () => 1);
    assert.match(p.description, /--count 40 --mix campaign$/);
    const types = new Set(
      (JSON.parse(fixtureText(p)) as { calls: Array<{ type: string }> }).calls.map((c) => c.type),
    );
    assert.ok(types.has('delivery') && types.has('open'), [...types].join());
  });

  test('no --seed: the machine’s, written into the description; the format follows --out', () => {
    const p = planGenerate({ out: 'calls.ndjson' }, Date.now, () => 99);
    assert.match(p.description, /--seed 99 --count 1$/);
    assert.equal(p.format, 'ndjson');
  });
});

describe('check plan', () => {
  test('--url is required', () => {
    assert.throws(() => planCheck({}, settingsFrom({}, NO_CONFIG)), /^UsageError: --url: required/);
  });

  test('--kinds: known kinds only, and only those the dialect carries', () => {
    const flags = { url: 'http://127.0.0.1:9/' };
    assert.throws(
      () => planCheck({ ...flags, kinds: 'open,opens' }, settingsFrom(flags, NO_CONFIG)),
      /^UsageError: --kinds: /,
    );
    const suite = { ...flags, dialect: 'marketing-suite' };
    assert.throws(
      () => planCheck({ ...suite, kinds: 'all' }, settingsFrom(suite, NO_CONFIG)),
      /^UsageError: --kinds: dialect marketing-suite carries failure and bounce calls only, not delivery/,
    );
  });
});

describe('listen plan', () => {
  test('defaults: 127.0.0.1:8025, 200, the page on', () => {
    const p = planListen({});
    assert.deepEqual(p.receiver, { port: 8025, host: '127.0.0.1', status: 200, ui: true });
    assert.equal(p.json, false);
  });

  test('--copernica-id without --public-key would be ignored: refused', () => {
    assert.throws(
      () => planListen({ copernicaId: 'x' }),
      /^UsageError: --copernica-id: is checked on verified calls only/,
    );
  });
});

describe('planServe', () => {
  const plan = (flags: Record<string, unknown>) => {
    const all = { sign: false, ...flags };
    return planServe(all as never, settingsFrom(all as never, NO_CONFIG)).options;
  };
  test("--retry-max alone caps the mail ladder's waits; --retry-jitter alone is refused", () => {
    assert.equal('retry' in plan({}), false, "the ladder, serve's default");
    const capped = plan({ url: 'http://127.0.0.1:9/', retryMax: '100ms', timeScale: '60' }).retry!;
    assert.equal(capped.maxMs, 100);
    assert.equal(capped.retries, 10);
    // The ladder's first step, 1 minute at 60×: 1 s, then capped.
    assert.deepEqual(capped.backoff, realRetries(60).backoff);
    assert.throws(
      () => plan({ url: 'http://127.0.0.1:9/', retryJitter: 'decorrelated' }),
      /^UsageError: --retry-jitter: goes with exponential backoff \(--retries or --retry-base\), not with serve's retry ladder$/,
    );
    assert.equal(
      plan({ url: 'http://127.0.0.1:9/', retries: '2', retryJitter: 'decorrelated' }).retry!.retries,
      2,
    );
  });
  test('--sign-workers: 0 signs on the event loop, N threads, absent leaves serve its default', () => {
    assert.equal(plan({ signWorkers: '0' }).signWorkers, 0);
    assert.equal(plan({ signWorkers: '3' }).signWorkers, 3);
    assert.equal('signWorkers' in plan({}), false);
    assert.throws(
      () => plan({ signWorkers: '65' }),
      /^UsageError: --sign-workers: expected a number of threads, 0-64/,
    );
  });
  test("--timeout, --insecure and --ca reach serve's webhook client (they were accepted and ignored)", () => {
    assert.deepEqual(plan({}).http, { timeoutMs: 10_000 });
    assert.deepEqual(plan({ timeout: '500ms', insecure: true }).http, { timeoutMs: 500, insecure: true });
  });
  test('--defects: a share of bounces, as fire reads it; absent: none; past 100% refused', () => {
    assert.equal(plan({ defects: '5%' }).defects, 0.05);
    assert.equal(plan({ defects: '1' }).defects, 1);
    assert.equal('defects' in plan({}), false);
    assert.throws(
      () => plan({ defects: '120%' }),
      /^UsageError: --defects: '120%' is not a share of bounces/,
    );
  });
});
