import { Agent, Pool } from 'undici';
const url = new URL(process.argv[2]); const calls = Number(process.argv[3] ?? 60000);
const body = Buffer.from(`id=${'a'.repeat(32)}&type=failure&recipient=someone%40example.com&${'x=y&'.repeat(80)}`);
const headers = ['Content-Type','application/x-www-form-urlencoded','Content-Length',String(body.length)];
const agent = new Agent({ connections: 50 });
const opts = { origin: url.origin, path: '/', method: 'POST', headers, body, headersTimeout: 10000, bodyTimeout: 10000, idempotent: false };
function run(n) { return new Promise((resolve) => { let started = 0, done = 0;
  const send = () => { started++; agent.dispatch(opts, { onConnect(){}, onHeaders(){return true}, onData(){return true}, onComplete(){ done++; if (started < n) send(); else if (done === n) resolve(); }, onError(e){ throw e; } }); };
  for (let i = 0; i < 50; i++) send(); }); }
await run(20000);
const c0 = process.cpuUsage(); await run(calls); const u = process.cpuUsage(c0);
console.log(((u.user+u.system)/calls).toFixed(2)); process.exit(0);
