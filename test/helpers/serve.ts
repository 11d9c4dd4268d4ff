import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { type ServeHandle, type ServeOptions, startServe } from '../../src/serve/serve.js';
import { type CaptureServer, startCaptureServer } from './capture-server.js';
import { BIN, TEST_HOME } from './cli.js';

export const TOKEN = 'test-token-0123456789';
export const SMTP_USER = 'app';
export const SMTP_PASS = 'secret-pass';

/** One webhook call as the receiver got it: the JSON body, read without the simulator's code. */
export interface Hook {
  path: string;
  fields: Record<string, unknown>;
}

export interface ServeRig {
  serve: ServeHandle;
  receiver: CaptureServer;
  hooks(): Hook[];
  /** Calls about one message id, in the order they arrived. */
  about(id: string): Hook[];
  /** Wait until `n` calls about `id` arrived (or fail after `timeoutMs`). */
  waitCalls(id: string, n: number, timeoutMs?: number): Promise<Hook[]>;
  send(body: Record<string, unknown>, token?: string): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

/** serve on free ports, JSON webhooks to a plain capture server, mail time 36,000× (an hour in 100 ms). */
export async function serveRig(options: Partial<ServeOptions> = {}): Promise<ServeRig> {
  const receiver = await startCaptureServer();
  const serve = await startServe({
    apiPort: 0,
    smtpPort: 0,
    timeScale: 36_000,
    seed: 7,
    credentials: { token: TOKEN, smtpUser: SMTP_USER, smtpPass: SMTP_PASS },
    credentialsFile: join(TEST_HOME, 'serve.json'),
    targets: { url: new URL(receiver.url) },
    request: { format: 'json', dialect: 'smtpeter' },
    ...options,
  });
  const hooks = (): Hook[] =>
    receiver.requests.map((r) => ({
      path: r.url,
      fields: JSON.parse(r.body.toString('utf8')) as Record<string, unknown>,
    }));
  const about = (id: string): Hook[] => hooks().filter((h) => h.fields['id'] === id);
  return {
    serve,
    receiver,
    hooks,
    about,
    async waitCalls(id, n, timeoutMs = 5000) {
      await serve.waitFor(() => about(id).length >= n, timeoutMs);
      return about(id);
    },
    async send(body, token = TOKEN) {
      const res = await fetch(`${serve.apiUrl}/v1/send?access_token=${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, text: await res.text() };
    },
    async close() {
      await serve.close();
      await receiver.close();
    },
  };
}

/** `smtpeter-sim serve` as a process, started as a user starts it; its output so far. */
export interface ServeProcess {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves with the exit code once it has ended (null: killed by a signal). */
  exited: Promise<number | null>;
}

/**
 * Start `smtpeter-sim serve ARGS` on free ports and wait (30 s at most, a cold
 * start on a busy machine) until it has printed its start-up lines or ended.
 */
export async function spawnServe(
  args: string[],
  cwd = TEST_HOME,
  env: Record<string, string> = {},
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args, '--api-port', '0', '--smtp-port', '0'], {
    cwd,
    env: { ...process.env, XDG_CONFIG_HOME: TEST_HOME, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const running: ServeProcess = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.on('close', resolve)),
  };
  child.stdout!.on('data', (d: Buffer) => (running.stdout += d));
  child.stderr!.on('data', (d: Buffer) => (running.stderr += d));
  let ended = false;
  void running.exited.then(() => (ended = true));
  const until = Date.now() + 30_000;
  while (!/^time scale/m.test(running.stdout) && !ended && Date.now() < until)
    await new Promise((r) => setTimeout(r, 25));
  return running;
}
