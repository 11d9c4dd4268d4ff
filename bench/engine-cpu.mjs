#!/usr/bin/env node
/**
 * The engine's own CPU per call, robust to a busy machine: prepared calls
 * (bodies built beforehand, so generation is not measured) sent through
 * fire()'s closed model to a receiver, and this process's user+system CPU
 * divided by the calls. Compare two builds side by side, interleaved:
 *
 *   node bench/engine-cpu.mjs --url http://127.0.0.1:PORT/ --roots /path/a,/path/b --rounds 5
 *   ... --rate 5000   # the open model at this rate instead of the closed one (precise sleeper, as fire)
 *
 *   ... --transports undici,net   # each root with each transport (--transport of fire; default undici)
 *
 * Each root is a checkout with dist/ built; each round runs each root in a
 * fresh process. Prints µs of CPU per call: the minimum and the median;
 * with --rate, the measured run's schedule lag p99 and service latency p50
 * and p99 too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};

if (args.includes('--child')) {
  const root = arg('child');
  const calls = Number(arg('calls', '100000'));
  const url = new URL(arg('url'));
  const load = (p) => import(pathToFileURL(join(root, 'dist', 'src', p)).href);
  const { fire } = await load('run/fire.js');
  const { constantPacer } = await load('pace/pacer.js');
  const rate = Number(arg('rate', '0'));
  const transport = arg('transport', 'undici');
  const { HttpClient } = await load('transport/http.js');
  const client =
    transport === 'undici'
      ? (options) => new HttpClient(options)
      : (options) => load('transport/create.js').then((m) => m.createTransport(transport, options));
  // The open model waits for each call's due time as fire's CLI does: with the precise sleeper.
  const { PreciseSleeper } = await load('pace/precise-sleep.js');
  const sleeper = rate > 0 ? new PreciseSleeper() : undefined;
  const body = Buffer.from(
    `id=${'a'.repeat(32)}&type=failure&recipient=someone%40example.com&${'x=y&'.repeat(80)}`,
  );
  const headers = [
    'Content-Type',
    'application/x-www-form-urlencoded',
    'Content-Length',
    String(body.length),
  ];
  const run = async (n) => {
    let i = 0;
    const http = await client({ connections: 50 });
    const source = {
      next: () =>
        i++ < n
          ? {
              event: { id: `c${i}`, type: 'failure', recipient: 'someone@example.com' },
              scenario: 's',
              style: 's',
              request: { headers, body },
            }
          : undefined,
    };
    const summary = await fire(
      {
        format: 'form',
        dialect: 'smtpeter',
        calls: source,
        targets: { url },
        model:
          rate > 0
            ? { kind: 'open', pacer: constantPacer(rate), maxInFlight: 50 }
            : { kind: 'closed', concurrency: 50 },
        count: n,
      },
      {
        http,
        now: () => performance.timeOrigin + performance.now(),
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        ...(sleeper ? { preciseSleep: (ms) => sleeper.sleep(ms) } : {}),
      },
    );
    await http.close();
    return summary;
  };
  await run(20_000); // warm up: JIT, connections
  const before = process.cpuUsage();
  const { metrics } = await run(calls);
  const used = process.cpuUsage(before);
  const lag = metrics.lagSummary();
  const service = metrics.serviceSummary();
  process.stdout.write(
    `${((used.user + used.system) / calls).toFixed(2)} ${lag.p99} ${service.p99} ${service.p50}\n`,
  );
  process.exit(0);
}

const roots = arg('roots').split(',');
const rounds = Number(arg('rounds', '5'));
const transports = arg('transports', 'undici').split(',');
// A root built before the net transport runs with undici only.
const runs = roots.flatMap((root) =>
  transports
    .filter((t) => t === 'undici' || existsSync(join(root, 'dist', 'src', 'transport', 'create.js')))
    .map((transport) => ({ root, transport })),
);
const seen = new Map(runs.map((r) => [`${r.root} ${r.transport}`, []]));
for (let k = 0; k < rounds; k++)
  for (const { root, transport } of runs) {
    const r = spawnSync(
      process.execPath,
      [
        process.argv[1],
        '--child',
        root,
        '--url',
        arg('url'),
        '--calls',
        arg('calls', '100000'),
        '--rate',
        arg('rate', '0'),
        '--transport',
        transport,
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(r.stderr);
    const [cpu, lagP99, serviceP99, serviceP50] = r.stdout.trim().split(' ').map(Number);
    seen.get(`${root} ${transport}`).push({ cpu, lagP99, serviceP99, serviceP50 });
  }
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [root, runs] of seen) {
  const us = runs.map((r) => r.cpu);
  const sorted = [...us].sort((a, b) => a - b);
  process.stdout.write(
    `${root}: CPU per call min ${sorted[0].toFixed(2)} µs, median ${median(us).toFixed(2)} µs (${us.map((u) => u.toFixed(1)).join(', ')})\n`,
  );
  if (Number(arg('rate', '0')) > 0)
    process.stdout.write(
      `  lag p99 median ${median(runs.map((r) => r.lagP99))} ms (${runs.map((r) => r.lagP99).join(', ')}); service p50 median ${median(runs.map((r) => r.serviceP50))} ms (${runs.map((r) => r.serviceP50).join(', ')}), p99 median ${median(runs.map((r) => r.serviceP99))} ms\n`,
    );
}
