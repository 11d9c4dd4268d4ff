#!/usr/bin/env node
/**
 * serve against issue #16's performance targets, loopback only, bounded in
 * time. Three processes on the same cores: serve (the CLI,
 * `bin/smtpeter-sim.js serve`), the receiver (nginx answering 204 when
 * installed, else a node:http server forked from this file; `--hook-server
 * node` to choose it; the latency run always uses the node one, which reads
 * each call's id) and the load (wrk, one thread, 50 connections, when
 * installed, else autocannon in this process; `--load autocannon`; the
 * latency run paces its own sends). Needs `npm run build` first.
 *
 * The machine is shared, so every figure comes with the load average and the
 * CPU time each process spent (from /proc/<pid>/stat): serve's CPU per send
 * (its delivery calls included, split by thread: main, sign workers, V8's
 * helpers) is the load-independent figure. SERVE_NODE_ARGS passes flags to
 * serve's node (`--cpu-prof --cpu-prof-dir=DIR`, `--perf-basic-prof`).
 *
 *   node bench/serve-load.mjs                         # all phases, this build
 *   node bench/serve-load.mjs --phase sustained       # (i) 60 s REST, unsigned, every delivery call counted
 *   node bench/serve-load.mjs --phase signed          # (ii) the same signed, against 0.8 × cores × RSA-2048 signs/s
 *   node bench/serve-load.mjs --phase latency         # (iii) send -> delivery call p99 at 1,000 sends/s, --time-scale 600
 *   node bench/serve-load.mjs --phase rss             # (iv) serve's peak RSS at 10^5 and 10^6 messages, default --keep
 *   node bench/serve-load.mjs --phase sustained --seconds 20 --compare ../wt-base --rounds 3
 *       # interleaved rounds against another checkout's build; medians
 */
import { fork, spawn, spawnSync } from 'node:child_process';
import { createSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const HERE = fileURLToPath(import.meta.url);
const ROOT = join(dirname(HERE), '..');
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();

// ---- the receiver (forked: `--receiver`) ----
if (args[0] === '--receiver') {
  let calls = 0;
  const arrivals = [];
  const keepArrivals = args.includes('--arrivals');
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      calls++;
      if (keepArrivals) {
        const at = now();
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (body.type === 'delivery') arrivals.push([body.id, at]);
      }
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('message', (m) => {
    if (m === 'count') process.send({ calls });
    if (m === 'arrivals') process.send({ arrivals });
    if (m === 'exit') process.exit(0);
  });
}

/** CPU time (user + system) of a process, ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
function cpuMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

/** The system (kernel) part of cpuMs: loopback TCP is paid in the writer's and reader's syscalls. */
function sysMs(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[12]) * 10;
}

/**
 * CPU time of each of a process's threads, ms, by thread id. Node names every
 * thread "node", so the main thread is told by its id (the pid) and the sign
 * workers by their CPU; V8's GC helpers and libuv's pool make up the rest.
 */
function threadCpuMs(pid) {
  const out = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.set(tid, cpuMs(`${pid}/task/${tid}`));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

/** serve's CPU per thread over a run: the main thread, the others busiest first (a thread started in the run counts from zero). */
function threadSplit(pid, before, after) {
  const main = (after.get(String(pid)) ?? 0) - (before.get(String(pid)) ?? 0);
  const others = [...after]
    .filter(([tid]) => tid !== String(pid))
    .map(([tid, ms]) => ms - (before.get(tid) ?? 0))
    .sort((a, b) => b - a);
  return { main, busiestOthers: others.slice(0, 4), restOthers: others.slice(4).reduce((a, b) => a + b, 0) };
}

/** VmRSS and VmHWM (peak) of a process, MiB. */
function rssMiB(pid) {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)[1]);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

const load1 = () => Number(loadavg()[0].toFixed(1));
const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** CPU time of this process's children that have ended (cutime + cstime), ms: a wrk run's CPU once it exits. */
function endedChildrenCpuMs() {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(f[13]) + Number(f[14])) * 10;
}

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => spawnSync(p, ['-v']).status === 0);
const WRK = ['/usr/bin/wrk', '/usr/local/bin/wrk'].find(
  (p) => spawnSync(p, ['--version']).error === undefined,
);
/**
 * The receiver and the load generator share serve's two cores, so the bench
 * uses the cheapest real ones present: nginx answering 204 (as a real
 * receiver's front would) and wrk (C, one thread), falling back to the
 * node:http receiver and autocannon (`--hook-server node`, `--load autocannon`).
 */
const HOOK_SERVER = arg('hook-server', NGINX ? 'nginx' : 'node');
const LOAD = arg('load', WRK ? 'wrk' : 'autocannon');

/** nginx answering 204, one process; calls counted by its stub_status (less the status requests themselves). */
async function startNginxReceiver() {
  const dir = mkdtempSync(join(tmpdir(), 'serve-load-nginx-'));
  const port = await new Promise((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => r(p));
    });
  });
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off; master_process off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 4096; }
http {
  access_log off; client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  keepalive_requests 10000000; client_body_buffer_size 64k;
  server { listen 127.0.0.1:${port}; location = /count { stub_status; } location / { return 204; } }
}
`,
  );
  const child = spawn(NGINX, ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  let asked = 0;
  const count = async () => {
    asked++;
    const text = await (await fetch(`http://127.0.0.1:${port}/count`)).text();
    return Number(/\n\s*\d+\s+\d+\s+(\d+)/.exec(text)[1]) - asked;
  };
  for (let i = 0; ; i++) {
    try {
      await count();
      break;
    } catch (err) {
      if (i > 100) throw err;
      asked--;
      await sleep(50);
    }
  }
  return {
    pid: child.pid,
    url: `http://127.0.0.1:${port}/hook`,
    calls: count,
    stop: () => child.kill('SIGTERM'),
  };
}

async function startReceiver(withArrivals) {
  if (!withArrivals && HOOK_SERVER === 'nginx') return startNginxReceiver();
  const child = fork(HERE, ['--receiver', ...(withArrivals ? ['--arrivals'] : [])]);
  const { port } = await new Promise((r) => child.once('message', r));
  const ask = (what) =>
    new Promise((r) => {
      child.once('message', r);
      child.send(what);
    });
  return {
    pid: child.pid,
    url: `http://127.0.0.1:${port}/hook`,
    calls: async () => (await ask('count')).calls,
    arrivals: async () => (await ask('arrivals')).arrivals,
    stop: () => child.send('exit'),
  };
}

async function startServe(root, receiverUrl, extra) {
  const home = mkdtempSync(join(tmpdir(), 'serve-load-'));
  const child = spawn(
    process.execPath,
    [
      // SERVE_NODE_ARGS: flags for serve's node only (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`: a profile of serve alone).
      ...(process.env.SERVE_NODE_ARGS ? process.env.SERVE_NODE_ARGS.split(' ') : []),
      join(root, 'bin', 'smtpeter-sim.js'),
      'serve',
      ...[
        '--api-port',
        '0',
        '--smtp-port',
        '0',
        '--token',
        'bench',
        '--url',
        receiverUrl,
        '--format',
        'json',
      ],
      ...extra,
    ],
    { env: { ...process.env, XDG_CONFIG_HOME: home }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  while (!/REST API +(http:\/\/[^/\s]+)/.test(out)) {
    if (child.exitCode !== null) throw new Error(`serve did not start: ${out}`);
    await sleep(50);
  }
  return {
    pid: child.pid,
    api: /REST API +(http:\/\/[^/\s]+)/.exec(out)[1],
    stop: () => {
      child.kill('SIGTERM');
      return new Promise((r) => child.once('exit', r));
    },
  };
}

const BODY = JSON.stringify({
  recipient: 'delivered@simulator.smtpeter.test',
  from: 'a@shop.example',
  subject: 'bench',
  text: 'hello',
});

const cannon = (api, extra) =>
  autocannon({
    url: `${api}/v1/send?access_token=bench`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
    connections: 50,
    ...extra,
  });

let wrkScript;
/** wrk's script: the same POST as autocannon's. */
function wrkScriptPath() {
  if (!wrkScript) {
    wrkScript = join(mkdtempSync(join(tmpdir(), 'serve-load-wrk-')), 'send.lua');
    writeFileSync(
      wrkScript,
      `wrk.method = "POST"\nwrk.body = ${JSON.stringify(BODY)}\nwrk.headers["Content-Type"] = "application/json"\n`,
    );
  }
  return wrkScript;
}

/** wrk's figures as autocannon gives them (requests, non-2xx, p99 in ms), and its CPU. */
function wrkRun(api, seconds) {
  return new Promise((resolve, reject) => {
    const cpu0 = endedChildrenCpuMs();
    const child = spawn(
      WRK,
      [
        '-t1',
        '-c50',
        `-d${seconds}s`,
        '--latency',
        '-s',
        wrkScriptPath(),
        `${api}/v1/send?access_token=bench`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('exit', () => {
      const total = /(\d+) requests in/.exec(out);
      if (!total) return reject(new Error(`wrk said: ${out}`));
      const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
      const scale = { us: 0.001, ms: 1, s: 1000 };
      resolve({
        requests: { total: Number(total[1]) },
        non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
        latency: { p99: p99 ? Number((Number(p99[1]) * scale[p99[2]]).toFixed(1)) : Number.NaN },
        cpuMs: endedChildrenCpuMs() - cpu0,
      });
    });
  });
}

/** A timed run of the load: wrk or autocannon, the load's CPU included (`cpuMs`: wrk's, or this process's for autocannon). */
async function load(api, seconds) {
  if (LOAD === 'wrk') return wrkRun(api, seconds);
  const cpu0 = selfCpuMs();
  const run = await cannon(api, { duration: seconds });
  return { ...run, cpuMs: selfCpuMs() - cpu0 };
}

/** Wait until the receiver has `n` calls (at most `ms`); how long it took. */
async function drain(receiver, n, ms = 60_000) {
  const t = Date.now();
  while ((await receiver.calls()) < n && Date.now() - t < ms) await sleep(50);
  return Date.now() - t;
}

/** RSA-2048 signatures per second on one thread, over a delivery call's size of input: per wall second and per CPU second. */
function rsaSignsPerSecond(ms = 2000) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const data = Buffer.alloc(600, 'x');
  let n = 0;
  const start = performance.now();
  const cpu0 = selfCpuMs();
  while (performance.now() - start < ms) {
    createSign('sha256').update(data).sign(privateKey);
    n++;
  }
  return { wall: n / ((performance.now() - start) / 1000), cpu: n / ((selfCpuMs() - cpu0) / 1000) };
}

/** (i)/(ii): REST sends at 50 connections for `seconds`, every delivery call counted at the receiver. */
async function sustained(root, { seconds, sign }) {
  const receiver = await startReceiver(false);
  // --sign-workers N: how many threads sign (serve's default: one per core); 0 signs on the event loop.
  const signWorkers = arg('sign-workers');
  const signing = signWorkers === undefined ? [] : ['--sign-workers', signWorkers];
  const serve = await startServe(root, receiver.url, sign ? signing : ['--no-sign']);
  try {
    const warm = await load(serve.api, 3);
    await drain(receiver, warm.requests.total);
    const before = await receiver.calls();
    const cpu0 = { serve: cpuMs(serve.pid), receiver: cpuMs(receiver.pid) };
    const threads0 = threadCpuMs(serve.pid);
    const sys0 = sysMs(serve.pid);
    const loadStart = load1();
    const run = await load(serve.api, seconds);
    const sent = run.requests.total;
    const inWindow = (await receiver.calls()) - before;
    const drainMs = await drain(receiver, before + sent);
    const made = (await receiver.calls()) - before;
    const cpu = {
      serve: cpuMs(serve.pid) - cpu0.serve,
      receiver: cpuMs(receiver.pid) - cpu0.receiver,
      load: run.cpuMs,
    };
    const serveThreadsMs = threadSplit(serve.pid, threads0, threadCpuMs(serve.pid));
    const signsPerSecond = sign ? rsaSignsPerSecond() : undefined;
    return {
      load: LOAD,
      hookServer: HOOK_SERVER,
      sendsPerSecond: Math.round(sent / seconds),
      sent,
      non2xx: run.non2xx,
      answerP99Ms: run.latency.p99,
      deliveryCalls: made,
      callsInWindowPerSecond: Math.round(inWindow / seconds),
      drainMs,
      // Delivery calls made per second over the run: the window and the drain after it (what the signed target is about).
      callsPerSecondOverRun: Math.round(made / (seconds + drainMs / 1000)),
      serveMsPerSend: Number((cpu.serve / sent).toFixed(3)),
      sendsPerServeCpuSecond: Math.round(sent / (cpu.serve / 1000)),
      cpuSplitMs: cpu,
      serveThreadsMs,
      serveSysMs: sysMs(serve.pid) - sys0,
      // Every process's CPU per send: serve, the receiver and the load generator together.
      allMsPerSend: Number(((cpu.serve + cpu.receiver + cpu.load) / sent).toFixed(3)),
      load1: [loadStart, load1()],
      ...(signsPerSecond
        ? {
            rsa2048SignsPerSecondOneCore: Math.round(signsPerSecond.wall),
            rsa2048SignsPerCpuSecond: Math.round(signsPerSecond.cpu),
            // The target, 0.8 × cores × signs/s: as a wall rate now, and per CPU second (load-independent, against sendsPerServeCpuSecond × cores).
            signedTarget: Math.round(0.8 * availableParallelism() * signsPerSecond.wall),
            signedTargetPerCpuSecond: Math.round(0.8 * signsPerSecond.cpu),
            // Load-independent: the calls/s all three processes' CPU per send allows on these cores, against the target per CPU second.
            ofSignedTargetByCpu: Number(
              (1000 / (((cpu.serve + cpu.receiver + cpu.load) / sent) * 0.8 * signsPerSecond.cpu)).toFixed(2),
            ),
            ofSignedTarget: Number(
              (
                made /
                (seconds + drainMs / 1000) /
                (0.8 * availableParallelism() * signsPerSecond.wall)
              ).toFixed(2),
            ),
          }
        : {}),
    };
  } finally {
    await serve.stop();
    receiver.stop();
  }
}

/** (iii): paced sends at `rate`/s for `seconds`; send start (client) to delivery call arrival (receiver), by message id. */
async function latency(root, { rate, seconds, timeScale }) {
  const receiver = await startReceiver(true);
  const serve = await startServe(root, receiver.url, ['--no-sign', '--time-scale', String(timeScale)]);
  const agent = new Agent({ keepAlive: true, maxSockets: 50 });
  const url = new URL(`${serve.api}/v1/send?access_token=bench`);
  const sentAt = new Map();
  const answers = [];
  let failed = 0;
  const sendOne = () =>
    new Promise((done) => {
      const t0 = now();
      const req = request(
        url,
        { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (text += c));
          res.on('end', () => {
            if (res.statusCode === 200) {
              sentAt.set(Object.keys(JSON.parse(text))[0], t0);
              answers.push(now() - t0);
            } else failed++;
            done();
          });
        },
      );
      req.on('error', () => {
        failed++;
        done();
      });
      req.end(BODY);
    });
  try {
    // Warm serve's send path first (the JIT), as a real service is warm.
    await Promise.all(Array.from({ length: 2000 }, sendOne));
    sentAt.clear();
    answers.length = 0;
    await sleep(1000);
    const loadStart = load1();
    const cpu0 = cpuMs(serve.pid);
    const start = performance.now();
    const total = rate * seconds;
    const inFlight = [];
    let issued = 0;
    while (issued < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000));
      while (issued < due) {
        inFlight.push(sendOne());
        issued++;
      }
      await sleep(1);
    }
    const elapsed = (performance.now() - start) / 1000;
    await Promise.all(inFlight);
    // Every delivery call: the warm-up's 2,000 and this run's.
    await drain(receiver, 2000 + issued);
    const serveCpu = cpuMs(serve.pid) - cpu0;
    const arrived = new Map((await receiver.arrivals()).map(([id, at]) => [id, at]));
    const lat = [];
    let missing = 0;
    for (const [id, t0] of sentAt) {
      const at = arrived.get(id);
      if (at === undefined) missing++;
      else lat.push(at - t0);
    }
    lat.sort((a, b) => a - b);
    answers.sort((a, b) => a - b);
    const q = (xs, p) =>
      Number((xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? Number.NaN).toFixed(1));
    return {
      sendsPerSecond: Math.round(issued / elapsed),
      sent: sentAt.size,
      failed,
      missingDeliveryCalls: missing,
      sendToDeliveryMs: { p50: q(lat, 0.5), p90: q(lat, 0.9), p99: q(lat, 0.99), max: q(lat, 1) },
      answerMs: { p50: q(answers, 0.5), p99: q(answers, 0.99) },
      dueDelayMs: `1-20 s of mail time at --time-scale ${timeScale}: ${(1000 / timeScale).toFixed(1)}-${(20000 / timeScale).toFixed(1)} ms of the latency is the planned delivery delay`,
      serveMsPerSend: Number((serveCpu / issued).toFixed(3)),
      load1: [loadStart, load1()],
    };
  } finally {
    agent.destroy();
    await serve.stop();
    receiver.stop();
  }
}

/**
 * (iv): serve's RSS (VmRSS now, VmHWM peak) at 10^5, 2×10^5, 5×10^5 and 10^6 REST sends in
 * memory mode, default --keep. Sent in chunks of `chunk`, each one's
 * delivery calls made before the next: what stays is what serve keeps, not a
 * backlog of calls a saturated machine has not made yet (unpaced, that
 * backlog grows with the run; `--chunk 0` sends without pausing).
 */
async function rss(root, { timeScale, total, chunk }) {
  const receiver = await startReceiver(false);
  const serve = await startServe(root, receiver.url, ['--no-sign', '--time-scale', String(timeScale)]);
  const start = Date.now();
  const marks = [];
  let sent = 0;
  let non2xx = 0;
  try {
    // 10^5 (the store just full), on to `total` (10^6), with marks between: where RSS stops growing.
    for (const upTo of [...new Set([100_000, 200_000, 500_000, total])].filter((m) => m <= total)) {
      while (sent < upTo) {
        const r = await cannon(serve.api, { amount: chunk > 0 ? Math.min(chunk, upTo - sent) : upTo - sent });
        sent += r.requests.total;
        non2xx += r.non2xx;
        await drain(receiver, sent, 120_000);
      }
      marks.push({
        messages: sent,
        ...rssMiB(serve.pid),
        // serve's CPU per send so far, its delivery calls included: eviction's cost shows past 10^5.
        serveMsPerSend: Number((cpuMs(serve.pid) / sent).toFixed(3)),
        seconds: Math.round((Date.now() - start) / 1000),
        load1: load1(),
      });
    }
    const page = await (await fetch(`${serve.api}/`)).text();
    const said = /<p>(\d+ message\(s\) accepted[^<]*)<\/p>/.exec(page)?.[1];
    return {
      marks,
      non2xx,
      peakGrowth: Number((marks.at(-1).peak / marks[0].peak).toFixed(2)),
      page: said,
      deliveryCalls: await receiver.calls(),
    };
  } finally {
    await serve.stop();
    receiver.stop();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const phase = arg('phase', 'all');
  const seconds = Number(arg('seconds', '60'));
  const rounds = Number(arg('rounds', '1'));
  const compare = arg('compare');
  const roots = compare ? [resolve(compare), ROOT] : [ROOT];
  const phases = phase === 'all' ? ['sustained', 'signed', 'latency', 'rss'] : [phase];
  const run = (p, root) =>
    p === 'sustained'
      ? sustained(root, { seconds, sign: false })
      : p === 'signed'
        ? sustained(root, { seconds, sign: true })
        : p === 'latency'
          ? latency(root, {
              rate: Number(arg('rate', '1000')),
              seconds: Number(arg('latency-seconds', '30')),
              timeScale: Number(arg('time-scale', '600')),
            })
          : rss(root, {
              timeScale: Number(arg('rss-time-scale', '36000')),
              total: Number(arg('total', '1000000')),
              chunk: Number(arg('chunk', '10000')),
            });
  console.log(
    `cores ${availableParallelism()}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  for (const p of phases) {
    const results = new Map(roots.map((r) => [r, []]));
    for (let i = 0; i < rounds; i++) {
      // Interleaved, the order alternating: the machine's load drifts.
      for (const root of i % 2 ? [...roots].reverse() : roots) {
        const r = await run(p, root);
        results.get(root).push(r);
        console.log(JSON.stringify({ phase: p, root, round: i + 1, ...r }));
      }
    }
    if (rounds > 1 && (p === 'sustained' || p === 'signed'))
      for (const [root, rs] of results)
        console.log(
          `${p} ${root}: medians of ${rs.length}: ${median(rs.map((r) => r.sendsPerSecond))} sends/s, ` +
            `${median(rs.map((r) => r.callsPerSecondOverRun))} calls/s over the run` +
            (p === 'signed'
              ? ` (${median(rs.map((r) => r.ofSignedTarget))}× the target; by CPU ${median(rs.map((r) => r.ofSignedTargetByCpu))}×), `
              : ', ') +
            `${median(rs.map((r) => r.allMsPerSend))} ms CPU/send all three processes, ` +
            `${median(rs.map((r) => r.serveMsPerSend))} ms serve CPU/send = ${median(rs.map((r) => r.sendsPerServeCpuSecond))} sends per serve CPU-second, ` +
            `load ${rs.map((r) => r.load1[0]).join('/')}`,
        );
  }
}

if (args[0] !== '--receiver') await main();
