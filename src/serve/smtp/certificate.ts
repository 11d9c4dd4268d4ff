import { readFileSync } from 'node:fs';
import { generate } from 'selfsigned';
import { UsageError } from '../../model/errors.js';

export interface TlsPair {
  key: string;
  cert: string;
}

/** `--tls-cert` and `--tls-key`, read now (a missing file is a usage error before anything listens). */
export function tlsFromFiles(certFile: string, keyFile: string): TlsPair {
  const read = (flag: string, file: string): string => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(
        `${flag} ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  };
  const cert = read('--tls-cert', certFile);
  const key = read('--tls-key', keyFile);
  if (!cert.includes('-----BEGIN CERTIFICATE-----'))
    throw new UsageError(`--tls-cert ${certFile}: not a PEM certificate`);
  if (!/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(key))
    throw new UsageError(`--tls-key ${keyFile}: not a PEM private key`);
  return { cert, key };
}

/** A self-signed certificate for localhost and 127.0.0.1 (STARTTLS needs one; clients are told to accept it). */
export async function selfSignedPair(): Promise<TlsPair> {
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 365 * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
