import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { UsageError } from '../model/errors.js';

interface KeyPairFiles {
  privateKeyPath: string;
  publicKeyPath: string;
}

const PRIVATE_KEY_FILE = 'smtpeter-sim.key';
const PUBLIC_KEY_FILE = 'smtpeter-sim.pub';

/** Where the tool keeps the key it generates when none is given. */
export function defaultKeyDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CONFIG_HOME'] || join(homedir(), '.config');
  return join(base, 'smtpeter-sim', 'keys');
}

interface GenerateKeyPairOptions {
  /** Replace a pair already in `dir` (default: refuse, its DKIM record may be published). */
  force?: boolean;
  /** Where the folder came from, for error messages, e.g. `--out keys` (default: the folder). */
  label?: string;
}

/**
 * RSA-2048 pair, PEM (PKCS#8 private, SPKI public), private file mode 0600.
 * A folder that cannot be made, or a pair already there (without `force`),
 * is a UsageError naming `label`; nothing is written then.
 */
export function generateKeyPair(dir: string, options: GenerateKeyPairOptions = {}): KeyPairFiles {
  const label = options.label ?? dir;
  const privateKeyPath = resolve(dir, PRIVATE_KEY_FILE);
  const publicKeyPath = resolve(dir, PUBLIC_KEY_FILE);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'EEXIST'
        ? `${label}: is a file, not a folder`
        : code === 'ENOTDIR'
          ? `${label}: part of the path is a file, not a folder`
          : `${label}: cannot create the folder (${code ?? 'error'})`,
    );
  }
  if (!options.force) {
    const existing = [privateKeyPath, publicKeyPath].filter((p) => existsSync(p));
    if (existing.length)
      throw new UsageError(
        `${label}: a key pair is already there (${existing.map((p) => basename(p)).join(', ')}; its DKIM record may be published); give --force to replace it`,
      );
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  try {
    writeFileSync(privateKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(publicKeyPath, publicKey.export({ type: 'spki', format: 'pem' }));
  } catch (err) {
    throw new UsageError(
      `${label}: cannot write the key pair (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return { privateKeyPath, publicKeyPath };
}

/** The default pair, generated on first use. */
export function ensureDefaultKeyPair(
  env: NodeJS.ProcessEnv = process.env,
): KeyPairFiles & { created: boolean } {
  const dir = defaultKeyDir(env);
  const files = { privateKeyPath: join(dir, PRIVATE_KEY_FILE), publicKeyPath: join(dir, PUBLIC_KEY_FILE) };
  if (existsSync(files.privateKeyPath) && existsSync(files.publicKeyPath))
    return { ...files, created: false };
  // Half a pair (one file lost) is made whole again: nothing can verify against it as it is.
  return { ...generateKeyPair(dir, { force: true, label: `key folder ${dir}` }), created: true };
}

function readKeyFile(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag} ${path}: cannot read key file (${code ?? 'error'})`);
  }
}

/** The PEM labels (`-----BEGIN X-----`) a key file holds. */
const pemLabels = (text: string): string[] =>
  [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----/g)].map((m) => m[1]!);

/**
 * What is wrong with a key file, in words (OpenSSL's decoder messages name
 * its internals, not the file): not PEM, the wrong half, encrypted, not RSA.
 */
function keyProblem(text: string, flag: string, want: 'private' | 'public'): string {
  const labels = pemLabels(text);
  if (labels.length === 0) return `not a PEM ${want} key`;
  if (want === 'private' && labels.every((l) => l.includes('PUBLIC KEY')))
    return `this is a public key; ${flag} needs the private key`;
  if (labels.some((l) => l.startsWith('ENCRYPTED')) || /Proc-Type: 4,ENCRYPTED/.test(text))
    return 'the private key is encrypted; give it without a passphrase';
  if (labels.includes('CERTIFICATE')) return `a certificate, not a PEM ${want} key`;
  return `not a PEM ${want} key: its ${labels.map((l) => `BEGIN ${l}`).join(', ')} block does not decode`;
}

function loadKey(path: string, flag: string, want: 'private' | 'public'): KeyObject {
  const pem = readKeyFile(path, flag);
  let key: KeyObject;
  try {
    key = want === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch {
    throw new UsageError(`${flag} ${path}: ${keyProblem(pem, flag, want)}`);
  }
  if (key.asymmetricKeyType !== 'rsa')
    throw new UsageError(
      `${flag} ${path}: an ${key.asymmetricKeyType?.toUpperCase()} key; SMTPeter signs with RSA`,
    );
  return key;
}

export function loadPrivateKey(path: string, flag = '--key'): KeyObject {
  return loadKey(path, flag, 'private');
}

/** A public key from a PEM file, or the public half of a private key file. */
export function loadPublicKey(path: string, flag = '--public-key'): KeyObject {
  return loadKey(path, flag, 'public');
}

/** The DNS TXT value Copernica publishes at the keyId name. */
export function dkimRecord(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `v=DKIM1; k=rsa; p=${der.toString('base64')}`;
}
