import { DIALECTS, type Dialect } from '../encode/dialect.js';
import { UsageError } from '../model/errors.js';
import type { ReceiverOptions } from '../receive/server.js';
import { loadPublicKey } from '../sign/keys.js';
import { type DnsPlan, planDns } from './dns-plan.js';
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
  /** Start the DNS responder on this port (and --dns-zone's records). */
  dnsPort?: string;
  dnsZone?: string;
  /** Verify by DNS: `true` (the flag alone) uses --dns-port's responder, else a resolver host:port. */
  resolveKeys?: boolean | string;
}

/** A receiver to run: where it binds, how it answers and verifies, how calls are printed. */
interface ListenPlan {
  receiver: Omit<ReceiverOptions, 'onCall'> & { port: number; host: string; status: number; ui: boolean };
  /** `--dns-port`: the responder to run beside the receiver. */
  dns?: DnsPlan;
  /** `--resolve-keys`: the resolver keys are fetched through (host:port); the responder's when the flag has no value. */
  resolveKeysVia?: string | 'responder';
  json: boolean;
}

/** Flags → the receiver's options; a UsageError names the flag. */
export function planListen(flags: ListenFlags): ListenPlan {
  const port = wholeNumberIn('--port', flags.port ?? '8025', 0, 65535, 'a port 0-65535 (0 = any free port)');
  const status = wholeNumberIn('--status', flags.status ?? '200', 200, 599, 'an HTTP status 200-599');
  // The ID is checked as part of a verified signature: without a key it would be silently ignored.
  if (flags.copernicaId !== undefined && !flags.publicKey && !flags.resolveKeys)
    throw new UsageError(
      '--copernica-id: is checked on verified calls only; give --public-key or --resolve-keys too',
    );
  if (flags.dnsZone !== undefined && flags.dnsPort === undefined)
    throw new UsageError('--dns-zone: adds records to the DNS responder; give --dns-port too');
  const resolveKeysVia = resolveKeysFrom(flags);
  const dns =
    flags.dnsPort !== undefined
      ? planDns({ dnsPort: flags.dnsPort, ...(flags.dnsZone ? { dnsZone: flags.dnsZone } : {}) })
      : undefined;
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
    ...(dns ? { dns } : {}),
    ...(resolveKeysVia ? { resolveKeysVia } : {}),
    json: flags.json ?? false,
  };
}

/** `--resolve-keys [host:port]`: where keys are looked up; not with --public-key (one key source). */
function resolveKeysFrom(flags: ListenFlags): string | undefined {
  if (flags.resolveKeys === undefined || flags.resolveKeys === false) return undefined;
  if (flags.publicKey)
    throw new UsageError('--resolve-keys: verifies with keys from DNS, so not with --public-key');
  if (flags.resolveKeys === true) {
    if (flags.dnsPort === undefined)
      throw new UsageError(
        '--resolve-keys: give a resolver (127.0.0.1:5353), or --dns-port to use the responder listen runs',
      );
    return 'responder';
  }
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\])(?::(\d{1,5}))?$/.exec(flags.resolveKeys);
  if (!m || Number(m[2] ?? 53) > 65535)
    throw new UsageError(
      `--resolve-keys: expected a resolver address such as 127.0.0.1:5353, got '${flags.resolveKeys}'`,
    );
  return flags.resolveKeys;
}
