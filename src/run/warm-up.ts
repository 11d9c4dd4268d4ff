import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constantPacer } from '../pace/pacer.js';
import { createTransport } from '../transport/create.js';
import type { HttpOptions } from '../transport/http.js';
import type { TransportKind } from '../transport/transport.js';
import { type FireDeps, type FireOptions, fire, type LoadModel } from './fire.js';
import type { RequestOptions, Targets } from './request.js';
import type { CallSource } from './source.js';

/** An open run's warm-up goes this fast whatever the run's rate: the JIT needs calls, not time. */
const WARM_UP_RATE = 20_000;
/**
 * Runs of the warm-up, each a `fire` of its own (a transport, connections,
 * metrics, closures): what happens once per run, and closures made per run,
 * are then not new to the compiled code when the run starts (V8 records no
 * feedback in a function's first calls, and code compiled for one run's
 * closures is thrown away at the next run's first call).
 */
const WARM_UP_ROUNDS = 3;
/**
 * Connections a round opens at most. The JIT needs calls, not sockets; and an
 * open run's default (one per in-flight call, 1000) overflows the listen
 * backlog, so the last of them wait a SYN retransmit (1 s) each round.
 */
const WARM_UP_CONNECTIONS = 50;

export interface WarmUp {
  request: RequestOptions;
  /** The warm-up's calls: the run's own kind (a build pool's warm-up range, `BuildPool.warmUpCalls`). */
  calls: CallSource;
  /** Calls at most (the source may end sooner), shared out among the rounds. */
  count: number;
  /** The run's targets: only their names are used (each goes to the warm-up's receiver). */
  targets: Targets;
  /** The run's seed and retry policy (values of the run's kinds: a seed past 2^30 is a double to V8). */
  run: Pick<FireOptions, 'seed' | 'retry'>;
  /** The run's transport and its options: the warm-up gets one of its own, the same class. */
  transport: { kind: TransportKind | undefined; options: HttpOptions };
  /** The run's load model (an open run's warm-up keeps its in-flight limit, at WARM_UP_RATE). */
  model: LoadModel;
  /** The run's own clock, sleeps and stop signal (the same functions and objects: the compiled code sees them). */
  clock: Pick<FireDeps, 'now' | 'sleep' | 'preciseSleep' | 'signal'>;
  /** Stop starting warm-up calls after this long (all rounds). */
  maxMs?: number;
}

/**
 * Run the send path a few thousand times against a throwaway receiver inside
 * this process, on 127.0.0.1, before a run starts: the run's own calls
 * (bodies, defects, batches), model, transport class and records. Until the
 * JIT has seen that code with the run's object shapes, a call costs several
 * times its later CPU, and V8's compile threads take the client's core: the
 * first half second of an open run was most of its schedule lag, and a
 * signed closed run on one core spent its first ~3,000 calls at 1.3-1.6×
 * their later CPU (docs/performance.md, (b) and "Schedule lag (c)"). The
 * run's receiver sees none of it, and nothing of it is counted (its own
 * metrics, its own connections). Resolves to the warm-up calls answered 2xx.
 */
export async function warmUpSendPath(w: WarmUp): Promise<number> {
  // Answers shaped as a web server's: 204, Date, keep-alive (node:http adds those).
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/warm-up`);
  const maxMs = w.maxMs ?? 1000;
  let ok = 0;
  try {
    // A stop ends the warm-up as it ends the run: at once (the run then starts stopped).
    for (let round = 0; round < WARM_UP_ROUNDS && !w.clock.signal?.aborted; round++)
      ok += await warmUpRound(
        w,
        url.href,
        firstCalls(w.calls, Math.ceil(w.count / WARM_UP_ROUNDS)),
        maxMs / WARM_UP_ROUNDS,
      );
    return ok;
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/** One round: a run of its own, with a transport of its own, to the warm-up's receiver. */
async function warmUpRound(w: WarmUp, href: string, calls: CallSource, maxMs: number): Promise<number> {
  // The run's target names in the run's order, so the object is built as the run's was (same shape),
  // and a URL of the round's own, as a run has (what is worked out once per URL is then new each round).
  const url = new URL(href);
  const targets: Targets = {};
  for (const key of Object.keys(w.targets) as Array<keyof Targets>) targets[key] = url;
  const { connections } = w.transport.options;
  const http = createTransport(w.transport.kind, {
    ...w.transport.options,
    timeoutMs: 2000,
    connections: Math.min(connections ?? WARM_UP_CONNECTIONS, WARM_UP_CONNECTIONS),
  });
  try {
    const summary = await fire(
      {
        ...w.request,
        calls,
        targets,
        model:
          w.model.kind === 'open'
            ? { kind: 'open', pacer: constantPacer(WARM_UP_RATE), maxInFlight: w.model.maxInFlight }
            : w.model,
        durationMs: maxMs,
        graceMs: 0,
        ...w.run,
      },
      {
        http,
        ...w.clock,
        // A run always has a reader of its records besides the metrics.
        onResult: () => undefined,
      },
    );
    return summary.metrics.ok;
  } finally {
    await http.destroy();
  }
}

/** The first `n` calls of `source`, then none. */
function firstCalls(source: CallSource, n: number): CallSource {
  let left = n;
  return { next: () => (left-- > 0 ? source.next() : undefined) };
}
