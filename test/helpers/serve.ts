import { join } from 'node:path';
import { type ServeHandle, type ServeOptions, startServe } from '../../src/serve/serve.js';
import { type CaptureServer, startCaptureServer } from './capture-server.js';
import { TEST_HOME } from './cli.js';

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
