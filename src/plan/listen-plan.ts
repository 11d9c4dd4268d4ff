import { DIALECTS, type Dialect } from '../encode/dialect.js';
import { UsageError } from '../model/errors.js';
import type { ReceiverOptions } from '../receive/server.js';
import { loadPublicKey } from '../sign/keys.js';
import { oneOf, wholeNumberIn } from './flag-values.js';

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

/** A receiver to run: where it binds, how it answers and verifies, how calls are printed. */
interface ListenPlan {
  receiver: Omit<ReceiverOptions, 'onCall'> & { port: number; host: string; status: number; ui: boolean };
  json: boolean;
}

/** Flags → the receiver's options; a UsageError names the flag. */
export function planListen(flags: ListenFlags): ListenPlan {
  const port = wholeNumberIn('--port', flags.port ?? '8025', 0, 65535, 'a port 0-65535 (0 = any free port)');
  const status = wholeNumberIn('--status', flags.status ?? '200', 200, 599, 'an HTTP status 200-599');
  // The ID is checked as part of a verified signature: without a key it would be silently ignored.
  if (flags.copernicaId !== undefined && !flags.publicKey)
    throw new UsageError('--copernica-id: is checked on verified calls only; give --public-key too');
  const dialect = flags.dialect ? oneOf<Dialect>('--dialect', flags.dialect, DIALECTS) : undefined;
  const publicKey = flags.publicKey ? loadPublicKey(flags.publicKey) : undefined;
  return {
    receiver: {
      port,
      host: flags.host ?? '127.0.0.1',
      status,
      ...(flags.acceptInvalid ? { acceptInvalid: true } : {}),
      ...(publicKey ? { publicKey } : {}),
      ...(flags.copernicaId ? { copernicaId: flags.copernicaId } : {}),
      ...(dialect ? { dialect } : {}),
      ui: flags.ui !== false,
    },
    json: flags.json ?? false,
  };
}
