import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLarge, readBody } from '../../transport/read-body.js';
import { ApiError } from '../errors.js';

/** The request body, refused with 413 past `limit` bytes (the rest is read and dropped, so the answer can be sent). */
export function readRequest(req: IncomingMessage, limit: number): Promise<Buffer> {
  return readBody(req, limit, 'drain').catch((err: unknown) => {
    throw err instanceof BodyTooLarge ? new ApiError(413, `request body larger than ${limit} bytes`) : err;
  });
}

export function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(value)}\n`);
}

export function text(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  type = 'text/plain; charset=utf-8',
): void {
  res.writeHead(status, { 'content-type': type }).end(body);
}
