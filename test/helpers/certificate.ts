import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Certificate {
  certFile: string;
  keyFile: string;
  /** For https.createServer. */
  tls: { key: Buffer; cert: Buffer };
}

/**
 * A throwaway self-signed certificate for 127.0.0.1, made by openssl in
 * `dir` for this run only (no key in the repo). Undefined without openssl.
 */
export function throwawayCertificate(dir: string): Certificate | undefined {
  mkdirSync(dir, { recursive: true });
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'tls.key');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'ignore' },
    );
  } catch {
    return undefined;
  }
  return { certFile, keyFile, tls: { key: readFileSync(keyFile), cert: readFileSync(certFile) } };
}
