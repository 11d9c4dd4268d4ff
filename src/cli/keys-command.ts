import { resolve } from 'node:path';
import { DEFAULT_KEY_ID } from '../plan/signing.js';
import {
  defaultKeyDir,
  dkimRecord,
  ensureDefaultKeyPair,
  generateKeyPair,
  loadPublicKey,
} from '../sign/keys.js';
import { type CliIO, PROCESS_IO } from './io.js';

function printPair(privateKeyPath: string, publicKeyPath: string, io: CliIO): void {
  const publicKey = loadPublicKey(publicKeyPath);
  io.stdout.write(
    `private key: ${privateKeyPath}\npublic key:  ${publicKeyPath}\n` +
      `DKIM TXT record for ${DEFAULT_KEY_ID} (or the name you sign with: --key-id of fire, replay and check):\n${dkimRecord(publicKey)}\n`,
  );
}

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
  printPair(pair.privateKeyPath, pair.publicKeyPath, io);
  return 0;
}

/** `keys show`: the default pair (made on first use). */
export function keysShowCommand(_flags: object = {}, io: CliIO = PROCESS_IO): number {
  const pair = ensureDefaultKeyPair();
  printPair(pair.privateKeyPath, pair.publicKeyPath, io);
  return 0;
}
