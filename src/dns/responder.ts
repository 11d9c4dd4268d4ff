import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import * as packet from 'dns-packet';
import { hostPort } from '../model/host-port.js';

/** TXT values per name (lower case, no trailing dot); a name without values is NXDOMAIN. */
export type TxtLookup = (name: string) => string[] | undefined;

export interface DnsResponderOptions {
  /** Port on `host` for both UDP and TCP; 0 picks a free one (the same for both). Default 5353. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Asked for every query, so rotations show at once. */
  lookup: TxtLookup;
  /** Seconds a resolver may cache an answer (default 60; `check` uses 0). */
  ttl?: number;
}

export interface DnsResponder {
  host: string;
  port: number;
  /** `host:port`, as dns.setServers and `dig -p` take it. */
  server: string;
  close(): Promise<void>;
}

const RCODE_FORMERR = 1;
const RCODE_SERVFAIL = 2;
const RCODE_NXDOMAIN = 3;
const RCODE_NOTIMP = 4;
/** A TXT character-string holds 255 bytes at most: longer values go as several, joined by the reader (RFC 7208 3.3, DKIM alike). */
const TXT_CHUNK = 255;

function chunks(value: string): Buffer[] {
  const bytes = Buffer.from(value, 'utf8');
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += TXT_CHUNK) out.push(bytes.subarray(i, i + TXT_CHUNK));
  return out.length ? out : [Buffer.alloc(0)];
}

const normalName = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/** The answer to one query packet: TXT records, an empty NOERROR for other types, NXDOMAIN, or FORMERR. */
export function answer(query: Buffer, lookup: TxtLookup, ttl: number): Buffer | undefined {
  let q: packet.Packet;
  try {
    q = packet.decode(query);
  } catch {
    // Not a DNS message: answer FORMERR when there is a header to answer, else stay silent.
    if (query.length < 12) return undefined;
    return packet.encode({
      id: query.readUInt16BE(0),
      type: 'response',
      flags: RCODE_FORMERR,
      questions: [],
    });
  }
  const questions = q.questions ?? [];
  const base = {
    id: q.id ?? 0,
    type: 'response' as const,
    questions,
    // AA, and RD echoed; the rcode sits in the low four bits.
    flags: packet.AUTHORITATIVE_ANSWER | ((q.flags ?? 0) & packet.RECURSION_DESIRED),
  };
  const opcode = ((q.flags ?? 0) >> 11) & 0xf;
  if (q.type !== 'query' || opcode !== 0 || questions.length !== 1)
    return packet.encode({ ...base, flags: base.flags | RCODE_NOTIMP });
  const question = questions[0]!;
  let values: string[] | undefined;
  try {
    values = lookup(normalName(question.name));
  } catch {
    // A key folder half written or unreadable: SERVFAIL, and the next query tries again.
    return packet.encode({ ...base, flags: base.flags | RCODE_SERVFAIL });
  }
  if (!values) return packet.encode({ ...base, flags: base.flags | RCODE_NXDOMAIN });
  const wantsTxt = question.type === 'TXT' || (question.type as string) === 'ANY';
  const answers: packet.Answer[] = wantsTxt
    ? values.map((value) => ({ type: 'TXT', name: question.name, ttl, class: 'IN', data: chunks(value) }))
    : [];
  return packet.encode({ ...base, answers });
}

/** Bind UDP and TCP on one port: with port 0, the port UDP got is taken for TCP too. */
async function bind(
  host: string,
  port: number,
  onUdp: (s: Socket) => void,
  tcp: Server,
): Promise<[Socket, number]> {
  const udp = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  onUdp(udp);
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, host, () => {
      udp.off('error', reject);
      resolve();
    });
  });
  const bound = udp.address().port;
  try {
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(bound, host, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    udp.close();
    throw err;
  }
  return [udp, bound];
}

/** Length-prefixed messages over one TCP connection (RFC 1035 4.2.2), answered in order. */
function serveTcp(socket: TcpSocket, respond: (q: Buffer) => Buffer | undefined): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.setTimeout(10_000, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('data', (data: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, data]) : data;
    while (pending.length >= 2) {
      const length = pending.readUInt16BE(0);
      if (pending.length < 2 + length) break;
      const reply = respond(pending.subarray(2, 2 + length));
      pending = pending.subarray(2 + length);
      if (!reply) return void socket.destroy();
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(reply.length);
      socket.write(Buffer.concat([prefix, reply]));
    }
  });
}

/**
 * A DNS server for the keys the tool signs with: TXT answers from `lookup`
 * over UDP and TCP, NXDOMAIN for names it does not hold. Answers too long
 * for a UDP datagram (512 bytes, or the client's EDNS size) are truncated
 * (TC) so the client retries over TCP, as resolvers do.
 */
export async function startDnsResponder(options: DnsResponderOptions): Promise<DnsResponder> {
  const host = options.host ?? '127.0.0.1';
  const ttl = options.ttl ?? 60;
  const respond = (q: Buffer): Buffer | undefined => answer(q, options.lookup, ttl);
  const connections = new Set<TcpSocket>();
  const tcp = createServer((socket) => {
    connections.add(socket.once('close', () => connections.delete(socket)));
    serveTcp(socket, respond);
  });
  const onUdp = (s: Socket): void => {
    s.on('message', (msg, from) => {
      let reply = respond(msg);
      if (!reply) return;
      if (reply.length > udpLimit(msg)) reply = truncated(reply);
      s.send(reply, from.port, from.address);
    });
  };
  const [udp, port] = await bindBoth(host, options.port ?? 5353, onUdp, tcp);
  return {
    host,
    port,
    server: hostPort(host, port),
    close: () =>
      new Promise<void>((resolve) => {
        udp.close();
        tcp.close(() => resolve());
        for (const socket of connections) socket.destroy();
      }),
  };
}

/** Any free port (0): the port UDP got may be taken for TCP, so a few tries. */
async function bindBoth(
  host: string,
  port: number,
  onUdp: (s: Socket) => void,
  tcp: Server,
): Promise<[Socket, number]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await bind(host, port, onUdp, tcp);
    } catch (err) {
      if (port !== 0 || attempt >= 5 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
}

/** The UDP size the client accepts: 512, or what its EDNS OPT record offers. */
function udpLimit(query: Buffer): number {
  try {
    const opt = packet.decode(query).additionals?.find((a) => a.type === 'OPT') as
      | { udpPayloadSize?: number }
      | undefined;
    return Math.max(512, opt?.udpPayloadSize ?? 512);
  } catch {
    return 512;
  }
}

/** The reply with its answers dropped and TC set. */
function truncated(reply: Buffer): Buffer {
  const r = packet.decode(reply);
  return packet.encode({ ...r, answers: [], flags: (r.flags ?? 0) | packet.TRUNCATED_RESPONSE });
}
