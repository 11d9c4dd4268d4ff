#!/usr/bin/env node
/**
 * The raw-socket transport's ceiling, next to bench/undici-loop.mjs (same
 * arguments, same body, same output): N `node:net` sockets, each writing one
 * request at a time (or N pipelined) and reading the answer with
 * http-parser-js, as autocannon does. The request head is built per request
 * (as undici builds it: request line, host, connection, the caller's
 * headers, content-length), so the figure includes what a real transport
 * pays for varying bodies.
 *
 *   node bench/net-loop.mjs URL [connections=50] [seconds=5] [bodyBytes=450] [pipelining=1]
 *   PARSER=answer node bench/net-loop.mjs ...   # the net transport's own AnswerParser (dist/) instead
 *
 * Prints JSON: {requests, seconds, rate, errors, cpuUsPerRequest, warmCpuUsPerRequest}
 * (the second leaves out the first second: start-up, module and parser
 * compilation, connecting).
 */
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { cpuClock, loopArgs } from './loop-common.mjs';

const { HTTPParser } = createRequire(import.meta.url)('http-parser-js');
const { AnswerParser } =
  process.env.PARSER === 'answer' ? await import('../dist/src/transport/answer-parser.js') : {};

const { url, connections, seconds, body, pipelining } = loopArgs('net-loop.mjs');
const headers = ['content-type', 'application/x-www-form-urlencoded'];
const requestLine = `POST ${url.pathname} HTTP/1.1\r\nhost: ${url.host}\r\nconnection: keep-alive\r\n`;

let done = 0;
let errors = 0;
let running = true;
const stop = cpuClock(() => done);

/** The head undici writes for a POST with a known-length body. */
function head(names, length) {
  let text = requestLine;
  for (let i = 0; i < names.length; i += 2) text += `${names[i]}: ${names[i + 1]}\r\n`;
  return `${text}content-length: ${length}\r\n\r\n`;
}

function send(socket) {
  socket.cork();
  socket.write(head(headers, body.length), 'latin1');
  socket.write(body);
  socket.uncork();
}

await new Promise((resolve) => {
  let open = connections;
  for (let c = 0; c < connections; c++) {
    const socket = connect(Number(url.port), url.hostname);
    socket.setNoDelay(true);
    let inFlight = 0;
    const answered = () => {
      done++;
      inFlight--;
      if (running) {
        inFlight++;
        send(socket);
      } else if (inFlight === 0) socket.end();
    };
    if (AnswerParser) {
      const parser = new AnswerParser(
        { onAnswerHead: () => {}, onAnswerBody: () => true, onAnswerEnd: answered },
        false,
      );
      socket.on('data', (chunk) => parser.execute(chunk, 0, chunk.length));
    } else {
      const parser = new HTTPParser(HTTPParser.RESPONSE);
      parser[HTTPParser.kOnHeadersComplete] = () => {};
      parser[HTTPParser.kOnBody] = () => {};
      parser[HTTPParser.kOnMessageComplete] = answered;
      socket.on('data', (chunk) => parser.execute(chunk));
    }
    socket.on('error', () => errors++);
    socket.on('close', () => {
      if (--open === 0) resolve();
    });
    socket.on('connect', () => {
      for (let i = 0; i < pipelining; i++) {
        inFlight++;
        send(socket);
      }
    });
  }
  setTimeout(() => {
    running = false;
  }, seconds * 1000);
});
const figures = stop();
process.stdout.write(`${JSON.stringify({ ...figures, errors })}\n`);
