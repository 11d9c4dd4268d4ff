import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constantPacer } from '../pace/pacer.js';
import { createTransport } from '../transport/create.js';
import type { TransportKind } from '../transport/transport.js';
import { fire } from './fire.js';
import type { RequestOptions } from './request.js';
import type { PreparedCall } from './source.js';

/**
 * Run the send path (the open-model loop, the run's transport, results and metrics) a
 * couple of thousand times against a throwaway receiver inside this process,
 * on 127.0.0.1, before an open run starts. Until the JIT has seen that code,
 * a call costs several times its later CPU: the first half second of a run
 * was most of its schedule lag. The run's receiver sees none of it, and
 * nothing of it is counted (its own metrics, its own connections).
 */
export async function warmUpSendPath(
  request: RequestOptions,
  preciseSleep: ((ms: number) => Promise<void>) | undefined,
  transport: TransportKind | undefined = undefined,
  calls = 5000,
  maxMs = 1000,
): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/warm-up`);
  const http = createTransport(transport, { connections: 8, timeoutMs: 2000 });
  const body = Buffer.from(`id=${'0'.repeat(32)}&type=failure&recipient=warm-up%40example.com`);
  const headers = ['Content-Type', 'application/x-www-form-urlencoded', 'User-Agent', 'smtpeter-sim warm-up'];
  let n = 0;
  const call = (): PreparedCall | undefined =>
    n++ < calls
      ? {
          event: { id: `warm-up-${n}`, type: 'failure', recipient: 'warm-up@example.com' },
          scenario: 'warm-up',
          style: 'warm-up',
          request: { headers, body },
        }
      : undefined;
  const now = (): number => performance.timeOrigin + performance.now();
  try {
    await fire(
      {
        ...request,
        calls: { next: call },
        targets: { url },
        model: { kind: 'open', pacer: constantPacer(20_000), maxInFlight: calls },
        count: calls,
        durationMs: maxMs,
        graceMs: 0,
      },
      {
        http,
        now,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        ...(preciseSleep ? { preciseSleep } : {}),
      },
    );
  } finally {
    await http.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}
