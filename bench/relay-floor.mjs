#!/usr/bin/env node
/**
 * The floor under serve's non-signing CPU per send: a process that does only
 * what every REST send through serve must (node:http takes the POST, parses
 * its JSON, answers a 32-hex id as JSON; the project's undici HttpClient makes
 * one ~400-byte POST with SMTPeter's headers to a receiver answering 204) and
 * nothing else: no store, no timeline, no encoding, no signing. Driven by wrk
 * (50 connections), as `serve-load.mjs` drives serve; prints its CPU per send.
 * Needs `npm run build` and wrk.
 *
 *   node bench/relay-floor.mjs [--seconds 15]
 */
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
const seconds = Number(args[args.indexOf('--seconds') + 1] || 15);

if (args[0] === '--receiver') {
  createServer((q, s) => {
    q.resume();
    q.on('end', () => s.writeHead(204).end());
  }).listen(0, '127.0.0.1', function () {
    process.send(this.address().port);
  });
} else if (args[0] === '--relay') {
  const { HttpClient } = await import(join(dirname(HERE), '..', 'dist', 'src', 'transport', 'http.js'));
  const http = new HttpClient({ connections: 64 });
  const target = new URL(`http://127.0.0.1:${args[1]}/hook`);
  const body = Buffer.from(JSON.stringify({ type: 'delivery', id: 'x'.repeat(32), pad: 'y'.repeat(300) }));
  const headers = {
    'Content-Type': 'application/json',
    'Content-Length': String(body.length),
    'User-Agent': 'smtpeter-sim',
    Date: new Date().toUTCString(),
    'X-Copernica-ID': '1',
    Digest: `sha-256=${'d'.repeat(44)}`,
    'X-Nonce': 'n'.repeat(32),
    Signature: `keyId="k",algorithm="rsa-sha256",headers="(request-target) host date x-copernica-id digest x-nonce",signature="${'s'.repeat(344)}"`,
  };
  createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const sent = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const answer = JSON.stringify({ [randomBytes(16).toString('hex')]: sent.recipient });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(answer);
      http.send(target, headers, body, () => {});
    });
  }).listen(0, '127.0.0.1', function () {
    process.send(this.address().port);
  });
} else {
  const cpuMs = (pid) => {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  };
  const start = async (...a) => {
    const child = fork(HERE, a);
    return { child, port: await new Promise((r) => child.once('message', r)) };
  };
  const receiver = await start('--receiver');
  const relay = await start('--relay', String(receiver.port));
  const script = join(mkdtempSync(join(tmpdir(), 'relay-floor-')), 'send.lua');
  writeFileSync(
    script,
    'wrk.method = "POST"\nwrk.body = \'{"recipient":"delivered@simulator.smtpeter.test","from":"a@shop.example","subject":"bench","text":"hello"}\'\nwrk.headers["Content-Type"] = "application/json"\n',
  );
  const wrk = (s) =>
    new Promise((r) => {
      let out = '';
      const w = spawn('wrk', [
        '-t1',
        '-c50',
        `-d${s}s`,
        '-s',
        script,
        `http://127.0.0.1:${relay.port}/v1/send`,
      ]);
      w.stdout.on('data', (c) => (out += c));
      w.on('exit', () => r(Number(/(\d+) requests in/.exec(out)[1])));
    });
  await wrk(3);
  const load = loadavg()[0].toFixed(1);
  const cpu0 = cpuMs(relay.child.pid);
  const sends = await wrk(seconds);
  await new Promise((r) => setTimeout(r, 500));
  const cpu = cpuMs(relay.child.pid) - cpu0;
  console.log(
    JSON.stringify({
      sends,
      sendsPerSecond: Math.round(sends / seconds),
      relayMsPerSend: Number((cpu / sends).toFixed(3)),
      load1: load,
    }),
  );
  relay.child.kill();
  receiver.child.kill();
}
