import { type AddressInfo, createServer, type Socket } from 'node:net';

/** One request as it arrived on the wire: every byte, head and body. */
export interface RawRequest {
  bytes: Buffer;
  /** The socket's number in the order they connected (0 = first). */
  socket: number;
}

export interface RawHttpServer {
  port: number;
  url: string;
  requests: RawRequest[];
  /** Sockets accepted so far. */
  connections: number;
  close(): Promise<void>;
}

/**
 * A `node:net` server reading HTTP/1.1 requests with a Content-Length body
 * byte for byte (what node:http would hide: header case, order, spacing),
 * answering each with what `answer` writes on the socket (raw bytes, or
 * nothing: the test decides to stall, reset or close).
 */
export async function startRawHttpServer(
  answer: (socket: Socket, req: RawRequest, n: number) => void = (s) =>
    s.write('HTTP/1.1 204 No Content\r\n\r\n'),
): Promise<RawHttpServer> {
  const requests: RawRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    const number = connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(
          /\r\ncontent-length: *(\d+)/i.exec(pending.subarray(0, end).toString('latin1'))?.[1] ?? 0,
        );
        if (pending.length < end + 4 + length) return;
        const req = { bytes: pending.subarray(0, end + 4 + length), socket: number };
        pending = pending.subarray(end + 4 + length);
        requests.push(req);
        answer(socket, req, requests.length);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}/hooks/smtpeter?env=test`,
    requests,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
