#!/usr/bin/env node
/**
 * The transport's ceiling: a bare undici dispatch loop, one fixed body, N
 * connections each with one request at a time, for a few seconds. What any
 * client built on undici (fire included) can reach on this machine at best;
 * bench (a) runs it next to fire and autocannon.
 *
 *   node bench/undici-loop.mjs URL [connections=50] [seconds=5] [bodyBytes=450] [pipelining=1]
 *
 * With pipelining N, each connection has N requests in flight (marked
 * idempotent: undici pipelines nothing else).
 *
 * Prints JSON: {requests, seconds, rate, errors, cpuUsPerRequest, warmCpuUsPerRequest}
 * (the second leaves out the first second: start-up, module and parser
 * compilation, connecting).
 */
import { Pool } from 'undici';

const [urlText, connText = '50', secText = '5', sizeText = '450', pipeText = '1'] = process.argv.slice(2);
if (!urlText) {
  process.stderr.write('usage: node bench/undici-loop.mjs URL [connections] [seconds] [bodyBytes]\n');
  process.exit(2);
}
const url = new URL(urlText);
const connections = Number(connText);
const seconds = Number(secText);
const body = Buffer.from(
  `id=${'0'.repeat(32)}&type=failure&recipient=x%40example.com&description=`.padEnd(Number(sizeText), 'x'),
);
const pipelining = Number(pipeText);
const pool = new Pool(url.origin, { connections, pipelining });
const headers = ['content-type', 'application/x-www-form-urlencoded'];
const opts = { method: 'POST', path: url.pathname, headers, body, idempotent: pipelining > 1 };

let done = 0;
let errors = 0;
let running = true;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let warm;
setTimeout(() => {
  warm = { cpu: process.cpuUsage(), done };
}, 1000);

/** One request through undici's lowest public API; the handler ignores what comes back. */
function send(onEnd) {
  pool.dispatch(opts, {
    onConnect() {},
    onHeaders() {
      return true;
    },
    onData() {
      return true;
    },
    onComplete() {
      done++;
      onEnd();
    },
    onError() {
      errors++;
      onEnd();
    },
  });
}
await new Promise((resolve) => {
  let open = connections * pipelining;
  const loop = () => {
    if (running) send(loop);
    else if (--open === 0) resolve();
  };
  for (let i = 0; i < connections * pipelining; i++) send(loop);
  setTimeout(() => {
    running = false;
  }, seconds * 1000);
});
const elapsed = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const warmCpu = warm ? process.cpuUsage(warm.cpu) : undefined;
await pool.close();
process.stdout.write(
  `${JSON.stringify({
    requests: done,
    seconds: elapsed,
    rate: done / elapsed,
    errors,
    cpuUsPerRequest: (cpu.user + cpu.system) / Math.max(1, done),
    warmCpuUsPerRequest: warmCpu ? (warmCpu.user + warmCpu.system) / Math.max(1, done - warm.done) : null,
  })}\n`,
);
