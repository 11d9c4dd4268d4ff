#!/usr/bin/env node
/**
 * An open run's main-thread CPU per call with its calls from a build pool,
 * as fire builds them (one worker, yielding to the sender, jobs of
 * `rate / div` scenario instances kept `rate / min(10, div / 2)` ahead),
 * waited for with the precise sleeper. The main thread's CPU (and how often
 * it was preempted) comes from /proc/self/task/<pid>/{schedstat,status}, so
 * it holds up on a busy machine better than lag does. Side by side,
 * interleaved; each variant is a built checkout and a job divisor:
 *
 *   taskset -c 0 node bench/open-main-cpu.mjs --url http://127.0.0.1:PORT/ \
 *     --variants /path/a:50,/path/b:50,/path/b:10 --rate 5000 --calls 25000 --rounds 5
 *
 * Linux only. Prints, per variant, medians of: main-thread µs per call,
 * process µs per call, main-thread preemptions per 1,000 calls, lag p99 ms,
 * and how far the achieved rate is off the target.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

const mainRunNs = () =>
  Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);
const mainPreempted = () =>
  Number(
    /nonvoluntary_ctxt_switches:\s*(\d+)/.exec(
      readFileSync(`/proc/self/task/${process.pid}/status`, 'utf8'),
    )[1],
  );

if (args.includes('--child')) {
  const root = arg('child');
  const div = Number(arg('div'));
  const calls = Number(arg('calls', '25000'));
  const rate = Number(arg('rate', '5000'));
  const url = new URL(arg('url'));
  const load = (p) => import(pathToFileURL(join(root, 'dist', 'src', p)).href);
  const { fire } = await load('run/fire.js');
  const { constantPacer } = await load('pace/pacer.js');
  const { createTransport } = await load('transport/create.js');
  const { BuildPool } = await load('run/build-pool.js');
  const { PreciseSleeper } = await load('pace/precise-sleep.js');
  const { SCENARIOS } = await load('scenarios/catalogue.js');
  const mix = SCENARIOS.filter((s) => s.mode === 'sync').map((s) => ({ scenario: s.name, weight: s.weight }));
  const request = { format: 'form', dialect: 'smtpeter' };
  const sleeper = new PreciseSleeper();
  const run = async (n, seed) => {
    const pool = new BuildPool(1, {
      generate: { seed, mix },
      clockBase: 0,
      request,
      targets: { url },
      maxJobSize: Math.ceil(rate / div),
      minAhead: Math.ceil(rate / Math.min(10, div / 2)),
      yieldToSender: true,
    });
    await pool.ready();
    const http = createTransport('net', { connections: 50 });
    const t0 = [mainRunNs(), mainPreempted(), process.cpuUsage()];
    const summary = await fire(
      {
        ...request,
        calls: pool,
        targets: { url },
        model: { kind: 'open', pacer: constantPacer(rate), maxInFlight: 1000 },
        count: n,
      },
      {
        http,
        now: () => performance.timeOrigin + performance.now(),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        preciseSleep: (ms) => sleeper.sleep(ms),
      },
    );
    const used = process.cpuUsage(t0[2]);
    const figures = {
      mainUs: (mainRunNs() - t0[0]) / 1e3 / n,
      processUs: (used.user + used.system) / n,
      preemptedPer1000: ((mainPreempted() - t0[1]) * 1000) / n,
      lagP99: summary.metrics.lagSummary().p99,
      achievedPct: ((summary.metrics.sent / (summary.rateWindowMs / 1000) - rate) / rate) * 100,
      sent: summary.metrics.sent,
    };
    await http.close();
    await pool.close();
    return figures;
  };
  await run(10_000, 1); // warm up: JIT, connections
  process.stdout.write(JSON.stringify(await run(calls, 2)));
  await sleeper.close();
  process.exit(0);
}

const variants = arg('variants')
  .split(',')
  .map((v) => {
    const i = v.lastIndexOf(':');
    return { root: v.slice(0, i), div: v.slice(i + 1), seen: [] };
  });
const rounds = Number(arg('rounds', '5'));
for (let k = 0; k < rounds; k++)
  for (const v of variants) {
    const r = spawnSync(
      process.execPath,
      [
        process.argv[1],
        '--child',
        v.root,
        '--div',
        v.div,
        '--url',
        arg('url'),
        '--calls',
        arg('calls', '25000'),
        '--rate',
        arg('rate', '5000'),
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(r.stderr);
    v.seen.push(JSON.parse(r.stdout));
  }
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const v of variants) {
  const col = (k, digits) =>
    `${median(v.seen.map((s) => s[k])).toFixed(digits)} (${v.seen.map((s) => s[k].toFixed(digits)).join(', ')})`;
  process.stdout.write(
    `${v.root} jobs rate/${v.div}: main ${col('mainUs', 1)} µs/call; process ${col('processUs', 1)} µs/call; preempted ${col('preemptedPer1000', 0)} /1000 calls; lag p99 ${col('lagP99', 2)} ms; achieved ${col('achievedPct', 1)}% off the rate\n`,
  );
}
