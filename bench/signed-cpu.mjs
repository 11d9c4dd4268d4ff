#!/usr/bin/env node
/**
 * Issue 19 (b) by CPU rather than wall clock: a signed `fire` pinned to CPU 0
 * (nginx on CPU 1, as bench/run.mjs --phase b), its CPU per call split by
 * thread (main, the build worker, V8's helper threads: compile and GC) from
 * /proc/<pid>/task/<tid>/schedstat (ns on the CPU, exact; /proc stat's ticks
 * are 10 ms samples), calls counted at nginx (stub_status), next to the CPU
 * of one RSA-2048 signature (the bench's signRequest loop, process.cpuUsage,
 * on CPU 0). On a shared machine the wall-clock ratio moves with the other
 * load; the CPU one much less. Needs `npm run build` in each checkout.
 *
 *   node bench/signed-cpu.mjs                        # this checkout, 5 s, window from the first call
 *   node bench/signed-cpu.mjs --skip 2000            # window from 2 s after the first call (steady state)
 *   node bench/signed-cpu.mjs --compare ../wt-base --rounds 3   # interleaved rounds, medians
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const HERE = join(dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(arg('seconds', '5'));
const SKIP_MS = Number(arg('skip', '0'));
const ROUNDS = Number(arg('rounds', '1'));
const COMPARE = arg('compare');
const TMP = mkdtempSync(join(tmpdir(), 'smtpeter-sim-signed-cpu-'));
const SAMPLE_MS = 200;

function startNginx() {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const conf = join(TMP, `nginx-${port}.conf`);
  writeFileSync(
    conf,
    `daemon off; worker_processes 1; pid ${TMP}/nginx-${port}.pid; error_log ${TMP}/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off; client_body_temp_path ${TMP}/body; proxy_temp_path ${TMP}/proxy;
  fastcgi_temp_path ${TMP}/fcgi; uwsgi_temp_path ${TMP}/uwsgi; scgi_temp_path ${TMP}/scgi;
  keepalive_requests 1000000; client_body_buffer_size 64k;
  server { listen 127.0.0.1:${port}; location /status { stub_status; } location / { return 204; } }
}
`,
  );
  const child = spawn('taskset', ['-c', '1', '/usr/sbin/nginx', '-c', conf, '-p', TMP], { stdio: 'ignore' });
  return { port, stop: () => child.kill('SIGTERM') };
}

/** Requests nginx has answered (its status requests included). */
async function answered(port) {
  const text = await (await fetch(`http://127.0.0.1:${port}/status`)).text();
  return Number(/requests\s*\n\s*\d+\s+\d+\s+(\d+)/.exec(text)?.[1]);
}

/** CPU µs of one signature: the signRequest loop bench/run.mjs times, on CPU 0. */
function signatureCpuUs(root) {
  const script = `const { signRequest } = await import(${JSON.stringify(`file://${join(root, 'dist/src/sign/signer.js')}`)});
const { generateKeyPairSync } = await import('node:crypto');
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const req = { method: 'POST', path: '/hooks/smtpeter', host: '127.0.0.1', contentType: 'application/x-www-form-urlencoded', body: Buffer.alloc(400, 'x') };
const o = { privateKey, keyId: 'k', copernicaId: 'environment-1' };
for (let i = 0; i < 100; i++) signRequest(req, o);
const c0 = process.cpuUsage(); const t0 = performance.now(); let n = 0;
while (performance.now() - t0 < 1500) { signRequest(req, o); n++; }
const c = process.cpuUsage(c0); process.stdout.write(String((c.user + c.system) / n));`;
  return Number(execFileSync('taskset', ['-c', '0', process.execPath, '--input-type=module', '-e', script]));
}

/** Per thread: ns on the CPU (schedstat); the main thread's id is the process id. */
function threadCpu(pid) {
  const out = {};
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      out[tid === String(pid) ? 'main' : tid] = ns / 1e3;
    }
  } catch {
    // The process ended between two reads.
  }
  return out;
}

async function failureMix(root) {
  const { SCENARIOS } = await import(join(root, 'dist/src/scenarios/catalogue.js'));
  return SCENARIOS.filter((s) => s.mode === 'sync')
    .map((s) => `${s.name}=${s.weight}`)
    .join(',');
}

/** One signed fire run of `root`'s build, sampled every SAMPLE_MS. */
async function sampledRun(root) {
  const nginx = startNginx();
  for (let i = 0; i < 100 && !(await answered(nginx.port).catch(() => 0)); i++)
    await new Promise((r) => setTimeout(r, 50));
  const bin = join(root, 'bin', 'smtpeter-sim.js');
  const keys = join(TMP, `keys-${nginx.port}`);
  spawnSync(process.execPath, [bin, 'keys', 'generate', '--out', keys], {
    env: { ...process.env, XDG_CONFIG_HOME: TMP },
  });
  const signUs = signatureCpuUs(root);
  const flags = [
    '--url',
    `http://127.0.0.1:${nginx.port}/hooks/smtpeter`,
    '--key',
    join(keys, 'smtpeter-sim.key'),
  ];
  flags.push('-c', '50', '--duration', `${SECONDS}s`, '--mix', await failureMix(root), '--sign-workers', '1');
  const child = spawn('taskset', ['-c', '0', process.execPath, bin, 'fire', '--json', '-q', ...flags], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  let done = false;
  child.on('exit', () => {
    done = true;
  });
  const samples = [];
  for (let polls = 1; !done; polls++) {
    const sample = {
      t: performance.now(),
      calls: (await answered(nginx.port)) - polls,
      cpu: threadCpu(child.pid),
    };
    if (!done && Object.keys(sample.cpu).length) samples.push(sample);
    await new Promise((r) => setTimeout(r, SAMPLE_MS));
  }
  nginx.stop();
  return { signUs, rate: JSON.parse(stdout).rate, samples };
}

/** CPU µs per call by thread over the window: SKIP_MS after the first call to the last. */
function split({ signUs, rate, samples }) {
  const first = samples.findIndex((s) => s.calls > samples[0].calls + 2);
  const a = samples.findIndex((s) => s.t >= samples[first].t + SKIP_MS);
  let b = samples.length - 1;
  while (b > a && samples[b].calls === samples[b - 1].calls) b--;
  const [A, B] = [samples[a], samples[b - 1]];
  const calls = B.calls - A.calls;
  const used = Object.entries(B.cpu).map(([tid, us]) => [tid, (us - (A.cpu[tid] ?? 0)) / calls]);
  const main = used.find(([tid]) => tid === 'main')?.[1] ?? 0;
  const others = used.filter(([tid]) => tid !== 'main').map(([, us]) => us);
  const worker = Math.max(0, ...others);
  const total = used.reduce((sum, [, us]) => sum + us, 0);
  return { signUs, rate, calls, total, main, worker, helpers: total - main - worker, ratio: signUs / total };
}

const line = (label, r) =>
  `${label.padEnd(6)} load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0].padStart(5)}  ${r.calls} calls  CPU per call ${r.total.toFixed(0)} µs (main ${r.main.toFixed(0)}, build worker ${r.worker.toFixed(0)}, V8 helpers ${r.helpers.toFixed(0)})  RSA-2048 signature ${r.signUs.toFixed(1)} µs  ratio ${r.ratio.toFixed(3)}  (fire's own rate ${r.rate}/s)`;
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

const checkouts = [['this', HERE], ...(COMPARE ? [['other', resolve(COMPARE)]] : [])];
const ratios = Object.fromEntries(checkouts.map(([label]) => [label, []]));
for (let round = 0; round < ROUNDS; round++)
  for (const [label, root] of checkouts) {
    const r = split(await sampledRun(root));
    ratios[label].push(r.ratio);
    process.stdout.write(`${line(label, r)}\n`);
  }
for (const [label, root] of checkouts)
  process.stdout.write(
    `${label} (${root}): signature CPU / CPU per signed call, median of ${ROUNDS}: ${median(ratios[label]).toFixed(3)}\n`,
  );
