import { createPrivateKey } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { type RequestToSign, signRequest } from '../sign/signer.js';

/** Worker side of the sign pool: RSA signing off the main thread. */
interface Init {
  keyPem: string;
  keyId: string;
  copernicaId: string;
  headers?: string[];
  digestCase?: 'lower' | 'upper';
}
const init = workerData as Init;
const privateKey = createPrivateKey(init.keyPem);
const options = {
  privateKey,
  keyId: init.keyId,
  copernicaId: init.copernicaId,
  ...(init.headers ? { headers: init.headers } : {}),
  ...(init.digestCase ? { digestCase: init.digestCase } : {}),
};

parentPort!.on('message', (msg: { id: number; req: Omit<RequestToSign, 'body'> & { body: Uint8Array } }) => {
  const started = performance.now();
  const headers = signRequest({ ...msg.req, body: Buffer.from(msg.req.body) }, options);
  parentPort!.postMessage({ id: msg.id, headers, busyMs: performance.now() - started });
});
