import type { IncomingMessage } from 'node:http';

/** A request body past the limit. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`body larger than ${limit} bytes`);
  }
}

/**
 * A request's body, at most `limit` bytes. Past it: `destroy` drops the
 * connection at once (a receiver under a flood), `drain` reads the rest and
 * throws it away so the server can still answer (413) on the same socket.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  overflow: 'destroy' | 'drain' = 'destroy',
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge(limit));
        if (overflow === 'destroy') req.destroy();
        else chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
