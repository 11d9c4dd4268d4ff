#!/usr/bin/env node
/**
 * serve's throughput, loopback only, bounded in time (issue #16's targets).
 * Needs `npm run build` first. The serve CLI runs in its own process; the
 * load (autocannon for REST, nodemailer pools for SMTP) and the receiver
 * (a node:http server answering 204, counting calls) run here.
 *
 *   node bench/serve.mjs                    # REST 20 s, then SMTP 10 s
 *   node bench/serve.mjs --seconds 60       # the issue's 60-second REST run
 *   node bench/serve.mjs --sign             # signed delivery calls
 *
 * bench/serve-load.mjs measures the issue's targets one by one (60 s with
 * every delivery call counted, signed vs RSA, latency, RSS) with each
 * process's CPU; this one is the quick look at REST and SMTP together.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import nodemailer from 'nodemailer';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const seconds = Number(arg('seconds', '20'));
const smtpSeconds = Number(arg('smtp-seconds', '10'));
const sign = args.includes('--sign');

// The receiver: counts delivery calls and the delay from send to call.
let calls = 0;
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    calls++;
    res.writeHead(204).end();
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const receiverUrl = `http://127.0.0.1:${receiver.address().port}/hook`;

const home = mkdtempSync(join(tmpdir(), 'serve-bench-'));
const child = spawn(
  process.execPath,
  [
    join(ROOT, 'bin', 'smtpeter-sim.js'),
    'serve',
    '--api-port',
    '0',
    '--smtp-port',
    '0',
    '--token',
    'bench',
    '--smtp-user',
    'b',
    '--smtp-pass',
    'b',
    '--url',
    receiverUrl,
    '--format',
    'json',
    '--keep',
    '100000',
    ...(sign ? [] : ['--no-sign']),
  ],
  { env: { ...process.env, XDG_CONFIG_HOME: home }, stdio: ['ignore', 'pipe', 'inherit'] },
);
let out = '';
child.stdout.on('data', (c) => (out += c));
while (!/SMTP +127\.0\.0\.1:(\d+)/.test(out)) await new Promise((r) => setTimeout(r, 50));
const api = /REST API +(http:\/\/[^/\s]+)/.exec(out)[1];
const smtpPort = Number(/SMTP +127\.0\.0\.1:(\d+)/.exec(out)[1]);

const body = JSON.stringify({
  recipient: 'delivered@simulator.smtpeter.test',
  from: 'a@shop.example',
  subject: 'bench',
  text: 'hello',
});
const rest = await autocannon({
  url: `${api}/v1/send?access_token=bench`,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body,
  connections: 50,
  duration: seconds,
});
const sent = rest.requests.total;
// Deliveries at time scale 600 are due 1-20 s of mail time later: 2-33 ms; wait for the tail.
const until = Date.now() + 30_000;
while (calls < sent && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
console.log(
  `REST: ${sent} sends in ${seconds} s = ${Math.round(sent / seconds)} sends/s (50 connections, ${rest.non2xx} non-2xx), p99 answer ${rest.latency.p99} ms; delivery calls made: ${calls}${sign ? ' (signed)' : ' (unsigned)'}`,
);

const before = calls;
const pools = Array.from({ length: 10 }, () =>
  nodemailer.createTransport({
    host: '127.0.0.1',
    port: smtpPort,
    pool: true,
    maxConnections: 1,
    maxMessages: Infinity,
    requireTLS: true,
    tls: { rejectUnauthorized: false },
    auth: { user: 'b', pass: 'b' },
  }),
);
let smtpSent = 0;
const smtpEnd = Date.now() + smtpSeconds * 1000;
await Promise.all(
  pools.map(async (t) => {
    while (Date.now() < smtpEnd) {
      await t.sendMail({
        from: 'a@shop.example',
        to: 'delivered@simulator.smtpeter.test',
        subject: 'bench',
        text: 'hello',
      });
      smtpSent++;
    }
  }),
);
for (const t of pools) t.close();
console.log(
  `SMTP: ${smtpSent} messages in ${smtpSeconds} s = ${Math.round(smtpSent / smtpSeconds)} messages/s (10 connections, several messages each); delivery calls so far ${calls - before}`,
);
child.kill('SIGTERM');
receiver.close();
