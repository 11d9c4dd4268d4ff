import { resolve } from 'node:path';
import { UsageError } from '../model/errors.js';
import { duration } from '../plan/flag-values.js';
import {
  currentKeyFiles,
  DEFAULT_GRACE_MS,
  DEFAULT_KEY_ID,
  publishedKeys,
  readKeyring,
  rotateKeyring,
} from '../sign/keyring.js';
import {
  defaultKeyDir,
  dkimRecord,
  ensureDefaultKeyPair,
  generateKeyPair,
  loadPublicKey,
} from '../sign/keys.js';
import { type CliIO, PROCESS_IO } from './io.js';

/** A TXT record as a zone file line: what to publish, in the form Copernica's verifier parses. */
const zoneLine = (keyId: string, record: string): string => `${keyId}. TXT "${record}"`;

/** `keys generate [--out DIR] [--force]`: a new RSA-2048 pair; an existing one is kept unless --force. */
export function keysGenerateCommand(
  flags: { out?: string; force?: boolean },
  io: CliIO = PROCESS_IO,
): number {
  const dir = resolve(flags.out ?? defaultKeyDir());
  const pair = generateKeyPair(dir, {
    force: flags.force === true,
    label: flags.out !== undefined ? `--out ${flags.out}` : `key folder ${dir}`,
  });
  io.stdout.write(
    `private key: ${pair.privateKeyPath}\npublic key:  ${pair.publicKeyPath}\n` +
      `DKIM TXT record for ${DEFAULT_KEY_ID} (or the name you sign with: --key-id of fire, replay and check):\n` +
      `${zoneLine(DEFAULT_KEY_ID, dkimRecord(loadPublicKey(pair.publicKeyPath)))}\n`,
  );
  return 0;
}

/** `keys show`: the key folder's selectors (made on first use): which signs, and every record DNS publishes. */
export function keysShowCommand(_flags: object = {}, io: CliIO = PROCESS_IO, now = Date.now()): number {
  ensureDefaultKeyPair();
  const dir = defaultKeyDir();
  const ring = readKeyring(dir);
  const published = publishedKeys(dir, now);
  // The pair that signs now: after a rotation the newest selector's files, not the first pair's.
  const pair = currentKeyFiles(dir, ring);
  io.stdout.write(
    `key folder:  ${dir}\nprivate key: ${pair.privateKeyPath}\npublic key:  ${pair.publicKeyPath}\n` +
      `signing with ${published[published.length - 1]!.keyId}; DKIM TXT records to publish (\`smtpeter-sim dns\` serves them):\n`,
  );
  for (const key of published) {
    const until = ring.find((e) => e.selector === key.selector)?.publishedUntil;
    io.stdout.write(
      `${zoneLine(key.keyId, dkimRecord(key.publicKey))}${until ? ` ; retired, published until ${until}` : ''}\n`,
    );
  }
  return 0;
}

/** `keys rotate [--grace D]`: a new selector signs; the old one stays published for the grace period. */
export function keysRotateCommand(
  flags: { grace?: string },
  io: CliIO = PROCESS_IO,
  now = Date.now(),
): number {
  const graceMs = flags.grace === undefined ? DEFAULT_GRACE_MS : duration('--grace', flags.grace);
  if (!(graceMs >= 0)) throw new UsageError(`--grace: must be 0 or more, got '${flags.grace}'`);
  ensureDefaultKeyPair();
  const dir = defaultKeyDir();
  const before = readKeyring(dir);
  const key = rotateKeyring(dir, now, graceMs);
  io.stdout.write(
    `signing with ${key.keyId} from now on; ${before[before.length - 1]!.selector} stays published until ${new Date(now + graceMs).toISOString()}\n` +
      `${zoneLine(key.keyId, dkimRecord(key.publicKey))}\n`,
  );
  return 0;
}
