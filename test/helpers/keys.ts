import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { generateKeyPair } from '../../src/sign/keys.js';

/** An RSA-2048 pair in memory, with its PEM texts (PKCS#8 private, SPKI public). */
export interface TestKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  privatePem: string;
  publicPem: string;
}

const pairs = new Map<string, TestKeyPair>();

/**
 * The pair called `name`, made once per test process: 'signer' for the
 * key that signs, 'other' (or any other name) for a different one that
 * must not verify.
 */
export function rsaKeyPair(name = 'signer'): TestKeyPair {
  let pair = pairs.get(name);
  if (!pair) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    pair = {
      privateKey,
      publicKey,
      privatePem: String(privateKey.export({ type: 'pkcs8', format: 'pem' })),
      publicPem: String(publicKey.export({ type: 'spki', format: 'pem' })),
    };
    pairs.set(name, pair);
  }
  return pair;
}

/** A key pair on disk, as `keys generate --out DIR` leaves it. */
export interface KeyFiles {
  dir: string;
  /** smtpeter-sim.key: for --key. */
  keyFile: string;
  /** smtpeter-sim.pub: for --public-key. */
  publicKeyFile: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * A new pair written into `dir` by the code behind `keys generate --out`
 * (in-process: no CLI start per test file). `keys generate` itself is
 * tested as a process in test/e2e/cli-process.test.ts.
 */
export function keyPairIn(dir: string): KeyFiles {
  const { privateKeyPath, publicKeyPath } = generateKeyPair(dir);
  return {
    dir,
    keyFile: privateKeyPath,
    publicKeyFile: publicKeyPath,
    privateKey: createPrivateKey(readFileSync(privateKeyPath)),
    publicKey: createPublicKey(readFileSync(publicKeyPath)),
  };
}
