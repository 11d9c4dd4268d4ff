#!/usr/bin/env node
/**
 * smtpeter-sim load benchmarks, side by side in one run, loopback only,
 * every phase bounded in time. Needs `npm run build` first (npm run bench
 * does it). Receiver: nginx (Debian nginx-light) answering 204 when it is
 * installed, else a minimal node:http receiver.
 *
 *   npm run bench                      # all phases, ~2 minutes
 *   npm run bench -- --phase a,b       # some phases
 *   npm run bench -- --events 1e5,1e6  # peak-RSS counts (default 1e4,1e5)
 *   npm run bench -- --seconds 5       # length of each timed phase
 *   npm run bench -- --json out.json   # figures as JSON too
 *   npm run bench -- --no-pin          # do not pin (default: taskset puts the
 *                                      # receiver on the last core, every
 *                                      # client on the others)
 *   npm run bench -- --bodies 20000    # distinct bodies autocannon cycles in (a)
 *   npm run bench -- --phase c --transport net  # (c) with fire --transport net
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { phaseCFlags } from './phase-c-flags.mjs';
import { freePort, nginx204Conf, waitForListener } from './receiver-204.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'smtpeter-sim.js');
const dist = (p) => join(ROOT, 'dist', 'src', p);
const TMP = mkdtempSync(join(tmpdir(), 'smtpeter-sim-bench-'));

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const PHASES = new Set(arg('phase', 'a,b,c,d,e').split(','));
const SECONDS = Number(arg('seconds', '5'));
const EVENTS = arg('events', '1e4,1e5').split(',').map(Number);
const RATES = arg('rates', '1000,5000,20000').split(',').map(Number);
const CONNECTIONS = 50;
const ALL_CORES = availableParallelism();
const BODIES = Number(arg('bodies', '20000'));
/** (a) once more with HTTP/1.1 pipelining: fire --pipelining N and autocannon -p N, 50/N connections each. */
const PIPELINING = Number(arg('pipelining', '10'));
/** (c) with fire's `--transport undici|net` (default: fire's own default). */
const TRANSPORT_C = arg('transport');
/**
 * Pinned (issue 19): the receiver on the last core, this process and every
 * client it starts (fire, autocannon, wrk, the undici loop, the signing
 * threads) on the others, so the receiver never takes a client's core.
 */
const PIN = !args.includes('--no-pin') && ALL_CORES >= 2 && spawnSync('taskset', ['-V']).status === 0;
const RECEIVER_CPU = String(ALL_CORES - 1);
const CLIENT_CPUS = ALL_CORES - 2 > 0 ? `0-${ALL_CORES - 2}` : '0';
if (PIN) spawnSync('taskset', ['-a', '-p', '-c', CLIENT_CPUS, String(process.pid)], { stdio: 'ignore' });
/** The client's cores: all of them unpinned, else all but the receiver's. */
const CORES = availableParallelism();

const figures = {
  machine: {
    cores: ALL_CORES,
    clientCores: CORES,
    pinned: PIN ? { client: CLIENT_CPUS, receiver: RECEIVER_CPU } : false,
    node: process.version,
    loadavg: loadavg(),
  },
  phases: {},
};
const out = (line = '') => process.stdout.write(`${line}\n`);
const ratio = (a, b) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
const verdict = (ok) => (ok ? 'MET' : 'MISSED');
const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));

function loadavg() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
}

/** nginx answering every request with 204, or a node:http receiver. */
async function startReceiver() {
  const port = await freePort();
  const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => spawnSync(p, ['-v']).status === 0);
  let child;
  let kind;
  if (nginx) {
    const conf = join(TMP, 'nginx.conf');
    writeFileSync(conf, nginx204Conf(TMP, port));
    child = PIN
      ? spawn('taskset', ['-c', RECEIVER_CPU, nginx, '-c', conf, '-p', TMP], { stdio: 'ignore' })
      : spawn(nginx, ['-c', conf, '-p', TMP], { stdio: 'ignore' });
    kind = 'nginx (1 worker, return 204)';
  } else {
    const script = `require('node:http').createServer((q,s)=>{q.resume();q.on('end',()=>s.writeHead(204).end())}).listen(${port},'127.0.0.1')`;
    child = PIN
      ? spawn('taskset', ['-c', RECEIVER_CPU, process.execPath, '-e', script], { stdio: 'ignore' })
      : spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    kind = 'node:http (answers 204)';
  }
  await waitForListener(port);
  return { url: `http://127.0.0.1:${port}/hooks/smtpeter`, kind, stop: () => child.kill('SIGTERM') };
}

/** Run a command, bounded; resolve stdout, stderr. */
function run(cmd, argv, timeoutMs) {
  return new Promise((resolve) => {
    execFile(
      cmd,
      argv,
      { timeout: timeoutMs, maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } },
      (err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The CLI with peak RSS reported on exit. */
const RSS_HOOK = `data:text/javascript,process.on('exit',()=>{const u=process.resourceUsage();process.stderr.write('MAXRSS_KB '+u.maxRSS+' CPU_US '+(u.userCPUTime+u.systemCPUTime)+'\\n')})`;
const cpuUs = (stderr) => Number(/CPU_US (\d+)/.exec(stderr)?.[1] ?? Number.NaN);
async function fire(flags, timeoutMs = (SECONDS + 30) * 1000) {
  const r = await run(
    process.execPath,
    ['--import', RSS_HOOK, BIN, 'fire', '--json', '-q', ...flags],
    timeoutMs,
  );
  const m = /MAXRSS_KB (\d+)/.exec(r.stderr);
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    throw new Error(`fire ${flags.join(' ')} failed (${r.code}): ${r.stderr.slice(0, 500)}`);
  }
  return { report, maxRssMb: m ? Number(m[1]) / 1024 : undefined, cpuUs: cpuUs(r.stderr) };
}

/** Sync failure scenarios in their catalogue weights: "realistic failure bodies". */
async function failureMix() {
  const { SCENARIOS } = await import(dist('scenarios/catalogue.js'));
  return SCENARIOS.filter((s) => s.mode === 'sync')
    .map((s) => `${s.name}=${s.weight}`)
    .join(',');
}

async function phaseA(receiver) {
  out(`(a) max req/s, unsigned, ${CONNECTIONS} connections, ${SECONDS}s each`);
  const mix = await failureMix();
  // The same unsigned closed run with each transport (--transport undici, the default, and net).
  const closedRun = (transport) =>
    fire([
      '--url',
      receiver.url,
      '--no-sign',
      '-c',
      String(CONNECTIONS),
      '--duration',
      `${SECONDS}s`,
      '--mix',
      mix,
      '--transport',
      transport,
    ]);
  const { report, cpuUs: fireCpu } = await closedRun('undici');
  const fireRate = report.rate;
  // CPU per request (whole process, start-up included): robust to other load on the machine.
  const fireCpuPerReq = fireCpu / Math.max(1, report.sent);
  const net = await closedRun('net');
  const netRate = net.report.rate;
  const netCpuPerReq = net.cpuUs / Math.max(1, net.report.sent);
  // One fixed body of the mean size fire sent.
  const sample = spawnSync(
    process.execPath,
    [BIN, 'fire', '--dry-run', '--no-sign', '-n', '200', '--mix', mix, '--seed', '1'],
    {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    },
  ).stdout;
  const sizes = [...sample.matchAll(/Content-Length: (\d+)/g)].map((m) => Number(m[1]));
  const size = Math.round(sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length));
  const body = `id=${'0'.repeat(32)}&type=failure&recipient=x%40example.com&description=`.padEnd(size, 'x');
  const ac = await run(
    process.execPath,
    [
      '--import',
      RSS_HOOK,
      join(ROOT, 'node_modules', 'autocannon', 'autocannon.js'),
      '-c',
      String(CONNECTIONS),
      '-d',
      String(SECONDS),
      '-m',
      'POST',
      '-b',
      body,
      '-H',
      'Content-Type=application/x-www-form-urlencoded',
      '-j',
      receiver.url,
    ],
    (SECONDS + 30) * 1000,
  );
  let acRate = 0;
  let acCpuPerReq = Number.NaN;
  try {
    const j = JSON.parse(ac.stdout);
    acRate = j.requests.total / (j.duration || SECONDS);
    acCpuPerReq = cpuUs(ac.stderr) / Math.max(1, j.requests.total);
  } catch {
    out(`  autocannon failed: ${ac.stderr.slice(0, 200)}`);
  }
  // The fair peer: autocannon cycling through distinct realistic bodies, generated before its clock starts.
  const bodiesFile = await distinctBodies(BODIES);
  const acd = await run(
    process.execPath,
    [
      join(ROOT, 'bench', 'autocannon-bodies.mjs'),
      receiver.url,
      bodiesFile.path,
      String(CONNECTIONS),
      String(SECONDS),
    ],
    (SECONDS + 60) * 1000,
  );
  let acdRate = 0;
  let acdCpuPerReq = Number.NaN;
  try {
    const j = JSON.parse(acd.stdout);
    acdRate = j.rate;
    acdCpuPerReq = j.cpuUsPerRequest;
  } catch {
    out(`  autocannon (distinct bodies) failed: ${acd.stderr.slice(0, 200)}`);
  }
  // The transports' own ceilings: bare undici and node:net loops, same body and connections.
  const { rate: undiciRate, cpuUsPerRequest: undiciCpuPerReq } = await loopFigures(
    'undici-loop.mjs',
    receiver,
    size,
  );
  const { rate: netLoopRate, cpuUsPerRequest: netLoopCpuPerReq } = await loopFigures(
    'net-loop.mjs',
    receiver,
    size,
  );
  let wrkRate;
  if (spawnSync('wrk', ['--version']).error === undefined) {
    const lua = join(TMP, 'post.lua');
    writeFileSync(
      lua,
      `wrk.method = "POST"\nwrk.body = "${body}"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n`,
    );
    const w = await run(
      'wrk',
      ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '-s', lua, receiver.url],
      (SECONDS + 30) * 1000,
    );
    const m = /Requests\/sec:\s+([\d.]+)/.exec(w.stdout);
    if (m) wrkRate = Number(m[1]);
  }
  out(
    `  fire --transport undici (unique bodies, mean ${size} B)   ${fmt(fireRate)} req/s   p99 ${report.serviceLatencyMs.p99} ms`,
  );
  out(
    `  autocannon (${BODIES} distinct bodies, mean ${bodiesFile.meanBytes} B)  ${fmt(acdRate)} req/s   fire/that ${ratio(fireRate, acdRate)}  target ≥1.0× ${verdict(fireRate >= acdRate)}   (${acdCpuPerReq.toFixed(0)} µs CPU per request)`,
  );
  out(
    `  autocannon (one fixed ${body.length} B body)  ${fmt(acRate)} req/s   fire/autocannon ${ratio(fireRate, acRate)}  target ≥0.6× ${verdict(fireRate >= 0.6 * acRate)}`,
  );
  out(
    `  fire --transport net                 ${fmt(netRate)} req/s   p99 ${net.report.serviceLatencyMs.p99} ms   net/autocannon-distinct ${ratio(netRate, acdRate)} ${verdict(netRate >= acdRate)}   net/autocannon-fixed ${ratio(netRate, acRate)} ${verdict(netRate >= 0.6 * acRate)}`,
  );
  out(
    `  CPU per request: fire ${fireCpuPerReq.toFixed(0)} µs, fire --transport net ${netCpuPerReq.toFixed(0)} µs, autocannon ${acCpuPerReq.toFixed(0)} µs (autocannon/fire ${ratio(acCpuPerReq, fireCpuPerReq)}, autocannon/net ${ratio(acCpuPerReq, netCpuPerReq)})`,
  );
  if (PIPELINING > 1) figures.phases.aPipelined = await pipelined(receiver, mix, bodiesFile.path);
  if (undiciRate)
    out(
      `  bare undici dispatch loop (same body)  ${fmt(undiciRate)} req/s   fire/undici ${ratio(fireRate, undiciRate)}  undici/autocannon ${ratio(undiciRate, acRate)} (the required transport's ceiling; ${undiciCpuPerReq.toFixed(0)} µs CPU per request)`,
    );
  if (netLoopRate)
    out(
      `  bare node:net + http-parser-js loop (same body)  ${fmt(netLoopRate)} req/s   (the net transport's ceiling; ${netLoopCpuPerReq.toFixed(0)} µs CPU per request)`,
    );
  if (wrkRate)
    out(
      `  wrk -t1 (same body)                  ${fmt(wrkRate)} req/s   fire/wrk ${ratio(fireRate, wrkRate)}`,
    );
  else out('  wrk: not installed (apt-get install wrk)');
  figures.phases.a = {
    fireRate,
    autocannonRate: acRate,
    autocannonDistinctRate: acdRate,
    autocannonDistinctBodies: BODIES,
    autocannonDistinctCpuUsPerRequest: acdCpuPerReq,
    ratioDistinct: fireRate / acdRate,
    wrkRate,
    undiciLoopRate: undiciRate,
    undiciLoopCpuUsPerRequest: undiciCpuPerReq,
    bodyBytes: size,
    ratio: fireRate / acRate,
    fireCpuUsPerRequest: fireCpuPerReq,
    autocannonCpuUsPerRequest: acCpuPerReq,
    fireNetRate: netRate,
    fireNetCpuUsPerRequest: netCpuPerReq,
    ratioNetDistinct: netRate / acdRate,
    ratioNet: netRate / acRate,
    netLoopRate,
    netLoopCpuUsPerRequest: netLoopCpuPerReq,
  };
}

/** A bench loop script (bench/undici-loop.mjs, bench/net-loop.mjs): its rate and CPU per request, or nothing. */
async function loopFigures(script, receiver, size) {
  const loop = await run(
    process.execPath,
    [join(ROOT, 'bench', script), receiver.url, String(CONNECTIONS), String(SECONDS), String(size)],
    (SECONDS + 30) * 1000,
  );
  try {
    return JSON.parse(loop.stdout);
  } catch {
    out(`  ${script} failed: ${loop.stderr.slice(0, 200)}`);
    return {};
  }
}

/** (a) with pipelining: fire and autocannon (distinct bodies) each writing PIPELINING requests ahead per socket. */
async function pipelined(receiver, mix, bodiesPath) {
  const connections = Math.ceil(CONNECTIONS / PIPELINING);
  const { report, cpuUs: fireCpu } = await fire([
    '--url',
    receiver.url,
    '--no-sign',
    '-c',
    String(CONNECTIONS),
    '--pipelining',
    String(PIPELINING),
    '--duration',
    `${SECONDS}s`,
    '--mix',
    mix,
  ]);
  const r = await run(
    process.execPath,
    [
      join(ROOT, 'bench', 'autocannon-bodies.mjs'),
      receiver.url,
      bodiesPath,
      String(connections),
      String(SECONDS),
      String(PIPELINING),
    ],
    (SECONDS + 60) * 1000,
  );
  let ac = { rate: 0, cpuUsPerRequest: Number.NaN };
  try {
    ac = JSON.parse(r.stdout);
  } catch {
    out(`  autocannon -p ${PIPELINING} failed: ${r.stderr.slice(0, 200)}`);
  }
  const fireCpuPerReq = fireCpu / Math.max(1, report.sent);
  out(
    `  fire --pipelining ${PIPELINING} (${connections} sockets)   ${fmt(report.rate)} req/s   ${fireCpuPerReq.toFixed(0)} µs CPU per request`,
  );
  out(
    `  autocannon -p ${PIPELINING} -c ${connections} (distinct bodies)  ${fmt(ac.rate)} req/s   fire/that ${ratio(report.rate, ac.rate)}   ${ac.cpuUsPerRequest.toFixed(0)} µs CPU per request`,
  );
  return {
    pipelining: PIPELINING,
    connections,
    fireRate: report.rate,
    fireCpuUsPerRequest: fireCpuPerReq,
    autocannonDistinctRate: ac.rate,
    autocannonDistinctCpuUsPerRequest: ac.cpuUsPerRequest,
  };
}

/**
 * `n` distinct realistic failure bodies (the mix of (a), seed 1, form-encoded
 * by fire's own encoder), one a line, for autocannon to cycle through.
 */
async function distinctBodies(n) {
  const { EventGenerator, eventClock, SEEDED_EPOCH } = await import(dist('generate/events.js'));
  const { encodeCall } = await import(dist('encode/body.js'));
  const { SCENARIOS } = await import(dist('scenarios/catalogue.js'));
  const mix = SCENARIOS.filter((s) => s.mode === 'sync').map((s) => ({ scenario: s.name, weight: s.weight }));
  const it = new EventGenerator({ seed: 1, clock: eventClock(SEEDED_EPOCH, Date.now), mix }).calls();
  const lines = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const text = encodeCall(it.next().value, 'form', 'smtpeter').body.toString('latin1');
    bytes += text.length;
    lines.push(text);
  }
  const path = join(TMP, `bodies-${n}.txt`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return { path, meanBytes: Math.round(bytes / Math.max(1, n)) };
}

async function signRate() {
  const { signRequest } = await import(dist('sign/signer.js'));
  const { generateKeyPairSync } = await import('node:crypto');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = createPrivateKey(privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const body = Buffer.alloc(400, 'x');
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 2000) {
    signRequest(
      {
        method: 'POST',
        path: '/hooks/smtpeter',
        host: '127.0.0.1',
        contentType: 'application/x-www-form-urlencoded',
        body,
      },
      { privateKey: key, keyId: 'k', copernicaId: 'environment-1' },
    );
    n++;
  }
  return (n * 1000) / (performance.now() - t0);
}

/**
 * Signatures/s with `threads` worker threads signing at once, for 2 s: what
 * the machine gives now (other load included), next to cores × one core.
 */
async function parallelSignRate(threads) {
  const { Worker } = await import('node:worker_threads');
  const script = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { createPrivateKey, generateKeyPairSync } = require('node:crypto');
    import(workerData.signer).then(({ signRequest }) => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const body = Buffer.alloc(400, 'x');
      const req = { method: 'POST', path: '/hooks/smtpeter', host: '127.0.0.1', contentType: 'application/x-www-form-urlencoded', body };
      const opts = { privateKey, keyId: 'k', copernicaId: 'environment-1' };
      parentPort.once('message', (until) => {
        let n = 0;
        while (Date.now() < until) { signRequest(req, opts); n++; }
        parentPort.postMessage(n);
      });
      parentPort.postMessage('ready');
    });`;
  const signer = new URL(`file://${dist('sign/signer.js')}`).href;
  const workers = Array.from(
    { length: threads },
    () => new Worker(script, { eval: true, workerData: { signer } }),
  );
  await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
  const until = Date.now() + 2000;
  const counts = await Promise.all(
    workers.map(
      (w) =>
        new Promise((r) => {
          w.once('message', r);
          w.postMessage(until);
        }),
    ),
  );
  await Promise.all(workers.map((w) => w.terminate()));
  return counts.reduce((a, b) => a + b, 0) / 2;
}

async function phaseB(receiver) {
  out(
    `(b) signed max req/s vs the client's cores × RSA-2048 signatures/s (${CORES} client core(s)${PIN ? ', receiver on its own core' : ''})`,
  );
  const perCore = await signRate();
  const parallel = await parallelSignRate(CORES);
  const keyDir = join(TMP, 'keys');
  spawnSync(process.execPath, [BIN, 'keys', 'generate', '--out', keyDir], {
    env: { ...process.env, XDG_CONFIG_HOME: TMP },
  });
  const { report } = await fire([
    '--url',
    receiver.url,
    '--key',
    join(keyDir, 'smtpeter-sim.key'),
    '-c',
    String(CONNECTIONS),
    '--duration',
    `${SECONDS}s`,
    '--mix',
    await failureMix(),
    '--sign-workers',
    String(CORES),
  ]);
  const ceiling = CORES * perCore;
  out(`  RSA-2048 signatures/s, one core       ${fmt(perCore)}   × ${CORES} cores = ${fmt(ceiling)}`);
  out(
    `  fire signed (${report.signWorkers} sign workers)         ${fmt(report.rate)} req/s   ${ratio(report.rate, ceiling)} of ceiling  target ≥0.85× ${verdict(report.rate >= 0.85 * ceiling)}`,
  );
  out(
    `  RSA-2048 signatures/s, ${CORES} threads at once  ${fmt(parallel)}   (what this machine gave just before, other load included; fire/that ${ratio(report.rate, parallel)})`,
  );
  if (report.signingLimited) out(`  report: signing limited the rate: ${report.signingLimited}`);
  figures.phases.b = {
    signPerCore: perCore,
    signParallel: parallel,
    ceiling,
    signedRate: report.rate,
    ratio: report.rate / ceiling,
    signingLimited: report.signingLimited,
  };
}

/**
 * The floor under any schedule lag: a process that does nothing but wait for
 * 1 ms-spaced deadlines with fire's precise sleeper, for 3 s. Its lag is the
 * machine's (scheduler, other load), not fire's.
 */
async function schedulerFloor() {
  const script = `
    const { PreciseSleeper } = await import(${JSON.stringify(new URL(`file://${dist('pace/precise-sleep.js')}`).href)});
    const s = new PreciseSleeper();
    await s.sleep(50);
    const lags = [];
    const t0 = performance.now();
    for (let n = 1; n <= 3000; n++) {
      const due = t0 + n;
      const wait = due - performance.now();
      if (wait > 0) await s.sleep(wait);
      lags.push(performance.now() - due);
    }
    await s.close();
    lags.sort((a, b) => a - b);
    process.stdout.write(JSON.stringify({ p50: lags[1500], p99: lags[2970], max: lags[2999] }));`;
  const r = await run(process.execPath, ['--input-type=module', '-e', script], 30_000);
  try {
    return JSON.parse(r.stdout);
  } catch {
    return undefined;
  }
}

async function phaseC(receiver) {
  out(`(c) rate accuracy, open model, ${SECONDS}s each, unsigned failures`);
  const mix = await failureMix();
  figures.phases.c = [];
  const floor = await schedulerFloor();
  if (floor) {
    out(
      `  scheduler floor (a process only sleeping to 1 ms deadlines, 3 s): lag p50 ${floor.p50.toFixed(3)} ms p99 ${floor.p99.toFixed(3)} ms max ${floor.max.toFixed(1)} ms`,
    );
    figures.phases.cFloor = floor;
  }
  for (const rate of RATES) {
    const { report } = await fire([
      ...phaseCFlags(receiver.url, rate, SECONDS, mix),
      ...(TRANSPORT_C ? ['--transport', TRANSPORT_C] : []),
    ]);
    const achieved = report.rate;
    const err = (achieved - rate) / rate;
    const lag = report.scheduleLagMs;
    const ok = Math.abs(err) <= 0.01 && (rate > 5000 || lag.p99 <= 2);
    out(
      `  ${String(rate).padStart(6)}/s: achieved ${fmt(achieved)}/s (${(err * 100).toFixed(1)}%)  lag p50 ${lag.p50} ms p99 ${lag.p99} ms  dropped ${report.dropped}  ${rate > 5000 ? (Math.abs(err) <= 0.01 ? 'MET' : 'MISSED') : verdict(ok)}`,
    );
    figures.phases.c.push({
      target: rate,
      achieved,
      error: err,
      lagP50: lag.p50,
      lagP99: lag.p99,
      dropped: report.dropped,
    });
  }
}

async function phaseD() {
  out('(d) generation + encoding per core (one thread, 3 CPU-s each; per wall second and per CPU second)');
  const { EventGenerator, eventClock, SEEDED_EPOCH } = await import(dist('generate/events.js'));
  const { encodeCall } = await import(dist('encode/body.js'));
  const { SCENARIOS } = await import(dist('scenarios/catalogue.js'));
  // A "failure body" / "DSN bounce": one call generated and encoded as the
  // wire body (form, smtpeter dialect). Per CPU second too: on a loaded
  // machine wall time counts other processes' slices, this process's CPU
  // time does not.
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const measure = (mix) => {
    const it = new EventGenerator({ seed: 1, clock: eventClock(SEEDED_EPOCH, Date.now), mix }).calls();
    // Warmed up first, as bench/gen-profile.mjs is: at a high load average 3 s of wall time
    // is a fraction of a CPU second, and compiling would be a large part of it.
    for (let i = 0; i < 2000; i++) encodeCall(it.next().value, 'form', 'smtpeter');
    const t0 = performance.now();
    const c0 = cpuMs();
    let n = 0;
    // 3 s of this process's CPU time (at most 30 s of wall time): on a loaded machine 3 s of
    // wall time can be a few hundred ms of CPU, too little to measure.
    while (cpuMs() - c0 < 3000 && performance.now() - t0 < 30_000) {
      for (let i = 0; i < 50; i++) encodeCall(it.next().value, 'form', 'smtpeter');
      n += 50;
    }
    return { wall: (n * 1000) / (performance.now() - t0), cpu: (n * 1000) / (cpuMs() - c0) };
  };
  const pick = (mode) =>
    SCENARIOS.filter((s) => s.mode === mode && s.kind !== 'autoreply').map((s) => ({
      scenario: s.name,
      weight: s.weight,
    }));
  const failures = measure(pick('sync'));
  const bounces = measure(pick('async'));
  out(
    `  failure bodies/s  ${fmt(failures.wall)} (per CPU second ${fmt(failures.cpu)})   target ≥300,000 ${verdict(failures.cpu >= 300_000)}`,
  );
  out(
    `  DSN bounces/s     ${fmt(bounces.wall)} (per CPU second ${fmt(bounces.cpu)})   target ≥20,000 ${verdict(bounces.cpu >= 20_000)}`,
  );
  figures.phases.d = {
    failuresPerSec: failures.wall,
    dsnBouncesPerSec: bounces.wall,
    failuresPerCpuSec: failures.cpu,
    dsnBouncesPerCpuSec: bounces.cpu,
  };
}

async function phaseE(receiver) {
  out(`(e) peak RSS of a whole fire run (unsigned failures, ${CONNECTIONS} connections)`);
  const mix = await failureMix();
  figures.phases.e = [];
  for (const n of EVENTS) {
    const t0 = performance.now();
    const { report, maxRssMb } = await fire(
      ['--url', receiver.url, '--no-sign', '-c', String(CONNECTIONS), '--count', String(n), '--mix', mix],
      3_600_000,
    );
    const s = (performance.now() - t0) / 1000;
    out(
      `  ${n.toExponential(0).padStart(5)} events: peak RSS ${maxRssMb?.toFixed(0)} MB  (${report.ok} ok in ${s.toFixed(0)}s)  target ≤200 MB ${verdict((maxRssMb ?? 1e9) <= 200)}`,
    );
    figures.phases.e.push({ events: n, maxRssMb, seconds: s });
  }
  const [first, last] = [figures.phases.e[0], figures.phases.e.at(-1)];
  if (first && last && first !== last)
    out(`  growth ${first.events}→${last.events}: ${(last.maxRssMb - first.maxRssMb).toFixed(0)} MB`);
}

const receiver = await startReceiver();
out(
  `smtpeter-sim bench: ${ALL_CORES} cores (${PIN ? `client on CPU ${CLIENT_CPUS}, receiver on CPU ${RECEIVER_CPU}` : 'not pinned'}), node ${process.version}, load average ${figures.machine.loadavg}, receiver ${receiver.kind}`,
);
out();
try {
  if (PHASES.has('a')) await phaseA(receiver);
  if (PHASES.has('b')) await phaseB(receiver);
  if (PHASES.has('c')) await phaseC(receiver);
  if (PHASES.has('d')) await phaseD();
  if (PHASES.has('e')) await phaseE(receiver);
} finally {
  receiver.stop();
}
figures.machine.loadavgAfter = loadavg();
const jsonOut = arg('json');
if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(figures, null, 2)}\n`);
