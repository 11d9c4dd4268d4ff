import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../model/errors.js';
import { generateKeyPair, loadPrivateKey, PRIVATE_KEY_FILE } from './keys.js';

/** Where Copernica publishes its webhook keys: `<selector>._domainkey.copernica.com`. */
export const KEY_DOMAIN = '_domainkey.copernica.com';
/** Selectors count up, as DKIM selectors often do; the default pair is the first. */
const SELECTOR_PREFIX = 'smtpeter';
export const DEFAULT_SELECTOR = `${SELECTOR_PREFIX}1`;
export const DEFAULT_KEY_ID = `${DEFAULT_SELECTOR}.${KEY_DOMAIN}`;
/** How long a rotated-out key stays published (Copernica rotates monthly; a week of overlap). */
export const DEFAULT_GRACE_MS = 7 * 24 * 3600_000;

const KEYRING_FILE = 'keyring.json';

interface KeyringEntry {
  selector: string;
  /** File name in the key folder. */
  privateKeyFile: string;
  /** Rotated out: still published until then (ISO time). */
  publishedUntil?: string;
}

export const keyIdOf = (selector: string): string => `${selector}.${KEY_DOMAIN}`;

/**
 * The selectors of a key folder, oldest first; the last signs. A folder
 * never rotated holds the default pair only, under the default selector.
 */
export function readKeyring(dir: string): KeyringEntry[] {
  const file = join(dir, KEYRING_FILE);
  if (!existsSync(file)) return [{ selector: DEFAULT_SELECTOR, privateKeyFile: PRIVATE_KEY_FILE }];
  let entries: unknown;
  try {
    entries = (JSON.parse(readFileSync(file, 'utf8')) as { keys?: unknown }).keys;
  } catch (err) {
    throw new UsageError(`${file}: not a keyring (${(err as Error).message})`);
  }
  if (
    !Array.isArray(entries) ||
    entries.length === 0 ||
    !entries.every((e) => typeof e?.selector === 'string' && typeof e?.privateKeyFile === 'string')
  )
    throw new UsageError(`${file}: keys must be a non-empty list of {selector, privateKeyFile}`);
  return entries as KeyringEntry[];
}

function writeKeyring(dir: string, entries: KeyringEntry[]): void {
  // Written whole and renamed: a responder in another process reads it while fire rotates.
  const file = join(dir, KEYRING_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ keys: entries }, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export interface KeyringKey {
  selector: string;
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function loadEntry(dir: string, entry: KeyringEntry): KeyringKey {
  const privateKey = loadPrivateKey(join(dir, entry.privateKeyFile), 'keyring');
  return {
    selector: entry.selector,
    keyId: keyIdOf(entry.selector),
    privateKey,
    publicKey: createPublicKey(privateKey),
  };
}

/** The key that signs now: the newest selector. */
export function currentKey(dir: string): KeyringKey {
  const entries = readKeyring(dir);
  return loadEntry(dir, entries[entries.length - 1]!);
}

/** The files of the key that signs now (the default pair's until the first rotation, then `<selector>.key`/`.pub`). */
export function currentKeyFiles(
  dir: string,
  entries: readonly KeyringEntry[] = readKeyring(dir),
): { privateKeyPath: string; publicKeyPath: string } {
  const privateKeyPath = join(dir, entries[entries.length - 1]!.privateKeyFile);
  return { privateKeyPath, publicKeyPath: privateKeyPath.replace(/\.key$/, '.pub') };
}

/** The keys DNS publishes at `now`: the current one and those still in their grace period. */
export function publishedKeys(dir: string, now: number): KeyringKey[] {
  return readKeyring(dir)
    .filter((e) => e.publishedUntil === undefined || Date.parse(e.publishedUntil) > now)
    .map((e) => loadEntry(dir, e));
}

/**
 * A new selector and key pair become current; the old current stays
 * published for `graceMs`; keys past their grace period leave the ring
 * (their files stay, so a call signed with one can still be made).
 */
export function rotateKeyring(
  dir: string,
  now: number,
  graceMs = DEFAULT_GRACE_MS,
  keys?: { privateKey: KeyObject; publicKey: KeyObject },
): KeyringKey {
  const entries = readKeyring(dir).filter(
    (e) => e.publishedUntil === undefined || Date.parse(e.publishedUntil) > now,
  );
  const numbers = entries.map((e) => Number(e.selector.slice(SELECTOR_PREFIX.length)) || 0);
  const selector = `${SELECTOR_PREFIX}${Math.max(0, ...numbers) + 1}`;
  generateKeyPair(dir, { force: true, label: `key folder ${dir}`, ...(keys ? { keys } : {}) }, selector);
  const until = new Date(now + graceMs).toISOString();
  for (const e of entries) if (e.publishedUntil === undefined) e.publishedUntil = until;
  entries.push({ selector, privateKeyFile: `${selector}.key` });
  writeKeyring(dir, entries);
  return loadEntry(dir, entries[entries.length - 1]!);
}
