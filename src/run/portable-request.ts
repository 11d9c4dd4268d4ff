import { createPrivateKey } from 'node:crypto';
import type { RequestOptions } from './request.js';

/**
 * Request options as they cross to a worker thread: the private key as PEM
 * (a KeyObject is made again on the other side), header lists as arrays.
 */
export type PortableRequest = Omit<RequestOptions, 'signing'> & {
  signing?: {
    keyPem: string;
    keyId: string;
    copernicaId: string;
    headers?: string[];
    digestCase?: 'lower' | 'upper';
  };
};

export function portableRequest(options: RequestOptions): PortableRequest {
  const { signing, ...request } = options;
  if (!signing) return request;
  return {
    ...request,
    signing: {
      keyPem: signing.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      keyId: signing.keyId,
      copernicaId: signing.copernicaId,
      ...(signing.headers ? { headers: [...signing.headers] } : {}),
      ...(signing.digestCase ? { digestCase: signing.digestCase } : {}),
    },
  };
}

export function requestFromPortable(portable: PortableRequest): RequestOptions {
  const { signing, ...request } = portable;
  if (!signing) return request;
  return {
    ...request,
    signing: {
      privateKey: createPrivateKey(signing.keyPem),
      keyId: signing.keyId,
      copernicaId: signing.copernicaId,
      ...(signing.headers ? { headers: signing.headers } : {}),
      ...(signing.digestCase ? { digestCase: signing.digestCase } : {}),
    },
  };
}
