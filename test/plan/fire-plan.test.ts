/**
 * The fire plan: flags and settings in, a run plan out, with no process,
 * socket or stdout. Each test pins one decision the command used to make
 * inline: the load model, build workers and job sizes, targets, signing,
 * retries and disorder, output, and the exit-code rule.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { LoadedConfig } from '../../src/config/load.js';
import { SEEDED_EPOCH } from '../../src/generate/events.js';
import { type FireFlags, fireExitCode, planFire } from '../../src/plan/fire-plan.js';
import { settingsFrom } from '../../src/plan/send-plan.js';

const URL_FLAGS = { url: 'http://127.0.0.1:9/hook' };
const MACHINE = { cores: 4, now: () => Date.UTC(2026, 4, 1), randomSeed: () => 42 };

const dir = mkdtempSync(join(tmpdir(), 'smtpeter-sim-fire-plan-'));
const keyFile = join(dir, 'private.pem');
writeFileSync(
  keyFile,
  generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
);

/** Plan from flags (unsigned unless a key is given) over an optional config file. */
function plan(flags: Partial<FireFlags>, config: LoadedConfig = { values: {} }) {
  const all: FireFlags = { sign: false, ...flags };
  const settings = settingsFrom(all, config, {
    tags: all.tag,
    seed: all.seed,
    duplicate: all.duplicate,
    reorder: all.reorder,
    delay: all.delay,
  });
  return planFire(all, settings, MACHINE);
}

describe('fire plan: load', () => {
  test('no load flags: one call, closed model, 10 senders, as many sockets', () => {
    const p = plan(URL_FLAGS);
    assert.deepEqual(p.load.model, { kind: 'closed', concurrency: 10 });
    assert.equal(p.load.count, 1);
    assert.equal(p.connections, 10);
    assert.equal(p.workers, 0);
    assert.equal(p.embedded, false);
    assert.deepEqual(p.output, {
      json: false,
      quiet: false,
      chatty: true,
      keepResults: true,
      dryRun: false,
      verbose: false,
      keepAnswer: 0,
    });
  });

  test("the receiver's answer is kept only for a reader: --log, --json (small runs), -v", () => {
    assert.equal(plan({ ...URL_FLAGS, log: 'run.ndjson' }).output.keepAnswer, 1024);
    assert.equal(plan({ ...URL_FLAGS, json: true }).output.keepAnswer, 1024);
    assert.equal(plan({ ...URL_FLAGS, json: true, count: '5000' }).output.keepAnswer, 0);
    const verbose = plan({ ...URL_FLAGS, verbose: true, count: '5000' }).output;
    assert.deepEqual([verbose.keepAnswer, verbose.chatty, verbose.keepResults], [1024, true, false]);
  });

  test('--rate with --count: open model, sockets = max in flight, planned from the count', () => {
    const p = plan({ ...URL_FLAGS, rate: '200/s', count: '50', maxInFlight: '64' });
    assert.equal(p.load.model.kind, 'open');
    assert.equal(p.load.planned, 50);
    assert.equal(p.load.targetRate, 200);
    assert.equal(p.connections, 64);
  });

  test('--pipelining N: N requests ahead per socket, so a socket for every N in flight', () => {
    const p = plan({ ...URL_FLAGS, concurrency: '50', count: '10', pipelining: '10' });
    assert.equal(p.pipelining, 10);
    assert.equal(p.connections, 5);
    assert.equal(plan({ ...URL_FLAGS, concurrency: '7', pipelining: '2' }).connections, 4);
    assert.equal(plan(URL_FLAGS).pipelining, 1);
  });

  test("--shard K/N: the shard's share of the count, an open rate split N ways", () => {
    const whole = plan({ ...URL_FLAGS, seed: 's', rate: '300/s', count: '100', mix: 'failure=1' });
    const parts = [0, 1, 2].map((k) =>
      plan({ ...URL_FLAGS, seed: 's', rate: '300/s', count: '100', mix: 'failure=1', shard: `${k}/3` }),
    );
    assert.equal(whole.shard, undefined);
    assert.deepEqual(
      parts.map((p) => p.load.planned),
      [34, 33, 33],
    );
    assert.deepEqual(parts[2]!.shard, { index: 2, count: 3 });
    assert.deepEqual(parts[2]!.generate?.shard, { index: 2, count: 3 });
    for (const p of parts) assert.equal(p.load.targetRate, 100);
  });

  test('--rate without a count or duration is refused, naming --rate', () => {
    assert.throws(
      () => plan({ ...URL_FLAGS, rate: '10/s' }),
      /^UsageError: --rate: give --count or --duration too/,
    );
  });

  test('a timed run is not chatty and keeps no per-call results, even with --json', () => {
    const p = plan({ ...URL_FLAGS, rate: '10/s', duration: '2s', json: true });
    assert.equal(p.load.timed, true);
    assert.equal(p.output.chatty, false);
    assert.equal(p.output.keepResults, false);
  });
});

describe('fire plan: build workers and job sizes', () => {
  test('over 1000 unsigned calls: cores - 1 workers, two at most; jobs of 20 ms of the rate, 40 ms ahead (100 above 5000/s)', () => {
    const p = plan({ ...URL_FLAGS, rate: '5000/s', count: '20000' });
    assert.equal(p.workers, 2);
    assert.deepEqual(p.jobs, { maxJobSize: 100, minAhead: 200 });
    // Above 5000/s the sender has no time to spare: 100 ms ahead, so the worker keeps up.
    assert.deepEqual(plan({ ...URL_FLAGS, rate: '20000/s', count: '20000' }).jobs, {
      maxJobSize: 400,
      minAhead: 2000,
    });
    assert.equal(p.output.chatty, false);
    assert.equal(p.workersYield, false, 'two workers on four cores: one left for the sender');
  });

  test('over 1000 signed calls: one worker per core', () => {
    const p = plan({ ...URL_FLAGS, sign: true, key: keyFile, count: '5000' });
    assert.equal(p.workers, 4);
    assert.equal(p.workersYield, true, "a worker per core shares the sender's cores: below its priority");
    assert.ok(p.request.signing, 'signed');
    assert.equal(p.jobs, undefined, 'closed runs build on demand');
  });

  test('retries sign every delivery afresh: built on the main thread, and --workers is refused', () => {
    assert.equal(plan({ ...URL_FLAGS, count: '5000', retries: '2' }).workers, 0);
    assert.throws(
      () => plan({ ...URL_FLAGS, retries: '2', workers: '2' }),
      /^UsageError: --workers: retries, --duplicate and --reorder are built on the main thread; give --workers 0 or leave it out$/,
    );
  });

  test('--sign-workers is the older name of --workers: the same number is fine, another is not', () => {
    assert.equal(plan({ ...URL_FLAGS, workers: '3', signWorkers: '3' }).workers, 3);
    assert.throws(
      () => plan({ ...URL_FLAGS, workers: '3', signWorkers: '2' }),
      /^UsageError: --sign-workers: is the older name of --workers; give one$/,
    );
  });
});

describe('fire plan: targets from the catalogue', () => {
  test('no URL at all: the embedded receiver', () => {
    assert.equal(plan({}).embedded, true);
  });

  test('failure calls only: a failure URL is enough', () => {
    const p = plan({ failureUrl: 'http://127.0.0.1:9/f', type: 'failure' });
    assert.equal(p.send.targets.failureUrl?.href, 'http://127.0.0.1:9/f');
  });

  test('a DSN scenario makes bounces too: without a bounce URL the plan says so', () => {
    assert.throws(
      () => plan({ failureUrl: 'http://127.0.0.1:9/f', scenario: 'dsn-userunknown', count: '1' }),
      /^UsageError: --url: no URL for bounce calls \(give --url, or --bounce-url\)$/,
    );
  });

  test('a mix entry of a sync scenario asks for failure calls only', () => {
    const p = plan({ failureUrl: 'http://127.0.0.1:9/f', mix: 'failure=1' });
    assert.equal(p.generate?.mix?.length, 1);
  });

  test('the later kinds: a URL missing for a kind the filter can make is refused before anything is sent', () => {
    const perKind = { failureUrl: 'http://127.0.0.1:9/f', bounceUrl: 'http://127.0.0.1:9/b' };
    // Naming no kind: failure and bounce only, so their two URLs are enough.
    assert.equal(plan(perKind).embedded, false);
    assert.throws(
      () => plan({ ...perKind, type: 'open' }),
      /^UsageError: --url: no URL for open calls \(give --url, or --open-url\)$/,
    );
    // The campaign can make an abuse call, rare as it is: the catalogue knows, no sample is drawn.
    assert.throws(
      () =>
        plan({
          ...perKind,
          deliveryUrl: 'http://127.0.0.1:9/d',
          openUrl: 'http://127.0.0.1:9/o',
          clickUrl: 'http://127.0.0.1:9/c',
          mix: 'campaign',
        }),
      /^UsageError: --url: no URL for abuse calls \(give --url, or --abuse-url\)$/,
    );
    const p = plan({
      deliveryUrl: 'http://127.0.0.1:9/d',
      openUrl: 'http://127.0.0.1:9/o',
      scenario: 'delivered-opened',
    });
    assert.equal(p.send.targets.openUrl?.href, 'http://127.0.0.1:9/o');
    assert.equal(p.embedded, false);
  });

  test('a dialect without a field set for a kind the run can make refuses it, naming --type or --dialect', () => {
    assert.throws(
      () => plan({ ...URL_FLAGS, dialect: 'smtpeter-feedback-loop', type: 'click' }),
      /^UsageError: --type: dialect smtpeter-feedback-loop carries failure and bounce calls only, not click/,
    );
    assert.throws(
      () => plan({ ...URL_FLAGS, dialect: 'marketing-suite', mix: 'delivery=1,failure=1', dryRun: true }),
      /^UsageError: --dialect: dialect marketing-suite carries failure and bounce calls only, not delivery/,
    );
    assert.throws(
      () => plan({ ...URL_FLAGS, dialect: 'marketing-suite', type: 'open', mime: ['x.eml'] }),
      /^UsageError: --mime: a captured message makes bounce calls, not --type open$/,
    );
    assert.equal(plan({ ...URL_FLAGS, dialect: 'marketing-suite' }).send.dialect, 'marketing-suite');
  });

  test('a dry run needs no URL for every type', () => {
    assert.equal(plan({ failureUrl: 'http://127.0.0.1:9/f', dryRun: true }).output.dryRun, true);
  });
});

describe('fire plan: seed, clock, signing, retries, disorder', () => {
  test('--seed fixes the event clock at the seeded epoch: the same calls twice', () => {
    const a = plan({ ...URL_FLAGS, seed: 'x' });
    const b = plan({ ...URL_FLAGS, seed: 'x' });
    assert.equal(a.clockBase, SEEDED_EPOCH);
    assert.deepEqual(a.source.take(3), b.source.take(3));
  });

  test('no seed: the machine picks one, and events take the wall clock', () => {
    const p = plan(URL_FLAGS);
    assert.equal(p.seed, 42);
    assert.equal(p.clockBase, 'now');
    assert.equal(p.source.take(1)[0]?.event.time, Math.floor(MACHINE.now() / 1000));
  });

  test('--no-sign: unsigned requests and no notice', () => {
    const p = plan(URL_FLAGS);
    assert.equal(p.request.signing, undefined);
    assert.equal(p.signing.notice, undefined);
  });

  test('a key file: signed, its public half kept for the embedded receiver', () => {
    const p = plan({ sign: true, key: keyFile });
    assert.equal(p.request.signing?.copernicaId, 'environment-1234');
    assert.equal(p.signing.publicKey?.asymmetricKeyType, 'rsa');
  });

  test('retries and disorder from a config file, errors naming the file and key', () => {
    const config = { values: { retries: '3', duplicate: '10%' }, filepath: 'sim.json' };
    const p = plan(URL_FLAGS, config);
    assert.equal(p.send.retry.retries, 3);
    assert.deepEqual(p.disorder, { duplicate: 0.1 });
    assert.throws(
      () => plan(URL_FLAGS, { values: { reorder: 'some' }, filepath: 'sim.json' }),
      /^UsageError: sim\.json: reorder: expected a whole number of 0 or more, got 'some'$/,
    );
  });

  test('bad values name their flag: --tag, --grace, --threshold', () => {
    assert.throws(
      () => plan({ ...URL_FLAGS, tag: ['a b'] }),
      /^UsageError: --tag: 'a b' contains white space/,
    );
    assert.throws(() => plan({ ...URL_FLAGS, grace: '5' }), /^UsageError: --grace: expected a duration/);
    assert.throws(() => plan({ ...URL_FLAGS, threshold: ['p99<'] }), /^UsageError: --threshold: /);
  });
});

describe('fire exit code', () => {
  const clean = { failed: 0, dropped: 0, unsent: 0, interrupted: false, invalidReceived: 0 };

  test('0 only when nothing failed, dropped, stayed unsent or arrived invalid', () => {
    assert.equal(fireExitCode(clean), 0);
    for (const bad of ['failed', 'dropped', 'unsent', 'invalidReceived'] as const)
      assert.equal(fireExitCode({ ...clean, [bad]: 1 }), 1, bad);
  });

  test('with thresholds they decide, unless the run was interrupted', () => {
    assert.equal(fireExitCode({ ...clean, failed: 5, thresholdsHeld: true }), 0);
    assert.equal(fireExitCode({ ...clean, thresholdsHeld: false }), 1);
    assert.equal(fireExitCode({ ...clean, thresholdsHeld: true, interrupted: true }), 1);
  });
});

describe('fire plan: transport', () => {
  test('http:// goes through the net client unless --transport says undici (fire is the load path)', () => {
    assert.equal(plan(URL_FLAGS).send.transport.kind, 'net');
    assert.equal(plan({ ...URL_FLAGS, transport: 'undici' }).send.transport.kind, 'undici');
    assert.equal(plan({ ...URL_FLAGS, transport: 'net' }).send.transport.kind, 'net');
  });
});
