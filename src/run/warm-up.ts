import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constantPacer } from '../pace/pacer.js';
import { createTransport } from '../transport/create.js';
import type { TransportKind } from '../transport/transport.js';
import { type FireOptions, fire } from './fire.js';
import type { RequestOptions } from './request.js';
import type { PreparedCall } from './source.js';

const WARM_UP_CONNECTIONS = 8;

/**
 * Run the send path (the run's model, its transport, results and metrics) a
 * couple of thousand times against a throwaway receiver inside this process,
 * on 127.0.0.1, before a run starts. Until the JIT has seen that code, a call
 * costs several times its later CPU: the first half second of an open run was
 * most of its schedule lag, and a signed closed run on one core spent its
 * first ~3,000 calls at 1.3-1.6× their later CPU (docs/performance.md, (b)).
 * The run's receiver sees none of it, and nothing of it is counted (its own
 * metrics, its own connections). Resolves to the warm-up calls answered 2xx.
 */
export async function warmUpSendPath(
  request: RequestOptions,
  preciseSleep: ((ms: number) => Promise<void>) | undefined,
  transport: TransportKind | undefined = undefined,
  model: FireOptions['model']['kind'] = 'open',
  calls = 5000,
  maxMs = 1000,
): Promise<number> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/warm-up`);
  const http = createTransport(transport, { connections: WARM_UP_CONNECTIONS, timeoutMs: 2000 });
  const body = Buffer.from(`id=${'0'.repeat(32)}&type=failure&recipient=warm-up%40example.com`);
  const headers = ['Content-Type', 'application/x-www-form-urlencoded', 'User-Agent', 'smtpeter-sim warm-up'];
  let n = 0;
  const made = (): PreparedCall | undefined =>
    n++ < calls
      ? {
          event: { id: `warm-up-${n}`, type: 'failure', recipient: 'warm-up@example.com' },
          scenario: 'warm-up',
          style: 'warm-up',
          request: { headers, body },
        }
      : undefined;
  // A build pool hands out a promise when its next batch is not back yet: both ways, as in a run.
  const call = (): PreparedCall | undefined | Promise<PreparedCall | undefined> =>
    n % 8 === 0 ? Promise.resolve(made()) : made();
  const now = (): number => performance.timeOrigin + performance.now();
  try {
    const summary = await fire(
      {
        ...request,
        calls: { next: call },
        targets: { url },
        model:
          model === 'open'
            ? { kind: 'open', pacer: constantPacer(20_000), maxInFlight: calls }
            : { kind: 'closed', concurrency: WARM_UP_CONNECTIONS },
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
    return summary.metrics.ok;
  } finally {
    await http.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}
