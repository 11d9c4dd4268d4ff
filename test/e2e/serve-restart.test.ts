import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startCaptureServer } from '../helpers/capture-server.js';
import { cliSpawn } from '../helpers/cli.js';
import { sqliteUnavailable } from '../helpers/sqlite.js';

const SIM = 'simulator.smtpeter.test';

/** A port nothing listens on (bound, then closed): the receiver that is down. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

/** Start `serve` and read its REST URL from the first lines it prints. */
async function startServeCli(
  args: string[],
): Promise<{ child: ChildProcess; api: string; out: () => string }> {
  const child = cliSpawn([
    'serve',
    '--api-port',
    '0',
    '--smtp-port',
    '0',
    '--token',
    'tok',
    '--smtp-user',
    'u',
    '--smtp-pass',
    'p',
    '--no-sign',
    '--format',
    'json',
    ...args,
  ]);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const until = Date.now() + 30_000;
  while (!/REST API +(http:\/\/[^/\s]+)/.test(out)) {
    if (Date.now() > until || child.exitCode !== null) throw new Error(`serve did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return { child, api: /REST API +(http:\/\/[^/\s]+)/.exec(out)![1]!, out: () => out };
}

test('calls pending at a kill -9 are made after the restart (--data-dir)', {
  skip: sqliteUnavailable(),
}, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'serve-data-'));
  const down = await deadPort();
  const first = await startServeCli([
    '--data-dir',
    dataDir,
    '--time-scale',
    '36000',
    '--url',
    `http://127.0.0.1:${down}/hook`,
  ]);
  const ids: string[] = [];
  for (const who of ['delivered', 'delivered+2', 'softbounce']) {
    const res = await fetch(`${first.api}/v1/send?access_token=tok`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        recipient: `${who}@${SIM}`,
        from: 'a@shop.example',
        subject: 'x',
        text: 'y',
        tags: ['restart'],
      }),
    });
    assert.equal(res.status, 200);
    ids.push(...Object.keys((await res.json()) as Record<string, string>));
  }
  // The receiver is down: every call is failing and waiting for its next retry.
  await new Promise((r) => setTimeout(r, 300));
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));

  const receiver = await startCaptureServer();
  const second = await startServeCli(['--data-dir', dataDir, '--time-scale', '36000', '--url', receiver.url]);
  try {
    assert.match(second.out(), /resumed +\d+ pending webhook call/);
    const until = Date.now() + 8000;
    const got = (): { id: string; type: string }[] =>
      receiver.requests.map((r) => JSON.parse(r.body.toString()) as { id: string; type: string });
    // 1 delivery each, plus the softbounce's greylisting failure.
    while (got().length < 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    const calls = got();
    assert.deepEqual(new Set(calls.map((c) => c.id)), new Set(ids));
    assert.deepEqual(
      calls
        .filter((c) => c.type === 'delivery')
        .map((c) => c.id)
        .sort(),
      [...ids].sort(),
    );
    // The restarted serve still knows the messages it accepted before the crash.
    const events = (await (
      await fetch(`${second.api}/v1/events/messageid/${ids[0]}?access_token=tok`)
    ).json()) as { event: string }[];
    assert.deepEqual(
      events.map((e) => e.event),
      ['attempt', 'delivery'],
    );
  } finally {
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
    await receiver.close();
  }
});
