import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A bare node:http server that records the bytes that arrived. */
export interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface CaptureServer {
  url: string;
  requests: Captured[];
  close(): Promise<void>;
}

export async function startCaptureServer(
  answer: (
    req: Captured,
    n: number,
  ) => { status: number; headers?: Record<string, string>; body?: string } = () => ({ status: 200 }),
): Promise<CaptureServer> {
  const requests: Captured[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const captured = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      requests.push(captured);
      const a = answer(captured, requests.length);
      res.writeHead(a.status, a.headers ?? {}).end(a.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/smtpeter?env=test`,
    requests,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** PHP-convention decoding done with URLSearchParams, as a receiver would. */
export function formFields(body: Buffer): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of new URLSearchParams(body.toString('utf8'))) out.set(k, [...(out.get(k) ?? []), v]);
  return out;
}

type Answer = Parameters<typeof startCaptureServer>[0];
type Use<T> = (server: CaptureServer) => Promise<T>;

/**
 * Run `use` against a fresh capture server (answering with `answer`, else
 * 200), closed afterwards whatever happens.
 */
export function withCaptureServer<T>(use: Use<T>): Promise<T>;
export function withCaptureServer<T>(answer: Answer, use: Use<T>): Promise<T>;
export async function withCaptureServer<T>(first: Answer | Use<T>, second?: Use<T>): Promise<T> {
  const server = await startCaptureServer(second ? (first as Answer) : undefined);
  try {
    return await (second ?? (first as Use<T>))(server);
  } finally {
    await server.close();
  }
}
