import { DIALECTS, type Dialect } from '../encode/dialect.js';
import { UsageError } from '../model/errors.js';
import { startReceiver } from '../receive/server.js';
import { createUi } from '../receive/ui/routes.js';
import { colourFor } from '../report/colour.js';
import { receivedLine } from '../report/fire-report.js';
import { loadPublicKey } from '../sign/keys.js';
import { oneOf, wholeNumberIn } from './flags.js';
import { type CliIO, PROCESS_IO } from './io.js';

export interface ListenFlags {
  port?: string;
  host?: string;
  publicKey?: string;
  copernicaId?: string;
  status?: string;
  dialect?: string;
  json?: boolean;
  acceptInvalid?: boolean;
  /** The live page at GET / (commander's --no-ui sets false). */
  ui?: boolean;
}

/** Run a receiver until SIGINT/SIGTERM; print every call. */
export async function listenCommand(flags: ListenFlags, io: CliIO = PROCESS_IO): Promise<number> {
  const out = io.stdout;
  const c = colourFor(out);
  const port = wholeNumberIn('--port', flags.port ?? '8025', 0, 65535, 'a port 0-65535 (0 = any free port)');
  const status = wholeNumberIn('--status', flags.status ?? '200', 200, 599, 'an HTTP status 200-599');
  // The ID is checked as part of a verified signature: without a key it would be silently ignored.
  if (flags.copernicaId !== undefined && !flags.publicKey)
    throw new UsageError('--copernica-id: is checked on verified calls only; give --public-key too');
  const dialect = flags.dialect ? oneOf<Dialect>('--dialect', flags.dialect, DIALECTS) : undefined;
  const publicKey = flags.publicKey ? loadPublicKey(flags.publicKey) : undefined;
  const host = flags.host ?? '127.0.0.1';
  const receiver = await startReceiver({
    port,
    host,
    status,
    ...(flags.acceptInvalid ? { acceptInvalid: true } : {}),
    ...(publicKey ? { publicKey } : {}),
    ...(flags.copernicaId ? { copernicaId: flags.copernicaId } : {}),
    ...(dialect ? { dialect } : {}),
    ...(flags.ui !== false ? { routes: createUi } : {}),
    onCall: (call) => {
      if (flags.json) {
        out.write(
          `${JSON.stringify({
            seq: call.seq,
            receivedAt: new Date(call.receivedAt).toISOString(),
            path: call.path,
            kind: call.validation.kind ?? null,
            dialect: call.validation.dialect ?? null,
            fields: call.fields ?? null,
            problems: call.validation.problems,
            signature: call.signature,
            answered: call.answered,
          })}\n`,
        );
      } else {
        out.write(`${receivedLine(call, c)}\n`);
      }
    },
  }).catch((e: NodeJS.ErrnoException) => {
    throw bindError(e, port, host);
  });
  io.stderr.write(
    `listening on ${receiver.url} (answering ${status}${publicKey ? ', verifying signatures' : ''}); Ctrl-C to stop\n`,
  );
  if (flags.ui !== false) io.stderr.write(`calls, live: open ${receiver.url} in a browser\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await receiver.close();
  io.stderr.write(`received ${receiver.calls.length} call(s)\n`);
  return 0;
}

/** Why the receiver could not bind, as the flag that can fix it. */
function bindError(err: NodeJS.ErrnoException, port: number, host: string): Error {
  switch (err.code) {
    case 'EADDRINUSE':
      return new UsageError(
        `--port ${port}: address already in use on ${host} (--port 0 takes any free port)`,
      );
    case 'EACCES':
      return new UsageError(
        `--port ${port}: not allowed to listen on ${host} (ports below 1024 need privileges)`,
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
