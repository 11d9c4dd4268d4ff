import { dnsKeyResolver } from '../dns/key-resolver.js';
import { startDnsResponder } from '../dns/responder.js';
import { UsageError } from '../model/errors.js';
import { type ListenFlags, planListen } from '../plan/listen-plan.js';
import { startReceiver } from '../receive/server.js';
import type { ReceivedCall } from '../receive/types.js';
import { createUi } from '../receive/ui/routes.js';
import { colourFor } from '../report/colour.js';
import { receivedLine } from '../report/fire-report.js';
import { untilStopped } from './interrupt-signals.js';
import { type CliIO, PROCESS_IO } from './io.js';

/** Run a receiver until SIGINT/SIGTERM; print every call. */
export async function listenCommand(flags: ListenFlags, io: CliIO = PROCESS_IO): Promise<number> {
  const out = io.stdout;
  const c = colourFor(out);
  const plan = planListen(flags);
  const { ui, ...receiverOptions } = plan.receiver;
  const { port, host, status, publicKey } = receiverOptions;
  const dns = plan.dns
    ? await startDnsResponder({ port: plan.dns.port, lookup: plan.dns.zone.lookup }).catch(
        (e: NodeJS.ErrnoException) => {
          throw portError(e, '--dns-port', plan.dns!.port, '127.0.0.1');
        },
      )
    : undefined;
  const resolver = plan.resolveKeysVia === 'responder' ? dns!.server : plan.resolveKeysVia;
  const receiver = await startReceiver({
    ...receiverOptions,
    ...(resolver ? { resolveKey: dnsKeyResolver(resolver) } : {}),
    ...(ui ? { routes: createUi } : {}),
    onCall: (call) => out.write(`${plan.json ? receivedJson(call) : receivedLine(call, c)}\n`),
  }).catch(async (e: NodeJS.ErrnoException) => {
    await dns?.close();
    throw portError(e, '--port', port, host);
  });
  const stopped = untilStopped();
  if (dns) io.stderr.write(`DNS on ${dns.server} (UDP and TCP): keys from ${plan.dns!.sources.join(', ')}\n`);
  io.stderr.write(
    `listening on ${receiver.url} (answering ${status}${publicKey ? ', verifying signatures' : resolver ? `, verifying signatures with keys from DNS at ${resolver}` : ''}); Ctrl-C to stop\n`,
  );
  if (ui) io.stderr.write(`calls, live: open ${receiver.url} in a browser\n`);
  await stopped;
  await receiver.close();
  await dns?.close();
  io.stderr.write(`received ${receiver.calls.length} call(s)\n`);
  return 0;
}

/** `--json`: one line per call. */
function receivedJson(call: ReceivedCall): string {
  return JSON.stringify({
    seq: call.seq,
    receivedAt: new Date(call.receivedAt).toISOString(),
    path: call.path,
    kind: call.validation.kind ?? null,
    dialect: call.validation.dialect ?? null,
    fields: call.fields ?? null,
    problems: call.validation.problems,
    signature: call.signature,
    answered: call.answered,
  });
}

/** Why a server could not bind, as the flag that can fix it. */
export function portError(err: NodeJS.ErrnoException, flag: string, port: number, host: string): Error {
  switch (err.code) {
    case 'EADDRINUSE':
      return new UsageError(
        `${flag} ${port}: address already in use on ${host} (${flag} 0 takes any free port)`,
      );
    case 'EACCES':
      return new UsageError(
        `${flag} ${port}: not allowed to listen on ${host} (ports below 1024 need privileges)`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return new UsageError(`--host ${host}: not an IP address, and no such host name`);
    case 'EADDRNOTAVAIL':
      return new UsageError(`--host ${host}: not an address of this machine`);
    default:
      return err;
  }
}
